package main

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/sealpost/sealpost/core/advisory"
	"github.com/sealpost/sealpost/core/config"
)

const exportSynopsis = "export --format ghsa|osv|csaf [--config FILE] [--vendor NAME] [--namespace URL] [--product NAME] [--ecosystem NAME] [--id ID] [--out FILE] REPORT-FOLDER"

// export writes an advisory draft from an opened report (the folder
// sealpost open made, or its report.json): what the report cannot supply
// is left empty and listed on standard error.
func (e *env) export(args []string) error {
	fs := e.flags("export", exportSynopsis)
	format := fs.String("format", "", "the draft's `format`: ghsa (GitHub's private vulnerability report), osv or csaf (CSAF 2.0)")
	cfgFile := fs.String("config", "", "vendor `config`: its org.name is the vendor, its org.policy_url's site the CSAF namespace")
	vendor := fs.String("vendor", "", "the vendor's `name` (CSAF)")
	namespace := fs.String("namespace", "", "the vendor's web address, https://... (CSAF publisher `URL`)")
	product := fs.String("product", "", "the affected product or package `name`")
	ecosystem := fs.String("ecosystem", "", "the package `ecosystem` (OSV, GitHub): npm, Go, PyPI, Maven, ...")
	id := fs.String("id", "", "the advisory's `id` in your database (OSV id, CSAF tracking id)")
	out := fs.String("out", "", "write the draft to this new `file` instead of standard output")
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError("usage: sealpost %s", exportSynopsis)
	}
	if !slices.Contains(advisory.Formats, advisory.Format(*format)) {
		return usageError("export: --format must be ghsa, osv or csaf, not %q", *format)
	}
	o := advisory.Options{ID: *id, Vendor: *vendor, Namespace: *namespace, Product: *product, Ecosystem: *ecosystem, Now: e.now()}
	if *cfgFile != "" {
		cfg, err := config.LoadFile(*cfgFile)
		if err != nil {
			return err
		}
		if o.Vendor == "" {
			o.Vendor = cfg.Org.Name
		}
		if u, err := url.Parse(cfg.Org.PolicyURL); o.Namespace == "" && err == nil && u.Scheme == "https" && u.Host != "" {
			o.Namespace = "https://" + u.Host
		}
	}
	r, err := e.reportAt(files[0], nil)
	if err != nil {
		return err
	}
	draft, missing, err := advisory.Write(advisory.Format(*format), r, o)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writeNew(*out, draft, 0o600); err != nil {
			return err
		}
	} else if _, err := e.stdout.Write(draft); err != nil {
		return err
	}
	for _, m := range missing {
		fmt.Fprintf(e.stderr, "sealpost: export: left empty: %s\n", m)
	}
	if len(missing) > 0 {
		fmt.Fprintf(e.stderr, "sealpost: export: a draft: fill the %d fields above before you publish it\n", len(missing))
	}
	return nil
}
