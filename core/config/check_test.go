package config

import (
	"errors"
	"strings"
	"testing"
)

// TestTheKeysShapeIsChecked: Check refuses an inline key that is not
// armored text (the raw bytes of a .gpg or .zip, as sealpost init once
// wrote them) and a key URL that is not https; whether the key itself can
// be used is sealpost config check's to judge, with core/pgpkey.
func TestTheKeysShapeIsChecked(t *testing.T) {
	const armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ...\n-----END PGP PUBLIC KEY BLOCK-----\n"
	for _, c := range []struct {
		name     string
		key      map[string]any
		wantPath string // "" when the key's shape is fine
	}{
		{"an armored key", map[string]any{"armored": armored}, ""},
		{"an armored key inside a page", map[string]any{"armored": "<pre>" + armored + "</pre>"}, ""},
		{"a binary key that went through JSON", map[string]any{"armored": "\u0098\u0033\u0004\ufffd\ufffdf\u0016\t+\u0006"}, "key.armored"},
		{"a zip that went through JSON", map[string]any{"armored": "PK\u0003\u0004\u0014\u0000\b\u0000\b\u0000\ufffd"}, "key.armored"},
		{"armor that was damaged into U+FFFD", map[string]any{"armored": strings.Replace(armored, "xjMEZ", "xj\ufffdEZ", 1)}, "key.armored"},
		{"text with no armor", map[string]any{"armored": "my key is on the keyserver"}, "key.armored"},
		{"an https URL", map[string]any{"url": "https://example.com/key.asc"}, ""},
		{"a plain-http URL", map[string]any{"url": "http://example.com/key.asc"}, "key.url"},
		{"a WKD address", map[string]any{"wkd": "security@example.com"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(string(edit(t, "key", c.key))))
			var cerr *Error
			if err != nil && !errors.As(err, &cerr) {
				t.Fatal(err)
			}
			var at []string
			if cerr != nil {
				for _, p := range cerr.Problems {
					at = append(at, p.Path+": "+p.Message)
				}
			}
			switch {
			case c.wantPath == "" && err != nil:
				t.Errorf("refused: %v", at)
			case c.wantPath != "" && (len(at) != 1 || !strings.HasPrefix(at[0], c.wantPath+": ")):
				t.Errorf("got %v, want one problem at %s", at, c.wantPath)
			}
		})
	}
}
