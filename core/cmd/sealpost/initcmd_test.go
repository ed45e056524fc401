package main

import (
	"slices"
	"testing"

	"github.com/sealpost/sealpost/core/config"
)

// TestTheWidgetsCSPReachesEverythingItFetches: the frame fetches the
// config, the key (an https URL or WKD) and posts to the receiver; the CSP
// init prints must allow each origin once, and nothing else.
func TestTheWidgetsCSPReachesEverythingItFetches(t *testing.T) {
	for _, c := range []struct {
		key             config.Key
		configURL, want []string
	}{
		{config.Key{Armored: "..."}, []string{"https://widget.example.com/config.json"}, []string{"'self'", "https://reports.example.com"}},
		{config.Key{URL: "https://keys.example.org/security.asc"}, []string{"https://www.example.com/sealpost/config.json"},
			[]string{"'self'", "https://www.example.com", "https://keys.example.org", "https://reports.example.com"}},
		{config.Key{WKD: "security@example.net"}, []string{"config.json"},
			[]string{"'self'", "https://openpgpkey.example.net", "https://example.net", "https://reports.example.com"}},
	} {
		cfg := &config.Config{Key: c.key, Endpoint: config.Endpoint{URL: "https://reports.example.com/r"}}
		if got := connectSources(cfg, "https://widget.example.com", c.configURL[0]); !slices.Equal(got, c.want) {
			t.Errorf("%+v: connect-src %v, want %v", c.key, got, c.want)
		}
	}
}
