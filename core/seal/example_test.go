package seal_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

func ExampleReport() {
	now := func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
	// The vendor's key pair; a vendor publishes public and keeps secret.
	public, secret, err := pgpkey.DemoKey("Example Security", "security@example.com", now().Add(-time.Hour))
	if err != nil {
		panic(err)
	}
	keys, err := pgpkey.Parse(public, pgpkey.Options{Now: now})
	if err != nil {
		panic(err)
	}

	// The researcher's side: a validated report with one attachment.
	poc := []byte("GET /orders?id=1041 HTTP/1.1\r\n")
	r := &report.Report{
		Schema: report.Schema, Title: "IDOR on orders", Targets: []string{"https://shop.example.com/orders"},
		Description: "Other customers' orders are readable.", PolicyAccepted: true,
		Attachments: []report.Attachment{{Name: "request.txt", Type: "text/plain", Size: int64(len(poc)), SHA256: sha256Hex(poc)}},
	}
	if err := report.Validate(r, report.Options{Rules: report.Rules{MaxAttachments: 1}, Now: now}); err != nil {
		panic(err)
	}
	var sealed bytes.Buffer
	err = seal.Report(&sealed, r, []io.Reader{bytes.NewReader(poc)}, keys.Keys, seal.Options{Armor: true, Now: now})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.SplitN(sealed.String(), "\n", 2)[0])

	// The vendor's side.
	vendorKeys, err := seal.ReadSecretKeys(secret, nil)
	if err != nil {
		panic(err)
	}
	got, err := seal.ReadReport(&sealed, vendorKeys)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Title, got.Attachments[0].Name)
	// Output:
	// -----BEGIN PGP MESSAGE-----
	// IDOR on orders request.txt
}
