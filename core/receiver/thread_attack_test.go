package receiver

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

// The thread endpoints as an outside attacker tries them: the attacks that
// worked once (each test says what it did) and the defences that held,
// kept so that they keep holding.

// withSessionKeys is a message to the vendor with n session-key packets:
// the one seal writes, repeated. Sniff checks framing only, so each copy
// is as good as the first; a reader with the vendor's key tries each.
func (in *intake) withSessionKeys(n int, armored bool) []byte {
	in.t.Helper()
	msg, err := seal.Bytes([]byte("many keys"), []*pgpkey.Key{in.v.key}, seal.Options{Now: clock})
	if err != nil {
		in.t.Fatal(err)
	}
	if msg[0] != 0xc1 || msg[1] >= 192 {
		in.t.Fatalf("expected a short new-format PKESK first, got %x", msg[:2])
	}
	esk, rest := msg[:2+int(msg[1])], msg[2+int(msg[1]):]
	out := append(bytes.Repeat(esk, n), rest...)
	if !armored {
		return out
	}
	return armorOf(in.t, out)
}

func TestAMessageWithMoreSessionKeysThanRecipientsIsNotStored(t *testing.T) {
	// A reporter's message with 474 session keys naming the vendor's key
	// took `sealpost inbox` 3 s to open with an RSA-3072 key, and a thread
	// holds 500 messages; a report of 256 MiB holds far more.
	in := newIntake(t, threadConfig(Threads{}))
	code := codeN(t, 60)
	in.report("k-60", code)
	if a := in.reporterPost(code, in.withSessionKeys(thread.MaxSessionKeys, true)); a.code != http.StatusCreated {
		t.Fatalf("%d session keys: %d %s, want 201", thread.MaxSessionKeys, a.code, a.body)
	}
	for _, n := range []int{thread.MaxSessionKeys + 1, 2000} {
		if a := in.reporterPost(code, in.withSessionKeys(n, true)); a.code != http.StatusUnsupportedMediaType || !strings.Contains(a.refusal().Error, "session keys") {
			t.Errorf("a thread message with %d session keys: %d %s, want 415 naming the session keys", n, a.code, a.body)
		}
		a := in.do(http.MethodPost, "/reports", in.withSessionKeys(n, false), map[string]string{"Idempotency-Key": fmt.Sprint("k-keys-", n)})
		if a.code != http.StatusUnsupportedMediaType {
			t.Errorf("a report with %d session keys: %d %s, want 415", n, a.code, a.body)
		}
	}
	if v := in.view(code); len(v.Entries) != 1 {
		t.Errorf("the thread holds %d entries, want 1", len(v.Entries))
	}
}

func TestAReportIDIsLowerCaseHexOnly(t *testing.T) {
	// An upper-case id named the same files on a case-insensitive file
	// system (macOS) under another lock stripe, and the vendor's reply
	// then bound itself to an id the reporter's messages do not carry.
	id := idFor("k-case")
	if !validID(id) {
		t.Fatalf("%s is refused", id)
	}
	for _, bad := range []string{"r-" + strings.ToUpper(id[2:]), "R-" + id[2:], id[:25] + "A"} {
		if validID(bad) {
			t.Errorf("%s is taken as a report id", bad)
		}
	}
}

func TestHostileReportIDsOnTheOperatorEndpoints(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	id := in.report("k-61", codeN(t, 61)).ID
	for _, path := range []string{
		"/threads/" + strings.ToUpper(id),
		"/threads/" + id + "%2F..%2F..%2Freports",
		"/threads/%2e%2e",
		"/threads/..%2Freports%2F" + id + ".asc",
		"/threads/" + id[:20] + "%C3%A9%C3%A9%C3%A9",
		"/threads/" + id + "%00",
		"/threads/" + strings.Repeat("r-", 20000),
		"/threads/" + id + "/",
	} {
		a := in.do(http.MethodGet, path, nil, bearerOf(operatorCred))
		if a.code != http.StatusNotFound || strings.Contains(string(a.body), in.store.Dir()) {
			t.Errorf("GET %.80s: %d %s, want 404 naming no path", path, a.code, a.body)
		}
	}
	if a := in.do(http.MethodGet, "/threads/"+id, nil, bearerOf(operatorCred)); a.code != http.StatusOK {
		t.Errorf("the right id after them: %d", a.code)
	}
}

