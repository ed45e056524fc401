//go:build !js

package pgpkey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/internal/testkeys"
)

// TestLoadGetsTheKeyAConfigNames: each of a config's three ways to name a
// key gives the same key, the armor first, and the pin is the config's.
func TestLoadGetsTheKeyAConfigNames(t *testing.T) {
	e, other := cv25519(t), cv25519(t)
	var bin bytes.Buffer
	e.Serialize(&bin)
	fpr := fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
	client, seen := keyServer(t, func(r *http.Request) (int, []byte) { return http.StatusOK, bin.Bytes() })
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		src      Source
		requests int
	}{
		{"inline armor", Source{Armored: string(testkeys.Public(e))}, 0},
		{"inline armor, before a URL", Source{Armored: string(testkeys.Public(e)), URL: "https://example.com/other.asc"}, 0},
		{"an https URL", Source{URL: "https://example.com/security.asc"}, 1},
		{"the Web Key Directory", Source{WKD: "security@example.com"}, 1},
		{"a pinned URL", Source{URL: "https://example.com/security.asc", Fingerprint: fpr}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			*seen = nil
			set, err := Load(ctx, client, c.src, opts())
			if err != nil {
				t.Fatal(err)
			}
			if set.Keys[0].Fingerprint != fpr || len(*seen) != c.requests {
				t.Errorf("key %s after %d requests, want %s after %d", set.Keys[0].Fingerprint, len(*seen), fpr, c.requests)
			}
		})
	}
	t.Run("a pin of another key refuses it", func(t *testing.T) {
		o := opts()
		o.Pin = fpr // the config's pin wins over the caller's
		_, err := Load(ctx, client, Source{Armored: string(testkeys.Public(e)), Fingerprint: fmt.Sprintf("%X", other.PrimaryKey.Fingerprint)}, o)
		if !errors.Is(err, ErrPinMismatch) {
			t.Errorf("got %v, want ErrPinMismatch", err)
		}
	})
	t.Run("a config that names no key is refused with a reason", func(t *testing.T) {
		_, err := Load(ctx, client, Source{}, opts())
		if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "key.url") {
			t.Errorf("got %v", err)
		}
	})
}
