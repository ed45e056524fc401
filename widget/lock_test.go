package widget

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
)

func TestTheBuildsLockSettingsAreChecked(t *testing.T) {
	l, err := ParseLock(" https://WWW.Example.com:443/sealpost/config.json, https://example.org/c.json  http://127.0.0.1:8081/config.json", "5f2d e552 1c63 a801 ab59 ccb6 03d4 9de4 4b29 100f")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://www.example.com/sealpost/config.json", "https://example.org/c.json", "http://127.0.0.1:8081/config.json"}
	if strings.Join(l.Configs, " ") != strings.Join(want, " ") || l.Signer != "5F2DE5521C63A801AB59CCB603D49DE44B29100F" {
		t.Errorf("lock %+v", l)
	}
	for _, c := range []struct{ urls, signer, want string }{
		{"http://www.example.com/config.json", "", "http:// only on loopback"},
		{"config.json", "", "absolute https:// URL"},
		{"https://www.example.com/config.json#x", "", "absolute https:// URL"},
		{"https://user@www.example.com/config.json", "", "absolute https:// URL"},
		{"", "ABCD", "40 or 64 hexadecimal characters"},
	} {
		if _, err := ParseLock(c.urls, c.signer); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseLock(%q, %q) = %v, want %q", c.urls, c.signer, err, c.want)
		}
	}
	if l, err := ParseLock("https://[::1]:443/c.json", ""); err != nil || l.Configs[0] != "https://[::1]/c.json" {
		t.Errorf("an IPv6 host: %+v, %v", l, err)
	}
	if l, err := ParseLock("", ""); err != nil || len(l.Configs) != 0 || l.Signer != "" {
		t.Errorf("an empty lock: %+v, %v", l, err)
	}
}

func TestALockedBuildTakesOnlyItsConfigs(t *testing.T) {
	locked, _ := ParseLock("https://www.example.com/sealpost/config.json", "")
	page := func(s string) *url.URL { u, _ := url.Parse(s); return u }
	for _, c := range []struct {
		name string
		lock Lock
		page string
		want string
		err  error
	}{
		{"an unlocked build takes the page's config", Lock{}, "https://widget.example.com/?config=https://evil.example/c.json", "https://evil.example/c.json", nil},
		{"an unlocked build defaults to config.json", Lock{}, "https://widget.example.com/", "https://widget.example.com/config.json", nil},
		{"a locked build takes its config by default", locked, "https://widget.example.com/", "https://www.example.com/sealpost/config.json", nil},
		{"a locked build takes its config named by the loader", locked, "https://widget.example.com/?config=https%3A%2F%2Fwww.example.com%2Fsealpost%2Fconfig.json#follow", "https://www.example.com/sealpost/config.json", nil},
		{"a locked build takes its config however the host is spelled", locked, "https://widget.example.com/?config=https://WWW.EXAMPLE.COM:443/sealpost/config.json", "https://www.example.com/sealpost/config.json", nil},
		{"a locked build refuses another site's config", locked, "https://widget.example.com/?config=https://evil.example/sealpost/config.json", "", ErrLocked},
		{"a locked build refuses another path", locked, "https://widget.example.com/?config=https://www.example.com/uploads/config.json", "", ErrLocked},
		{"a locked build refuses a relative config", locked, "https://widget.example.com/?config=config.json", "", ErrLocked},
		{"a locked build refuses a query added", locked, "https://widget.example.com/?config=https://www.example.com/sealpost/config.json?x=1", "", ErrLocked},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.lock.ConfigURL(page(c.page))
			if got != c.want || !errors.Is(err, c.err) {
				t.Errorf("got %q, %v; want %q, %v", got, err, c.want, c.err)
			}
		})
	}
}

// signedVendor serves a config naming v's key (by URL, so that fetching
// it shows), and its signature when sig is set.
func signedVendor(t *testing.T, v vendorKeys, cfg []byte, sig []byte) *fakeHTTP {
	var pub bytes.Buffer
	v.key.Entity.Serialize(&pub)
	return &fakeHTTP{handler: func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sealpost/config.json":
			w.Write(cfg)
		case "/sealpost/config.json.asc":
			if sig == nil {
				http.NotFound(w, r)
				return
			}
			w.Write(sig)
		case "/key.pgp":
			w.Write(pub.Bytes())
		default:
			http.NotFound(w, r)
		}
	}}
}

