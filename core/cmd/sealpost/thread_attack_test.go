package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/thread"
)

// The command-line clients facing a hostile intake (one that answers what
// it likes) and a hostile reporter (whose report.json names the keys a
// reply is sealed to).

// viewOf is the JSON of a view whose entries are n copies of entry, with
// seq numbered from 1 when entry holds %d.
func viewOf(n int, entry string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"report_id":"r-1","received_at":"2026-11-23T12:00:00Z","entries":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.Contains(entry, "%d") {
			fmt.Fprintf(&b, entry, i+1)
		} else {
			b.WriteString(entry)
		}
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func TestAHostileViewIsRefused(t *testing.T) {
	entry := `{"seq":%d,"from":"vendor","at":"2026-11-23T13:00:00Z","message":""}`
	for _, c := range []struct {
		name, want string
		data       []byte
	}{
		{"more entries than any intake keeps", "more than 100000 entries", viewOf(thread.MaxEntries+1, entry)},
		{"entries out of order", "entry 2", []byte(`{"report_id":"r-1","entries":[{"seq":2,"from":"vendor"},{"seq":1,"from":"vendor"}]}`)},
		{"one entry twice", "entry 2", []byte(`{"report_id":"r-1","entries":[{"seq":1,"from":"vendor"},{"seq":1,"from":"vendor"}]}`)},
		{"an entry numbered 0", "entry 1", []byte(`{"report_id":"r-1","entries":[{"seq":0,"from":"vendor"}]}`)},
		{"an entry from a third party", "entry 1 is from", []byte(`{"report_id":"r-1","entries":[{"seq":1,"from":"intake"}]}`)},
		{"an unknown key in an entry", "unknown", []byte(`{"report_id":"r-1","entries":[{"seq":1,"from":"vendor","extra":1}]}`)},
		{"an unknown key", "unknown", []byte(`{"report_id":"r-1","entries":[],"x":1}`)},
		{"a million brackets deep", "not a thread", append([]byte(`{"report_id":"r-1","entries":`), bytes.Repeat([]byte("["), 1<<20)...)},
		{"data after the view", "not a thread", []byte(`{"report_id":"r-1","entries":[]} {}`)},
		{"entries that are no list", "not a thread", []byte(`{"report_id":"r-1","entries":{"seq":1}}`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := parseView(c.data)
			if err == nil {
				t.Fatalf("accepted, %d entries", len(v.Entries))
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v, want %q", err, c.want)
			}
		})
	}
	if v, err := parseView(viewOf(thread.MaxEntries, entry)); err != nil || len(v.Entries) != thread.MaxEntries {
		t.Errorf("a full thread: %v", err)
	}
}

func TestParsingAHostileViewCostsAboutItsSize(t *testing.T) {
	// Decoding into a generic tree first (to name unknown keys) took 14 GB
	// and four minutes for 192 MiB of "{},", 8 GB for a list of zeros
	// under an unknown key: memory a malicious intake chose.
	const size = 4 << 20
	for _, c := range []struct{ name, head, unit string }{
		{"empty entries", `{"report_id":"r-1","entries":[`, `{},`},
		{"zeros under an unknown key", `{"report_id":"r-1","x":[`, `0,`},
		{"objects under an unknown key", `{"report_id":"r-1","x":[`, `{"a":1},`},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.head + strings.Repeat(c.unit, size/len(c.unit)) + "0]}")
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := parseView(data)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("accepted")
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*size {
				t.Errorf("parsing %d bytes allocated %d MB", len(data), alloc>>20)
			}
		})
	}
}

