//go:build js

package pgpkey

import "github.com/sealpost/sealpost/core/internal/web"

// ownClient is, in the browser, web.Or's client, which refuses to send:
// the widget always gives its own (see client_native.go).
func ownClient() web.Doer { return web.Or(nil) }
