package securitytxt

import (
	"bytes"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestARealisticFileIsReadWhole(t *testing.T) {
	data, err := os.ReadFile("testdata/example.txt")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(bytes.NewReader(data), now)
	if err != nil {
		t.Fatal(err)
	}
	want := &File{
		Contact:            []string{"mailto:security@example.com", "https://example.com/security/report"},
		Expires:            time.Date(2027, 6, 30, 23, 0, 0, 0, time.UTC),
		Encryption:         []string{"https://example.com/.well-known/pgp-key.txt", "openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f"},
		Acknowledgments:    []string{"https://example.com/hall-of-fame"},
		PreferredLanguages: []string{"nl", "en", "fr"},
		Canonical:          []string{"https://example.com/.well-known/security.txt"},
		Policy:             []string{"https://example.com/disclosure-policy"},
		Hiring:             []string{"https://example.com/jobs"},
		CSAF:               []string{"https://example.com/.well-known/csaf/provider-metadata.json"},
		Other:              []Field{{"X-Bug-Bounty", "none"}},
		Comments:           []string{"Our security address", "See https://securitytxt.org"},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got  %+v\nwant %+v", f, want)
	}
}

func TestDeparturesFromTheRFCAreReportedWithTheirLine(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"a missing Contact", "Expires: 2027-01-01T00:00:00Z\n", "Contact is required"},
		{"a missing Expires", "Contact: mailto:a@example.com\n", "Expires is required"},
		{"an expired file", "Contact: mailto:a@example.com\nExpires: 2024-08-01T00:00:00Z\n", "line 2: the file expired on 2024-08-01"},
		{"an Expires far away", "Contact: mailto:a@example.com\nExpires: 2030-01-01T00:00:00Z\n", "line 2: Expires is more than a year away"},
		{"two Expires", "Contact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\nExpires: 2027-01-02T00:00:00Z\n", "line 3: Expires must appear only once"},
		{"a date that is not RFC 3339", "Contact: mailto:a@example.com\nExpires: 01/01/2027\n", "line 2: Expires \"01/01/2027\" is not an RFC 3339"},
		{"a plain-http Policy", "Contact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\nPolicy: http://example.com/p\n", "line 3: Policy must use https://"},
		{"a Contact that is not a URI", "Contact: security@example.com\nExpires: 2027-01-01T00:00:00Z\n", "line 1: Contact \"security@example.com\" is not a URI"},
		{"a stray line", "Contact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\nhello world\n", "line 3: not a field"},
		{"two Preferred-Languages", "Contact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\nPreferred-Languages: en\nPreferred-Languages: nl\n", "line 4: Preferred-Languages must appear only once"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(c.file), now)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(f.Problems, func(p Problem) bool { return strings.HasPrefix(p.String(), c.want) }) {
				t.Errorf("problems %v lack %q", f.Problems, c.want)
			}
		})
	}
}

func TestACleanFileHasNoProblems(t *testing.T) {
	f, err := Parse(strings.NewReader("\uFEFFContact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\n"), now)
	if err != nil || len(f.Problems) != 0 {
		t.Errorf("%v %v", err, f.Problems)
	}
}

func TestUnreadableInputIsRefused(t *testing.T) {
	for name, in := range map[string]string{
		"binary":                     "Contact: mailto:a@example.com\x00\xff",
		"invalid UTF-8":              "Contact: \xc3\x28",
		"too large":                  strings.Repeat("# padding\n", MaxBytes/10+1),
		"a broken signature wrapper": "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@example.com\n",
	} {
		if _, err := Parse(strings.NewReader(in), now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestASignedFileIsReadAndItsSignatureChecked(t *testing.T) {
	signer, err := openpgp.NewEntity("Example Security", "", "security@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/example.txt")
	if err != nil {
		t.Fatal(err)
	}
	var signed bytes.Buffer
	w, err := clearsign.Encode(&signed, signer.PrivateKey, &packet.Config{Time: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()

	f, err := Parse(bytes.NewReader(signed.Bytes()), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Contact) != 2 || f.Signature == nil || len(f.Problems) != 0 {
		t.Fatalf("contact %v, signature %+v, problems %v", f.Contact, f.Signature, f.Problems)
	}
	if f.Signature.IssuerKeyID != signer.PrimaryKey.KeyIdString() || f.Signature.Hash != "SHA-256" {
		t.Errorf("issuer %+v, want key %s", f.Signature, signer.PrimaryKey.KeyIdString())
	}
	if err := f.Verify(openpgp.EntityList{signer}); err != nil {
		t.Errorf("verify: %v", err)
	}

	tampered := bytes.Replace(signed.Bytes(), []byte("mailto:security@example.com"), []byte("mailto:attacker@example.net"), 1)
	f, err = Parse(bytes.NewReader(tampered), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Verify(openpgp.EntityList{signer}); err == nil {
		t.Error("a tampered file verified")
	}
}

func TestFormatRoundTrips(t *testing.T) {
	data, _ := os.ReadFile("testdata/example.txt")
	f, err := Parse(bytes.NewReader(data), now)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(f.Format()), now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, back) {
		t.Errorf("round trip:\n%+v\n%+v", f, back)
	}
}

func TestFormatKeepsValuesOnTheirLine(t *testing.T) {
	f := &File{Contact: []string{"mailto:a@example.com\nPolicy: https://evil.example"}, Expires: now}
	if out := f.Format(); bytes.Count(out, []byte("\n")) != 2 {
		t.Errorf("a value broke its line:\n%s", out)
	}
}

func FuzzParse(f *testing.F) {
	data, _ := os.ReadFile("testdata/example.txt")
	f.Add(data)
	f.Add([]byte("Contact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\n"))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: x\n-----BEGIN PGP SIGNATURE-----\n\nwx0=\n-----END PGP SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data), now)
		if err != nil {
			return
		}
		// What Format writes parses back to the same fields.
		again, err := Parse(bytes.NewReader(file.Format()), now)
		if err != nil {
			t.Fatalf("formatted file does not parse: %v", err)
		}
		if len(again.Contact) != len(file.Contact) || !again.Expires.Equal(file.Expires) || len(again.Encryption) != len(file.Encryption) {
			t.Fatalf("round trip lost fields:\n%q\n%q", data, file.Format())
		}
	})
}
