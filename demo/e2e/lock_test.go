//go:build !js

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/widget"
)

// buildLocked builds the widget's site as `make build CONFIG_URL=...
// CONFIG_SIGNER=...` does, running the Makefile's own commands (from make
// -n) into a folder of its own: the site generator, which checks the
// settings, and app.wasm, linked with them.
func buildLocked(t *testing.T, configURL, signer string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "widget")
	plan, err := exec.Command("make", "-C", "../..", "-n", "-s", "widget", "CONFIG_URL="+configURL, "CONFIG_SIGNER="+signer).Output()
	if err != nil {
		t.Fatalf("make -n widget: %v", err)
	}
	ran := 0
	for _, line := range strings.Split(string(plan), "\n") {
		if !strings.HasSuffix(strings.TrimSpace(line), "./wasm") && !strings.Contains(line, "go run ./wasm") {
			continue // bin/sealpost
		}
		cmd := exec.Command("bash", "-c", strings.ReplaceAll(line, "dist/widget", out))
		cmd.Dir = "../.."
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, b)
		}
		ran++
	}
	if ran != 2 {
		t.Fatalf("make -n widget planned %d widget commands, want the generator and app.wasm:\n%s", ran, plan)
	}
	return out
}

// origin is a loopback web server whose every request path is recorded.
type origin struct {
	URL   string
	mu    sync.Mutex
	paths []string
}

func (o *origin) seen(substr string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, p := range o.paths {
		if strings.Contains(p, substr) {
			out = append(out, p)
		}
	}
	return out
}

// serveOrigin serves h on ln (nil: a new loopback listener), recording
// each request.
func serveOrigin(t *testing.T, ln net.Listener, h http.Handler) *origin {
	o := &origin{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.paths = append(o.paths, r.Method+" "+r.URL.RequestURI())
		o.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	o.URL = srv.URL
	return o
}

// widgetFiles serves a built widget site with the headers policy gives.
func widgetFiles(dir string, policy widget.Policy) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		policy.Set(w.Header())
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		files.ServeHTTP(w, r)
	})
}

// jsonFiles serves the given files (JSON configs, signatures) with CORS
// for every origin, as a vendor serves its config; a file set to nil is
// not found.
func jsonFiles(files map[string]*atomic.Value) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		v, ok := files[r.URL.Path]
		data, _ := v.Load().([]byte)
		if !ok || data == nil {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	})
}

func value(b []byte) *atomic.Value {
	v := new(atomic.Value)
	v.Store(b)
	return v
}

// emailConfig is Comoo's email-only config with key pub inline, under
// another name when org is set.
func emailConfig(t *testing.T, pub []byte, org string) []byte {
	t.Helper()
	cfg, err := config.LoadFile("../../core/config/examples/comoo-email.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Key = config.Key{Armored: string(pub)}
	if org != "" {
		cfg.Org.Name, cfg.Org.SecurityEmail = org, "security@"+strings.ToLower(org)+".example"
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestALockedWidgetRefusesAnotherConfigUnfetched: a build locked with
// CONFIG_URL, opened with another ?config= (an attacker's, whose origin
// the widget's CSP even allows, so that only the lock stands in the way),
// says so, shows nothing of that config, and never fetches it or its key;
// with its own config it works.
func TestALockedWidgetRefusesAnotherConfigUnfetched(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	vendorURL := "http://" + ln.Addr().String()
	configURL := vendorURL + "/sealpost/config.json"
	dir := buildLocked(t, configURL, "")

	pub, _, err := pgpkey.DemoKey("E2E Security Demo", "security@example.com", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	vendor := serveOrigin(t, ln, jsonFiles(map[string]*atomic.Value{"/sealpost/config.json": value(emailConfig(t, pub, ""))}))
	attackerPub, _, _ := pgpkey.DemoKey("Evil Security", "security@evil.example", time.Now().Add(-time.Hour))
	evil := emailConfig(t, attackerPub, "Evilcorp")
	attacker := serveOrigin(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write(evil)
	}))
	w := serveOrigin(t, nil, widgetFiles(dir, widget.Policy{Connect: []string{vendorURL, attacker.URL}}))

	ctx, requests := browser(t)
	err = doWithin(ctx, 60*time.Second,
		chromedp.Navigate(w.URL+"/?config="+attacker.URL+"/sealpost/config.json"),
		chromedp.WaitVisible(chromedp.CSS("#sp-refused")),
	)
	if err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	axeCheck(t, ctx, "the refusal")
	text := pageText(ctx)
	if !strings.Contains(text, "This form opens only with its vendor's own settings") {
		t.Errorf("the refusal does not say why:\n%s", text)
	}
	for _, leak := range []string{"Evilcorp", "evil.example", attacker.URL, "Report a security vulnerability"} {
		if strings.Contains(text, leak) {
			t.Errorf("the page shows %q of the other config:\n%s", leak, text)
		}
	}
	if got := attacker.seen("/"); len(got) > 0 {
		t.Errorf("the attacker's origin was asked for %v", got)
	}
	for _, line := range requests.containing(attacker.URL) { // the page's own URL names it, and so its Referer
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], attacker.URL) {
			t.Errorf("the browser requested %s", line)
		}
	}
	if got := vendor.seen("/"); len(got) > 0 {
		t.Errorf("the refusal fetched the vendor's %v too", got)
	}

	// Its own config, named by the page or by default, opens the form.
	for _, page := range []string{w.URL + "/?config=" + configURL, w.URL + "/"} {
		if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(page), formReady()); err != nil {
			t.Fatalf("%s: %v; the page shows:\n%s", page, err, pageText(ctx))
		}
		if text := pageText(ctx); !strings.Contains(text, "Report a security vulnerability to Comoo") {
			t.Errorf("%s shows:\n%.300s", page, text)
		}
	}
	if len(attacker.seen("/")) > 0 {
		t.Error("the attacker's origin was asked")
	}
}

