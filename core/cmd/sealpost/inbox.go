package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

// inbox lists the reports in an intake's store (see core/receiver),
// decrypting each in memory for its title, and the reports the mail relay
// could not deliver; it writes nothing. `sealpost open` unpacks one.
func (e *env) inbox(args []string) error {
	fs := e.flags("inbox", "inbox --store DIR --secret-key FILE [--passphrase-file FILE]")
	storeDir := fs.String("store", "", "the intake's store `folder`")
	keyFile := fs.String("secret-key", "", "the vendor's secret key `file`")
	passFile := fs.String("passphrase-file", "", "`file` holding the secret key's passphrase (or set SEALPOST_PASSPHRASE)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *storeDir == "" || *keyFile == "" {
		return usageError("usage: sealpost inbox --store DIR --secret-key FILE")
	}
	keys, err := e.secretKeys(*keyFile, *passFile)
	if err != nil {
		return err
	}
	store, err := receiver.ReadStore(*storeDir)
	if err != nil {
		return err
	}
	list, err := store.List()
	if err != nil {
		return err
	}
	failures, err := store.Failures()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tSIZE\tTITLE")
	for _, st := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", st.ID, st.ReceivedAt.Format(time.RFC3339), report.FormatBytes(st.Size), readTitle(st.Path, keys))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d report(s). Unpack one with: sealpost open --secret-key %s --out DIR %s\n", len(list), *keyFile, filepath.Join(*storeDir, "reports", "<id>.asc|.pgp"))
	if len(failures) > 0 {
		fmt.Fprintf(e.stdout, "\nThe mail server refused %d report(s) for good; they are in the store, unpack them as above:\n", len(failures))
		for _, f := range failures {
			fmt.Fprintf(e.stdout, "  %s  %s  %s\n", f.ID, f.At.Format(time.RFC3339), f.Reason)
		}
	}
	return nil
}

func readTitle(path string, keys openpgp.EntityList) string {
	f, err := os.Open(path)
	if err != nil {
		return "(unreadable: " + report.Clean(err.Error()) + ")"
	}
	defer f.Close()
	// The title and the errors came out of a message anyone can seal:
	// cleaned of controls (C1 included), bidi overrides and invisible
	// characters before they reach the terminal.
	r, err := seal.ReadReport(f, keys)
	if err != nil {
		return "(cannot open: " + report.Clean(err.Error()) + ")"
	}
	title := strings.TrimSpace(report.Clean(r.Title))
	if title == "" {
		title = "(untitled)"
	}
	return title
}
