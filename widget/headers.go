package widget

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
)

// Policy is what the widget's origin allows its page: the one home of the
// widget's HTTP headers and Content-Security-Policy. `sealpost init`
// prints them, the demo and the benchmarks serve them, and the docs show
// them (tests compare).
//
// Two of its directives are security controls, not housekeeping:
//   - connect-src lists every origin the frame may fetch from. A page of
//     the widget's origin opened with another ?config= (a link, or any
//     site framing it) cannot load a config, a key or post a report
//     anywhere else: the browser refuses the request.
//   - frame-ancestors lists the pages that may show the form in a frame.
//     Any other site that frames the widget's page gets an empty frame,
//     so it cannot dress the vendor's form in its own page.
//
// Neither stops a script running on a listed page (the vendor's own, or
// a script it includes): it can remove, replace or cover the frame, or
// show a form of its own instead. See THREAT-MODEL.md.
type Policy struct {
	// Connect are the origins the frame fetches from besides its own: the
	// config's, the key's (an https URL, or the WKD hosts) and the
	// endpoint's ([PolicyFor] finds them in a config).
	Connect []string
	// FrameAncestors are the origins of the pages that embed the form.
	// The widget's own origin is always allowed ('self'); nil leaves
	// frame-ancestors out, and then any site may frame the form.
	FrameAncestors []string
}

// CSP is the widget origin's Content-Security-Policy: nothing but its own
// files, wasm compiled without eval, the fetches Connect lists, and the
// frame ancestors FrameAncestors lists.
func (p Policy) CSP() string {
	csp := "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src " +
		strings.Join(append([]string{"'self'"}, p.Connect...), " ") +
		"; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'"
	if p.FrameAncestors != nil {
		csp += "; frame-ancestors " + strings.Join(append([]string{"'self'"}, p.FrameAncestors...), " ")
	}
	return csp
}

// Header is every header the widget's origin sends with each file, and
// with config.json and its signature: CORS for everyone (a sandboxed
// frame's origin is "null", and the wasm is fetched in CORS mode), the
// CSP, and no MIME sniffing.
func (p Policy) Header() http.Header {
	return http.Header{
		"Access-Control-Allow-Origin": {"*"},
		"Content-Security-Policy":     {p.CSP()},
		"X-Content-Type-Options":      {"nosniff"},
	}
}

// Explain says what the policy's two security controls stop, and what
// they do not, for a vendor setting the headers (sealpost init prints it).
func (p Policy) Explain() string {
	pages := "any site (list your pages!)"
	if p.FrameAncestors != nil {
		pages = strings.Join(append([]string{"'self'"}, p.FrameAncestors...), " ")
	}
	return "connect-src and frame-ancestors are security controls (widget/THREAT-MODEL.md): connect-src names every\n" +
		"origin the form may fetch from, so a link to your widget with another ?config= cannot load another config,\n" +
		"key or endpoint; frame-ancestors names the pages that may show the form in a frame (" + pages + "),\n" +
		"so no other site can frame it. Neither stops a script on those pages, which can still replace or cover the form."
}

// Set sets Header's headers on h.
func (p Policy) Set(h http.Header) {
	for k, v := range p.Header() {
		h[k] = v
	}
}

// PolicyFor is the policy for a vendor's widget origin (widgetOrigin,
// e.g. https://widget.example.com) serving the config at configURL, its
// form embedded in pages (URLs or origins): the frame's fetches are the
// config's origin, the key's, and the endpoint's, those of the widget's
// own origin left to 'self'.
func PolicyFor(cfg *config.Config, widgetOrigin, configURL string, pages []string) Policy {
	var p Policy
	add := func(list *[]string, rawURL string) {
		if o := Origin(rawURL); o != "" && o != widgetOrigin && !slices.Contains(*list, o) {
			*list = append(*list, o)
		}
	}
	add(&p.Connect, configURL)
	if cfg.Key.URL != "" {
		add(&p.Connect, cfg.Key.URL)
	}
	if cfg.Key.WKD != "" {
		if advanced, direct, err := pgpkey.WKDURLs(cfg.Key.WKD); err == nil {
			add(&p.Connect, advanced)
			add(&p.Connect, direct)
		}
	}
	if !cfg.EmailOnly() {
		add(&p.Connect, cfg.Endpoint.URL)
	}
	p.FrameAncestors = []string{}
	for _, page := range pages {
		add(&p.FrameAncestors, page)
	}
	return p
}

// Origin is the scheme and host of an absolute URL ("" for a relative
// one: the widget's own origin).
func Origin(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}
