//go:build linux

package receiver

// Attacks on the proof of work (issue 13) that got through. Each test
// fails while the break is there. The attacks that were refused are listed
// in the security tester's report, not here.

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
)

// workConfig is an intake asking for proof of work with the rate limit off
// (the attacks here are not about the rate limit).
func workConfig(key []byte) Config {
	return Config{RatePerMinute: -1, Limits: Limits{MinUploadRate: -1},
		ProofOfWork: &ProofOfWork{Difficulty: testDifficulty, Key: key}}
}

// serveDirect runs one request through rc in this goroutine (so that a
// test's fake clock needs no locking) and returns the answer.
func serveDirect(rc *Receiver, body io.Reader, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/reports", body)
	req.Header.Set("Content-Type", "application/pgp-encrypted")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, req)
	return w
}

// clockReader advances a fake clock when its body is first read: an
// upload that takes longer than the challenge has left.
type clockReader struct {
	r       io.Reader
	advance func()
	done    bool
}

func (c *clockReader) Read(p []byte) (int, error) {
	if !c.done {
		c.done = true
		c.advance()
	}
	return c.r.Read(p)
}

// junkBody is a body of n junk bytes that counts what was read of it.
type junkBody struct{ n, read int64 }

func (c *junkBody) Read(p []byte) (int, error) {
	if c.read >= c.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), c.n-c.read)
	for i := range p[:k] {
		p[i] = 'A'
	}
	c.read += k
	return int(k), nil
}

// An honest report whose upload starts with a fresh, correctly solved
// challenge but takes longer than the challenge's expiry (10 minutes by
// default; a 100 MB report over 1 Mbit/s takes 14, and max_bytes and the
// minimum upload rate allow hours) is refused after the whole upload with
// "the challenge has expired", because finish checks the expiry a second
// time. core/deliver then solves again and uploads again, and fails the same
// way: such a report can never be delivered.
func TestAReportWhoseChallengeExpiresWhileItUploadsIsStillAccepted(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "a long upload", true)
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rc := New(workConfig(nil), store, nil)
	fake := time.Now()
	rc.work.now = func() time.Time { return fake }
	sol := solveFor(t, rc.work.challenge(), msg)
	body := &clockReader{r: bytes.NewReader(msg), advance: func() { fake = fake.Add(defaultWorkExpiry + time.Minute) }}
	w := serveDirect(rc, body, map[string]string{pow.Header: sol})
	if w.Code != http.StatusCreated {
		t.Fatalf("a report solved in time whose upload outlasted the challenge: %d %s, want 201", w.Code, strings.TrimSpace(w.Body.String()))
	}
}

// The proof of work does not gate the body: a challenge costs nothing
// (GET /challenge, or the one every 428 carries), and with any nonces at
// all (here zeros) a post passes begin() and its whole body is read,
// hashed and written to tmp/ before the 403. So an attacker doing no work
// at all still makes the intake take max_bytes (256 MiB) per post to disk,
// 64 at a time; the issue asks that the work be checked before a byte is
// written. (A fix: carry the body's SHA-256 with the solution, check the
// puzzles against it before reading, and compare it with the streamed
// hash at the end.)
func TestAPostWhoseNoncesDoNoWorkIsRefusedBeforeItsBodyIsRead(t *testing.T) {
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rc := New(workConfig(nil), store, nil)
	free := rc.work.challenge().String() + "." + strings.Repeat("0", 16*pow.Puzzles)
	body := &junkBody{n: 32 << 20}
	w := serveDirect(rc, body, map[string]string{pow.Header: free})
	if w.Code != http.StatusForbidden {
		t.Fatalf("zero nonces: %d %s, want 403", w.Code, strings.TrimSpace(w.Body.String()))
	}
	if body.read > 1<<20 {
		t.Fatalf("a post whose nonces do no work had %d of its %d bytes read and written to tmp/ before the 403", body.read, body.n)
	}
}

// The spent solutions live only in the process's memory while the key
// that signs the challenges lives in the store: after a restart (a deploy,
// a crash, the OOM killer) every solution spent in the last 10 minutes was
// accepted once more, under a new idempotency key, and stored a second
// report. Now each process's challenges carry its own epoch, and a
// challenge from before the restart is refused (the client solves anew).
func TestASolutionSpentBeforeARestartIsRefusedAfterIt(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "replayed after a restart", true)
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := workConfig(nil)
	before := httptest.NewServer(New(cfg, store, nil))
	sol := solveFor(t, challengeFrom(t, before.URL), msg)
	if resp, data := post(t, before.URL, "application/pgp-encrypted", msg, map[string]string{pow.Header: sol, "Idempotency-Key": "first"}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the first use: %s %s", resp.Status, data)
	}
	before.Close()
	after := newTestServer(t, cfg, store) // the same store and key: a restart
	if resp, data := post(t, after, "application/pgp-encrypted", msg, map[string]string{pow.Header: sol, "Idempotency-Key": "second"}); resp.StatusCode/100 != 4 {
		t.Fatalf("a solution spent before the restart, replayed under another key after it: %s %s, want a refusal", resp.Status, bytes.TrimSpace(data))
	}
	if list, _ := store.List(); len(list) != 1 {
		t.Errorf("%d reports stored, want 1", len(list))
	}
}

// Intakes sharing a key (proof_of_work.key_env) each remember only the
// solutions spent on them: behind a load balancer one solution was
// accepted once per intake, storing a report on each. Now an intake takes
// only the challenges it issued itself.
func TestASolutionSpentOnOneIntakeIsRefusedByAnotherSharingItsKey(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "replayed on the next intake", true)
	key := make([]byte, 32)
	rand.Read(key)
	var urls []string
	for range 2 {
		store, err := OpenStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, newTestServer(t, workConfig(key), store))
	}
	sol := solveFor(t, challengeFrom(t, urls[0]), msg)
	if resp, data := post(t, urls[0], "application/pgp-encrypted", msg, map[string]string{pow.Header: sol, "Idempotency-Key": "a"}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the first use: %s %s", resp.Status, data)
	}
	if resp, data := post(t, urls[1], "application/pgp-encrypted", msg, map[string]string{pow.Header: sol, "Idempotency-Key": "b"}); resp.StatusCode/100 != 4 {
		t.Fatalf("the same solution on a second intake sharing the key: %s %s, want a refusal", resp.Status, bytes.TrimSpace(data))
	}
}