func TestGuessesAreCountedPerSubscriberNotPerHeader(t *testing.T) {
	cfg := threadConfig(Threads{})
	cfg.TrustedProxies = []string{"10.0.0.0/8"}
	in := newIntake(t, cfg)
	code := codeN(t, 62)
	in.report("k-62", code)
	wrong := "Bearer " + codeN(t, 63).Token()
	guess := func(remote, xff string) int {
		h := map[string]string{"Authorization": wrong, "RemoteAddr": remote}
		if xff != "" {
			h["X-Forwarded-For"] = xff
		}
		return in.do(http.MethodGet, "/thread", nil, h).code
	}
	exhaust := func(remote func(i int) string, xff func(i int) string) []int {
		var codes []int
		for i := range guessBurst + 1 {
			codes = append(codes, guess(remote(i), xff(i)))
		}
		return codes
	}
	last := func(codes []int) int { return codes[len(codes)-1] }
	none := func(int) string { return "" }
	t.Run("every address of one IPv6 /64 shares one budget", func(t *testing.T) {
		if c := exhaust(func(i int) string { return fmt.Sprintf("[2001:db8:1:2::%x]:1", i+1) }, none); last(c) != http.StatusTooManyRequests {
			t.Errorf("codes %v, want the last 429", c)
		}
		if c := guess("[2001:db8:1:3::1]:1", ""); c != http.StatusNotFound {
			t.Errorf("the next /64: %d, want 404", c)
		}
	})
	t.Run("X-Forwarded-For from a client that is no proxy is ignored", func(t *testing.T) {
		if c := exhaust(func(int) string { return "198.51.100.20:1" }, func(i int) string { return fmt.Sprintf("203.0.113.%d", i) }); last(c) != http.StatusTooManyRequests {
			t.Errorf("codes %v, want the last 429", c)
		}
	})
	t.Run("through a trusted proxy, what the client wrote to its left is ignored", func(t *testing.T) {
		if c := exhaust(func(int) string { return "10.1.1.1:1" }, func(i int) string { return fmt.Sprintf("203.0.113.%d, 198.51.100.30", i) }); last(c) != http.StatusTooManyRequests {
			t.Errorf("codes %v, want the last 429", c)
		}
	})
	t.Run("a reporter elsewhere is not locked out by them", func(t *testing.T) {
		h := bearerOf(code.Token())
		h["RemoteAddr"] = "192.0.2.77:1"
		if a := in.do(http.MethodGet, "/thread", nil, h); a.code != http.StatusOK {
			t.Errorf("%d %s", a.code, a.body)
		}
		h["RemoteAddr"], h["X-Forwarded-For"] = "10.1.1.1:2", "198.51.100.31"
		if a := in.do(http.MethodPost, "/thread", in.message("via the proxy"), h); a.code != http.StatusCreated {
			t.Errorf("through the proxy: %d %s", a.code, a.body)
		}
	})
}

// rawRequest sends head (CRLF line ends added) and body over one
// connection to addr and returns the answer's status.
func rawRequest(t *testing.T, addr string, head []string, body []byte) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "%s\r\nContent-Length: %d\r\n\r\n", strings.Join(head, "\r\n"), len(body))
	c.Write(body)
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestThreadHeadersAsTheWireCarriesThem(t *testing.T) {
	in := newIntake(t, Config{})
	addr, dir := serve(t, Config{RatePerMinute: -1})
	hash := thread.TokenHash(codeN(t, 64).Token())
	report := in.v.sealed(t, "headers", true)
	base := []string{"POST /reports HTTP/1.1", "Host: x", "Content-Type: application/pgp-encrypted"}
	for _, c := range []struct {
		name    string
		headers []string
	}{
		{"twice, in two spellings", []string{"sealpost-thread: " + hash, "SEALPOST-THREAD: " + hash}},
		{"twice in one line", []string{"Sealpost-Thread: " + hash + ", " + hash}},
		{"padded with spaces", []string{"Sealpost-Thread: " + hash + " x"}},
		{"8 KiB long", []string{"Sealpost-Thread: " + strings.Repeat("a", 8<<10)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code := rawRequest(t, addr, append(base, c.headers...), report); code != http.StatusBadRequest {
				t.Errorf("%d, want 400", code)
			}
		})
	}
	if code := rawRequest(t, addr, append(base, "sEaLpOsT-tHrEaD: "+hash), report); code != http.StatusCreated {
		t.Errorf("once, in any case: %d, want 201", code)
	}
	s := &Store{dir: dir}
	if list, _ := s.Threads(); len(list) != 1 {
		t.Errorf("%d threads", len(list))
	}
}

