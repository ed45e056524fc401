//go:build !js

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTheWidgetWorksUnderAPathPrefix hosts the widget on the vendor's own
// origin under /sealpost/ (the site generated with -prefix /sealpost), under
// the strict CSP, embeds it in a page at / and files a report.
func TestTheWidgetWorksUnderAPathPrefix(t *testing.T) {
	needs(t, "Chromium")
	v := setUp(t, "comoo")
	dir := filepath.Join(t.TempDir(), "widget")
	gen := exec.Command("go", "run", "./wasm", "-out", dir, "-prefix", "/sealpost")
	gen.Dir = "../.."
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generating the prefixed site: %v\n%s", err, out)
	}
	// app.wasm does not depend on the prefix: the page's scripts carry it.
	wasm, err := os.ReadFile(filepath.Join(site, "web", "app.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "web", "app.wasm"), wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(strings.TrimSuffix(v.widgetURL, "/?config=config.json") + "/config.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	files := http.StripPrefix("/sealpost", http.FileServer(http.Dir(dir)))
	csp := "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' " + v.receiverURL +
		"; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'"
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		switch {
		case r.URL.Path == "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Security</title></head>
<body><h1>Security</h1><script src="/sealpost/sealpost.js" data-config="/sealpost/config.json" async></script></body></html>`)
		case r.URL.Path == "/sealpost/config.json":
			w.Header().Set("Content-Type", "application/json")
			w.Write(cfg)
		case strings.HasPrefix(r.URL.Path, "/sealpost/"):
			if strings.HasSuffix(r.URL.Path, ".wasm") {
				w.Header().Set("Content-Type", "application/wasm")
			}
			files.ServeHTTP(w, r)
		case r.URL.Path == "/favicon.ico":
			w.WriteHeader(http.StatusNoContent) // the vendor's page has none; a 404 would muddle the check below
		default:
			http.NotFound(w, r)
		}
	}))
	defer vendor.Close()

	ctx, _ := browser(t)
	console := watchConsole(t, ctx)
	if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(vendor.URL), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
		t.Fatal(err)
	}
	src, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("iframe").src`))
	if err != nil || !strings.HasPrefix(src, vendor.URL+"/sealpost/?config=") {
		t.Errorf("the frame's address is %q (%v)", src, err)
	}
	frame := attachFrame(t, ctx, vendor.URL+"/sealpost/", console.listen)
	err = fileMinimal(frame, "https://www.comoo.be/", "Filed through the widget under /sealpost/.")
	if err != nil {
		t.Fatalf("%v\nthe frame shows: %s\nconsole: %v", err, pageText(frame), console.all())
	}
	if list, _ := v.store.List(); len(list) != 1 {
		t.Errorf("%d reports stored, want 1", len(list))
	}
	for _, line := range console.all() {
		if strings.Contains(line, "Content Security Policy") || strings.Contains(line, "404") {
			t.Errorf("console: %s", line)
		}
	}
}