// intakeAt serves h as a fake intake and returns its URL.
func intakeAt(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func testCodeFile(t *testing.T) (thread.Code, string) {
	c, err := thread.NewCode(bytes.NewReader(bytes.Repeat([]byte{5}, 26)))
	if err != nil {
		t.Fatal(err)
	}
	return c, writeFile(t, filepath.Join(t.TempDir(), "code"), c.String()+"\n")
}

func TestTheThreadClientFollowsNoRedirect(t *testing.T) {
	// Go's client sends Authorization on to any port and scheme of the same
	// host, and to its subdomains: a redirect (a proxy's, an intake's)
	// took the thread token or the operator credential elsewhere, in the
	// clear when to http.
	var mu sync.Mutex
	var leaked []string
	elsewhere := intakeAt(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		leaked = append(leaked, r.Header.Get("Authorization"))
		mu.Unlock()
		http.Error(w, `{"error":"nothing here"}`, http.StatusNotFound)
	})
	intake := intakeAt(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere+r.URL.Path, http.StatusTemporaryRedirect)
	})
	_, codeFile := testCodeFile(t)
	_, errs, code := sealpost(t, "", "follow", "--server", intake, "--code-file", codeFile)
	cred := writeFile(t, filepath.Join(t.TempDir(), "cred"), testCredential)
	key := writeFile(t, filepath.Join(t.TempDir(), "key.asc"), string(vendorSecret(t)))
	_, errs2, code2 := sealpost(t, "", "open", "--secret-key", key, "--server", intake, "--credential", cred, "--thread", "r-0123456789abcdef01234567")
	mu.Lock()
	defer mu.Unlock()
	for _, h := range leaked {
		if h != "" {
			t.Errorf("the redirect's target was sent %q", h)
		}
	}
	for _, c := range []struct {
		code int
		errs string
	}{{code, errs}, {code2, errs2}} {
		if c.code == 0 || !strings.Contains(c.errs, "redirect") {
			t.Errorf("exit %d: %s, want a failure that names the redirect", c.code, c.errs)
		}
	}
}

func vendorSecret(t *testing.T) []byte {
	e, err := testkeys.New("Vendor", "security@example.com", packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return testkeys.Secret(e)
}

func TestAnIntakesWordsReachTheTerminalCleaned(t *testing.T) {
	hostile := "\x1b]0;owned\x07\x1b[2J\u009b31m\u202egnp.exe"
	refusal, _ := json.Marshal(thread.Refusal{Error: hostile})
	for _, c := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"in a refusal", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadRequest); w.Write(refusal) }},
		{"in a page that is no refusal", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte(hostile + "\n"))
		}},
		{"in a status line", func(w http.ResponseWriter, r *http.Request) {
			// net/http writes the reason phrase for the code; a custom one
			// needs a hijacked connection.
			conn, buf, _ := http.NewResponseController(w).Hijack()
			defer conn.Close()
			buf.WriteString("HTTP/1.1 418 " + strings.ReplaceAll(hostile, "\x07", "") + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			buf.Flush()
		}},
		{"in an entry's from", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"report_id":"r-1","entries":[{"seq":1,"from":%q}]}`, hostile)
		}},
		{"in a key of the view", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"report_id":"r-1","entries":[],%q:1}`, hostile)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, codeFile := testCodeFile(t)
			out, errs, code := sealpost(t, "", "follow", "--server", intakeAt(t, c.h), "--code-file", codeFile)
			if code == 0 {
				t.Fatalf("follow succeeded: %s", out)
			}
			if strings.ContainsAny(out+errs, "\x1b\x07\u009b\u202e") {
				t.Errorf("the terminal was sent %q", out+errs)
			}
		})
	}
}

func TestInboxCleansAStoredFailureReason(t *testing.T) {
	// The relay cleans a mail server's words before it stores them, but
	// whatever is in the store reaches the operator's terminal.
	c := newConversation(t)
	failed := filepath.Join(c.storeDir, "failed", c.id)
	data, _ := json.Marshal(receiver.Failure{ID: c.id, Reason: "550 \x1b]52;c;cm0gLXJmIH4=\x07 no", At: t0})
	if err := os.WriteFile(failed, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "inbox", "--store", c.storeDir, "--secret-key", c.vendorSec)
	if !strings.Contains(out, "550") || strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("inbox printed %q", out)
	}
}

