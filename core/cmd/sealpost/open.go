package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

const openSynopsis = "open --secret-key FILE [--passphrase-file FILE] [--out DIR] [--report PATH] [SEALED|MESSAGE|-]\n" +
	"       sealpost open --secret-key FILE [--passphrase-file FILE] --server URL --credential FILE --thread REPORT-ID [--report PATH]"

// open unpacks a sealed report, prints one thread message, or, with
// --thread, fetches a report's whole thread from the intake and prints it.
func (e *env) open(args []string) error {
	fs := e.flags("open", openSynopsis)
	keyFile := fs.String("secret-key", "", "the vendor's secret key `file` (armored or binary)")
	passFile := fs.String("passphrase-file", "", "`file` holding the secret key's passphrase (or set SEALPOST_PASSPHRASE)")
	out := fs.String("out", "", "new `folder` to unpack a report into (default: report-<time>)")
	reportPath := fs.String("report", "", "for a thread message or --thread: the report it belongs to (the `folder` sealpost open made, its report.json, or the sealed report), whose reply key checks the reporter's signatures")
	server := fs.String("server", "", "with --thread: the intake's `URL`")
	credFile := fs.String("credential", "", "with --thread: `file` holding the intake's operator credential (or set SEALPOST_OPERATOR_CREDENTIAL)")
	threadID := fs.String("thread", "", "fetch the thread of this report `id` from the intake (--server, --credential) and print it decrypted")
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *keyFile == "" {
		return usageError("open: --secret-key is required")
	}
	switch {
	case *threadID != "" && (len(files) > 0 || *out != ""):
		return usageError("open --thread reads the thread from the intake: give no file and no --out")
	case *threadID != "" && *server == "":
		return usageError("open --thread: --server URL is required: the intake the report came to")
	case *threadID == "" && (*server != "" || *credFile != ""):
		return usageError("open: --server and --credential go with --thread REPORT-ID")
	}
	keys, err := e.secretKeys(*keyFile, *passFile)
	if err != nil {
		return cleanError(err)
	}
	if *threadID != "" {
		return e.openThread(*server, *credFile, *threadID, *reportPath, keys)
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
	// A thread message is small and armored; a report may be either, and
	// of any size. The first bytes decide which is tried first.
	head, err := io.ReadAll(io.LimitReader(in, thread.MaxMessageBytes+1))
	if err != nil {
		return err
	}
	var asMessage error
	if len(head) <= thread.MaxMessageBytes && bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("-----BEGIN PGP MESSAGE-----")) {
		var handled bool
		if handled, asMessage = e.openMessage(head, keys, *reportPath, first(files)); handled {
			return asMessage
		}
	}
	opened, err := seal.Open(io.MultiReader(bytes.NewReader(head), in), keys, dir)
	if errors.Is(err, seal.ErrNotAReport) && errors.Is(asMessage, thread.ErrTampered) {
		// Signed inside (a report never is): a thread message that does not open.
		return cleanError(fmt.Errorf("this is not a Sealpost report, and as a thread message: %w", asMessage))
	}
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

// openMessage prints one thread message, such as a file of the intake's
// store (threads/<id>/NNNNNN.<from>.asc). handled is false when data is
// not a thread message keys open; err then says why.
func (e *env) openMessage(data []byte, keys openpgp.EntityList, reportPath, source string) (handled bool, err error) {
	id, postedBy, storeDir := storeEntry(source)
	// The reply key checks a reporter's message: from the report given, or
	// the one beside the message in the intake's store.
	var reply openpgp.EntityList
	var replyNote string
	switch {
	case reportPath != "":
		rep, err := e.reportAt(reportPath, keys)
		if err != nil {
			return true, err
		}
		k, err := e.replyKeyOf(rep)
		if err != nil {
			return true, err
		}
		reply = openpgp.EntityList{k.Entity}
	case storeDir != "":
		if k, err := e.storedReplyKey(storeDir, id, keys); err != nil {
			replyNote = " (the report beside it in the store gives no reply key: " + report.Clean(err.Error()) + ")"
		} else {
			reply = openpgp.EntityList{k}
		}
	}
	o, err := thread.Open(data, keys, append(slices.Clone(keys), reply...))
	if err != nil {
		return false, err
	}
	m := o.Message
	isVendor := slices.ContainsFunc(keys, func(k *openpgp.Entity) bool { return fmt.Sprintf("%X", k.PrimaryKey.Fingerprint) == o.Signer })
	isReply := len(reply) > 0 && fmt.Sprintf("%X", reply[0].PrimaryKey.Fingerprint) == o.Signer
	ok := false
	var signature string
	switch {
	case o.Signer == "" && m.From == thread.FromReporter && reply == nil:
		signature = "not checked: give the report it belongs to (--report PATH) to check it against the report's reply key" + replyNote
		ok = true
	case o.Signer == "":
		signature = fmt.Sprintf("NOT VERIFIED: it is not signed by the %s's key: it may not come from the %s", m.From, m.From)
	case m.From == thread.FromVendor && isVendor:
		signature, ok = "verified: signed by your key "+o.Signer, true
	case m.From == thread.FromReporter && isReply:
		signature, ok = "verified: signed by the report's reply key "+o.Signer, true
	default:
		signature = fmt.Sprintf("NOT VERIFIED: it says it is from the %s, but it is signed by another party's key (%s)", m.From, o.Signer)
	}
	var problems []string
	if id != "" && m.ReportID != id {
		problems = append(problems, "it is in the thread of "+id+" but belongs to another report's: it was moved")
	}
	if postedBy != "" && postedBy != m.From {
		problems = append(problems, fmt.Sprintf("the intake took it from the %s, but it says it is from the %s", postedBy, m.From))
	}
	w := e.stdout
	fmt.Fprintf(w, "thread message of report %s\n", report.Clean(m.ReportID))
	fmt.Fprintf(w, "from:       the %s\n", m.From)
	if m.Status != "" {
		fmt.Fprintf(w, "status:     %s\n", m.Status)
	}
	if m.InviteConfirm {
		fmt.Fprintf(w, "invites:    the reporter to confirm the fix\n")
	}
	fmt.Fprintf(w, "written at: %s\n", when(m.WrittenAt))
	fmt.Fprintf(w, "signature:  %s\n", signature)
	for _, p := range problems {
		fmt.Fprintf(w, "PROBLEM:    %s\n", p)
	}
	if m.Text != "" {
		fmt.Fprintf(w, "text:\n")
		for line := range strings.SplitSeq(cleanText(m.Text), "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	if !ok || len(problems) > 0 {
		return true, refused
	}
	return true, nil
}

// storeEntry reads a path of the intake's store, STORE/threads/<id>/NNNNNN.<from>.asc
// (core/receiver): the report's id, who posted it and the store's folder;
// all "" for any other path.
func storeEntry(path string) (id, from, storeDir string) {
	if path == "" || path == "-" {
		return "", "", ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", ""
	}
	threadDir := filepath.Dir(abs)
	if filepath.Base(filepath.Dir(threadDir)) != "threads" {
		return "", "", ""
	}
	num, rest, _ := strings.Cut(filepath.Base(abs), ".")
	from, ext, _ := strings.Cut(rest, ".")
	if len(num) != 6 || strings.Trim(num, "0123456789") != "" || ext != "asc" || (from != thread.FromVendor && from != thread.FromReporter) {
		return "", "", ""
	}
	return filepath.Base(threadDir), from, filepath.Dir(filepath.Dir(threadDir))
}

// storedReplyKey is the reply key of report id in the intake's store.
func (e *env) storedReplyKey(storeDir, id string, keys openpgp.EntityList) (*openpgp.Entity, error) {
	store, err := receiver.ReadStore(storeDir)
	if err != nil {
		return nil, err
	}
	st, err := store.Get(id)
	if err != nil {
		return nil, err
	}
	rep, err := e.reportAt(st.Path, keys)
	if err != nil {
		return nil, err
	}
	k, err := e.replyKeyOf(rep)
	if err != nil {
		return nil, err
	}
	return k.Entity, nil
}

// openThread prints report id's whole thread, fetched from the intake
// with the operator credential and decrypted with the vendor's keys.
func (e *env) openThread(server, credFile, id, reportPath string, keys openpgp.EntityList) error {
	base, err := intakeBase(server)
	if err != nil {
		return err
	}
	cred, err := operatorCredential(credFile)
	if err != nil {
		return err
	}
	var reply openpgp.EntityList
	if reportPath != "" {
		rep, err := e.reportAt(reportPath, keys)
		if err != nil {
			return err
		}
		k, err := e.replyKeyOf(rep)
		if err != nil {
			return err
		}
		reply = openpgp.EntityList{k.Entity}
	}
	c := &threadClient{url: thread.OperatorURL(base, id), bearer: cred}
	view, err := c.get(context.Background())
	var ie *intakeError
	if errors.As(err, &ie) && ie.code == 404 {
		return fmt.Errorf("%w: check the report's id (sealpost inbox lists them) and --server", err)
	}
	if err != nil {
		return err
	}
	if view.ReportID != id {
		return fmt.Errorf("the intake answered with the thread of another report (%s), not %s's", view.ReportID, id)
	}
	r := threadReader{viewer: thread.FromVendor, keys: keys, vendor: keys, reporter: reply, now: e.now()}
	r.show(view).writeText(e.stdout)
	return nil
}
