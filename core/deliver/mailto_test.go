package deliver_test

import (
	"bytes"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

// TestEvenTheSmallestReportIsAttached measures what MaxMailtoLength's
// comment says: the smallest valid report, sealed and armored to a
// Curve25519 key (the smallest keys make the smallest messages), does
// not fit in a mailto: link, so the email asks for the attachment.
func TestEvenTheSmallestReportIsAttached(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	pub, _, err := pgpkey.DemoKey("Demo", "security@example.com", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgpkey.Parse(pub, pgpkey.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../report/examples/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var sealed bytes.Buffer
	if err := seal.Report(&sealed, r, nil, keys.Keys, seal.Options{Armor: true, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	link, attach := deliver.Mailto("security@example.com", deliver.MailSubject("0123abcd"), sealed.Bytes(), "sealpost-report-0123abcd.asc")
	// The link would hold the armor, escaped: longer than the armor.
	t.Logf("the smallest report: %d bytes of armor, so a link of more than %d characters; the link asking for the attachment: %d",
		sealed.Len(), sealed.Len(), len(link))
	if !attach || len(link) > deliver.MaxMailtoLength {
		t.Errorf("a %d-byte sealed report went into the link (%d characters)", sealed.Len(), len(link))
	}
}

// TestTheReportersNoteIsTheCallers: a link too long for the message asks
// the reporter, in their language, to attach the file; the vendor's lines
// stay English.
func TestTheReportersNoteIsTheCallers(t *testing.T) {
	link := deliver.MailtoAttached("security@example.com", "s", "r.asc", "(Adjunte el archivo r.asc.)")
	body, err := url.QueryUnescape(link[strings.Index(link, "&body=")+len("&body="):])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(body, "(Adjunte el archivo r.asc.)") || strings.Contains(body, "Reporter:") || !strings.HasPrefix(body, "This vulnerability report is encrypted") {
		t.Errorf("body %q", body)
	}
	if link := deliver.MailtoAttached("security@example.com", "s", "r.asc", ""); !strings.Contains(link, "Reporter%3A%20attach%20the%20file%20r.asc") {
		t.Errorf("no English reminder by default: %s", link)
	}
}
