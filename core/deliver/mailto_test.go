package deliver_test

import (
	"bytes"
	"os"
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
