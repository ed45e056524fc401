package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

// inbox lists the reports in an intake's store (see core/receiver),
// decrypting each in memory for its title and its thread for the status
// the vendor gave, and the reports the mail relay could not deliver; with
// a config, the policy's deadlines. It writes nothing. `sealpost open`
// unpacks one; `sealpost reply` answers one.
func (e *env) inbox(args []string) error {
	fs := e.flags("inbox", "inbox --store DIR --secret-key FILE [--passphrase-file FILE] [--config FILE]")
	storeDir := fs.String("store", "", "the intake's store `folder`")
	keyFile := fs.String("secret-key", "", "the vendor's secret key `file`")
	passFile := fs.String("passphrase-file", "", "`file` holding the secret key's passphrase (or set SEALPOST_PASSPHRASE)")
	cfgFile := fs.String("config", "", "the vendor's `config`: its policy's reply and triage deadlines (working days from the receipt) are shown, and flagged OVERDUE")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *storeDir == "" || *keyFile == "" {
		return usageError("usage: sealpost inbox --store DIR --secret-key FILE [--config FILE]")
	}
	var promises *config.Promises
	if *cfgFile != "" {
		cfg, err := config.LoadFile(*cfgFile)
		if err != nil {
			return err
		}
		promises = &cfg.Promises
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
	summaries, err := store.Threads()
	if err != nil {
		return err
	}
	threads := map[string]thread.Summary{}
	for _, t := range summaries {
		threads[t.ReportID] = t
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	deadlineHead := ""
	if promises != nil {
		deadlineHead = "REPLY DUE\tTRIAGE DUE\t"
	}
	fmt.Fprintf(tw, "ID\tRECEIVED\tSIZE\tSTATUS\tLAST MESSAGE\t%sTITLE\n", deadlineHead)
	var problems []string
	for _, st := range list {
		rep, title := readStored(st.Path, keys)
		row := e.inboxRow(store, st, rep, threads, keys, promises)
		for _, p := range row.problems {
			problems = append(problems, st.ID+" "+p)
		}
		deadlines := ""
		if promises != nil {
			deadlines = row.reply + "\t" + row.triage + "\t"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s%s\n", st.ID, st.ReceivedAt.Format(time.RFC3339), report.FormatBytes(st.Size), row.status, row.last, deadlines, title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d report(s). Unpack one with: sealpost open --secret-key %s --out DIR %s\n", len(list), *keyFile, filepath.Join(*storeDir, "reports", "<id>.asc|.pgp"))
	if len(threads) > 0 {
		fmt.Fprintf(e.stdout, "Answer one in its thread with: sealpost reply --server URL --credential FILE --secret-key %s --report PATH --status STATUS --message FILE <id>\n", *keyFile)
	}
	if len(problems) > 0 {
		fmt.Fprintf(e.stdout, "\n%d thread message(s) are not what they claim to be; read them with sealpost open --thread:\n", len(problems))
		for _, p := range problems {
			fmt.Fprintf(e.stdout, "  %s\n", p)
		}
	}
	if len(failures) > 0 {
		fmt.Fprintf(e.stdout, "\nThe mail server refused %d report(s) for good; they are in the store, unpack them as above:\n", len(failures))
		for _, f := range failures {
			fmt.Fprintf(e.stdout, "  %s  %s  %s\n", f.ID, f.At.Format(time.RFC3339), report.Clean(f.Reason))
		}
	}
	return nil
}

// inboxRow is what the inbox shows of a report's thread.
type inboxRow struct {
	status, last  string
	reply, triage string // the deadlines' cells
	problems      []string
}

func (e *env) inboxRow(store *receiver.Store, st *receiver.Stored, rep *report.Report, threads map[string]thread.Summary, keys openpgp.EntityList, promises *config.Promises) inboxRow {
	row := inboxRow{status: "(no thread)", last: "-", reply: "-", triage: "-"}
	var items []thread.Item
	sum, ok := threads[st.ID]
	if ok {
		view, err := store.Thread(st.ID)
		if err != nil {
			row.status = "(unreadable thread)"
			row.problems = append(row.problems, "its thread cannot be read: "+report.Clean(err.Error()))
			return row
		}
		var reply openpgp.EntityList
		if rep != nil && rep.ReplyKey != "" {
			if k, err := e.replyKeyOf(rep); err == nil {
				reply = openpgp.EntityList{k.Entity}
			}
		}
		items = thread.Timeline(view, keys, keys, reply)
		row.status, _ = thread.Status(view, items)
		if sum.LastAt != nil {
			row.last = sum.LastFrom + " " + sum.LastAt.UTC().Format("2006-01-02 15:04")
		} else {
			row.last = "none"
		}
		for _, it := range items {
			if it.Problem != "" && !(reply == nil && it.From == thread.FromReporter && it.Message != nil) {
				row.problems = append(row.problems, fmt.Sprintf("#%d (from the %s): %s", it.Seq, it.From, report.Clean(it.Problem)))
			}
		}
	}
	if promises == nil {
		return row
	}
	cell := func(d thread.Deadline) string {
		due := d.Due.UTC().Format("2006-01-02 15:04")
		switch {
		case !ok:
			return due + ", by email"
		case d.Met && d.Overdue:
			return due + " met late"
		case d.Met:
			return due + " met"
		case d.Overdue:
			return "OVERDUE " + due
		}
		return due
	}
	for _, d := range thread.Deadlines(st.ReceivedAt, promises.ReplyWithinWorkingDays, promises.TriageWithinWorkingDays, items, e.now()) {
		switch d.Name {
		case "reply":
			row.reply = cell(d)
		case "triage":
			row.triage = cell(d)
		}
	}
	return row
}

func readTitle(path string, keys openpgp.EntityList) string {
	_, title := readStored(path, keys)
	return title
}

// maxInboxError bounds the reason a row gives for a report that does not
// open: the reason can quote the report, which anyone can seal.
const maxInboxError = 200

// cut shortens s to at most n characters, marking the cut with "…".
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// readStored decrypts a stored report in memory: its report.json (nil when
// it cannot be opened) and its title, cleaned, or why it cannot be opened.
func readStored(path string, keys openpgp.EntityList) (*report.Report, string) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "(unreadable: " + report.Clean(err.Error()) + ")"
	}
	defer f.Close()
	// The title and the errors came out of a message anyone can seal:
	// cleaned of controls (C1 included), bidi overrides and invisible
	// characters before they reach the terminal.
	r, err := seal.ReadReport(f, keys)
	if err != nil {
		return nil, "(cannot open: " + cut(report.Clean(err.Error()), maxInboxError) + ")"
	}
	title := strings.TrimSpace(report.Clean(r.Title))
	if title == "" {
		title = "(untitled)"
	}
	return r, title
}
