// Package web is the core's HTTP client interface. The core takes a Doer,
// not an *http.Client, so that a program can bring its own: the widget's
// browser program sends requests with XMLHttpRequest, and a wasm build that
// never calls (*http.Client).Do leaves net/http's transport, TLS and HTTP/2
// out of the binary (about 2.3 MB of code, measured with wasmsize).
//
// The public API names it once, as
// [github.com/sealpost/sealpost/core/deliver.Doer] (an alias of Doer), which
// the widget and the command line use. core/pgpkey, which core/deliver
// imports (through core/thread) and so cannot import, takes a web.Doer in its
// signatures without naming it again: any deliver.Doer or *http.Client is one.
package web

import "net/http"

// Doer sends an HTTP request; *http.Client is one.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Or returns d, or the default client when d is nil.
func Or(d Doer) Doer {
	if d != nil {
		return d
	}
	return defaultDoer()
}