// TestASignedConfigBuildRefusesOtherSignatures: a build with CONFIG_SIGNER
// shows the form for its vendor's signed config, and refuses, saying why,
// the same config signed by another key and the config with no signature.
func TestASignedConfigBuildRefusesOtherSignatures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	configURL := "http://" + ln.Addr().String() + "/sealpost/config.json"
	pub, sec, err := pgpkey.DemoKey("E2E Security Demo", "security@example.com", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, otherSec, _ := pgpkey.DemoKey("Someone Else", "else@example.com", time.Now().Add(-time.Hour))
	set, err := pgpkey.Parse(pub, pgpkey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := buildLocked(t, configURL, set.Keys[0].Fingerprint)

	cfg := emailConfig(t, pub, "")
	sign := func(secret []byte) []byte {
		keys, err := seal.ReadSecretKeys(secret, nil)
		if err != nil {
			t.Fatal(err)
		}
		var sig bytes.Buffer
		if err := config.Sign(&sig, cfg, keys[0], nil); err != nil {
			t.Fatal(err)
		}
		return sig.Bytes()
	}
	sig := value(sign(sec))
	serveOrigin(t, ln, jsonFiles(map[string]*atomic.Value{"/sealpost/config.json": value(cfg), "/sealpost/config.json.asc": sig}))
	w := serveOrigin(t, nil, widgetFiles(dir, widget.Policy{Connect: []string{"http://" + ln.Addr().String()}}))

	ctx, _ := browser(t)
	if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(w.URL+"/"), formReady()); err != nil {
		t.Fatalf("the vendor's signed config: %v; the page shows:\n%s", err, pageText(ctx))
	}
	for _, c := range []struct {
		name string
		sig  []byte
		want string
	}{
		{"signed by another key", sign(otherSec), "the signature of these does not verify"},
		{"not signed", nil, "these have no signature"},
	} {
		sig.Store(c.sig)
		err := doWithin(ctx, 60*time.Second, chromedp.Navigate(w.URL+"/?c="+fmt.Sprint(len(c.name))), chromedp.WaitVisible(chromedp.CSS("#sp-refused")))
		if err != nil {
			t.Fatalf("%s: %v; the page shows:\n%s", c.name, err, pageText(ctx))
		}
		text := pageText(ctx)
		if !strings.Contains(text, c.want) || strings.Contains(text, "Report a security vulnerability") {
			t.Errorf("%s: the page shows:\n%s", c.name, text)
		}
	}
}

// TestAPageNotInFrameAncestorsCannotFrameTheForm: the widget origin's
// frame-ancestors names one page's origin. Another site embedding the
// same snippet gets no form: the browser refuses to render the frame, so
// its program never even loads. The listed page gets the form.
func TestAPageNotInFrameAncestorsCannotFrameTheForm(t *testing.T) {
	pub, _, err := pgpkey.DemoKey("E2E Security Demo", "security@example.com", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cfg := emailConfig(t, pub, "")
	page := func(widgetURL string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Security</title></head>
<body><h1>Security</h1><script src="%s/sealpost.js" data-config="%s/config.json" async></script></body></html>`, widgetURL, widgetURL)
		})
	}
	var widgetURL atomic.Value
	pageFor := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { page(widgetURL.Load().(string)).ServeHTTP(w, r) })
	listed, unlisted := serveOrigin(t, nil, pageFor), serveOrigin(t, nil, pageFor)
	listedURL, unlistedURL := otherSite(listed.URL), otherSite(unlisted.URL)
	policy := widget.Policy{FrameAncestors: []string{listedURL}}
	files := widgetFiles(site, policy)
	w := serveOrigin(t, nil, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/config.json" {
			policy.Set(rw.Header())
			rw.Write(cfg)
			return
		}
		files.ServeHTTP(rw, r)
	}))
	widgetURL.Store(w.URL)

	ctx, _ := browser(t)
	console := watchConsole(t, ctx)
	err = doWithin(ctx, 60*time.Second, chromedp.Navigate(unlistedURL+"/"), chromedp.WaitVisible(chromedp.CSS("iframe")))
	if err != nil {
		t.Fatal(err)
	}
	refused := false
	for range 200 {
		for _, line := range console.all() {
			refused = refused || strings.Contains(line, "frame-ancestors")
		}
		if refused {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !refused {
		t.Errorf("no frame-ancestors refusal in the console: %v", console.all())
	}
	if got := append(w.seen("GET /app.js"), w.seen("GET /config.json")...); len(got) > 0 {
		t.Errorf("the frame on an unlisted page loaded %v", got)
	}

	if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(listedURL+"/"), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
		t.Fatal(err)
	}
	frame := attachFrame(t, ctx, w.URL, func(any) {})
	if err := doWithin(frame, 60*time.Second, formReady()); err != nil {
		t.Fatalf("the listed page: %v; the frame shows:\n%s", err, pageText(frame))
	}
}