func TestReplyRefusesAHostileReplyKey(t *testing.T) {
	c := newConversation(t)
	reportWith := func(replyKey string) string {
		var r map[string]any
		json.Unmarshal([]byte(threadReport), &r)
		r["reply_key"] = replyKey
		data, _ := json.Marshal(r)
		return writeFile(t, filepath.Join(t.TempDir(), "report.json"), string(data))
	}
	for _, k := range []struct{ name, key string }{
		{"a secret key", string(vendorSecret(t))},
		{"an RSA key of 65536 bits", string(testkeys.Huge(1, 65536))},
		{"a key that is not one", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"},
	} {
		t.Run(k.name, func(t *testing.T) {
			_, errs, code := sealpost(t, "Hello", "reply", "--server", c.server, "--credential", c.credFile, "--secret-key", c.vendorSec,
				"--report", reportWith(k.key), "--status", "triaged", "--message", "-", c.id)
			if code == 0 {
				t.Errorf("a reply was sealed to it")
			}
			if strings.ContainsAny(errs, "\x1b") {
				t.Errorf("stderr %q", errs)
			}
		})
	}
	store, _ := receiver.ReadStore(c.storeDir)
	if v, err := store.Thread(c.id); err != nil || len(v.Entries) != 0 {
		t.Errorf("the thread: %v, %+v", err, v)
	}
}

func TestAReportersKeyRingDoesNotStopTheReply(t *testing.T) {
	// reporter.pgp_key may hold 64 KiB of keys; a reply sealed to all of
	// them would have more session keys than any reader (or the intake)
	// takes. It goes to the reply key, and the vendor is told.
	c := newConversation(t)
	var ring bytes.Buffer
	for i := range thread.MaxSessionKeys {
		e, err := testkeys.New(fmt.Sprint("Reporter ", i), "finder@example.org", packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		ring.Write(testkeys.Public(e))
	}
	code, err := thread.ParseCode(strings.TrimSpace(string(must(os.ReadFile(c.codeFile)))))
	if err != nil {
		t.Fatal(err)
	}
	replyKey, _ := code.ReplyPublicKey()
	var r map[string]any
	json.Unmarshal([]byte(threadReport), &r)
	r["reply_key"] = replyKey
	r["reporter"].(map[string]any)["pgp_key"] = ring.String()
	data, _ := json.Marshal(r)
	path := writeFile(t, filepath.Join(t.TempDir(), "report.json"), string(data))
	_, errs, exit := sealpost(t, "Fixed.", "reply", "--server", c.server, "--credential", c.credFile, "--secret-key", c.vendorSec,
		"--report", path, "--status", "fixed", "--message", "-", c.id)
	if exit != 0 {
		t.Fatalf("reply: exit %d: %s", exit, errs)
	}
	if !strings.Contains(errs, "reporter.pgp_key") {
		t.Errorf("the vendor is not told the reporter's keys were left out: %q", errs)
	}
	if s := c.follow(t, "--key", c.vendorPub); len(s.Messages) != 1 || s.Messages[0].Signature != "verified" || s.Status != "fixed" {
		t.Errorf("the reporter reads %+v", s)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestAReplyKeyWithManySubkeysGetsOneSessionKey(t *testing.T) {
	c := newConversation(t)
	e, err := testkeys.New("Many Subkeys", "finder@example.org", packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for range 30 {
		if err := e.AddEncryptionSubkey(&packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: func() time.Time { return testkeys.Now.Add(-time.Hour) }}); err != nil {
			t.Fatal(err)
		}
	}
	var r map[string]any
	json.Unmarshal([]byte(threadReport), &r)
	r["reply_key"] = string(testkeys.Public(e))
	data, _ := json.Marshal(r)
	path := writeFile(t, filepath.Join(t.TempDir(), "report.json"), string(data))
	mustRun(t, "Hello.", "reply", "--server", c.server, "--credential", c.credFile, "--secret-key", c.vendorSec,
		"--report", path, "--status", "triaged", "--message", "-", c.id)
	store, _ := receiver.ReadStore(c.storeDir)
	v, err := store.Thread(c.id)
	if err != nil || len(v.Entries) != 1 {
		t.Fatalf("the thread: %v, %+v", err, v)
	}
	block, err := armor.Decode(strings.NewReader(v.Entries[0].Message))
	if err != nil {
		t.Fatal(err)
	}
	pr := packet.NewReader(block.Body)
	esks := 0
	for {
		p, err := pr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.(*packet.EncryptedKey); !ok {
			break
		}
		esks++
	}
	if esks != 2 {
		t.Errorf("%d session keys, want 2: the reply key's newest subkey and the vendor's", esks)
	}
}
