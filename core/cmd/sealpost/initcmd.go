package main

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/securitytxt"
	"github.com/sealpost/sealpost/widget"
)

// initConfig writes a vendor config from flags or from a security.txt,
// checks its key, and prints the embed snippet and the headers to add.
// What it prints of a security.txt, a key or a config (which may quote
// them) is cleaned: the security.txt may come from anyone's site.
func (e *env) initConfig(args []string) error {
	return cleanError(e.initFrom(args))
}

func (e *env) initFrom(args []string) error {
	fs := e.flags("init", "init --name ORG [--endpoint URL] (--security-txt FILE|URL | --key FILE|URL --email ADDRESS) [flags] [--out config.json]")
	name := fs.String("name", "", "the organisation's `name` (required)")
	endpoint := fs.String("endpoint", "", "the receiver `URL` reports are posted to; none: email only (reporters email the sealed report to the security address)")
	stxt := fs.String("security-txt", "", "draft from this security.txt (`file or https URL`)")
	key := fs.String("key", "", "the public key: a `file` (put inline) or an https URL")
	email := fs.String("email", "", "the security team's email `address`")
	policy := fs.String("policy-url", "", "the disclosure policy's `URL`")
	langs := fs.String("languages", "en", "the form's `languages`, comma-separated, the first the default")
	widgetURL := fs.String("widget-url", "", "where the widget is hosted (`URL` of the folder holding sealpost.js)")
	configURL := fs.String("config-url", "", "where config.json will be served (`URL`); default next to the widget")
	pages := fs.String("pages", "", "the pages that embed the form (`URLs` or origins, comma-separated), for frame-ancestors; default the config's origin")
	out := fs.String("out", "config.json", "the config `file` to write (never overwritten)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *name == "" {
		return usageError("init: --name is required")
	}
	site := embedding{widgetURL: *widgetURL, configURL: *configURL, pages: *pages}
	if *stxt != "" {
		data, err := e.fetchOrRead(*stxt, securitytxt.MaxBytes)
		if errors.Is(err, errTooLarge) {
			err = fmt.Errorf("%w; a security.txt is a few KB: give the file served at /.well-known/security.txt", err)
		}
		if err != nil {
			return err
		}
		f, err := securitytxt.Parse(strings.NewReader(string(data)), e.now())
		if err != nil {
			return err
		}
		var notes []string
		for _, p := range f.Problems {
			notes = append(notes, "security.txt "+p.String())
		}
		if *key != "" {
			// The key from a file, still pinned to the security.txt's
			// openpgp4fpr when it has one.
			if f.Encryption, err = localKey(f.Encryption, *key); err != nil {
				return err
			}
		}
		cfg, more, err := config.FromSecurityTxt(f, *name, *endpoint)
		if cfg != nil && *key != "" { // the key file fills what the security.txt may lack
			cfg.Key.URL, cfg.Key.WKD = "", ""
			if cfg.Key.Armored, err = e.armoredKey(*key); err != nil {
				return notWritten(err)
			}
			err = cfg.Check()
		}
		if err != nil {
			return err
		}
		for _, n := range more {
			if *key == "" || !strings.Contains(n, "WKD") {
				notes = append(notes, n)
			}
		}
		return e.finishInit(cfg, notes, site, *out)
	}
	if *key == "" {
		return usageError("init: give --security-txt, or --key (and --email)")
	}
	c := &config.Config{
		Schema: config.Schema,
		Org:    config.Org{Name: *name, SecurityEmail: *email, PolicyURL: *policy},
		Fields: config.Fields{
			Shown:    []string{"title", "category", "targets", "discovered_at", "description", "expected", "steps", "impact", "cvss", "cwe", "reporter.name", "reporter.email", "reporter.pgp_key"},
			Required: []string{"targets", "description"},
		},
		Attachments: config.Attachments{MaxCount: 5, MaxFileBytes: 100 << 20, MaxTotalBytes: 200 << 20},
		Languages:   strings.Split(strings.ReplaceAll(*langs, " ", ""), ","),
		Bounty:      config.Bounty{Kind: "none"},
		Credit:      config.Credit{Offered: true},
	}
	if *endpoint != "" {
		c.Endpoint = config.Endpoint{URL: *endpoint, Format: "raw"}
	}
	if strings.HasPrefix(*key, "https://") {
		c.Key.URL = *key
	} else {
		var err error
		if c.Key.Armored, err = e.armoredKey(*key); err != nil {
			return notWritten(err)
		}
	}
	if err := c.Check(); err != nil {
		return err
	}
	return e.finishInit(c, nil, site, *out)
}

