//go:build !js

package deliver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

// intake runs a Sealpost intake asking for proof of work at difficulty.
func intake(t *testing.T, difficulty int) (string, *receiver.Store) {
	t.Helper()
	store, err := receiver.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(receiver.New(receiver.Config{RatePerMinute: -1, ProofOfWork: &receiver.ProofOfWork{Difficulty: difficulty}}, store, nil))
	t.Cleanup(srv.Close)
	return srv.URL + "/reports", store
}

// sealedReport returns a sealed report with a description of n bytes.
func sealedReport(t *testing.T, n int, title string) []byte {
	t.Helper()
	pub, _, err := pgpkey.DemoKey("Deliver Test", "security@example.com", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(pub, pgpkey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &report.Report{Schema: report.Schema, Title: title, Targets: []string{"https://example.com/"}, Description: strings.Repeat("x", n), PolicyAccepted: true}
	var buf bytes.Buffer
	if err := seal.Report(&buf, r, nil, set.Keys, seal.Options{Armor: true}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestProofOfWorkIsSolvedWhenTheIntakeAsks(t *testing.T) {
	url, store := intake(t, 3000)
	small, large := sealedReport(t, 100, "small"), sealedReport(t, 4<<20, "large")
	for _, format := range []string{FormatRaw, FormatMultipart, FormatJSON} {
		for _, msg := range [][]byte{small, large} {
			t.Run(fmt.Sprintf("%s, %d bytes", format, len(msg)), func(t *testing.T) {
				var work Work
				c := &Client{Endpoint: url, Format: format, Attempts: 1}
				r, err := c.PostWork(context.Background(), bytes.NewReader(msg), int64(len(msg)), NewIdempotencyKey(), &work)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := pow.ParseSolution(work.Solution); err != nil || !work.Expires.After(time.Now()) {
					t.Fatalf("the solution was not kept: %q, %v", work.Solution, work.Expires)
				}
				if st, err := store.Get(r.ID); err != nil || st.Size != int64(len(msg)) {
					t.Fatalf("stored: %v, %v", st, err)
				}
			})
		}
	}
}

func TestAKeptSolution(t *testing.T) {
	url, _ := intake(t, 3000)
	msg, other := sealedReport(t, 100, "kept"), sealedReport(t, 100, "other")
	solve := func(msg []byte) Work {
		var w Work
		if _, err := (&Client{Endpoint: url}).PostWork(context.Background(), bytes.NewReader(msg), int64(len(msg)), NewIdempotencyKey(), &w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	spent := solve(other)
	for _, c := range []struct {
		name string
		work Work
	}{
		{"that has expired is solved again", Work{Solution: spent.Solution, Expires: time.Now().Add(-time.Second)}},
		{"for another body is solved again", spent},
		{"that is malformed is solved again", Work{Solution: "1.sha256.x", Expires: time.Now().Add(time.Hour)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := c.work
			if _, err := (&Client{Endpoint: url, Attempts: 1}).PostWork(context.Background(), bytes.NewReader(msg), int64(len(msg)), NewIdempotencyKey(), &w); err != nil {
				t.Fatal(err)
			}
			if w.Solution == c.work.Solution {
				t.Fatal("the kept solution was not replaced")
			}
		})
	}
	t.Run("is sent again with a resend under the same key", func(t *testing.T) {
		var w Work
		key := NewIdempotencyKey()
		client := &Client{Endpoint: url, Attempts: 1}
		first, err := client.PostWork(context.Background(), bytes.NewReader(msg), int64(len(msg)), key, &w)
		if err != nil {
			t.Fatal(err)
		}
		kept := w.Solution
		again, err := client.PostWork(context.Background(), bytes.NewReader(msg), int64(len(msg)), key, &w)
		if err != nil || again.ID != first.ID || w.Solution != kept {
			t.Fatalf("resend: %v, %v; solution kept: %v", again, err, w.Solution == kept)
		}
	})
}

func TestNoWorkAsked(t *testing.T) {
	url, _ := intake(t, 0)
	msg := sealedReport(t, 100, "no work")
	var w Work
	if _, err := (&Client{Endpoint: url, Attempts: 1}).PostWork(context.Background(), bytes.NewReader(msg), int64(len(msg)), NewIdempotencyKey(), &w); err != nil || w.Solution != "" {
		t.Fatalf("an intake asking for no work: %v, solution %q", err, w.Solution)
	}
}

func TestA428WithoutAChallengeIsFinal(t *testing.T) {
	srv, n, _ := flaky(t, []int{428, 428}, nil)
	_, err := (&Client{Endpoint: srv.URL}).Post(context.Background(), strings.NewReader("foo"), 3, "k")
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusPreconditionRequired || e.Temporary || n.Load() != 1 {
		t.Fatalf("another endpoint's 428: %v after %d requests", err, n.Load())
	}
}

func TestTheSolvingStopsWhenPauseFails(t *testing.T) {
	url, store := intake(t, pow.MaxDifficulty)
	msg := sealedReport(t, 100, "too hard")
	stop := errors.New("the page was closed")
	_, err := (&Client{Endpoint: url, Pause: func() error { return stop }}).Post(context.Background(), bytes.NewReader(msg), int64(len(msg)), "k")
	if !errors.Is(err, stop) {
		t.Fatalf("Post: %v, want the pause's error", err)
	}
	if list, _ := store.List(); len(list) != 0 {
		t.Fatalf("%d reports stored", len(list))
	}
}

func TestAChallengeFetchedFirst(t *testing.T) {
	url, store := intake(t, 3000)
	msg := sealedReport(t, 100, "first")
	var posts int
	counting := doerFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost {
			posts++
		}
		return http.DefaultClient.Do(r)
	})
	c := &Client{Endpoint: url, Challenge: ChallengeURL(url), HTTP: counting, Attempts: 1}
	r, err := c.Post(context.Background(), bytes.NewReader(msg), int64(len(msg)), "k")
	if err != nil || posts != 1 {
		t.Fatalf("with the challenge fetched first: %v after %d posts, want 1", err, posts)
	}
	if _, err := store.Get(r.ID); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"https://intake.example/reports":        "https://intake.example/challenge",
		"https://example.com/sealpost/reports":  "https://example.com/sealpost/challenge",
		"https://example.com/api/vuln":          "",
		"https://example.com/reports?token=abc": "",
		"https://example.com/security-reports":  "",
	} {
		if got := ChallengeURL(in); got != want {
			t.Errorf("ChallengeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAChallengeThatCannotBeFetchedIsSkipped(t *testing.T) {
	srv, n, _ := flaky(t, nil, nil)
	c := &Client{Endpoint: srv.URL + "/reports", Challenge: srv.URL + "/challenge"}
	if _, err := c.Post(context.Background(), strings.NewReader("foo"), 3, "k"); err != nil || n.Load() != 2 {
		t.Fatalf("another endpoint: %v after %d requests (a GET, then the post)", err, n.Load())
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }
