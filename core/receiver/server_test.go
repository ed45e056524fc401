package receiver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sealpost/sealpost/core/deliver"
)

// start runs a receiver on loopback and returns its URL and store.
func start(t *testing.T, cfg Config) (string, *Store) {
	t.Helper()
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(cfg, store, nil))
	t.Cleanup(srv.Close)
	return srv.URL, store
}

func post(t *testing.T, url, contentType string, body []byte, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/reports", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

// files lists what the store holds, tmp/ included.
func files(t *testing.T, s *Store) []string {
	var out []string
	filepath.Walk(s.Dir(), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			out = append(out, strings.TrimPrefix(path, s.Dir()))
		}
		return nil
	})
	return out
}

func TestValidReportsAreStoredByteForByte(t *testing.T) {
	v := newVendor(t)
	url, store := start(t, Config{RatePerMinute: -1})
	armored, binary := v.sealed(t, "armored", true), v.sealed(t, "binary", false)
	for _, c := range []struct {
		format string
		msg    []byte
	}{
		{deliver.FormatRaw, binary},
		{deliver.FormatRaw, armored},
		{deliver.FormatMultipart, armored},
		{deliver.FormatMultipart, binary},
		{deliver.FormatJSON, armored},
	} {
		t.Run(c.format, func(t *testing.T) {
			client := &deliver.Client{Endpoint: url + "/reports", Format: c.format}
			receipt, err := client.Post(context.Background(), bytes.NewReader(c.msg), int64(len(c.msg)), deliver.NewIdempotencyKey())
			if err != nil {
				t.Fatal(err)
			}
			st, err := store.Get(receipt.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(st.Path)
			if !bytes.Equal(got, c.msg) || st.SHA256 != receipt.SHA256 {
				t.Errorf("stored %d bytes (sha %s), posted %d (receipt sha %s)", len(got), st.SHA256, len(c.msg), receipt.SHA256)
			}
		})
	}
}

func TestEverythingElseIsRefusedAndLeavesNothing(t *testing.T) {
	v := newVendor(t)
	// Above the sealed message's size: it is padded to 64 KiB of plaintext (core/seal).
	url, store := start(t, Config{MaxBytes: 128 << 10, RatePerMinute: -1})
	random := make([]byte, 4096)
	rand.Read(random)
	random[0] = 0xC1 // looks like a packet header (tag 1), but is not a message
	plaintext, _ := json.Marshal(map[string]any{"title": "marker-plaintext", "description": "secret details", "policy_accepted": true})
	msg := v.sealed(t, "x", false)
	for _, c := range []struct {
		name, contentType string
		body              []byte
		status            int
	}{
		{"a plaintext JSON report", "application/json", plaintext, http.StatusBadRequest},
		{"a plaintext report posted raw", "application/pgp-encrypted", plaintext, http.StatusUnsupportedMediaType},
		{"a JSON message that is plaintext", "application/json", []byte(`{"message":"hello, here are my findings"}`), http.StatusUnsupportedMediaType},
		{"random bytes", "application/pgp-encrypted", random, http.StatusUnsupportedMediaType},
		{"an empty body", "application/pgp-encrypted", nil, http.StatusUnsupportedMediaType},
		{"an oversized body", "application/pgp-encrypted", bytes.Repeat(msg, 128<<10/len(msg)+2), http.StatusRequestEntityTooLarge},
		{"a truncated message", "application/pgp-encrypted", msg[:len(msg)-10], http.StatusUnsupportedMediaType},
		{"a message with data after it", "application/pgp-encrypted", append(bytes.Clone(msg), "PS: plaintext"...), http.StatusUnsupportedMediaType},
		{"a public key", "application/pgp-encrypted", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n"), http.StatusUnsupportedMediaType},
		{"an HTML form post", "application/x-www-form-urlencoded", []byte("title=x"), http.StatusUnsupportedMediaType},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := post(t, url, c.contentType, c.body, nil)
			if resp.StatusCode != c.status {
				t.Errorf("status %d (%s), want %d", resp.StatusCode, body, c.status)
			}
			if left := files(t, store); len(left) != 0 {
				t.Errorf("left behind %v", left)
			}
		})
	}
}

func TestARetryWithTheSameKeyStoresOneReport(t *testing.T) {
	v := newVendor(t)
	url, store := start(t, Config{RatePerMinute: -1})
	msg := v.sealed(t, "once", true)
	var ids []string
	for i := range 3 {
		resp, body := post(t, url, "application/pgp-encrypted", msg, map[string]string{"Idempotency-Key": "k-123"})
		want := map[bool]int{true: http.StatusCreated, false: http.StatusOK}[i == 0]
		if resp.StatusCode != want {
			t.Fatalf("attempt %d: status %d, want %d", i, resp.StatusCode, want)
		}
		r, err := deliver.ParseReceipt(bytes.TrimSpace(body))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("ids %v", ids)
	}
	if list, _ := store.List(); len(list) != 1 {
		t.Errorf("%d reports stored", len(list))
	}
	resp, _ := post(t, url, "application/pgp-encrypted", v.sealed(t, "other", true), map[string]string{"Idempotency-Key": "k-123"})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("a different body under the same key: status %d, want 409", resp.StatusCode)
	}
}

