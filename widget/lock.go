package widget

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/sealpost/sealpost/core/config"
)

// Lock is what a widget build fixes about the config it shows, set when
// it is built (make build CONFIG_URL=... CONFIG_SIGNER=..., see wasm/):
// without it, the widget's page takes its config from its URL's ?config=,
// so a link to the vendor's widget origin with another config would show
// another organisation and key under the vendor's origin.
type Lock struct {
	// Configs are the only config URLs the build loads, the first by
	// default; empty: any (the page's ?config=, or config.json).
	Configs []string
	// Signer, when set, is the fingerprint of the vendor key that must
	// sign the config: a detached signature at the config's URL + ".asc"
	// ([config.Sign]). The key is the one the config names, and must be
	// this one.
	Signer string
}

// ErrLocked reports a page asked for a config the build is not locked to:
// nothing of it is fetched.
var ErrLocked = errors.New("this form is locked to its vendor's own config")

// ErrUnsigned reports a config without the signature the build asks for.
var ErrUnsigned = errors.New("the config has no signature")

// ParseLock reads a build's settings: urls, absolute https URLs (plain
// http only on loopback, for tests), separated by commas or spaces; and
// signer, a key fingerprint. Both may be empty.
func ParseLock(urls, signer string) (Lock, error) {
	var l Lock
	for _, raw := range strings.FieldsFunc(urls, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || !(u.Scheme == "https" || u.Scheme == "http" && loopback(u.Hostname())) {
			return Lock{}, fmt.Errorf("CONFIG_URL %q: give the config's absolute https:// URL (http:// only on loopback)", raw)
		}
		l.Configs = append(l.Configs, canonical(u))
	}
	if signer != "" {
		l.Signer = config.NormalizeFingerprint(signer)
		if n := len(l.Signer); n != 40 && n != 64 || strings.Trim(l.Signer, "0123456789ABCDEF") != "" {
			return Lock{}, fmt.Errorf("CONFIG_SIGNER %q: give the signing key's fingerprint, 40 or 64 hexadecimal characters (sealpost key inspect shows it)", signer)
		}
	}
	return l, nil
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// canonical is u as the lock compares URLs: scheme and host lower-cased,
// the default port dropped, no fragment.
func canonical(u *url.URL) string {
	c := *u
	c.Scheme, c.Host, c.Fragment, c.RawFragment = strings.ToLower(c.Scheme), strings.ToLower(c.Host), "", ""
	if port := c.Port(); c.Scheme == "https" && port == "443" || c.Scheme == "http" && port == "80" {
		c.Host = c.Hostname()
		if strings.Contains(c.Host, ":") {
			c.Host = "[" + c.Host + "]"
		}
	}
	return c.String()
}

// ConfigURL is the config the page asks for (its ?config=, relative to the
// page; config.json by default) when the build allows it, and otherwise
// [ErrLocked]: a locked build takes its first config when the page names
// none.
func (l Lock) ConfigURL(page *url.URL) (string, error) {
	ref := page.Query().Get("config")
	if len(l.Configs) > 0 && ref == "" {
		return l.Configs[0], nil
	}
	if ref == "" {
		ref = "config.json"
	}
	u, err := page.Parse(ref)
	if err != nil {
		if len(l.Configs) > 0 {
			return "", ErrLocked
		}
		return ref, nil
	}
	if len(l.Configs) == 0 {
		return u.String(), nil
	}
	if c := canonical(u); slices.Contains(l.Configs, c) {
		return c, nil
	}
	return "", ErrLocked
}

// signatureURL is where a config's detached signature is served: its URL
// with ".asc" added to the path.
func signatureURL(configURL string) string {
	u, err := url.Parse(configURL)
	if err != nil {
		return configURL + ".asc"
	}
	u.Path += ".asc"
	u.RawPath = ""
	return u.String()
}
