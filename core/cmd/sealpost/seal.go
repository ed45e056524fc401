package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

func (e *env) seal(args []string) error {
	fs := e.flags("seal", "seal (--key FILE|URL|ADDRESS | --config FILE) [--pin FPR] [--attach FILE]... [--armor=false] [REPORT.json|-] > sealed.asc")
	keySource := fs.String("key", "", "the vendor's public key: a `file`, an https URL or an email address (WKD)")
	cfgFile := fs.String("config", "", "vendor `config`: its rules apply, and its key when --key is not given")
	pin := fs.String("pin", "", "refuse any key but the one with this `fingerprint`")
	armor := fs.Bool("armor", true, "write ASCII armor; --armor=false writes binary")
	var attach []string
	fs.Func("attach", "attach a `file` (repeatable)", func(s string) error {
		attach = append(attach, s)
		return nil
	})
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *keySource == "" && *cfgFile == "" {
		return usageError("seal: give the vendor's key with --key, or a config with --config")
	}
	rules, lang := defaultRules, ""
	var cfg *config.Config
	if *cfgFile != "" {
		if cfg, err = config.LoadFile(*cfgFile); err != nil {
			return err
		}
		rules, lang = cfg.Rules(), cfg.Language()
	}
	r, err := e.readReport(first(files))
	if err != nil {
		return err
	}
	bodies, closeAll, err := attachFiles(r, attach)
	defer closeAll()
	if err != nil {
		return err
	}
	if r.SubmittedAt == nil {
		now := e.now().UTC().Truncate(time.Second)
		r.SubmittedAt = &now
	}
	if r.Client == "" {
		r.Client = "sealpost-cli"
	}
	var verr *report.ValidationError
	if err := report.Validate(r, report.Options{Rules: rules, Language: lang, Now: e.now}); errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Fprintf(e.stderr, "sealpost: error: %s: %s [%s]\n", report.Clean(p.Field), report.Clean(p.Message), p.Rule)
		}
		return &exitError{code: 1, msg: "the report is invalid: nothing was sealed"}
	} else if err != nil {
		return err
	}

	var keys *pgpkey.Set
	if *keySource != "" {
		keys, err = e.loadKeys(*keySource, *pin)
	} else {
		if *pin != "" {
			cfg.Key.Fingerprint = *pin
		}
		keys, err = e.configKeys(cfg)
	}
	if err != nil {
		return err
	}
	for _, k := range keys.Keys {
		for _, w := range k.Warnings {
			fmt.Fprintf(e.stderr, "sealpost: warning: key %s: %s\n", k.Fingerprint, w)
		}
	}
	// Streamed to stdout: on failure the output is incomplete, and the exit
	// status and message say so.
	if err := seal.Report(e.stdout, r, bodies, keys.Keys, seal.Options{Armor: *armor, Now: e.now}); err != nil {
		return fmt.Errorf("sealing failed, discard the output: %w", err)
	}
	return nil
}

func (e *env) open(args []string) error {
	fs := e.flags("open", "open --secret-key FILE [--passphrase-file FILE] [--out DIR] [SEALED|-]")
	keyFile := fs.String("secret-key", "", "the vendor's secret key `file` (armored or binary)")
	passFile := fs.String("passphrase-file", "", "`file` holding the secret key's passphrase (or set SEALPOST_PASSPHRASE)")
	out := fs.String("out", "", "new `folder` to unpack into (default: report-<time>)")
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *keyFile == "" {
		return usageError("open: --secret-key is required")
	}
	keys, err := e.secretKeys(*keyFile, *passFile)
	if err != nil {
		return cleanError(err)
	}
	dir := *out
	if dir == "" {
		dir = "report-" + e.now().UTC().Format("20060102-150405")
	}
	in, err := e.openInput(first(files))
	if err != nil {
		return err
	}
	defer in.Close()
	opened, err := seal.Open(in, keys, dir)
	if err != nil {
		return cleanError(err)
	}
	title := strings.TrimSpace(report.Clean(opened.Report.Title))
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(e.stdout, "opened %q into %s: report.txt, report.json, %d attachment(s)\n", title, opened.Dir, len(opened.Attachments))
	return nil
}

func trimNewline(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// secretKeys reads the vendor's secret keys, unlocked with the passphrase
// from passFile or SEALPOST_PASSPHRASE (never from the command line).
func (e *env) secretKeys(keyFile, passFile string) (openpgp.EntityList, error) {
	keyData, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	passphrase := []byte(os.Getenv("SEALPOST_PASSPHRASE"))
	if passFile != "" {
		if passphrase, err = os.ReadFile(passFile); err != nil {
			return nil, err
		}
		passphrase = []byte(trimNewline(string(passphrase)))
	}
	return seal.ReadSecretKeys(keyData, passphrase)
}
