package receiver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
)

// testDifficulty keeps the tests quick: a few thousand hashes.
const testDifficulty = 2000

// startWork runs an intake asking for proof of work at difficulty and
// returns its URL, store and receiver.
func startWork(t *testing.T, difficulty int) (string, *Store, *Receiver) {
	t.Helper()
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rc := New(Config{RatePerMinute: -1, AllowedOrigins: []string{"https://widget.example"}, ProofOfWork: &ProofOfWork{Difficulty: difficulty}}, store, nil)
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return srv.URL, store, rc
}

// challengeFrom fetches url's challenge.
func challengeFrom(t *testing.T, url string) pow.Challenge {
	t.Helper()
	resp, err := http.Get(url + "/challenge")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /challenge: %s %s", resp.Status, data)
	}
	c, err := pow.ParseChallengeResponse(data)
	if err != nil {
		t.Fatalf("GET /challenge answered %s: %v", data, err)
	}
	return c
}

func solveFor(t *testing.T, c pow.Challenge, body []byte) string {
	t.Helper()
	s, err := pow.Solve(context.Background(), c, sha256.Sum256(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s.String()
}

// inStore lists the reports and half-received bodies in the store.
func inStore(t *testing.T, s *Store) []string {
	var out []string
	for _, dir := range []string{"reports", "tmp", "outbox"} {
		entries, _ := os.ReadDir(filepath.Join(s.Dir(), dir))
		for _, e := range entries {
			out = append(out, dir+"/"+e.Name())
		}
	}
	return out
}

func TestProofOfWorkRefusals(t *testing.T) {
	v := newVendor(t)
	msg, other := v.sealed(t, "the report", true), v.sealed(t, "another report", true)
	url, store, rc := startWork(t, testDifficulty)
	key := rc.work.key
	sign := func(difficulty uint64, expires time.Time) pow.Challenge {
		c, err := pow.NewChallenge(key, difficulty, expires, [16]byte{byte(difficulty), byte(expires.Unix())})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// A solution whose nonces do not do the work: each nonce made to fail.
	lazy, err := pow.ParseSolution(solveFor(t, challengeFrom(t, url), msg))
	if err != nil {
		t.Fatal(err)
	}
	for i := range lazy.Nonces {
		for lazy.Nonces[i]++; pow.Verify(key, lazy, sha256.Sum256(msg), testDifficulty, time.Now()) == nil; lazy.Nonces[i]++ {
		}
	}
	spent := solveFor(t, challengeFrom(t, url), msg)
	if resp, data := post(t, url, "application/pgp-encrypted", msg, map[string]string{pow.Header: spent}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a solved post: %s %s", resp.Status, data)
	}
	before := inStore(t, store)
	for _, c := range []struct {
		name   string
		header string
		body   []byte
		want   int
	}{
		{"a post without a solution gets 428", "", msg, http.StatusPreconditionRequired},
		{"a malformed solution gets 403", "1.sha256.x", msg, http.StatusForbidden},
		{"a solution for another body gets 403", solveFor(t, challengeFrom(t, url), other), msg, http.StatusForbidden},
		{"an expired solution gets 403", solveFor(t, sign(testDifficulty, time.Now().Add(-time.Second)), msg), msg, http.StatusForbidden},
		{"a challenge below the difficulty gets 403", solveFor(t, sign(testDifficulty/2, time.Now().Add(time.Minute)), msg), msg, http.StatusForbidden},
		{"nonces that do not do the work get 403", lazy.String(), msg, http.StatusForbidden},
		{"a challenge signed by another key gets 403", solveFor(t, func() pow.Challenge {
			c, _ := pow.NewChallenge([]byte("another intake's key, 32 bytes.."), testDifficulty, time.Now().Add(time.Minute), [16]byte{})
			return c
		}(), msg), msg, http.StatusForbidden},
		{"a replayed solution gets 409", spent, msg, http.StatusConflict},
		{"a replayed solution with another body gets 409", spent, other, http.StatusConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{}
			if c.header != "" {
				h[pow.Header] = c.header
			}
			resp, data := post(t, url, "application/pgp-encrypted", c.body, h)
			if resp.StatusCode != c.want {
				t.Fatalf("%s %s, want %d", resp.Status, data, c.want)
			}
			if _, err := pow.ParseChallenge(resp.Header.Get(pow.ChallengeHeader)); err != nil {
				t.Errorf("the refusal carries no fresh challenge: %v", err)
			}
			if got := inStore(t, store); strings.Join(got, " ") != strings.Join(before, " ") {
				t.Errorf("the store changed: %v, was %v", got, before)
			}
		})
	}
}

func TestProofOfWorkAcceptsEveryFormat(t *testing.T) {
	v := newVendor(t)
	url, store, _ := startWork(t, testDifficulty)
	msg := v.sealed(t, "formats", true)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, _ := mw.CreateFormFile("message", "report.asc")
	part.Write(msg)
	mw.Close()
	js, _ := json.Marshal(map[string]string{"message": string(msg)})
	for _, c := range []struct {
		name, contentType string
		body              []byte
	}{
		{"raw", "application/pgp-encrypted", msg},
		{"multipart", mw.FormDataContentType(), form.Bytes()},
		{"json", "application/json", js},
	} {
		t.Run("a solution over the message's bytes passes in the "+c.name+" format", func(t *testing.T) {
			resp, data := post(t, url, c.contentType, c.body, map[string]string{pow.Header: solveFor(t, challengeFrom(t, url), msg), "Idempotency-Key": c.name})
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("%s %s", resp.Status, data)
			}
			var st Stored
			json.Unmarshal(data, &st)
			if got, _ := store.Get(st.ID); got == nil || got.SHA256 != fmt.Sprintf("%x", sha256.Sum256(msg)) {
				t.Fatalf("the stored report is not the message")
			}
		})
	}
}

func TestProofOfWorkRetryUnderTheSameKey(t *testing.T) {
	v := newVendor(t)
	url, _, _ := startWork(t, testDifficulty)
	msg, other := v.sealed(t, "retried", true), v.sealed(t, "other", true)
	sol := solveFor(t, challengeFrom(t, url), msg)
	h := map[string]string{pow.Header: sol, "Idempotency-Key": "k1"}
	first, _ := post(t, url, "application/pgp-encrypted", msg, h)
	again, data := post(t, url, "application/pgp-encrypted", msg, h)
	if first.StatusCode != http.StatusCreated || again.StatusCode != http.StatusOK {
		t.Fatalf("a retry of the same report under the same key with the same solution: %s then %s %s, want 201 then 200", first.Status, again.Status, data)
	}
	if resp, _ := post(t, url, "application/pgp-encrypted", other, h); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the same key and solution with another body: %s, want 403", resp.Status)
	}
	if resp, _ := post(t, url, "application/pgp-encrypted", msg, map[string]string{pow.Header: sol, "Idempotency-Key": "k2"}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("the same solution under another key: %s, want 409", resp.Status)
	}
}

