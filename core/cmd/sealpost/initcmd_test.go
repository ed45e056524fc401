package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/widget"
)

// TestInitPrintsTheWidgetsOwnPolicy: the widget-origin headers init
// prints are widget.PolicyFor's, the one home of the widget's CSP, with
// frame-ancestors naming the pages given (or the config's origin).
func TestInitPrintsTheWidgetsOwnPolicy(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	pub, _, err := pgpkey.DemoKey("Example Security", "security@example.com", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.asc")
	os.WriteFile(keyFile, pub, 0o644)
	for _, c := range []struct {
		name, endpoint, pages string
		wantAncestors         string
	}{
		{"with an endpoint, embedded in the config's site", "https://reports.example.com/reports", "", "frame-ancestors 'self' https://www.example.com"},
		{"email only, embedded in two sites", "", "https://www.example.com/security, https://example.org", "frame-ancestors 'self' https://www.example.com https://example.org"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			e := &env{stdout: &out, stderr: &errOut, now: func() time.Time { return now }}
			cfgFile := filepath.Join(t.TempDir(), "config.json")
			args := []string{"init", "--name", "Example", "--key", keyFile, "--email", "security@example.com",
				"--widget-url", "https://127.0.0.1:1/widget", "--config-url", "https://www.example.com/sealpost/config.json", "--out", cfgFile}
			if c.endpoint != "" {
				args = append(args, "--endpoint", c.endpoint)
			}
			if c.pages != "" {
				args = append(args, "--pages", c.pages)
			}
			if code := e.run(args); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			cfg, err := config.LoadFile(cfgFile)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.EmailOnly() != (c.endpoint == "") {
				t.Errorf("email only: %v", cfg.EmailOnly())
			}
			pages := strings.Split(c.pages, ",")
			if c.pages == "" {
				pages = []string{"https://www.example.com/sealpost/config.json"}
			}
			want := widget.PolicyFor(cfg, "https://127.0.0.1:1", "https://www.example.com/sealpost/config.json", pages).CSP()
			text := out.String()
			if !strings.Contains(text, "  Content-Security-Policy: "+want+"\n") || !strings.Contains(want, c.wantAncestors) {
				t.Errorf("init printed no CSP %q (with %q):\n%s", want, c.wantAncestors, text)
			}
			if !strings.Contains(text, "make build CONFIG_URL=https://www.example.com/sealpost/config.json\n") ||
				!strings.Contains(text, "CONFIG_SIGNER="+cfg.Key.Fingerprint) {
				t.Errorf("init printed no lock settings:\n%s", text)
			}
			if strings.Contains(text, "allowed_origins") == (c.endpoint == "") {
				t.Errorf("receiver settings printed for endpoint %q:\n%s", c.endpoint, text)
			}
		})
	}
}
