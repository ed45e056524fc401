package receiver

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/thread"
)

func TestBearer(t *testing.T) {
	token := codeN(t, 30).Token()
	for _, c := range []struct {
		name   string
		values []string
		want   string
		ok     bool
	}{
		{"a thread token", []string{"Bearer " + token}, token, true},
		{"the scheme in any case", []string{"bearer " + token}, token, true},
		{"base64 with padding", []string{"Bearer abc+/9=="}, "abc+/9==", true},
		{"two spaces", []string{"Bearer  " + token}, token, true},
		{"no header", nil, "", false},
		{"two headers", []string{"Bearer " + token, "Bearer " + token}, "", false},
		{"another scheme", []string{"Basic " + token}, "", false},
		{"no credential", []string{"Bearer "}, "", false},
		{"only padding", []string{"Bearer =="}, "", false},
		{"padding inside", []string{"Bearer ab=c"}, "", false},
		{"a space inside", []string{"Bearer ab c"}, "", false},
		{"a control character", []string{"Bearer ab\x00c"}, "", false},
		{"a quote", []string{`Bearer "abc"`}, "", false},
		{"too long", []string{"Bearer " + strings.Repeat("a", maxCredential+1)}, "", false},
		{"the longest", []string{"Bearer " + strings.Repeat("a", maxCredential)}, strings.Repeat("a", maxCredential), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{"Authorization": c.values}
			if got, ok := bearer(h); got != c.want || ok != c.ok {
				t.Errorf("bearer(%q) = %q, %v; want %q, %v", c.values, got, ok, c.want, c.ok)
			}
		})
	}
}

// FuzzBearer: no panic; a credential taken is a b64token of at most
// maxCredential bytes that was in the header; any token a code makes is
// taken back exactly.
func FuzzBearer(f *testing.F) {
	f.Add("Bearer " + codeN(f, 31).Token())
	f.Add("bearer  abc==")
	f.Add("Bearer a=b")
	f.Add("Basic dXNlcjpwYXNz")
	f.Add("Bearer \xff\xfe")
	f.Fuzz(func(t *testing.T, value string) {
		cred, ok := bearer(http.Header{"Authorization": {value}})
		if !ok {
			if cred != "" {
				t.Fatalf("refused %q but returned %q", value, cred)
			}
			return
		}
		if cred == "" || len(cred) > maxCredential || !strings.HasSuffix(value, cred) || !strings.EqualFold(value[:7], "Bearer ") {
			t.Fatalf("bearer(%q) = %q", value, cred)
		}
		if strings.ContainsAny(cred, " \t\r\n\"\\,;") || strings.Contains(strings.TrimRight(cred, "="), "=") {
			t.Fatalf("bearer(%q) = %q, not a b64token", value, cred)
		}
		if thread.ValidToken(cred) {
			if got, ok := bearer(http.Header{"Authorization": {"Bearer " + cred}}); !ok || got != cred {
				t.Fatalf("a token round trip: %q", got)
			}
		}
	})
}

// FuzzOperatorPath: no panic; an id taken is one path segment, and
// /threads/<id> gives it back.
func FuzzOperatorPath(f *testing.F) {
	f.Add("/threads")
	f.Add("/threads/")
	f.Add("/threads/" + idFor("x"))
	f.Add("/threads/a/b")
	f.Add("/threadsx")
	f.Add("/threads/..")
	f.Fuzz(func(t *testing.T, path string) {
		id, ok := operatorPath(path)
		if !ok {
			return
		}
		switch {
		case id == "" && path != "/threads":
			t.Fatalf("operatorPath(%q) lists", path)
		case id != "" && (strings.Contains(id, "/") || "/threads/"+id != path):
			t.Fatalf("operatorPath(%q) = %q", path, id)
		}
	})
}
