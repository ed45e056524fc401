package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/widget"
)

// TestEveryPageAnswersWithOrWithoutATrailingSlash: /comoo/ redirects to
// /comoo (keeping the query), and the page reached either way loads the
// widget's script and its config from the widget's origin.
func TestEveryPageAnswersWithOrWithoutATrailingSlash(t *testing.T) {
	configs := map[string][]byte{}
	for _, seed := range seeds {
		cfg, err := config.LoadFile(filepath.Join("../../core/config/examples", seed+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if configs[seed], err = json.Marshal(cfg); err != nil {
			t.Fatal(err)
		}
	}
	widgetDir := t.TempDir()
	const script = "/* sealpost.js */"
	if err := os.WriteFile(filepath.Join(widgetDir, "sealpost.js"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	widgetSrv := httptest.NewServer(widgetHandler(widgetDir, widget.Policy{}, configs))
	defer widgetSrv.Close()
	site := httptest.NewServer(siteHandler(widgetSrv.URL, []byte("PK"), configs))
	defer site.Close()

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(t *testing.T, client *http.Client, u string) (*http.Response, string) {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(body)
	}
	tag := regexp.MustCompile(`<script src="([^"]+)" data-config="([^"]+)"`)

	for _, seed := range seeds {
		for _, path := range []string{"/" + seed, "/" + seed + "/", "/" + seed + "/?lang=nl"} {
			t.Run(path, func(t *testing.T) {
				if strings.Contains(path, "/?") || strings.HasSuffix(path, "/") {
					resp, _ := get(t, noRedirect, site.URL+path)
					want := "/" + seed
					if _, q, ok := strings.Cut(path, "?"); ok {
						want += "?" + q
					}
					if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
						t.Errorf("%s answers %s, Location %q; want a permanent redirect to %s", path, resp.Status, resp.Header.Get("Location"), want)
					}
				}
				resp, page := get(t, http.DefaultClient, site.URL+path)
				if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/"+seed {
					t.Fatalf("%s ends at %s with %s", path, resp.Request.URL.Path, resp.Status)
				}
				m := tag.FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("no widget script on %s:\n%s", path, page)
				}
				for i, want := range []string{script, string(configs[seed])} {
					ref, err := resp.Request.URL.Parse(m[i+1]) // as the browser resolves it, from the page it reached
					if err != nil {
						t.Fatal(err)
					}
					if r, body := get(t, http.DefaultClient, ref.String()); r.StatusCode != http.StatusOK || body != want {
						t.Errorf("%s on %s: %s %.40q", m[i+1], path, r.Status, body)
					}
				}
			})
		}
	}
	for _, path := range []string{"/nosuch/", "/comoo//", "/comoo/x", "//comoo/"} {
		if resp, _ := get(t, noRedirect, site.URL+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s answers %s, want 404", path, resp.Status)
		}
	}
}
