package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

const followSynopsis = "follow --server URL (--code CODE | --code-file FILE) [--key FILE|URL|ADDRESS [--pin FPR] | --config FILE] [--format text|json] [--write FILE|-]\n" +
	"       sealpost follow --export-key (--code CODE | --code-file FILE) [--out FILE]"

// follow is the reporter's side of a report's thread, with the reply code
// alone: it reads the thread (the vendor's messages decrypted with the
// reply key and checked against the vendor's key), or writes to it.
func (e *env) follow(args []string) error {
	fs := e.flags("follow", followSynopsis)
	server := fs.String("server", "", "the intake the report was sent to: its `URL`, or its report endpoint (…/reports)")
	typed := fs.String("code", "", "the report's reply `code`, as saved (anyone who sees the command line sees it: prefer --code-file)")
	codeFile := fs.String("code-file", "", "`file` holding the reply code (sealpost seal --reply-code wrote it)")
	keySource := fs.String("key", "", "the vendor's public key (a `file`, an https URL or an email address): it checks the vendor's signatures, and --write seals to it")
	pin := fs.String("pin", "", "refuse any vendor key but the one with this `fingerprint`")
	cfgFile := fs.String("config", "", "the vendor's `config`: its key (and pin), and its policy's deadlines")
	format := fs.String("format", "text", "output `format`: text or json")
	write := fs.String("write", "", "write to the vendor: the message text from this `file` (- for standard input)")
	exportKey := fs.Bool("export-key", false, "write the reply key with its secret parts, for gpg --import (it reads the vendor's replies), and stop")
	out := fs.String("out", "", "with --export-key: the new `file` to write (mode 0600; default standard output)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	code, err := readCode(*typed, *codeFile)
	if err != nil {
		return err
	}
	if *exportKey {
		return e.exportReplyKey(code, *out)
	}
	if *out != "" {
		return usageError("follow: --out goes with --export-key")
	}
	if *server == "" {
		return usageError("follow: --server URL is required: the intake the report was sent to (the receipt's endpoint)")
	}
	if *format != "text" && *format != "json" {
		return usageError("follow: --format must be text or json, not %q", *format)
	}
	url, err := reporterURL(*server)
	if err != nil {
		return err
	}
	var cfg *config.Config
	if *cfgFile != "" {
		if cfg, err = config.LoadFile(*cfgFile); err != nil {
			return err
		}
	}
	var vendor *pgpkey.Set
	switch {
	case *keySource != "":
		vendor, err = e.loadKeys(*keySource, *pin)
	case cfg != nil:
		if *pin != "" {
			cfg.Key.Fingerprint = *pin
		}
		vendor, err = e.configKeys(cfg)
	case *pin != "":
		return usageError("follow: --pin goes with --key")
	}
	if err != nil {
		return fmt.Errorf("the vendor's key: %w", cleanError(err))
	}
	reply, err := code.ReplyKey()
	if err != nil {
		return err
	}
	c := &threadClient{url: url, bearer: code.Token()}
	view, err := c.get(context.Background())
	if err != nil {
		return e.followError(err, *server)
	}
	if *write != "" {
		if vendor == nil {
			return usageError("follow: --write needs the vendor's key (--key or --config): the message is sealed to it")
		}
		return e.followWrite(c, view, code, reply, vendor, *write, *server, *format)
	}
	r := threadReader{viewer: thread.FromReporter, keys: openpgp.EntityList{reply}, reporter: openpgp.EntityList{reply}, now: e.now()}
	if vendor != nil {
		r.vendor = vendor.Entities()
	}
	if cfg != nil {
		r.promises, r.replyDays, r.triageDays = true, cfg.Promises.ReplyWithinWorkingDays, cfg.Promises.TriageWithinWorkingDays
	}
	shown := r.show(view)
	if *format == "json" {
		return writeJSON(e.stdout, shown)
	}
	shown.writeText(e.stdout)
	return nil
}

// followError says what to do about a failed exchange with the intake.
func (e *env) followError(err error, server string) error {
	var ie *intakeError
	if errors.As(err, &ie) && ie.code == http.StatusNotFound {
		return fmt.Errorf("no thread for this code on %s: check the code and the server (the intake the report was sent to)", server)
	}
	return err
}

// followWrite seals the reporter's message to the vendor's key and the
// reply key, signed with the reply key, and posts it.
func (e *env) followWrite(c *threadClient, view *thread.View, code thread.Code, reply *openpgp.Entity, vendor *pgpkey.Set, file, server, format string) error {
	text, err := e.readText(file)
	if err != nil {
		return err
	}
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("the message in %s is empty: nothing was sent", map[bool]string{true: "standard input", false: file}[file == "-"])
	}
	pub, err := code.ReplyPublicKey()
	if err != nil {
		return err
	}
	self, err := pgpkey.Parse([]byte(pub), pgpkey.Options{Now: e.now})
	if err != nil {
		return err
	}
	m := &thread.Message{Schema: thread.MessageSchema, ReportID: view.ReportID, From: thread.FromReporter, Text: text, WrittenAt: e.now().UTC().Truncate(time.Second)}
	body, err := thread.Seal(m, append(vendor.Keys[:len(vendor.Keys):len(vendor.Keys)], self.Keys...), reply, seal.Options{Now: e.now})
	if err != nil {
		return err
	}
	posted, err := c.post(context.Background(), body)
	var ie *intakeError
	if errors.As(err, &ie) && ie.code == http.StatusTooManyRequests && ie.refusal.NextEnquiryAt != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("nothing was sent: you can write again on %s; the policy asks you to wait between messages the vendor has not asked for, unless the vendor writes first", when(*ie.refusal.NextEnquiryAt))}
	}
	if err != nil {
		return e.followError(err, server)
	}
	if format == "json" {
		return writeJSON(e.stdout, posted)
	}
	fmt.Fprintf(e.stdout, "sent message #%d to the thread of %s at %s\n", posted.Seq, view.ReportID, when(posted.At))
	return nil
}

// exportReplyKey writes the reply key, secret parts included, for GnuPG.
func (e *env) exportReplyKey(code thread.Code, out string) error {
	key, err := code.ExportSecretKey()
	if err != nil {
		return err
	}
	if out == "" || out == "-" {
		_, err = e.stdout.Write(key)
		return err
	}
	if err := writeNew(out, key, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "sealpost: wrote the reply key to %s: whoever holds it reads the vendor's replies; import it with gpg --import %s\n", out, out)
	return nil
}
