package deliver

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/config"
)

const sha = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae" // SHA-256 of "foo"

func TestParseReceipt(t *testing.T) {
	good := fmt.Sprintf(`{"id":"r-1","sha256":%q,"received_at":"2026-11-23T12:00:00Z"}`, sha)
	if _, err := ParseReceipt([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		``, `{}`, `[]`, `{"id":"r-1"}`,
		fmt.Sprintf(`{"id":"r 1","sha256":%q,"received_at":"2026-11-23T12:00:00Z"}`, sha),
		`{"id":"r-1","sha256":"ABC","received_at":"2026-11-23T12:00:00Z"}`,
		fmt.Sprintf(`{"id":"r-1","sha256":%q,"received_at":"2026-11-23T12:00:00Z","extra":1}`, sha),
		good + `{}`,
	} {
		if _, err := ParseReceipt([]byte(bad)); !errors.Is(err, ErrReceipt) {
			t.Errorf("ParseReceipt(%s) = %v", bad, err)
		}
	}
}

func TestMailto(t *testing.T) {
	short := []byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA+x&y=z\n-----END PGP MESSAGE-----\n")
	link, attach := Mailto("security@comoo.be", "Vulnerability report (encrypted)", short, "report.asc")
	if attach || !strings.HasPrefix(link, "mailto:security@comoo.be?subject=Vulnerability%20report%20%28encrypted%29&body=") ||
		!strings.Contains(link, "wcBMA%2Bx%26y%3Dz%0D%0A") {
		t.Errorf("short: %s", link)
	}
	long := bytes.Repeat([]byte("A"), 5000)
	link, attach = Mailto("security@comoo.be", "Report", long, "sealpost-r-1.asc")
	if !attach || len(link) > MaxMailtoLength || !strings.Contains(link, "sealpost-r-1.asc") {
		t.Errorf("long: attach %v, %d chars", attach, len(link))
	}
}

func TestTheSummarySaysWhatThePolicyPromises(t *testing.T) {
	cfg, err := config.LoadFile("../config/examples/cocomm.json")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSummary(&Receipt{ID: "r-1", SHA256: sha, ReceivedAt: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}, "ABCD", cfg)
	// The sentences are the widget's, in the reporter's language
	// (widget.TestThePromisesAreInTheFormsLanguage).
	s.Promises = []string{"Cocomm will reply within 5 working days.", "Cocomm pays no bounty."}
	text := s.Text()
	for _, want := range []string{
		"Report ID:        r-1", "Ciphertext SHA-256: " + sha, "Sealed to key:    ABCD", "Vendor:           Cocomm",
		"What happens next:\n  - Cocomm will reply within 5 working days.\n  - Cocomm pays no bounty.\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}

func FuzzParseReceipt(f *testing.F) {
	f.Add([]byte(fmt.Sprintf(`{"id":"r-1","sha256":%q,"received_at":"2026-11-23T12:00:00Z"}`, sha)))
	f.Add([]byte(`{"id":"\u0000"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReceipt(data)
		if err != nil {
			if !errors.Is(err, ErrReceipt) {
				t.Fatalf("error %v is not ErrReceipt", err)
			}
			return
		}
		if r.ID == "" || len(r.SHA256) != 64 || r.ReceivedAt.IsZero() {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// FuzzAnswerReceipt: a 2xx body is either a Sealpost receipt that passed
// ParseReceipt, or no receipt (the client makes one); never both, never a
// panic.
func FuzzAnswerReceipt(f *testing.F) {
	f.Add([]byte(fmt.Sprintf(`{"id":"r-1","sha256":%q,"received_at":"2026-11-23T12:00:00Z"}`, sha)))
	f.Add([]byte(`{"id": 4242, "status": "open"}`))
	f.Add([]byte(``))
	f.Add([]byte(`{"sha256": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := answerReceipt(data)
		if err != nil {
			if !errors.Is(err, ErrReceipt) {
				t.Fatalf("error %v is not ErrReceipt", err)
			}
			return
		}
		if r.ByClient {
			if r.ID != "" || r.SHA256 != "" {
				t.Fatalf("a client receipt came filled from the answer: %+v", r)
			}
			return
		}
		if _, err := ParseReceipt(data); err != nil {
			t.Fatalf("accepted %q as a receipt: %v", data, err)
		}
	})
}
