//go:build !js

// Package e2e drives the real widget in headless Debian Chromium: the
// static site built by wasm/, served on one loopback origin, posting to the
// intake (core/receiver) on another.
//
// This file is the harness: the site, a vendor's intake and widget origin
// (setUp), the browser (browser, $CHROME or Debian's /usr/bin/chromium),
// GnuPG to read what arrived (gpgReport), and the page steps the tests
// share. Under -short (make test-quick), every test that needs Chromium or
// another program that make deps installs skips, saying which.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/report"
)

// site is the widget's static site, built once for all tests.
var site string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sealpost-site")
	if err != nil {
		panic(err)
	}
	site = filepath.Join(dir, "widget")
	code := 1
	if err := buildSite(site); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building the widget:", err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildSite builds the widget's static site into out, as make widget does.
// The browser program is built with the machine's own Go (GOTOOLCHAIN=local),
// as make widget builds it: see the Makefile's WASM_GO.
func buildSite(out string) error {
	gen := exec.Command("go", "run", "./wasm", "-out", out)
	gen.Dir = "../.."
	if b, err := gen.CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, b)
	}
	wasm := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-tags", "validator_novalidatefn", "-o", filepath.Join(out, "web", "app.wasm"), "./wasm")
	wasm.Dir = "../.."
	wasm.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOTOOLCHAIN=local")
	if b, err := wasm.CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, b)
	}
	return nil
}

// vendorSetup is a vendor: its key pair, the receiver and the widget's
// origin serving the site with the vendor's config.
type vendorSetup struct {
	widgetURL string
	store     *receiver.Store
	secret    []byte
	// down, while true, makes the receiver answer 503 to every post.
	down *atomic.Bool
	// config, when set, replaces the seed's config.json.
	config *atomic.Value
	// receiverURL is the receiver's origin.
	receiverURL string
	// public is the vendor's armored public key.
	public []byte
	// pages are extra handlers on the widget's origin, by path: a vendor
	// page sharing the widget's origin.
	pages *sync.Map
	// storeDir is the receiver's store folder.
	storeDir string
}

// setUp starts a vendor's receiver and widget origin; the receiver also
// accepts posts from origins (a widget served elsewhere).
func setUp(t *testing.T, seed string, origins ...string) *vendorSetup {
	return setUpWith(t, seed, intakeOptions{}, origins...)
}

// intakeOptions change the receiver setUpWith starts.
type intakeOptions struct {
	// config, when set, changes the receiver's config (threads, say).
	config func(*receiver.Config)
	// wrap, when set, wraps the receiver's handler (to record its traffic).
	wrap func(http.Handler) http.Handler
}

// setUpWith is setUp with a receiver changed by o.
func setUpWith(t *testing.T, seed string, o intakeOptions, origins ...string) *vendorSetup {
	now := time.Now()
	pub, sec, err := pgpkey.DemoKey("E2E Security Demo", "security@example.com", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	widget := httptest.NewUnstartedServer(nil)
	widgetOrigin := "http://" + widget.Listener.Addr().String()
	storeDir := t.TempDir()
	store, err := receiver.OpenStore(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	// The widget runs in its own origin when opened directly, and in an
	// opaque one ("null") when sealpost.js embeds it in a sandboxed frame.
	rcfg := receiver.Config{AllowedOrigins: append([]string{widgetOrigin, "null"}, origins...), RatePerMinute: -1,
		ProofOfWork: receiver.DefaultProofOfWork()}
	if o.config != nil {
		o.config(&rcfg)
	}
	rc := receiver.New(rcfg, store, nil)
	down := new(atomic.Bool)
	var handler http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if os.Getenv("E2E_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "receiver: %s %s origin=%q down=%v\n", r.Method, r.URL.Path, r.Header.Get("Origin"), down.Load())
		}
		if down.Load() && r.Method == http.MethodPost {
			w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		rc.ServeHTTP(w, r)
		if os.Getenv("E2E_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "receiver: done %s %s\n", r.Method, r.URL.Path)
		}
	})
	if o.wrap != nil {
		handler = o.wrap(handler)
	}
	intake := httptest.NewServer(handler)
	t.Cleanup(intake.Close)

	cfg, err := config.LoadFile("../../core/config/examples/" + seed + ".json")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Key = config.Key{Armored: string(pub)}
	cfg.Endpoint.URL = intake.URL + "/reports"
	cfgJSON, _ := json.Marshal(cfg)

	files := http.FileServer(http.Dir(site))
	override := new(atomic.Value)
	pages := new(sync.Map)
	csp := "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' " + intake.URL +
		"; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'"
	widget.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The sandboxed frame fetches its own files from origin "null".
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Security-Policy", csp)
		if r.URL.Path == "/config.json" {
			w.Header().Set("Content-Type", "application/json")
			if c, ok := override.Load().([]byte); ok {
				w.Write(c)
				return
			}
			w.Write(cfgJSON)
			return
		}
		if h, ok := pages.Load(r.URL.Path); ok {
			h.(http.HandlerFunc)(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		files.ServeHTTP(w, r)
	})
	widget.Start()
	t.Cleanup(widget.Close)
	return &vendorSetup{widgetURL: widgetOrigin + "/?config=config.json", store: store, secret: sec, down: down,
		config: override, receiverURL: intake.URL, public: pub, pages: pages, storeDir: storeDir}
}

// otherSite names a loopback URL as localhost: another site than the
// widget's 127.0.0.1, as a vendor's page and a widget host are, so the
// browser runs the widget's frame in a process (and a DevTools target) of
// its own.
func otherSite(u string) string { return strings.Replace(u, "//127.0.0.1:", "//localhost:", 1) }

// needs skips t under -short, the quick tier that runs no program but Go's,
// saying what it needs (brought by make deps); without -short the test
// goes on, and fails loudly when the program is missing.
func needs(t *testing.T, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("needs %s: run make deps (the full tier, make test, runs it)", what)
	}
}

