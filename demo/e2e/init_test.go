//go:build !js

package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTheInitSnippetWorksInAPlainPage runs sealpost init against the
// widget's origin, pastes the snippet it prints (with its SRI hash) and the
// CSP it asks for into a plain HTML page, and files a report through it
// with the config init wrote.
func TestTheInitSnippetWorksInAPlainPage(t *testing.T) {
	needs(t, "Chromium")
	v := setUp(t, "comoo")
	widgetOrigin := strings.TrimSuffix(v.widgetURL, "/?config=config.json")
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "vendor.asc")
	os.WriteFile(keyFile, v.public, 0o644)
	cfgFile := filepath.Join(dir, "config.json")
	out, err := exec.Command("go", "run", "../../core/cmd/sealpost", "init", "--name", "Example",
		"--endpoint", v.receiverURL+"/reports", "--key", keyFile, "--email", "security@example.com",
		"--widget-url", widgetOrigin, "--out", cfgFile).CombinedOutput()
	if err != nil {
		t.Fatalf("sealpost init: %v\n%s", err, out)
	}
	snippet := regexp.MustCompile(`<script src=.*</script>`).FindString(string(out))
	csp := regexp.MustCompile(`script-src \S+; frame-src \S+`).FindString(string(out))
	if !strings.Contains(snippet, `integrity="sha384-`) || csp == "" {
		t.Fatalf("init printed no snippet with integrity, or no CSP:\n%s", out)
	}
	cfg, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	v.config.Store(cfg)

	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'; "+csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Security</title></head>\n<body><h1>Security</h1>\n%s\n</body></html>", snippet)
	}))
	defer page.Close()

	ctx, _ := browser(t)
	if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(otherSite(page.URL)), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
		t.Fatal(err)
	}
	console := &consoleLog{}
	frame := attachFrame(t, ctx, widgetOrigin, console.listen)
	err = fileMinimal(frame, "https://example.com/", "Filed through the init snippet.")
	if err != nil {
		t.Fatalf("%v\nthe frame shows:\n%s\nconsole: %v", err, pageText(frame), console.all())
	}
	if text := pageText(frame); !strings.Contains(text, "Report a security vulnerability to Example") {
		t.Errorf("the frame did not use init's config:\n%.300s", text)
	}
	if list, _ := v.store.List(); len(list) != 1 {
		t.Errorf("%d reports stored", len(list))
	}
}
