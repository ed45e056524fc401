//go:build !js

package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/widget"
)

// widgetSection is the README's "The widget" section, and its fenced
// blocks by language, in order.
func widgetSection(t *testing.T) (text string, blocks map[string][]string) {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, text, ok := strings.Cut(string(data), "\n## The widget\n")
	if !ok {
		t.Fatal("README.md has no \"The widget\" section")
	}
	if i := strings.Index(text, "\n## "); i >= 0 {
		text = text[:i]
	}
	blocks = map[string][]string{}
	var lang string
	var body strings.Builder
	in := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case !in && strings.HasPrefix(line, "```"):
			in, lang = true, strings.TrimPrefix(line, "```")
			body.Reset()
		case in && line == "```":
			in = false
			blocks[lang] = append(blocks[lang], body.String())
		case in:
			body.WriteString(line + "\n")
		}
	}
	return text, blocks
}

// headerBlock reads "Name: value" lines.
func headerBlock(block string) http.Header {
	h := http.Header{}
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		name, value, _ := strings.Cut(line, ": ")
		h.Add(name, value)
	}
	return h
}

// TestTheTwoDeploymentsWorkAsDocumented: the README's embed section
// starts with the two deployment choices; the headers it gives for each
// are widget.PolicyFor's for its names; and each choice, served exactly
// as written (loopback origins for the names, no TLS), files a report in
// Chromium through the documented snippet, under the documented CSPs.
func TestTheTwoDeploymentsWorkAsDocumented(t *testing.T) {
	text, blocks := widgetSection(t)
	heading, email, endpoint := strings.Index(text, "\n### "), strings.Index(text, "1. **Email only"), strings.Index(text, "2. **With an endpoint")
	if heading < 0 || !strings.HasPrefix(text[heading:], "\n### Embed it: two deployment choices\n") || email < heading || endpoint < email ||
		len(blocks["html"]) != 1 || len(blocks["http"]) != 2 {
		t.Fatalf("the section's embedding does not start with the two choices (html %d, http %d blocks)", len(blocks["html"]), len(blocks["http"]))
	}
	for _, want := range []string{"**Email only: nothing to run.**", "**With an endpoint.**", "`org.security_email`",
		"`Access-Control-Allow-Origin: *`", "`script-src https://widget.example.com; frame-src https://widget.example.com`",
		"CONFIG_URL=https://www.example.com/sealpost/config.json", "CONFIG_SIGNER=FINGERPRINT", "`sealpost config sign --secret-key FILE config.json`",
		"`\"allowed_origins\": [\"https://widget.example.com\"]`"} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("the section does not say %s", want)
		}
	}
	const widgetSite, configURL = "https://widget.example.com", "https://www.example.com/sealpost/config.json"
	key := config.Key{URL: "https://www.example.com/sealpost/security.asc"}
	choices := []struct {
		name     string
		cfg      *config.Config
		header   http.Header
		receipt  string
		endpoint bool
	}{
		{"email only", &config.Config{Key: key, Org: config.Org{SecurityEmail: "security@example.com"}}, headerBlock(blocks["http"][0]), `[data-mode="email"] #sp-email`, false},
		{"with an endpoint", &config.Config{Key: key, Endpoint: config.Endpoint{URL: "https://reports.example.com/reports"}}, headerBlock(blocks["http"][1]), `[data-made="server"]`, true},
	}
	for _, c := range choices {
		want := widget.PolicyFor(c.cfg, widgetSite, configURL, []string{"https://www.example.com/security"}).Header()
		if !reflect.DeepEqual(c.header, want) {
			t.Errorf("%s: the README's headers\n%v\nare not widget.PolicyFor's\n%v", c.name, c.header, want)
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	widgetOrigin := "http://" + ln.Addr().String()
	v := setUp(t, "comoo", widgetOrigin)
	vendorLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	vendorOrigin := otherSite("http://" + vendorLn.Addr().String())
	names := strings.NewReplacer(widgetSite, widgetOrigin, "https://www.example.com", vendorOrigin, "https://reports.example.com", v.receiverURL)

	var header atomic.Value // the widget origin's headers, as documented for the choice
	files := http.FileServer(http.Dir(site))
	serveOrigin(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, values := range header.Load().(http.Header) {
			w.Header()[name] = values
		}
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		files.ServeHTTP(w, r)
	}))
	var cfgJSON atomic.Value
	snippet := names.Replace(blocks["html"][0])
	serveOrigin(t, vendorLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/security":
			w.Header().Set("Content-Security-Policy", names.Replace("default-src 'self'; script-src https://widget.example.com; frame-src https://widget.example.com"))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Security</title></head>\n<body><h1>Security</h1>\n%s</body></html>\n", snippet)
		case "/sealpost/config.json":
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Write(cfgJSON.Load().([]byte))
		default:
			http.NotFound(w, r)
		}
	}))

	for i, c := range choices {
		t.Run(c.name, func(t *testing.T) {
			// A browser of its own: the widget's service worker would serve
			// the page with the headers of the choice before.
			ctx, _ := browser(t)
			h := http.Header{}
			for name, values := range c.header {
				h[name] = []string{names.Replace(values[0])}
			}
			header.Store(h)
			seed := "comoo-email"
			if c.endpoint {
				seed = "comoo"
			}
			cfg, err := config.LoadFile("../../core/config/examples/" + seed + ".json")
			if err != nil {
				t.Fatal(err)
			}
			cfg.Key = config.Key{Armored: string(v.public)}
			if c.endpoint {
				cfg.Endpoint.URL = v.receiverURL + "/reports"
			}
			data, _ := json.Marshal(cfg)
			cfgJSON.Store(data)

			console := &consoleLog{}
			if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(vendorOrigin+"/security"), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
				t.Fatal(err)
			}
			frame := attachFrame(t, ctx, widgetOrigin, console.listen)
			err = doWithin(frame, 60*time.Second,
				formReady(),
				clickThenType(chromedp.CSS("#sp-targets"), "https://www.comoo.be/"),
				clickThenType(chromedp.CSS("#sp-description"), fmt.Sprintf("Filed as the README's choice %d says.", i+1)),
				click(chromedp.CSS("#sp-policy-accepted")),
				chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
				click(chromedp.CSS("#sp-submit")),
				chromedp.WaitVisible(chromedp.CSS(c.receipt)),
			)
			if err != nil {
				t.Fatalf("%v\nthe frame shows:\n%s\nconsole: %v", err, pageText(frame), console.all())
			}
			if list, _ := v.store.List(); len(list) != i {
				t.Errorf("%d reports stored, want %d", len(list), i)
			}
			for _, line := range console.all() {
				if strings.Contains(line, "Content Security Policy") || strings.Contains(line, "Content-Security-Policy") {
					t.Errorf("CSP violation: %s", line)
				}
			}
		})
	}
}

// TestTheLockCommandsRunWhereTheDocsSay: widget/README.md's locked and
// signed builds and config signing are run by the tests elsewhere names.
func TestTheLockCommandsRunWhereTheDocsSay(t *testing.T) {
	for line, where := range elsewhere {
		if !strings.Contains(line, "CONFIG_") && !strings.Contains(line, "config sign") {
			continue
		}
		data, err := os.ReadFile(where[0])
		if err != nil || !strings.Contains(string(data), where[1]) {
			t.Errorf("%q is documented as run by %s, which does not hold %q", line, where[0], where[1])
		}
		if doc, _ := os.ReadFile("../../widget/README.md"); !strings.Contains(string(doc), line) {
			t.Errorf("%q is not in widget/README.md", line)
		}
	}
}
