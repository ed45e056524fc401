package widget

import (
	"slices"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/config"
)

// TestTheWidgetsCSPReachesEverythingItFetches: the frame fetches the
// config, the key (an https URL or WKD) and posts to the endpoint (none
// for email only); the policy must allow each origin once, and nothing
// else.
func TestTheWidgetsCSPReachesEverythingItFetches(t *testing.T) {
	for _, c := range []struct {
		key       config.Key
		endpoint  string
		configURL string
		want      []string
	}{
		{config.Key{Armored: "..."}, "https://reports.example.com/r", "https://widget.example.com/config.json", []string{"https://reports.example.com"}},
		{config.Key{URL: "https://keys.example.org/security.asc"}, "https://reports.example.com/r", "https://www.example.com/sealpost/config.json",
			[]string{"https://www.example.com", "https://keys.example.org", "https://reports.example.com"}},
		{config.Key{WKD: "security@example.net"}, "https://reports.example.com/r", "config.json",
			[]string{"https://openpgpkey.example.net", "https://example.net", "https://reports.example.com"}},
		{config.Key{URL: "https://www.example.com/key.asc"}, "", "https://www.example.com/sealpost/config.json", []string{"https://www.example.com"}},
	} {
		cfg := &config.Config{Key: c.key, Endpoint: config.Endpoint{URL: c.endpoint}}
		if got := PolicyFor(cfg, "https://widget.example.com", c.configURL, nil).Connect; !slices.Equal(got, c.want) {
			t.Errorf("%+v, endpoint %q: connect-src %v, want %v", c.key, c.endpoint, got, c.want)
		}
	}
}

func TestThePolicyNamesThePagesThatMayFrameTheForm(t *testing.T) {
	cfg := &config.Config{Key: config.Key{Armored: "..."}, Endpoint: config.Endpoint{URL: "https://reports.example.com/reports"}}
	p := PolicyFor(cfg, "https://widget.example.com", "https://www.example.com/sealpost/config.json",
		[]string{"https://www.example.com/security", "https://WWW.example.com/other", "https://widget.example.com/", "https://shop.example.com"})
	csp := p.CSP()
	for _, want := range []string{
		"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' https://www.example.com https://reports.example.com;",
		"object-src 'none'; base-uri 'none'; frame-ancestors 'self' https://www.example.com https://shop.example.com",
	} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	h := p.Header()
	if h.Get("Access-Control-Allow-Origin") != "*" || h.Get("Content-Security-Policy") != csp || h.Get("X-Content-Type-Options") != "nosniff" || len(h) != 3 {
		t.Errorf("headers %v", h)
	}
	// No pages: only the widget's own origin may frame it. No policy for
	// the pages at all: frame-ancestors is left out (any site).
	if got := PolicyFor(cfg, "https://widget.example.com", "config.json", nil).CSP(); !strings.HasSuffix(got, "; frame-ancestors 'self'") {
		t.Errorf("no pages: %q", got)
	}
	if got := (Policy{}).CSP(); strings.Contains(got, "frame-ancestors") {
		t.Errorf("no pages named: %q", got)
	}
	if !strings.Contains(p.Explain(), "frame-ancestors 'self' https://www.example.com https://shop.example.com") && !strings.Contains(p.Explain(), "'self' https://www.example.com https://shop.example.com") {
		t.Errorf("Explain does not name the pages:\n%s", p.Explain())
	}
}
