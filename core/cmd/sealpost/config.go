package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sealpost/sealpost/core/config"
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
			fmt.Fprintf(e.stderr, "sealpost: error: %s: %s: %s\n", files[0], p.Path, p.Message)
		}
		return refused
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: ok (%s; languages %v; required %v)\n", files[0], cfg.Org.Name, cfg.Languages, cfg.Fields.Required)
	return nil
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
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(f); err != nil {
			return err
		}
	case "text":
		for _, p := range f.Problems {
			fmt.Fprintln(e.stdout, p)
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
		return err
	}
	f := cfg.SecurityTxt(e.now().Add(time.Duration(*days)*24*time.Hour), *canonical)
	_, err = e.stdout.Write(f.Format())
	return err
}
