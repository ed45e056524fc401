// Command wasm is the widget's browser program and, run natively, the
// generator of the static site that serves it.
//
// In the browser (GOOS=js GOARCH=wasm) it starts the go-app engine on the
// widget's page. Natively it writes the site: the page with the form
// prerendered, go-app's loader scripts, the stylesheet and the icon; app.wasm
// is built separately into its web/ folder (make build does both). The two
// builds share only the routes: the native side (go-app's Handler, an HTTP
// server) stays out of the wasm.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/widget"
)

// host is the embedding page and platform the browser's services: set by
// the browser program, nil natively (the static prerender).
var (
	host     widget.Host
	platform *widget.Platform
)

// configURL and configSigner lock a build to its vendor's config: set by
// the linker (make build CONFIG_URL=... CONFIG_SIGNER=... passes
// -ldflags "-X main.configURL=URL,URL -X main.configSigner=FINGERPRINT"),
// read with widget.ParseLock into lock.
var (
	configURL, configSigner string
	lock                    widget.Lock
)

func routes() {
	app.Route("/", func() app.Composer { return &widget.App{Host: host, Lock: lock, Platform: platform} })
}
