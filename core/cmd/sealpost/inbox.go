package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

// inbox lists the reports in a receiver's store (DIR/reports/<id>.asc or
// .pgp, see demo/receiver), decrypting each in memory for its title; it
// writes nothing. `sealpost open` unpacks one.
func (e *env) inbox(args []string) error {
	fs := e.flags("inbox", "inbox --store DIR --secret-key FILE [--passphrase-file FILE]")
	storeDir := fs.String("store", "", "the receiver's store `folder`")
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
	entries, err := os.ReadDir(filepath.Join(*storeDir, "reports"))
	if err != nil {
		return fmt.Errorf("%w: is %s a receiver's store?", err, *storeDir)
	}
	type row struct {
		id, title, path string
		received        time.Time
		size            int64
	}
	var rows []row
	for _, de := range entries {
		ext := filepath.Ext(de.Name())
		if ext != ".asc" && ext != ".pgp" {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		path := filepath.Join(*storeDir, "reports", de.Name())
		title := readTitle(path, keys)
		rows = append(rows, row{strings.TrimSuffix(de.Name(), ext), title, path, info.ModTime().UTC(), info.Size()})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].received.Before(rows[j].received) })
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tSIZE\tTITLE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.id, r.received.Format(time.RFC3339), report.FormatBytes(r.size), r.title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d report(s). Unpack one with: sealpost open --secret-key %s --out DIR %s\n", len(rows), *keyFile, filepath.Join(*storeDir, "reports", "<id>.asc|.pgp"))
	return nil
}

func readTitle(path string, keys openpgp.EntityList) string {
	f, err := os.Open(path)
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	defer f.Close()
	r, err := seal.ReadReport(f, keys)
	if err != nil {
		return "(cannot open: " + err.Error() + ")"
	}
	title := strings.Map(func(c rune) rune {
		if c < 0x20 || c == 0x7f {
			return '\uFFFD'
		}
		return c
	}, r.Title)
	if title == "" {
		title = "(untitled)"
	}
	return title
}