func vendorConfig(t *testing.T, pin string) []byte {
	t.Helper()
	cfg, err := config.LoadFile("../core/config/examples/comoo-email.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Key = config.Key{URL: "https://www.example.com/key.pgp", Fingerprint: pin}
	var buf bytes.Buffer
	if err := jsonEncode(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestASignedBuildTakesOnlyItsVendorsSignature: the config's signature is
// checked with the key the build names, which the config must name too.
func TestASignedBuildTakesOnlyItsVendorsSignature(t *testing.T) {
	vendor, other := newVendorKeys(t, "Comoo Security"), newVendorKeys(t, "Someone Else")
	lock, err := ParseLock("https://www.example.com/sealpost/config.json", vendor.key.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := url.Parse("https://widget.example.com/")
	sign := func(data []byte, by vendorKeys) []byte {
		var sig bytes.Buffer
		if err := config.Sign(&sig, data, by.secret[0], clock); err != nil {
			t.Fatal(err)
		}
		return sig.Bytes()
	}
	good := vendorConfig(t, "")
	v, err := lock.Load(context.Background(), signedVendor(t, vendor, good, sign(good, vendor)), page, clock)
	if err != nil || v.Key == nil || v.Key.Fingerprint != vendor.key.Fingerprint {
		t.Fatalf("the vendor's signed config: %v", err)
	}

	pinsOther := vendorConfig(t, other.key.Fingerprint)
	for _, c := range []struct {
		name     string
		cfg, sig []byte
		want     error
		fetchKey bool
	}{
		{"a config without a signature is refused", good, nil, ErrUnsigned, false},
		{"a config signed by another key is refused", good, sign(good, other), config.ErrSignature, true},
		{"a config changed after signing is refused", bytes.Replace(good, []byte("security@comoo.be"), []byte("security@evil.example"), 1), sign(good, vendor), config.ErrSignature, true},
		{"a config that pins another key is refused before its key is fetched", pinsOther, sign(pinsOther, other), config.ErrSignature, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := signedVendor(t, vendor, c.cfg, c.sig)
			v, err := lock.Load(context.Background(), net, page, clock)
			if !errors.Is(err, c.want) || v != nil {
				t.Fatalf("got %v, %v; want %v", v, err, c.want)
			}
			fetched := false
			for _, r := range net.requests() {
				fetched = fetched || strings.HasSuffix(r.url, "/key.pgp")
			}
			if fetched != c.fetchKey {
				t.Errorf("the key was fetched: %v", fetched)
			}
		})
	}
}

// TestALockedWidgetShowsNothingOfAnotherConfig: the refusal fetches
// nothing, names nothing of the config asked for, and is in the browser's
// language.
func TestALockedWidgetShowsNothingOfAnotherConfig(t *testing.T) {
	lock, _ := ParseLock("https://www.example.com/sealpost/config.json", "")
	net := &fakeHTTP{handler: func(w http.ResponseWriter, r *http.Request) { t.Errorf("fetched %s", r.URL) }}
	page, _ := url.Parse("https://widget.example.com/?config=https://evil.example/config.json")
	_, err := lock.Load(context.Background(), net, page, clock)
	if !errors.Is(err, ErrLocked) || len(net.requests()) != 0 {
		t.Fatalf("got %v after %d requests", err, len(net.requests()))
	}
	for lang, want := range map[string]string{"en": "This form opens only with its vendor's own settings", "de": "Dieses Formular öffnet sich nur", "it": "This form opens only"} {
		a := &App{}
		a.refuse(err, []string{lang})
		out := app.HTMLString(a.Render())
		if !strings.Contains(strings.ReplaceAll(out, "&#39;", "'"), want) || strings.Contains(out, "evil") || !strings.Contains(out, `id="sp-refused"`) {
			t.Errorf("%s: %s", lang, out)
		}
	}
}

func jsonEncode(w *bytes.Buffer, v any) error {
	return json.NewEncoder(w).Encode(v)
}
