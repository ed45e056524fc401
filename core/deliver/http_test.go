//go:build !js

// These tests run a real HTTP server on loopback, which GOOS=js cannot.

package deliver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/thread"
)

// flaky answers with the given statuses in turn, then 201 with a receipt.
func flaky(t *testing.T, statuses []int, header http.Header) (*httptest.Server, *atomic.Int32, *[]string) {
	var n atomic.Int32
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		io.Copy(io.Discard, r.Body)
		if i < len(statuses) {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.WriteHeader(statuses[i])
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":"r-1","sha256":%q,"received_at":"2026-11-23T12:00:00Z"}`, sha)
	}))
	t.Cleanup(srv.Close)
	return srv, &n, &keys
}

// testClient records the waits instead of sleeping.
func testClient(url string, waits *[]time.Duration) *Client {
	return &Client{
		Endpoint: url,
		Sleep: func(ctx context.Context, d time.Duration) error {
			*waits = append(*waits, d)
			return ctx.Err()
		},
		Jitter: func(d time.Duration) time.Duration { return d }, // the ceiling, to check it
	}
}

func TestRetriesTemporaryFailuresWithBackoff(t *testing.T) {
	srv, n, keys := flaky(t, []int{503, 408, 429, 502}, nil)
	var waits []time.Duration
	r, err := testClient(srv.URL, &waits).Post(context.Background(), strings.NewReader("foo"), 3, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "r-1" || n.Load() != 5 {
		t.Errorf("receipt %+v after %d attempts", r, n.Load())
	}
	if fmt.Sprint(waits) != "[500ms 1s 2s 4s]" {
		t.Errorf("waits %v, want doubling from 500ms", waits)
	}
	for _, k := range *keys {
		if k != "key-1" {
			t.Errorf("attempt sent idempotency key %q", k)
		}
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	srv, _, _ := flaky(t, []int{429}, http.Header{"Retry-After": {"7"}})
	var waits []time.Duration
	if _, err := testClient(srv.URL, &waits).Post(context.Background(), strings.NewReader("foo"), 3, "k"); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(waits) != "[7s]" {
		t.Errorf("waits %v, want [7s]", waits)
	}
}

func TestDoesNotRetryOtherClientErrors(t *testing.T) {
	for _, code := range []int{400, 403, 409, 413, 415} {
		srv, n, _ := flaky(t, []int{code, code}, nil)
		var waits []time.Duration
		_, err := testClient(srv.URL, &waits).Post(context.Background(), strings.NewReader("foo"), 3, "k")
		var derr *Error
		if !errors.As(err, &derr) || derr.Temporary || derr.Status != code || n.Load() != 1 {
			t.Errorf("%d: %v after %d attempts", code, err, n.Load())
		}
		if !strings.Contains(err.Error(), "your sealed report is kept") {
			t.Errorf("%d: the error does not say what to do: %v", code, err)
		}
	}
}

func TestGivesUpAfterTheLastAttempt(t *testing.T) {
	srv, n, _ := flaky(t, []int{500, 500, 500, 500, 500, 500}, nil)
	var waits []time.Duration
	c := testClient(srv.URL, &waits)
	c.Attempts = 3
	_, err := c.Post(context.Background(), strings.NewReader("foo"), 3, "k")
	var derr *Error
	if !errors.As(err, &derr) || !derr.Temporary || derr.Attempts != 3 || n.Load() != 3 {
		t.Errorf("%v after %d attempts", err, n.Load())
	}
	if !strings.Contains(err.Error(), "retry later") {
		t.Errorf("error %q", err)
	}
}

func TestStopsAtTheDeadline(t *testing.T) {
	srv, _, _ := flaky(t, []int{503, 503, 503, 503}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{Endpoint: srv.URL, BaseDelay: time.Hour}
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := c.Post(ctx, strings.NewReader("foo"), 3, "k")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestNetworkErrorsAreRetried(t *testing.T) {
	srv, _, _ := flaky(t, nil, nil)
	url := srv.URL
	srv.Close()
	var waits []time.Duration
	c := testClient(url, &waits)
	c.Attempts = 2
	_, err := c.Post(context.Background(), strings.NewReader("foo"), 3, "k")
	var derr *Error
	if !errors.As(err, &derr) || !derr.Temporary || len(waits) != 1 {
		t.Errorf("%v, waits %v", err, waits)
	}
}

func TestAReceiptForOtherBytesIsAnError(t *testing.T) {
	srv, _, _ := flaky(t, nil, nil)
	_, err := (&Client{Endpoint: srv.URL}).Post(context.Background(), strings.NewReader("bar"), 3, "k")
	if !errors.Is(err, ErrReceipt) {
		t.Errorf("got %v, want ErrReceipt", err)
	}
}

func TestFormats(t *testing.T) {
	armored := []byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA\n-----END PGP MESSAGE-----\n")
	for _, c := range []struct{ format, wantType, wantBody string }{
		{FormatRaw, "application/pgp-encrypted", string(armored)},
		{FormatMultipart, "multipart/form-data; boundary=", `name="message"; filename="report.asc"`},
		{FormatJSON, "application/json", `{"message":"-----BEGIN PGP MESSAGE-----\n\nwcBMA\n-----END PGP MESSAGE-----\n"}`},
	} {
		var gotType, gotBody string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gotType = r.Header.Get("Content-Type")
			b, _ := io.ReadAll(r.Body)
			gotBody = string(b)
			w.WriteHeader(http.StatusBadRequest)
		}))
		(&Client{Endpoint: srv.URL, Format: c.format}).Post(context.Background(), bytes.NewReader(armored), int64(len(armored)), "k")
		srv.Close()
		if !strings.HasPrefix(gotType, c.wantType) || !strings.Contains(gotBody, c.wantBody) {
			t.Errorf("%s: %s\n%s", c.format, gotType, gotBody)
		}
	}
	_, err := (&Client{Endpoint: "http://127.0.0.1:1", Format: FormatJSON}).Post(context.Background(), bytes.NewReader([]byte{0xc1, 1}), 2, "k")
	if err == nil || !strings.Contains(err.Error(), "seal with armor") {
		t.Errorf("binary message in json format: %v", err)
	}
}

// The thread token hash goes with every attempt of a report, in every
// format, so that a Sealpost intake opens the report's thread; without one,
// no Sealpost-Thread header is sent at all.
func TestThreadHashIsSentAsTheSealpostThreadHeader(t *testing.T) {
	hash := thread.TokenHash("CrJ-AOPEIVvkUpVO4Ua8veQcW449uZmSJ6Ic-kmz3CE")
	armored := []byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA\n-----END PGP MESSAGE-----\n")
	for _, format := range []string{FormatRaw, FormatMultipart, FormatJSON} {
		for _, withHash := range []bool{true, false} {
			name := fmt.Sprintf("%s format, with a thread hash: %v", format, withHash)
			t.Run(name, func(t *testing.T) {
				var got [][]string
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.Copy(io.Discard, r.Body)
					got = append(got, r.Header.Values(thread.HeaderThread))
					w.WriteHeader(http.StatusServiceUnavailable) // retried
				}))
				defer srv.Close()
				var waits []time.Duration
				c := testClient(srv.URL, &waits)
				c.Format, c.Attempts = format, 3
				if withHash {
					c.ThreadHash = hash
				}
				if _, err := c.Post(context.Background(), bytes.NewReader(armored), int64(len(armored)), "k"); err == nil {
					t.Fatal("a 503 was taken as a receipt")
				}
				if len(got) != 3 {
					t.Fatalf("%d attempts, want 3", len(got))
				}
				for i, h := range got {
					switch {
					case withHash && (len(h) != 1 || h[0] != hash):
						t.Errorf("attempt %d: %s %q, want %q", i+1, thread.HeaderThread, h, hash)
					case !withHash && len(h) != 0:
						t.Errorf("attempt %d: %s %q sent without a thread hash", i+1, thread.HeaderThread, h)
					}
				}
			})
		}
	}
}
