package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
)

// TestConfigCheckJudgesTheKey: config check fetches a key named by
// URL or WKD address (from a local HTTPS server here) and judges it as
// seal --config would; a key it cannot fetch is a warning, not a failure.
func TestConfigCheckJudgesTheKey(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	current, _, err := pgpkey.DemoKey("Example Security", "security@example.com", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	expired := expiredKey(t, now.Add(-48*time.Hour), time.Hour)
	pages := map[string][]byte{"/current.asc": current, "/expired.asc": expired, "/page.html": []byte("<p>our key is on its way</p>")}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/.well-known/openpgpkey/") {
			w.Write(dearmored(t, current)) // WKD serves binary keys
			return
		}
		if body, ok := pages[r.URL.Path]; ok {
			w.Write(body)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	closed := httptest.NewTLSServer(http.NotFoundHandler())
	closed.Close()

	for _, c := range []struct {
		name       string
		key        map[string]string
		via        *httptest.Server
		code       int
		wantOut    string
		wantErrOut string
	}{
		{"a current key at a URL can be used", map[string]string{"url": "https://keys.example.com/current.asc"}, srv, 0,
			"key.url: key ", ""},
		{"an expired key at a URL fails, with the reason", map[string]string{"url": "https://keys.example.com/expired.asc"}, srv, 1,
			"", "key.url: key "},
		{"a page without a key fails", map[string]string{"url": "https://keys.example.com/page.html"}, srv, 1,
			"", "refused (not OpenPGP)"},
		{"a URL that answers 404 is a warning", map[string]string{"url": "https://keys.example.com/gone.asc"}, srv, 0,
			": ok (", "c.json: key.url: the key could not be fetched, so it was not checked (fetching the key failed: https://keys.example.com/gone.asc answered 404 Not Found)"},
		{"an unreachable URL is a warning", map[string]string{"url": "https://keys.example.com/current.asc"}, closed, 0,
			": ok (", "c.json: key.url: the key could not be fetched, so it was not checked"},
		{"a key in the Web Key Directory can be used", map[string]string{"wkd": "security@example.com"}, srv, 0,
			"key.wkd: key ", ""},
		{"an unreachable Web Key Directory is a warning", map[string]string{"wkd": "security@example.com"}, closed, 0,
			": ok (", "c.json: key.wkd: the key could not be fetched"},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "c.json")
			writeConfig(t, file, c.key)
			var out, errOut bytes.Buffer
			e := &env{stdout: &out, stderr: &errOut, now: func() time.Time { return now }, client: toServer{c.via}}
			code := e.run([]string{"config", "check", file})
			if code != c.code || !strings.Contains(out.String(), c.wantOut) || !strings.Contains(errOut.String(), c.wantErrOut) {
				t.Errorf("exit %d, want %d\nstdout (want %q):\n%s\nstderr (want %q):\n%s", code, c.code, c.wantOut, out.String(), c.wantErrOut, errOut.String())
			}
			if c.code == 1 && strings.Contains(out.String(), ": ok (") {
				t.Errorf("a refused key, yet ok:\n%s", out.String())
			}
		})
	}
	t.Run("the expired key's reason says when it expired", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "c.json")
		writeConfig(t, file, map[string]string{"armored": string(expired)})
		var out, errOut bytes.Buffer
		e := &env{stdout: &out, stderr: &errOut, now: func() time.Time { return now }}
		if code := e.run([]string{"config", "check", file}); code != 1 || !strings.Contains(errOut.String(), "refused (expired): it expired on 2026-11-21") {
			t.Errorf("exit %d\n%s%s", code, out.String(), errOut.String())
		}
	})
}

// toServer sends every request to srv, whatever its host: the config's
// URLs and the WKD's hosts name example.com.
type toServer struct{ srv *httptest.Server }

func (d toServer) Do(r *http.Request) (*http.Response, error) {
	r.URL.Host = strings.TrimPrefix(d.srv.URL, "https://")
	return d.srv.Client().Do(r)
}

// expiredKey makes an armored public key created at created that expires
// after life.
func expiredKey(t *testing.T, created time.Time, life time.Duration) []byte {
	t.Helper()
	ent, err := openpgp.NewEntity("Expired Security", "", "security@example.com", &packet.Config{
		Algorithm: packet.PubKeyAlgoEdDSA, Time: func() time.Time { return created }, KeyLifetimeSecs: uint32(life / time.Second),
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ent.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes()
}

func dearmored(t *testing.T, key []byte) []byte {
	t.Helper()
	block, err := armor.Decode(bytes.NewReader(key))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(block.Body)
	return buf.Bytes()
}

// writeConfig writes a small email-only config whose key is key.
func writeConfig(t *testing.T, file string, key map[string]string) {
	t.Helper()
	data, err := json.Marshal(map[string]any{
		"schema": "sealpost.config/v1", "org": map[string]any{"name": "Example", "security_email": "security@example.com"},
		"key": key, "languages": []string{"en"}, "bounty": map[string]any{"kind": "none"},
		"credit": map[string]any{"offered": false, "pseudonym_allowed": true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
