//go:build !js

package pgpkey

import (
	"fmt"
	"net/http"

	"github.com/sealpost/sealpost/core/internal/web"
)

// maxRedirects bounds the redirects the client [Fetch] builds for a nil
// client follows (http.DefaultClient follows ten); a caller's client keeps
// its own policy.
const maxRedirects = 3

// transport is the RoundTripper of the client Fetch builds; nil means
// http.DefaultTransport. Tests point it at their server.
var transport http.RoundTripper

// ownClient is the client get uses when given none: an *http.Client that
// refuses a redirect to another scheme than https before following it,
// and stops after maxRedirects. (The browser build has its own, in
// client_js.go: an *http.Client there would link net/http's transport
// into the wasm, app.wasm 17.0 → 20.7 MB measured, and govulncheck would
// count its paths.)
func ownClient() web.Doer {
	return &http.Client{Transport: transport, CheckRedirect: checkRedirect}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "https" {
		return fmt.Errorf("redirected to %s, which is not https; keys must come over HTTPS, so give the key's https URL or ask its site to redirect to https only", req.URL.Redacted())
	}
	if len(via) > maxRedirects {
		return fmt.Errorf("redirected more than %d times; give the URL the key ends up at", maxRedirects)
	}
	return nil
}
