package receiver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

// operatorCred is the tests' operator credential; its SHA-256 goes in
// threads.operator_credential_sha256.
const operatorCred = "test-operator-credential-0123456789"

func operatorHash() string {
	sum := sha256.Sum256([]byte(operatorCred))
	return hex.EncodeToString(sum[:])
}

// fakeClock is a clock a test moves by hand; safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *fakeClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// codeN is a fixed reply code, one per n.
func codeN(t testing.TB, n byte) thread.Code {
	c, err := thread.NewCode(bytes.NewReader(bytes.Repeat([]byte{n}, 26)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// intake is a receiver on its own store with a fake clock (starting at
// now), driven in this process through ServeHTTP.
type intake struct {
	t     testing.TB
	rc    *Receiver
	store *Store
	clock *fakeClock
	v     vendor
}

// threadConfig is an intake with threads, an operator credential, and
// the rate limit and proof of work off (their own tests are elsewhere).
func threadConfig(t Threads) Config {
	if t.OperatorCredentialSHA256 == "" {
		t.OperatorCredentialSHA256 = operatorHash()
	}
	return Config{RatePerMinute: -1, Threads: t}
}

func newIntake(t testing.TB, cfg Config) *intake {
	t.Helper()
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rc := New(cfg, store, nil)
	clock := &fakeClock{t: now}
	rc.now = clock.Now
	return &intake{t: t, rc: rc, store: store, clock: clock, v: newVendor(t)}
}

// answer is a response: its status, headers and body.
type answer struct {
	code   int
	header http.Header
	body   []byte
}

// refusal decodes a thread endpoint's error body.
func (a answer) refusal() thread.Refusal {
	var r thread.Refusal
	json.Unmarshal(a.body, &r)
	return r
}

// do runs one request from 192.0.2.1 (unless header sets RemoteAddr).
func (in *intake) do(method, path string, body []byte, header map[string]string) answer {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/pgp-encrypted")
	}
	req.RemoteAddr = "192.0.2.1:4000"
	for k, v := range header {
		if k == "RemoteAddr" {
			req.RemoteAddr = v
			continue
		}
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	in.rc.ServeHTTP(w, req)
	return answer{w.Code, w.Result().Header, w.Body.Bytes()}
}

// report posts a sealed report opening the thread of code (none when
// code is zero) under idempotency key key, and returns its receipt.
func (in *intake) report(key string, code thread.Code) deliver.Receipt {
	in.t.Helper()
	h := map[string]string{"Idempotency-Key": key}
	if !code.IsZero() {
		h[thread.HeaderThread] = thread.TokenHash(code.Token())
	}
	a := in.do(http.MethodPost, "/reports", in.v.sealed(in.t, key, true), h)
	if a.code != http.StatusCreated {
		in.t.Fatalf("POST /reports: %d %s", a.code, a.body)
	}
	r, err := deliver.ParseReceipt(bytes.TrimSpace(a.body))
	if err != nil {
		in.t.Fatal(err)
	}
	return *r
}

// message seals text to the vendor, armored, as a thread message.
func (in *intake) message(text string) []byte {
	in.t.Helper()
	msg, err := seal.Bytes([]byte(text), []*pgpkey.Key{in.v.key}, seal.Options{Armor: true, Now: clock})
	if err != nil {
		in.t.Fatal(err)
	}
	return msg
}

func bearerOf(cred string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + cred}
}

// reporterPost posts msg to the thread of code.
func (in *intake) reporterPost(code thread.Code, msg []byte) answer {
	return in.do(http.MethodPost, "/thread", msg, bearerOf(code.Token()))
}

// vendorPost posts msg to report id's thread as the operator.
func (in *intake) vendorPost(id string, msg []byte) answer {
	return in.do(http.MethodPost, "/threads/"+id, msg, bearerOf(operatorCred))
}

// view reads the thread of code as its reporter.
func (in *intake) view(code thread.Code) thread.View {
	in.t.Helper()
	a := in.do(http.MethodGet, "/thread", nil, bearerOf(code.Token()))
	if a.code != http.StatusOK {
		in.t.Fatalf("GET /thread: %d %s", a.code, a.body)
	}
	var v thread.View
	if err := json.Unmarshal(a.body, &v); err != nil {
		in.t.Fatalf("GET /thread: %v\n%s", err, a.body)
	}
	return v
}

// posted decodes a 201's thread.Posted.
func posted(t testing.TB, a answer) thread.Posted {
	t.Helper()
	if a.code != http.StatusCreated {
		t.Fatalf("post: %d %s, want 201", a.code, a.body)
	}
	var p thread.Posted
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// plaintext decrypts a thread message with the vendor's key.
func (in *intake) plaintext(msg string) string {
	in.t.Helper()
	r, err := seal.Decrypt(bytes.NewReader([]byte(msg)), in.v.secret)
	if err != nil {
		in.t.Fatal(err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		in.t.Fatal(err)
	}
	return string(data)
}