func TestDifficultyZeroChangesNothing(t *testing.T) {
	v := newVendor(t)
	url, store, _ := startWork(t, 0)
	if resp, _ := post(t, url, "application/pgp-encrypted", v.sealed(t, "no work", true), nil); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a post without a solution to an intake asking none: %s", resp.Status)
	}
	resp, err := http.Get(url + "/challenge")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /challenge with no work asked: %s, want 404", resp.Status)
	}
	if _, err := os.Stat(filepath.Join(store.Dir(), "pow-key")); err == nil {
		t.Fatal("an intake asking no work made a key")
	}
}

func TestProofOfWorkCORS(t *testing.T) {
	url, _, _ := startWork(t, testDifficulty)
	req, _ := http.NewRequest(http.MethodOptions, url+"/reports", nil)
	req.Header.Set("Origin", "https://widget.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), pow.Header) {
		t.Errorf("the preflight allows %q, not the solution's header", resp.Header.Get("Access-Control-Allow-Headers"))
	}
	for origin, want := range map[string]string{"https://widget.example": "https://widget.example", "https://evil.example": ""} {
		req, _ = http.NewRequest(http.MethodGet, url+"/challenge", nil)
		req.Header.Set("Origin", origin)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("GET /challenge from %s: Access-Control-Allow-Origin %q, want %q", origin, got, want)
		}
	}
	req, _ = http.NewRequest(http.MethodPost, url+"/reports", strings.NewReader("x"))
	req.Header.Set("Origin", "https://widget.example")
	req.Header.Set("Content-Type", "application/pgp-encrypted")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPreconditionRequired || resp.Header.Get("Access-Control-Expose-Headers") != pow.ChallengeHeader {
		t.Errorf("a browser's post without work: %s, exposing %q", resp.Status, resp.Header.Get("Access-Control-Expose-Headers"))
	}
}

