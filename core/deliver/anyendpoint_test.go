//go:build !js

// These tests run a real HTTP server on loopback, which GOOS=js cannot.

package deliver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/config"
)

var sentAt = time.Date(2026, 11, 23, 12, 30, 0, 0, time.UTC)

// ticketDesk is a vendor endpoint that is not Sealpost's: a form back-end
// that takes the multipart field "message" (as a ticket system's web form
// would), keeps it, and answers 204 with no body.
type ticketDesk struct {
	got     [][]byte
	headers []http.Header
}

func (d *ticketDesk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f, _, err := r.FormFile("message")
	if err != nil {
		http.Error(w, "no message field", http.StatusBadRequest)
		return
	}
	defer f.Close()
	data, _ := io.ReadAll(f)
	d.got, d.headers = append(d.got, data), append(d.headers, r.Header.Clone())
	w.WriteHeader(http.StatusNoContent)
}

// TestAFormBackEndThatAnswers204GetsAReceiptMadeByTheClient: the report
// arrives intact in the field the documentation names, and the client
// makes the receipt the endpoint did not give.
func TestAFormBackEndThatAnswers204GetsAReceiptMadeByTheClient(t *testing.T) {
	desk := &ticketDesk{}
	srv := httptest.NewServer(desk)
	defer srv.Close()
	sealed := []byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA+x&y=z\n-----END PGP MESSAGE-----\n")
	c := &Client{Endpoint: srv.URL + "/tickets/new", Format: FormatMultipart, Now: func() time.Time { return sentAt }}
	r, err := c.Post(context.Background(), bytes.NewReader(sealed), int64(len(sealed)), "0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(sealed)
	if !r.ByClient || r.ID != "0123456789abcdef0123456789abcdef" || r.SHA256 != hex.EncodeToString(sum[:]) || !r.ReceivedAt.Equal(sentAt) || r.Status != 204 {
		t.Errorf("receipt %+v", r)
	}
	if len(desk.got) != 1 || !bytes.Equal(desk.got[0], sealed) {
		t.Fatalf("the endpoint got %q", desk.got)
	}
	if desk.headers[0].Get("Idempotency-Key") != r.ID {
		t.Errorf("Idempotency-Key %q", desk.headers[0].Get("Idempotency-Key"))
	}
	s := NewSummary(r, "ABCD", &config.Config{Org: config.Org{Name: "Example"}})
	if !s.ByClient || !strings.Contains(s.Text(), "made by the sender") {
		t.Errorf("the summary does not say who made the receipt:\n%s", s.Text())
	}
}

// TestEvery2xxIsASuccess: whatever a 2xx carries, it acknowledges the
// post; only an answer that claims to be a Sealpost receipt is held to it.
func TestEvery2xxIsASuccess(t *testing.T) {
	sealed := []byte("foo")
	for _, c := range []struct {
		name        string
		status      int
		body        string
		byClient    bool
		wantReceipt bool
	}{
		{"an empty 204", 204, "", true, true},
		{"a 200 with an HTML page", 200, "<html><body>Thanks!</body></html>", true, true},
		{"a 201 with a ticket system's own JSON", 201, `{"id": 4242, "status": "open"}`, true, true},
		{"a 202 with plain text", 202, "queued", true, true},
		{"a 201 with a Sealpost receipt", 201, fmt.Sprintf(`{"id":"r-1","sha256":%q,"received_at":"2026-11-23T12:00:00Z"}`, sha), false, true},
		{"a Sealpost receipt for other bytes is refused", 201, `{"id":"r-1","sha256":"` + strings.Repeat("0", 64) + `","received_at":"2026-11-23T12:00:00Z"}`, false, false},
		{"a receipt with a malformed sha256 is refused", 200, `{"id":"r-1","sha256":"ABC"}`, false, false},
		{"a receipt with data after it is refused", 201, fmt.Sprintf(`{"id":"r-1","sha256":%q,"received_at":"2026-11-23T12:00:00Z"}{}`, sha), false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			}))
			defer srv.Close()
			r, err := (&Client{Endpoint: srv.URL, Attempts: 1, Now: func() time.Time { return sentAt }}).Post(context.Background(), bytes.NewReader(sealed), 3, "k-1")
			if !c.wantReceipt {
				if !errors.Is(err, ErrReceipt) {
					t.Errorf("got %+v, %v; want ErrReceipt", r, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.ByClient != c.byClient || r.SHA256 != sha || r.Status != c.status || c.byClient && (r.ID != "k-1" || !r.ReceivedAt.Equal(sentAt)) {
				t.Errorf("receipt %+v", r)
			}
		})
	}
}

// TestEachFormatArrivesAsDocumented: what a vendor's own endpoint reads,
// in each format (widget/README.md, "Your own endpoint").
func TestEachFormatArrivesAsDocumented(t *testing.T) {
	sealed := []byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA\n-----END PGP MESSAGE-----\n")
	read := map[string]func(r *http.Request) ([]byte, error){
		FormatRaw: func(r *http.Request) ([]byte, error) {
			if r.Header.Get("Content-Type") != ContentTypeRaw {
				return nil, fmt.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
			}
			return io.ReadAll(r.Body)
		},
		FormatMultipart: func(r *http.Request) ([]byte, error) {
			f, h, err := r.FormFile("message")
			if err != nil {
				return nil, err
			}
			if h.Filename != "report.asc" || h.Header.Get("Content-Type") != ContentTypeRaw {
				return nil, fmt.Errorf("part %q, %v", h.Filename, h.Header)
			}
			return io.ReadAll(f)
		},
		FormatJSON: func(r *http.Request) ([]byte, error) {
			var body struct{ Message string }
			err := json.NewDecoder(r.Body).Decode(&body)
			return []byte(body.Message), err
		},
	}
	for format, readBody := range read {
		t.Run(format, func(t *testing.T) {
			var got []byte
			var readErr error
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, readErr = readBody(r)
				w.WriteHeader(http.StatusNoContent)
			}))
			defer srv.Close()
			r, err := (&Client{Endpoint: srv.URL, Format: format}).Post(context.Background(), bytes.NewReader(sealed), int64(len(sealed)), "k")
			if err != nil || readErr != nil {
				t.Fatalf("%v; reading: %v", err, readErr)
			}
			if !bytes.Equal(got, sealed) || !r.ByClient {
				t.Errorf("the endpoint read %q; receipt %+v", got, r)
			}
		})
	}
}