func TestNothingRidesAlongWithAThreadMessage(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	code := codeN(t, 65)
	in.report("k-65", code)
	msg := in.message("hello")
	binaryMsg, _ := seal.Bytes([]byte("hello"), []*pgpkey.Key{in.v.key}, seal.Options{Now: clock})
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"text after END", append(bytes.Clone(msg), "\nthe plaintext, smuggled\n"...)},
		{"a blank line after END", append(bytes.Clone(msg), '\n', '\n')},
		{"text before BEGIN", append([]byte("Dear vendor,\n"), msg...)},
		{"two messages", append(append(bytes.Clone(msg), '\n'), msg...)},
		{"a Comment header", bytes.Replace(msg, []byte("-----\n\n"), []byte("-----\nComment: the plaintext\n\n"), 1)},
		{"a literal data packet after the encrypted data", armorOf(t, append(bytes.Clone(binaryMsg), 0xcb, 0x07, 'b', 0, 0, 0, 0, 0, 'x'))},
		{"a binary message", binaryMsg},
		{"nothing but armor", []byte("-----BEGIN PGP MESSAGE-----\n\n-----END PGP MESSAGE-----\n")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if a := in.reporterPost(code, c.body); a.code != http.StatusUnsupportedMediaType {
				t.Errorf("%d %s, want 415", a.code, a.body)
			}
		})
	}
	if v := in.view(code); len(v.Entries) != 0 {
		t.Errorf("%d entries stored", len(v.Entries))
	}
}

func TestPostsRacingForOneEnquiryGetOneIn(t *testing.T) {
	// The reporter may write again at next enquiry time; eight posts at
	// that moment, side by side, get one entry between them.
	in := newIntake(t, threadConfig(Threads{EnquiryIntervalDays: 14}))
	code := codeN(t, 66)
	in.report("k-66", code)
	in.clock.Add(14 * 24 * time.Hour)
	msg := in.message("anyone there?")
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = in.do(http.MethodPost, "/thread", msg, map[string]string{"Authorization": "Bearer " + code.Token(), "RemoteAddr": fmt.Sprintf("192.0.2.%d:1", 100+i)}).code
		}()
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("a racing post got %d", c)
		}
	}
	if v := in.view(code); created != 1 || len(v.Entries) != 1 {
		t.Errorf("codes %v: %d entries, want one", codes, len(v.Entries))
	}
	// A vendor entry labelled by the intake, not by the body: the
	// reporter's post is the reporter's, whatever it says.
	if name := entryName(1, fromReporter); !fileExists(filepath.Join(in.store.threadDir(idFor("k-66")), name)) {
		t.Errorf("the entry is not %s", name)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestAFullDiskRefusesAThreadMessageFor503(t *testing.T) {
	dir, store := fullDiskStore(t)
	in := newIntake(t, threadConfig(Threads{}))
	in.rc = New(threadConfig(Threads{}), store, nil)
	in.rc.now = in.clock.Now
	in.store = store
	code := codeN(t, 67)
	in.report("k-67", code)
	big := in.message(strings.Repeat("x", 240<<10))
	a := in.reporterPost(code, big)
	if a.code != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" || !strings.Contains(a.refusal().Error, "out of storage") {
		t.Errorf("%d (Retry-After %q) %s, want 503 out of storage", a.code, a.header.Get("Retry-After"), a.body)
	}
	if bytes.Contains(a.body, []byte(dir)) || bytes.Contains(a.body, []byte("/")) {
		t.Errorf("the answer names a path: %s", a.body)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "tmp", "*")); len(left) != 0 {
		t.Errorf("tmp/ holds %v", left)
	}
	posted(t, in.reporterPost(code, in.message("small")))
	if v := in.view(code); len(v.Entries) != 1 || v.Entries[0].Seq != 1 {
		t.Errorf("entries %+v", v.Entries)
	}
}
