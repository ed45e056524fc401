package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/report"
)

// defaultRules apply when no vendor config is given.
var defaultRules = report.Rules{
	Required:       []string{"targets", "description"},
	MaxAttachments: 20,
	MaxFileBytes:   2 << 30,
}

func (e *env) validate(args []string) error {
	fs := e.flags("validate", "validate [--config FILE] [--lang xx] [--format text|json] [FILE|-]")
	cfgFile := fs.String("config", "", "vendor `config` whose rules apply (default: targets and description required)")
	lang := fs.String("lang", "", "language of the messages: en, nl, fr, de or es (default: the config's first)")
	format := fs.String("format", "text", "output `format`: text or json")
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("validate: --format must be text or json, not %q", *format)
	}
	opts := report.Options{Rules: defaultRules, Language: *lang, Now: e.now}
	if *cfgFile != "" {
		cfg, err := config.LoadFile(*cfgFile)
		if err != nil {
			return err
		}
		opts.Rules = cfg.Rules()
		if opts.Language == "" {
			opts.Language = cfg.Language()
		}
		opts.Labels = cfg.Labels(opts.Language)
	}

	var problems []report.Problem
	r, err := e.readReport(first(files))
	var verr *report.ValidationError
	switch {
	case errors.As(err, new(*os.PathError)):
		return err
	case errors.As(err, &verr): // report.json that does not decode, each problem at its JSON path
		problems = verr.Problems
	case err != nil:
		problems = []report.Problem{{Field: "", Rule: "json", Message: report.Clean(err.Error())}}
	default:
		err = report.Validate(r, opts)
		if errors.As(err, &verr) {
			problems = verr.Problems
		} else if err != nil {
			return err
		}
	}

	if *format == "json" {
		out := struct {
			Valid  bool             `json:"valid"`
			Errors []report.Problem `json:"errors"`
		}{len(problems) == 0, problems}
		if out.Errors == nil {
			out.Errors = []report.Problem{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else if len(problems) == 0 {
		fmt.Fprintln(e.stdout, "valid")
	} else {
		for _, p := range problems {
			if p.Field == "" {
				fmt.Fprintf(e.stdout, "%s\n", report.Clean(p.Message))
			} else {
				fmt.Fprintf(e.stdout, "%s: %s [%s]\n", report.Clean(p.Field), report.Clean(p.Message), p.Rule)
			}
		}
	}
	if len(problems) > 0 {
		return refused
	}
	return nil
}

func (e *env) render(args []string) error {
	fs := e.flags("render", "render [--format text|json|mime] [--attach FILE]... [FILE|-]")
	format := fs.String("format", "text", "output `format`: text, json or mime")
	var attach []string
	fs.Func("attach", "add a `file` as an attachment (mime format; repeatable)", func(s string) error {
		attach = append(attach, s)
		return nil
	})
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	r, err := e.readReport(first(files))
	if e.printProblems(err) {
		return &exitError{code: 1, msg: "the report is not valid report.json: nothing was rendered"}
	}
	if err != nil {
		return cleanError(err)
	}
	switch *format {
	case "text":
		return r.WriteText(e.stdout)
	case "json":
		js, err := r.JSON()
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(js)
		return err
	case "mime":
		bodies, closeAll, err := attachFiles(r, attach)
		defer closeAll()
		if err != nil {
			return err
		}
		return report.WriteMIME(e.stdout, r, bodies)
	}
	return usageError("render: --format must be text, json or mime, not %q", *format)
}

// printProblems writes each problem of err, when it is a
// *report.ValidationError, to stderr as "sealpost: error: FIELD: MESSAGE
// [RULE]", and reports whether it was one.
func (e *env) printProblems(err error) bool {
	var verr *report.ValidationError
	if !errors.As(err, &verr) {
		return false
	}
	for _, p := range verr.Problems {
		field := ""
		if p.Field != "" {
			field = report.Clean(p.Field) + ": "
		}
		fmt.Fprintf(e.stderr, "sealpost: error: %s%s [%s]\n", field, report.Clean(p.Message), p.Rule)
	}
	return true
}

// readReport reads report.json from a file or standard input; a document
// that does not decode is a *report.ValidationError.
func (e *env) readReport(name string) (*report.Report, error) {
	in, err := e.openInput(name)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return report.Parse(in)
}

// attachFiles adds the named files to r's attachments (name, type, size,
// SHA-256, read once now) and opens them again for streaming. Reports that
// already list attachments need their bodies, so they are refused.
func attachFiles(r *report.Report, names []string) ([]io.Reader, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	if len(r.Attachments) > 0 {
		return nil, closeAll, fmt.Errorf("the report lists %d attachments; leave \"attachments\" out of report.json and pass each file with --attach", len(r.Attachments))
	}
	var bodies []io.Reader
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, closeAll, err
		}
		files = append(files, f)
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return nil, closeAll, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, closeAll, err
		}
		typ := mime.TypeByExtension(filepath.Ext(name))
		if typ == "" {
			typ = "application/octet-stream"
		}
		r.Attachments = append(r.Attachments, report.Attachment{
			Name: filepath.Base(name), Type: typ, Size: n, SHA256: hex.EncodeToString(h.Sum(nil)),
		})
		bodies = append(bodies, f)
	}
	return bodies, closeAll, nil
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
