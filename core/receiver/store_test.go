//go:build !js

package receiver

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestARetryQueuesAStoredReportThatWasNeverQueued: the report was linked
// but its outbox entry never written (a full disk, a crash between the two
// steps). The client's retry must queue it, not just answer 200.
func TestARetryQueuesAStoredReportThatWasNeverQueued(t *testing.T) {
	v := newVendor(t)
	relay := &RelayConfig{SMTPAddr: "127.0.0.1:9", From: "a@example.com", To: "b@example.com", TLS: "none"}
	url, store := start(t, Config{RatePerMinute: -1, Relay: relay})
	msg := v.sealed(t, "unqueued", false)
	hdr := map[string]string{"Idempotency-Key": "k-unqueued"}
	resp, body := post(t, url, "application/pgp-encrypted", msg, hdr)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	id := idFor("k-unqueued")
	outbox := filepath.Join(store.Dir(), "outbox", id)
	if err := os.Remove(outbox); err != nil {
		t.Fatal(err) // as if the entry had never been written
	}
	resp, body = post(t, url, "application/pgp-encrypted", msg, hdr)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("retry: status %d: %s", resp.StatusCode, body)
	}
	if !exists(outbox) {
		t.Error("the retry answered 200 but left the report off the mail queue")
	}
}

func TestReconcileQueuesWhatACrashLeftUnqueued(t *testing.T) {
	v := newVendor(t)
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	write := func(id, ext string) {
		if err := os.WriteFile(filepath.Join(store.Dir(), "reports", id+ext), v.sealed(t, id, ext == ".asc"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	unqueued, queued, sent, failed := idFor("a"), idFor("b"), idFor("c"), idFor("d")
	write(unqueued, ".pgp")
	write(queued, ".asc")
	write(sent, ".pgp")
	write(failed, ".pgp")
	store.touch("outbox", queued, nil)
	store.touch("outbox", sent, nil)
	store.Relayed(sent, "<m@x>")
	store.touch("outbox", failed, nil)
	store.Failed(failed, "550 no")
	orphan := idFor("gone")
	store.touch("outbox", orphan, nil) // its report was never linked
	n, err := store.Reconcile()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := store.Outbox()
	want := []string{queued, unqueued}
	if queued > unqueued {
		want = []string{unqueued, queued}
	}
	if n != 1 || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("queued %d; outbox %v, want %v", n, got, want)
	}
	if fs, _ := store.Failures(); len(fs) != 1 || fs[0].ID != failed || fs[0].Reason != "550 no" {
		t.Errorf("failures %+v", fs)
	}
}

// TestAFullDiskIsATemporaryFailure stores into a 256 KiB tmpfs: a report
// that does not fit gets 503 with Retry-After (so the client retries) and a
// message that names no path, and leaves nothing behind.
func TestAFullDiskIsATemporaryFailure(t *testing.T) {
	dir, store := fullDiskStore(t)
	v := newVendor(t)
	srv := newTestServer(t, Config{RatePerMinute: -1}, store)
	big := bytes.Repeat([]byte{0}, 400<<10)
	big = append(v.sealedWith(t, "big", string(big)), nil...)
	resp, body := post(t, srv, "application/pgp-encrypted", big, nil)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if bytes.Contains(body, []byte(dir)) || bytes.Contains(body, []byte("/")) {
		t.Errorf("the answer names a path: %s", body)
	}
	if left := files(t, store); len(left) != 0 {
		t.Errorf("left behind %v", left)
	}
	// A report that fits still goes in.
	small := v.sealed(t, "small", false)
	if resp, body := post(t, srv, "application/pgp-encrypted", small, nil); resp.StatusCode != http.StatusCreated {
		t.Errorf("a small report after the full disk: status %d: %s", resp.StatusCode, body)
	}
}

func TestAFormWithAnotherFieldIsRefused(t *testing.T) {
	v := newVendor(t)
	url, store := start(t, Config{RatePerMinute: -1})
	msg := v.sealed(t, "form", true)
	for _, c := range []struct {
		name   string
		fields [][2]string
	}{
		{"a plaintext field before the message", [][2]string{{"title", "plaintext title"}, {"message", string(msg)}}},
		{"a plaintext field after the message", [][2]string{{"message", string(msg)}, {"notes", "plaintext"}}},
		{"the message twice", [][2]string{{"message", string(msg)}, {"message", string(msg)}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for _, f := range c.fields {
				mw.WriteField(f[0], f[1])
			}
			mw.Close()
			resp, body := post(t, url, mw.FormDataContentType(), buf.Bytes(), nil)
			if resp.StatusCode != http.StatusBadRequest || len(files(t, store)) != 0 {
				t.Errorf("status %d (%s), files %v", resp.StatusCode, body, files(t, store))
			}
		})
	}
}

// patternReader yields n bytes of armor-like text without holding them.
type patternReader struct{ n, off int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	m := min(int64(len(p)), r.n)
	for i := range p[:m] {
		p[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef\\n"[(r.off+int64(i))%34]
	}
	r.n -= m
	r.off += m
	return int(m), nil
}

// TestAJSONBodyIsStreamed copies a 64 MiB message out of a JSON body in
// constant memory (decoding it whole took 4× the body).
func TestAJSONBodyIsStreamed(t *testing.T) {
	const size = 64 << 20
	body := io.MultiReader(strings.NewReader(` { "message" : "`), &patternReader{n: size}, strings.NewReader(`" }`+"\n"))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n, err := copyCount(body)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(size - size/34); n != want { // each 34-byte run has one \n escape (two bytes → one)
		t.Errorf("copied %d bytes, want %d", n, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d bytes for a %d-byte body", alloc, size)
	}
}

func copyCount(body io.Reader) (int64, error) {
	var w countWriter
	err := copyJSONMessage(&w, body)
	return int64(w), err
}

type countWriter int64

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }

func TestJSONBodies(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
		ok               bool
	}{
		{"the message with escapes", `{"message": "a\nb\r\n\/\"\\\u0041\ud83d\ude00"}`, "a\nb\r\n/\"\\A\U0001F600", true},
		{"with whitespace around", " \n{ \"message\" :\"x\" }\r\n", "x", true},
		{"another key", `{"message": "x", "title": "plain"}`, "", false},
		{"another key first", `{"title": "plain", "message": "x"}`, "", false},
		{"an escaped key", `{"\u006dessage": "x"}`, "", false},
		{"a number", `{"message": 1}`, "", false},
		{"a control character", "{\"message\": \"a\x01\"}", "", false},
		{"data after it", `{"message": "x"} {}`, "", false},
		{"cut short", `{"message": "x`, "", false},
		{"a bad escape", `{"message": "\x"}`, "", false},
		{"an array", `["message"]`, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := copyJSONMessage(&out, strings.NewReader(c.body))
			if (err == nil) != c.ok || c.ok && out.String() != c.want {
				t.Errorf("err %v, got %q", err, out.String())
			}
		})
	}
}

// FuzzJSONMessage: whatever the streaming decoder accepts, encoding/json
// decodes to the same message (a differential check), and it never panics.
func FuzzJSONMessage(f *testing.F) {
	f.Add([]byte(`{"message": "-----BEGIN PGP MESSAGE-----\n\nwcFMA\n-----END PGP MESSAGE-----\n"}`))
	f.Add([]byte(`{"message": "\ud800\u0041"}`))
	f.Add([]byte(`{"message": "\ud83d\ude00"}`))
	f.Add([]byte(` {"message":""} `))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		if err := copyJSONMessage(&out, bytes.NewReader(data)); err != nil {
			return
		}
		if !utf8.Valid(data) {
			return // encoding/json replaces invalid UTF-8; the intake passes it on, and Sniff refuses it
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil || len(doc) != 1 {
			t.Fatalf("accepted %q, which encoding/json reads as %v (%v)", data, doc, err)
		}
		var msg string
		if err := json.Unmarshal(doc["message"], &msg); err != nil || msg != out.String() {
			t.Fatalf("%q: streamed %q, encoding/json %q (%v)", data, out.String(), msg, err)
		}
	})
}

func TestCleanRemovesWhatACrashLeftHalfDone(t *testing.T) {
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	id := idFor("kept")
	if err := store.touch("outbox", id, nil); err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, name := range []string{"tmp/body-1", "outbox/.new-1", "sent/.new-2", "failed/.new-3"} {
		path := filepath.Join(store.Dir(), name)
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		left = append(left, path)
	}
	store.Clean()
	for _, path := range left {
		if exists(path) {
			t.Errorf("%s is still there", path)
		}
	}
	if !exists(filepath.Join(store.Dir(), "outbox", id)) {
		t.Error("Clean removed a queued report")
	}
}
