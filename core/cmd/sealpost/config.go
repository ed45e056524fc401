package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/securitytxt"
)

func (e *env) configCheck(args []string) error {
	fs := e.flags("config check", "config check FILE")
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError("usage: sealpost config check FILE")
	}
	cfg, err := config.LoadFile(files[0])
	var cerr *config.Error
	if errors.As(err, &cerr) {
		for _, p := range cerr.Problems {
			printLine(e.stderr, "sealpost: error: %s: %s: %s", files[0], p.Path, p.Message)
		}
		return refused
	}
	if err != nil {
		return cleanError(err)
	}
	if err := e.checkKey(files[0], cfg); err != nil {
		return err
	}
	printLine(e.stdout, "%s: ok (%s; languages %v; required %v)", files[0], cfg.Org.Name, cfg.Languages, cfg.Fields.Required)
	return nil
}

// printLine writes one line to w, formatted, then cleaned with
// [report.Clean]: a config's text (its org.name, the raw JSON keys a
// problem's path quotes) may hold what a terminal acts on, or a line break
// that would forge a line of the output.
func printLine(w io.Writer, format string, a ...any) {
	fmt.Fprintln(w, report.Clean(fmt.Sprintf(format, a...)))
}

// keyCheckTimeout bounds config check's fetch of a key named by URL or
// WKD address: a check that waits longer says so and goes on.
const keyCheckTimeout = 5 * time.Second

// checkKey loads the key cfg names and judges it as seal --config does
// (pgpkey.Load): a key that would be refused fails the check with its
// reason; a key that cannot be fetched is a warning, and the check goes
// on without it.
func (e *env) checkKey(file string, cfg *config.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), keyCheckTimeout)
	defer cancel()
	set, err := e.configKeysWithin(ctx, cfg)
	where := keyField(cfg.Key)
	switch {
	case errors.Is(err, pgpkey.ErrFetch) || errors.Is(err, context.DeadlineExceeded):
		printLine(e.stderr, "sealpost: warning: %s: %s: the key could not be fetched, so it was not checked (%s); run config check again where it can be reached",
			file, where, err)
		return nil
	case errors.Is(err, pgpkey.ErrPinMismatch):
		where = "key.fingerprint"
		fallthrough
	case err != nil:
		printLine(e.stderr, "sealpost: error: %s: %s: %s", file, where, err)
		return refused
	}
	k := set.Keys[0]
	expires := "never"
	if !k.Expires.IsZero() {
		expires = k.Expires.Format(time.DateOnly)
	}
	printLine(e.stdout, "%s: %s: key %s (%s) can be used; it expires %s", file, where, k.Fingerprint, k.Algorithm, expires)
	for _, w := range k.Warnings {
		printLine(e.stdout, "%s: %s: warning: %s", file, where, w)
	}
	return nil
}

// keyField names the field of a config's key that pgpkey.Load reads: the
// inline key first, then the URL, then the WKD address.
func keyField(k config.Key) string {
	switch {
	case k.Armored != "":
		return "key.armored"
	case k.URL != "":
		return "key.url"
	case k.WKD != "":
		return "key.wkd"
	}
	return "key"
}

func (e *env) securitytxtParse(args []string) error {
	fs := e.flags("securitytxt parse", "securitytxt parse [--format json|text] FILE|-")
	format := fs.String("format", "json", "output `format`: json, or text (the problems only)")
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	in, err := e.openInput(first(files))
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := securitytxt.Parse(in, e.now())
	if err != nil {
		return cleanError(err)
	}
	switch *format {
	case "json": // a security.txt's values, escaped as the terminal needs
		if err := writeJSON(e.stdout, f); err != nil {
			return err
		}
	case "text":
		for _, p := range f.Problems {
			printLine(e.stdout, "%s", p)
		}
		if len(f.Problems) == 0 {
			fmt.Fprintln(e.stdout, "no problems")
		}
	default:
		return usageError("securitytxt parse: --format must be json or text, not %q", *format)
	}
	return nil
}

func (e *env) securitytxtGen(args []string) error {
	fs := e.flags("securitytxt gen", "securitytxt gen --config FILE [--expires DAYS] [--canonical URL]")
	cfgFile := fs.String("config", "", "vendor `config` to describe (required)")
	days := fs.Int("expires", 180, "the file expires after this many `days` (RFC 9116: less than a year)")
	canonical := fs.String("canonical", "", "the `URL` the file will be served at")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *cfgFile == "" {
		return usageError("securitytxt gen: --config is required")
	}
	if *days < 1 || *days > 365 {
		return usageError("securitytxt gen: --expires must be 1 to 365 days")
	}
	cfg, err := config.LoadFile(*cfgFile)
	if err != nil {
		return cleanError(err)
	}
	f := cfg.SecurityTxt(e.now().Add(time.Duration(*days)*24*time.Hour), *canonical)
	_, err = e.stdout.Write(f.Format())
	return err
}
