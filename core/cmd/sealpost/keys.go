package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

// loadKeys reads a key from a file, an https URL or, for an email address,
// the Web Key Directory.
func (e *env) loadKeys(source, pin string) (*pgpkey.Set, error) {
	ctx := context.Background()
	var data []byte
	var err error
	switch {
	case strings.HasPrefix(source, "https://") || strings.HasPrefix(source, "http://"):
		data, err = pgpkey.Fetch(ctx, nil, source)
	case strings.Contains(source, "@") && !fileExists(source):
		data, err = pgpkey.LookupWKD(ctx, nil, source)
	default:
		data, err = readAtMost(source, pgpkey.MaxBytes)
	}
	if err != nil {
		return nil, err
	}
	return pgpkey.Parse(data, pgpkey.Options{Now: e.now, Pin: pin})
}

// configKeys loads the key a vendor config names.
func (e *env) configKeys(cfg *config.Config) (*pgpkey.Set, error) {
	return e.configKeysWithin(context.Background(), cfg)
}

// configKeysWithin loads the key a vendor config names, fetching it
// within ctx, and judges it at e's clock: the one path from a config to
// its keys.
func (e *env) configKeysWithin(ctx context.Context, cfg *config.Config) (*pgpkey.Set, error) {
	return pgpkey.Load(ctx, e.client, pgpkey.Source(cfg.Key), pgpkey.Options{Now: e.now})
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

func (e *env) keyInspect(args []string) error {
	fs := e.flags("key inspect", "key inspect [--pin FPR] [--format text|json] FILE|URL|ADDRESS")
	pin := fs.String("pin", "", "refuse any key but the one with this `fingerprint`")
	format := fs.String("format", "text", "output `format`: text or json")
	sources, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if len(sources) != 1 {
		return usageError("usage: sealpost key inspect [--pin FPR] [--format text|json] FILE|URL|ADDRESS")
	}
	if *format != "text" && *format != "json" {
		return usageError("key inspect: --format must be text or json, not %q", *format)
	}
	set, err := e.loadKeys(sources[0], *pin)
	var ke *pgpkey.KeyError
	if err != nil && !errors.As(err, &ke) {
		return err
	}
	if set == nil {
		set = &pgpkey.Set{Skipped: []*pgpkey.KeyError{ke}}
	}
	if *format == "json" {
		type skipped struct {
			Fingerprint string `json:"fingerprint,omitempty"`
			Reason      string `json:"reason"`
			Message     string `json:"message"`
		}
		out := struct {
			Usable  bool          `json:"usable"`
			Keys    []*pgpkey.Key `json:"keys"`
			Skipped []skipped     `json:"skipped"`
		}{Usable: len(set.Keys) > 0, Keys: set.Keys, Skipped: []skipped{}}
		if out.Keys == nil {
			out.Keys = []*pgpkey.Key{}
		}
		for _, s := range set.Skipped {
			out.Skipped = append(out.Skipped, skipped{s.Fingerprint, s.Err.Error(), s.Error()})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, k := range set.Keys {
			e.printKey(k)
		}
		for _, s := range set.Skipped {
			fmt.Fprintf(e.stdout, "refused: %s\n", report.Clean(s.Error()))
		}
	}
	if len(set.Keys) == 0 {
		return refused
	}
	return nil
}

func (e *env) printKey(k *pgpkey.Key) {
	date := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Format(time.DateOnly)
	}
	fmt.Fprintf(e.stdout, "usable:      yes\n")
	fmt.Fprintf(e.stdout, "fingerprint: %s (v%d)\n", k.Fingerprint, k.Version)
	for _, id := range k.UserIDs {
		fmt.Fprintf(e.stdout, "user ID:     %s\n", report.Clean(id)) // a key's text, from anywhere
	}
	fmt.Fprintf(e.stdout, "algorithm:   %s, created %s, expires %s\n", k.Algorithm, date(k.Created), date(k.Expires))
	fmt.Fprintf(e.stdout, "encrypts to: %s (%s, expires %s)\n", k.Encryption.Fingerprint, k.Encryption.Algorithm, date(k.Encryption.Expires))
	for _, w := range k.Warnings {
		fmt.Fprintf(e.stdout, "warning:     %s\n", w)
	}
}

// vendorKeys are the vendor's keys as its secret key file gives them: the
// public halves that pgpkey accepts (a vendor's replies are sealed to
// them too, so it can read them again), and the newest of them that can
// sign, which signs its messages.
type vendorKeys struct {
	signer *openpgp.Entity
	public []*pgpkey.Key
	all    openpgp.EntityList // the secret keys: they decrypt, and verify the vendor's messages
}

func (e *env) vendorKeys(secret openpgp.EntityList) (*vendorKeys, error) {
	v := &vendorKeys{all: secret}
	var refusals []string
	for _, ent := range secret {
		if ent.PrivateKey == nil {
			continue
		}
		var pub bytes.Buffer
		if err := ent.Serialize(&pub); err != nil {
			return nil, err
		}
		set, err := pgpkey.Parse(pub.Bytes(), pgpkey.Options{Now: e.now})
		if err != nil {
			refusals = append(refusals, report.Clean(err.Error()))
			continue
		}
		v.public = append(v.public, set.Keys...)
		if _, ok := ent.SigningKey(e.now()); ok && (v.signer == nil || ent.PrimaryKey.CreationTime.After(v.signer.PrimaryKey.CreationTime)) {
			v.signer = ent
		}
	}
	if v.signer == nil {
		return nil, fmt.Errorf("no key in the secret key file can sign a reply (%s): use the vendor's current secret key", strings.Join(refusals, "; "))
	}
	return v, nil
}

// replyKeyOf is the report's reply key (report.json's reply_key), which
// came from outside: judged as any key is. A report sent without a reply
// code has none, and is answered by email.
func (e *env) replyKeyOf(r *report.Report) (*pgpkey.Key, error) {
	if r.ReplyKey == "" {
		msg := "the report has no reply_key: the reporter sent it without a reply code, so it has no thread to answer in"
		if addr := strings.TrimSpace(report.Clean(r.Reporter.Email)); addr != "" {
			msg += "; answer by email to " + addr
		} else {
			msg += ", and it left no email address"
		}
		return nil, &exitError{code: 1, msg: msg}
	}
	set, err := pgpkey.Parse([]byte(r.ReplyKey), pgpkey.Options{Now: e.now})
	if err != nil {
		return nil, fmt.Errorf("the report's reply_key cannot be used: %w", cleanError(err))
	}
	return set.Keys[0], nil
}

// reportAt reads the report a thread belongs to: an opened report's
// folder (sealpost open), its report.json, or the sealed report itself,
// decrypted in memory with keys.
func (e *env) reportAt(path string, keys openpgp.EntityList) (*report.Report, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		path = filepath.Join(path, "report.json")
	}
	f, err := os.Open(path)
	if err != nil {
		if st.IsDir() {
			return nil, fmt.Errorf("%s holds no report.json: give the folder sealpost open made, its report.json, or the sealed report", filepath.Dir(path))
		}
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(512)
	if t := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		r, err := report.Parse(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, cleanError(err))
		}
		return r, nil
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s is a sealed report: reading it needs the vendor's secret key (--secret-key)", path)
	}
	r, err := seal.ReadReport(br, keys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, cleanError(err))
	}
	return r, nil
}