// armoredKey reads a key file of any shape pgpkey reads (armored, binary
// .gpg, a .zip of key files, a page holding the key) and returns its
// usable keys armored, as a config's key.armored holds them: raw bytes
// would not survive JSON. The keys are judged at e's clock.
func (e *env) armoredKey(file string) (string, error) {
	data, err := readAtMost(file, pgpkey.MaxBytes)
	if errors.Is(err, errTooLarge) {
		return "", fmt.Errorf("%w; a public key file is a few KB: give the exported public key (gpg --export --armor ADDRESS)", err)
	}
	if err != nil {
		return "", err
	}
	set, err := pgpkey.Parse(data, pgpkey.Options{Now: e.now})
	if err != nil {
		return "", err
	}
	var buf strings.Builder
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return "", err
	}
	for _, k := range set.Keys {
		if err := k.Entity.Serialize(w); err != nil {
			return "", fmt.Errorf("writing key %s: %w", k.Fingerprint, err)
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return buf.String() + "\n", nil
}

// notWritten says why init wrote no config when the key failed it.
func notWritten(err error) error {
	var ke *pgpkey.KeyError
	if errors.As(err, &ke) {
		return fmt.Errorf("the key cannot be used, so no config was written: %v", ke)
	}
	var pe *os.PathError
	if errors.As(err, &pe) || errors.Is(err, errTooLarge) {
		return fmt.Errorf("%w; no config was written", err)
	}
	return fmt.Errorf("checking the key: %w; no config was written", err)
}

// embedding is where the form will live: the widget's folder, the
// config's URL, and the pages that embed it.
type embedding struct{ widgetURL, configURL, pages string }

func (e *env) finishInit(cfg *config.Config, notes []string, site embedding, out string) error {
	keys, err := e.configKeys(cfg)
	if err != nil {
		return notWritten(err)
	}
	k := keys.Keys[0]
	if cfg.Key.Fingerprint == "" {
		cfg.Key.Fingerprint = k.Fingerprint // pin what was checked
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("%w; nothing is overwritten", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	w := e.stdout
	printLine(w, "wrote %s for %s; key %s (%s) pinned", out, cfg.Org.Name, k.Fingerprint, k.Algorithm)
	for _, warn := range k.Warnings {
		printLine(w, "warning: %s", warn)
	}
	for _, n := range notes {
		printLine(w, "note: %s", n)
	}
	if cfg.EmailOnly() {
		printLine(w, "email only: no endpoint; the form seals each report and the reporter emails it to %s (nothing to run)", cfg.Org.SecurityEmail)
	}
	if site.widgetURL == "" {
		fmt.Fprintln(w, "\nGive --widget-url to get the embed snippet and the headers.")
		return nil
	}
	e.printEmbedding(cfg, k.Fingerprint, site, out)
	return nil
}

// printEmbedding prints the snippet, the headers of the vendor's page and
// of the widget's origin (widget.PolicyFor, the one home of the widget's
// CSP), and the build settings that lock the widget to this config.
func (e *env) printEmbedding(cfg *config.Config, fingerprint string, site embedding, out string) {
	w := e.stdout
	base := strings.TrimSuffix(site.widgetURL, "/")
	configURL := site.configURL
	if configURL == "" {
		configURL = base + "/config.json"
	}
	integrity := ""
	if js, err := e.fetchOrRead(base+"/sealpost.js", 1<<20); err == nil {
		sum := sha512.Sum384(js)
		integrity = ` integrity="sha384-` + base64.StdEncoding.EncodeToString(sum[:]) + `" crossorigin="anonymous"`
	} else {
		fmt.Fprintln(w)
		printLine(w, "note: %v: the snippet has no integrity hash; make build prints it", err)
	}
	widgetOrigin := widget.Origin(base)
	var pages []string
	for _, p := range strings.Split(site.pages, ",") {
		if p = strings.TrimSpace(p); p != "" {
			pages = append(pages, p)
		}
	}
	if len(pages) == 0 {
		pages = []string{configURL}
	}
	policy := widget.PolicyFor(cfg, widgetOrigin, configURL, pages)
	fmt.Fprintf(w, "\nPaste where the form should appear:\n\n  <script src=\"%s/sealpost.js\" data-config=\"%s\"%s async></script>\n", base, configURL, integrity)
	fmt.Fprintf(w, "\nYour page's Content-Security-Policy must allow the widget:\n\n  script-src %s; frame-src %s\n", widgetOrigin, widgetOrigin)
	fmt.Fprintf(w, "\nThe widget's origin serves every file, and config.json, with:\n\n")
	header := policy.Header()
	for _, name := range slices.Sorted(maps.Keys(header)) {
		printLine(w, "  %s: %s", name, header.Get(name))
	}
	fmt.Fprintf(w, "\n%s (give --pages to change the pages)\n", cleanText(policy.Explain())) // several lines
	if len(policy.FrameAncestors) == 0 {
		fmt.Fprintln(w, "note: frame-ancestors allows only the widget's own origin: give --pages with the pages that embed the form")
	}
	fmt.Fprintf(w, "\nLock the widget to this config (it then refuses any other ?config= without fetching it):\n\n  make build CONFIG_URL=%s\n", configURL)
	fmt.Fprintf(w, "\nTo have it check the config's signature too, sign each version you publish and serve %s.asc next to it:\n\n"+
		"  sealpost config sign --secret-key SECRET-KEY.asc %s\n  make build CONFIG_URL=%s CONFIG_SIGNER=%s\n", path.Base(configURL), out, configURL, fingerprint)
	if cfg.EmailOnly() {
		return
	}
	fmt.Fprintf(w, "\nThe receiver must accept the frame's origin: \"allowed_origins\": [%q]\n"+
		"(add \"null\" only if you serve the widget from your page's own origin: the frame then runs in an opaque origin)\n", widgetOrigin)
	fmt.Fprintln(w, "\nsealpost serve asks each report for a proof of work by default (about half a second in a browser):\n"+
		"\"proof_of_work\": {\"difficulty\": 0} in its config turns it off; see core/receiver/README.md.")
}

// fetchOrRead reads a local file, or GETs an https URL, at most limit
// bytes: past it, the error wraps errTooLarge.
func (e *env) fetchOrRead(source string, limit int64) ([]byte, error) {
	if !strings.HasPrefix(source, "https://") && !strings.HasPrefix(source, "http://") {
		return readAtMost(source, limit)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
	if err != nil {
		return nil, err
	}
	var client deliver.Doer = http.DefaultClient
	if e.client != nil {
		client = e.client
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if strings.HasPrefix(source, "https://") && resp.Request.URL.Scheme != "https" {
		return nil, fmt.Errorf("%s redirected to %s, which is not https: give the https URL it should be read from", source, resp.Request.URL.Redacted())
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", source, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is %w: it is larger than %d bytes", source, errTooLarge, limit)
	}
	return data, err
}

// errTooLarge is the cause of readAtMost's refusal.
var errTooLarge = errors.New("too large")

// readAtMost reads file, refusing it past limit bytes without reading
// further: a device or a pipe (--key /dev/zero) may never end. Every file
// the CLI reads whole goes through it (keys, passphrases, reply codes,
// credentials, configs).
func readAtMost(file string, limit int64) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is %w: it is larger than %d bytes", file, errTooLarge, limit)
	}
	return data, nil
}

// localKey keeps a security.txt's openpgp4fpr pins and drops its key URLs,
// for a key given as a file; the file must exist.
func localKey(encryption []string, file string) ([]string, error) {
	if _, err := os.Stat(file); err != nil {
		return nil, err
	}
	var pins []string
	for _, enc := range encryption {
		if strings.HasPrefix(strings.ToLower(enc), "openpgp4fpr:") {
			pins = append(pins, enc)
		}
	}
	return pins, nil
}
