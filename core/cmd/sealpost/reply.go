package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

const replySynopsis = "reply --server URL --credential FILE --secret-key FILE [--passphrase-file FILE] --report PATH --status STATUS [--invite-confirm] [--message FILE|-] REPORT-ID"

// reply is the vendor's answer in a report's thread: a status and a text,
// signed with the vendor's key, sealed to the report's reply key, the
// vendor's own key and the reporter's key when it gave one, and posted to
// the intake with the operator credential.
func (e *env) reply(args []string) error {
	fs := e.flags("reply", replySynopsis)
	server := fs.String("server", "", "the intake's `URL`, e.g. https://intake.example.com")
	credFile := fs.String("credential", "", "`file` holding the intake's operator credential (or set SEALPOST_OPERATOR_CREDENTIAL)")
	keyFile := fs.String("secret-key", "", "the vendor's secret key `file`: it signs the reply")
	passFile := fs.String("passphrase-file", "", "`file` holding the secret key's passphrase (or set SEALPOST_PASSPHRASE)")
	reportPath := fs.String("report", "", "the report: the `folder` sealpost open made, its report.json, or the sealed report (for its reply key)")
	status := fs.String("status", "", "the report's `status`: "+strings.Join(thread.Statuses, ", "))
	invite := fs.Bool("invite-confirm", false, "with --status fixed: invite the reporter to confirm the fix")
	msgFile := fs.String("message", "", "`file` holding the text of the reply (- for standard input)")
	ids, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	switch {
	case len(ids) != 1:
		return usageError("reply: give the report's id (as sealpost inbox lists it)\nusage: sealpost %s", replySynopsis)
	case *server == "":
		return usageError("reply: --server URL is required: the intake the report was sent to")
	case *keyFile == "":
		return usageError("reply: --secret-key FILE is required: the vendor's key signs the reply")
	case *reportPath == "":
		return usageError("reply: --report PATH is required: the report (opened folder, report.json or sealed report) holds the reply key to seal to")
	case !slices.Contains(thread.Statuses, *status):
		return usageError("reply: --status must be one of %s, not %q", strings.Join(thread.Statuses, ", "), *status)
	case *invite && *status != "fixed":
		return usageError("reply: --invite-confirm goes with --status fixed only")
	}
	base, err := intakeBase(*server)
	if err != nil {
		return err
	}
	cred, err := operatorCredential(*credFile)
	if err != nil {
		return err
	}
	text, err := e.readText(*msgFile)
	if err != nil {
		return err
	}
	secret, err := e.secretKeys(*keyFile, *passFile)
	if err != nil {
		return cleanError(err)
	}
	vendor, err := e.vendorKeys(secret)
	if err != nil {
		return err
	}
	rep, err := e.reportAt(*reportPath, secret)
	if err != nil {
		return err
	}
	replyKey, err := e.replyKeyOf(rep)
	if err != nil {
		return err
	}
	to := append([]*pgpkey.Key{replyKey}, vendor.public...)
	if rep.Reporter.PGPKey != "" {
		set, err := pgpkey.Parse([]byte(rep.Reporter.PGPKey), pgpkey.Options{Now: e.now})
		switch {
		case err != nil:
			fmt.Fprintf(e.stderr, "sealpost: warning: the reporter's own key (reporter.pgp_key) is refused, so the reply is sealed to its reply key only: %s\n", report.Clean(err.Error()))
		case len(to)+len(set.Keys) > thread.MaxSessionKeys:
			// A key ring in reporter.pgp_key must not make the reply unreadable.
			fmt.Fprintf(e.stderr, "sealpost: warning: the reporter's own key (reporter.pgp_key) holds %d keys, more than a thread message may be sealed to (%d in all), so the reply is sealed to its reply key only\n", len(set.Keys), thread.MaxSessionKeys)
		default:
			to = append(to, set.Keys...)
		}
	}
	m := &thread.Message{
		Schema: thread.MessageSchema, ReportID: ids[0], From: thread.FromVendor,
		Status: *status, InviteConfirm: *invite, Text: text, WrittenAt: e.now().UTC().Truncate(time.Second),
	}
	body, err := thread.Seal(m, to, vendor.signer, seal.Options{Now: e.now})
	if err != nil {
		return err
	}
	c := &threadClient{url: thread.OperatorURL(base, ids[0]), bearer: cred}
	posted, err := c.post(context.Background(), body)
	var ie *intakeError
	if errors.As(err, &ie) && ie.code == 404 {
		return fmt.Errorf("%w: check the report's id (sealpost inbox lists them) and --server", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "posted reply #%d to the thread of %s at %s: status %s, signed by %X\n", posted.Seq, ids[0], when(posted.At), *status, vendor.signer.PrimaryKey.Fingerprint)
	return nil
}