func TestConcurrentRetriesStoreOneReport(t *testing.T) {
	v := newVendor(t)
	url, store := start(t, Config{RatePerMinute: -1})
	msg := v.sealed(t, "race", false)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			post(t, url, "application/pgp-encrypted", msg, map[string]string{"Idempotency-Key": "same"})
		})
	}
	wg.Wait()
	if list, _ := store.List(); len(list) != 1 {
		t.Errorf("%d reports stored", len(list))
	}
}

func TestCORS(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "cors", false)
	for _, c := range []struct {
		name, origin string
		allowed      []string
		grant        bool
	}{
		{"an allowed origin is granted", "https://widget.example.com", []string{"https://widget.example.com"}, true},
		{"another origin is not", "https://evil.example", []string{"https://widget.example.com"}, false},
		{"a sandboxed frame (null) is not, by default", "null", []string{"https://widget.example.com"}, false},
		{"a sandboxed frame is when configured", "null", []string{"null"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			url, store := start(t, Config{AllowedOrigins: c.allowed, RatePerMinute: -1})
			req, _ := http.NewRequest(http.MethodOptions, url+"/reports", nil)
			req.Header.Set("Origin", c.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			granted := resp.Header.Get("Access-Control-Allow-Origin") == c.origin
			if granted != c.grant || (resp.StatusCode == http.StatusNoContent) != c.grant {
				t.Errorf("preflight: status %d, grant %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
			}
			presp, _ := post(t, url, "application/pgp-encrypted", msg, map[string]string{"Origin": c.origin})
			if (presp.StatusCode == http.StatusCreated) != c.grant || (presp.Header.Get("Access-Control-Allow-Origin") != "") != c.grant {
				t.Errorf("post: status %d, grant %q", presp.StatusCode, presp.Header.Get("Access-Control-Allow-Origin"))
			}
			if list, _ := store.List(); len(list) != map[bool]int{true: 1, false: 0}[c.grant] {
				t.Errorf("%d stored", len(list))
			}
		})
	}
}

func TestTooManyReportsFromOneAddressAreSlowedDown(t *testing.T) {
	v := newVendor(t)
	url, _ := start(t, Config{RatePerMinute: 1, Burst: 2})
	msg := v.sealed(t, "rate", false)
	var codes []int
	for range 3 {
		resp, _ := post(t, url, "application/pgp-encrypted", msg, nil)
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if fmt.Sprint(codes) != "[201 201 429]" {
		t.Errorf("codes %v", codes)
	}
}

func TestHealthzListsWhatTheMailServerRefused(t *testing.T) {
	url, store := start(t, Config{})
	id := idFor("refused")
	if err := store.touch("outbox", id, nil); err != nil {
		t.Fatal(err)
	}
	if err := store.Failed(id, "552 5.3.4 Max message size exceeded"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", err, resp)
	}
	defer resp.Body.Close()
	var health struct {
		Status string
		Outbox int
		Failed []Failure
	}
	if err := json.NewDecoder(resp.Body).Decode(&health); err != nil {
		t.Fatal(err)
	}
	if health.Status != "ok" || health.Outbox != 0 || len(health.Failed) != 1 || health.Failed[0].ID != id ||
		!strings.Contains(health.Failed[0].Reason, "552") {
		t.Errorf("healthz says %+v", health)
	}
}

func TestMultipartWithoutAMessageFieldIsRefused(t *testing.T) {
	url, store := start(t, Config{RatePerMinute: -1})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("title", "plaintext title")
	mw.Close()
	resp, _ := post(t, url, mw.FormDataContentType(), buf.Bytes(), nil)
	if resp.StatusCode != http.StatusBadRequest || len(files(t, store)) != 0 {
		t.Errorf("status %d, files %v", resp.StatusCode, files(t, store))
	}
}

func TestABodyAtMaxBytesIsTakenAndOneBytePastIsNot(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "limit", false)
	for _, c := range []struct {
		name   string
		max    int64
		status int
	}{
		{"a body of exactly max_bytes is stored", int64(len(msg)), http.StatusCreated},
		{"a body one byte over max_bytes is refused", int64(len(msg)) - 1, http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			url, store := start(t, Config{MaxBytes: c.max, RatePerMinute: -1})
			if resp, body := post(t, url, "application/pgp-encrypted", msg, nil); resp.StatusCode != c.status {
				t.Errorf("status %d (%s), want %d", resp.StatusCode, body, c.status)
			}
			if list, _ := store.List(); (len(list) == 1) != (c.status == http.StatusCreated) {
				t.Errorf("%d stored", len(list))
			}
		})
	}
}