func TestTheKeyIsMadeOnceAndKeptPrivate(t *testing.T) {
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := New(Config{ProofOfWork: DefaultProofOfWork()}, store, nil)
	b := New(Config{ProofOfWork: DefaultProofOfWork()}, store, nil)
	if !bytes.Equal(a.work.key, b.work.key) || len(a.work.key) != 32 {
		t.Fatal("a second start made another key: challenges issued before a restart would be refused")
	}
	fi, err := os.Stat(filepath.Join(store.Dir(), "pow-key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("pow-key: %v, mode %v, want 0600", err, fi.Mode().Perm())
	}
	given := []byte("a key from the config, 32 bytes.")
	if c := New(Config{ProofOfWork: &ProofOfWork{Difficulty: 1, Key: given}}, store, nil); !bytes.Equal(c.work.key, given) {
		t.Fatal("the configured key is not used")
	}
}

func TestConfigProofOfWork(t *testing.T) {
	for _, c := range []struct {
		name, json string
		want       int
	}{
		{"a config without proof_of_work asks for the default", `{}`, pow.DefaultDifficulty},
		{"difficulty 0 turns it off", `{"proof_of_work": {"difficulty": 0}}`, 0},
		{"a difficulty is kept", `{"proof_of_work": {"difficulty": 12345, "expiry": "5m"}}`, 12345},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(c.json))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ProofOfWork.Difficulty != c.want {
				t.Fatalf("difficulty %d, want %d", cfg.ProofOfWork.Difficulty, c.want)
			}
		})
	}
	t.Setenv("SEALPOST_TEST_POW_KEY", "00")
	for _, bad := range []string{`{"proof_of_work": {"difficulty": -1}}`, `{"proof_of_work": {"difficulty": 1, "key_env": "SEALPOST_TEST_POW_KEY"}}`, `{"proof_of_work": {"dificulty": 1}}`} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("ParseConfig(%s) accepted it", bad)
		}
	}
}

func TestSpentSolutionsAreBounded(t *testing.T) {
	_, _, rc := startWork(t, testDifficulty)
	wk := rc.work
	clock := time.Now()
	wk.now = func() time.Time { return clock }
	for i := range maxUsedSolutions {
		wk.used[[16]byte{byte(i), byte(i >> 8), byte(i >> 16)}] = usedSolution{expires: clock.Add(time.Minute)}
	}
	fresh := wk.challenge()
	if err := wk.spent(fresh, [32]byte{}, "", true); err != errWorkFull {
		t.Fatalf("a full table of live solutions: %v, want errWorkFull (never forgetting a live one)", err)
	}
	clock = clock.Add(2 * time.Minute)
	if err := wk.spent(fresh, [32]byte{}, "", true); err != nil || len(wk.used) != 1 {
		t.Fatalf("once they expired: %v, %d remembered", err, len(wk.used))
	}
}

func FuzzChallengeResponse(f *testing.F) {
	f.Add([]byte(`{"challenge": "1.sha256.1.0.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := pow.ParseChallengeResponse(data)
		if err == nil {
			if back, err := pow.ParseChallenge(c.String()); err != nil || back != c {
				t.Fatalf("%q: the challenge does not round-trip", data)
			}
		}
	})
}