// chromium is the browser the tests drive: $CHROME, else Debian's.
func chromium() string {
	if p := os.Getenv("CHROME"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browser starts headless Chromium with a fresh profile, recording every
// request the page makes.
func browser(t *testing.T) (context.Context, *requestLog) {
	needs(t, "Chromium")
	path := chromium()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("Chromium is not installed at %s: run make deps (.ci/deps), or name another in $CHROME", path)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	log := &requestLog{}
	if err := chromedp.Listen(ctx, log.listen); err != nil {
		t.Fatal(err)
	}
	return ctx, log
}

type requestLog struct {
	mu       sync.Mutex
	requests []string // URL, headers and body of each request, as text
}

func (l *requestLog) add(r *network.Request) {
	var b strings.Builder
	b.WriteString(r.Method + " " + r.URL + "\n")
	for k, v := range r.Headers {
		fmt.Fprintf(&b, "%s: %v\n", k, v)
	}
	for _, e := range r.PostDataEntries {
		b.Write(e.Bytes)
	}
	l.mu.Lock()
	l.requests = append(l.requests, b.String())
	l.mu.Unlock()
}

func (l *requestLog) listen(ev any) {
	if e, ok := ev.(*network.EventRequestWillBeSent); ok {
		l.add(e.Request)
	}
}

func (l *requestLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.requests)
}

func (l *requestLog) containing(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.requests {
		if strings.Contains(r, s) {
			out = append(out, strings.SplitN(r, "\n", 2)[0])
		}
	}
	return out
}

// dropFile drops a file with the given text on the attachments' drop
// zone, as dragging it from the desktop does.
func dropFile(name, typ, content string) chromedp.Action[chromedp.Void] {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	eval := chromedp.Evaluate[bool](`(function () {
  var dt = new DataTransfer();
  dt.items.add(new File([` + q(content) + `], ` + q(name) + `, {type: ` + q(typ) + `}));
  return document.querySelector(".sp-drop").dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
})()`)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := eval(ctx, t)
		return chromedp.Void{}, err
	}
}

// dispatchInput fires an input event on a field, as typing does.
func dispatchInput(name string) chromedp.Action[chromedp.Void] {
	js := `document.getElementsByName("` + name + `")[0].dispatchEvent(new Event("input", {bubbles: true}))`
	eval := chromedp.Evaluate[bool](js)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := eval(ctx, t)
		return chromedp.Void{}, err
	}
}

// gpgReportBytes is gpgReport for a sealed report in memory.
func gpgReportBytes(t *testing.T, secret, sealed []byte) (*report.Report, [][]byte) {
	path := filepath.Join(t.TempDir(), "report.asc")
	if err := os.WriteFile(path, sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	return gpgReport(t, secret, path)
}

// gpgReport decrypts a stored report with GnuPG and returns its report.json
// and the bytes of its attachment parts.
func gpgReport(t *testing.T, secret []byte, path string) (*report.Report, [][]byte) {
	needs(t, "GnuPG")
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run(); os.RemoveAll(home) })
	keyFile := filepath.Join(home, "secret.asc")
	os.WriteFile(keyFile, secret, 0o600)
	if out, err := exec.Command("gpg", "--batch", "--homedir", home, "--import", keyFile).CombinedOutput(); err != nil {
		t.Fatalf("gpg --import: %v\n%s", err, out)
	}
	plain, err := exec.Command("gpg", "--batch", "--homedir", home, "--decrypt", path).Output()
	if err != nil {
		t.Fatalf("gpg --decrypt: %v", err)
	}
	m, err := report.ReadMIME(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	var files [][]byte
	for {
		a, err := m.NextAttachment()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(a.Body)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, body)
	}
	return m.Report, files
}

// doWithin runs steps with a time limit of their own (the browser lives on).
func doWithin(ctx context.Context, d time.Duration, steps ...chromedp.Action[chromedp.Void]) error {
	if err := chromedp.Do(ctx); err != nil { // start the browser on the long-lived context
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for i, s := range steps {
		if err := chromedp.Do(sctx, s); err != nil {
			return fmt.Errorf("step %d of %d: %w", i+1, len(steps), err)
		}
	}
	return nil
}

// pageText is what the page shows, for failure messages.
func pageText(ctx context.Context) string {
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return err.Error()
	}
	return text
}

// consoleLog collects what a page logs: console messages, exceptions and
// browser log entries (CSP violations among them).
type consoleLog struct {
	mu    sync.Mutex
	lines []string
}

func (c *consoleLog) add(s string) {
	c.mu.Lock()
	c.lines = append(c.lines, s)
	c.mu.Unlock()
}

func (c *consoleLog) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.lines...)
}

func watchConsole(t *testing.T, ctx context.Context) *consoleLog {
	c := &consoleLog{}
	if err := chromedp.Listen(ctx, c.listen); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *consoleLog) listen(ev any) {
	switch e := ev.(type) {
	case *cdplog.EventEntryAdded:
		c.add(string(e.Entry.Source) + ": " + e.Entry.Text)
	case *runtime.EventExceptionThrown:
		c.add("exception: " + e.ExceptionDetails.Text)
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, string(a.Value))
		}
		c.add("console." + string(e.Type) + ": " + strings.Join(parts, " "))
	}
}

// click clicks an element, trying again when the page replaced it between
// finding and clicking (go-app re-renders as the form's state changes).
func click(sel chromedp.CSS) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var err error
		for range 5 {
			if _, err = chromedp.Click(sel)(ctx, t); err == nil || !strings.Contains(err.Error(), "Could not find node") {
				return chromedp.Void{}, err
			}
			time.Sleep(100 * time.Millisecond)
		}
		return chromedp.Void{}, err
	}
}

// formReady waits until the form is mounted (data-ready) and still the same
// form a second later.
func formReady() chromedp.Action[chromedp.Void] {
	ready := chromedp.WaitVisible(chromedp.CSS(".sealpost[data-ready] #sp-targets"))
	mark := chromedp.Evaluate[bool](`(function(){var f=document.querySelector(".sealpost[data-ready]"); f.dataset.probe="1"; return true})()`)
	same := chromedp.Evaluate[bool](`!!document.querySelector(".sealpost[data-ready][data-probe]")`)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for range 20 {
			if _, err := ready(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
			if _, err := mark(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
			time.Sleep(time.Second)
			if ok, err := same(ctx, t); err == nil && ok {
				return chromedp.Void{}, nil
			}
		}
		return chromedp.Void{}, fmt.Errorf("the form kept being rebuilt")
	}
}

// fileMinimal fills the two fields every seed requires, accepts the policy,
// submits, and waits for the receipt.
func fileMinimal(frame context.Context, target, description string) error {
	return doWithin(frame, 60*time.Second,
		formReady(),
		clickThenType(chromedp.CSS("#sp-targets"), target),
		clickThenType(chromedp.CSS("#sp-description"), description),
		click(chromedp.CSS("#sp-policy-accepted")),
		chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
		click(chromedp.CSS("#sp-submit")),
		chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]")),
	)
}

// clickThenType clicks a field, then types into it. In a frame of its own
// (the sandboxed widget), DOM focus alone does not focus the frame, and
// the first keys went to the host page; a click, as a person makes, does.
func clickThenType(sel chromedp.CSS, text string) chromedp.Action[chromedp.Void] {
	c, k := click(sel), chromedp.SendKeys(sel, text)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := c(ctx, t); err != nil {
			return chromedp.Void{}, err
		}
		return k(ctx, t)
	}
}
