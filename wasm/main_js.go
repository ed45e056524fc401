//go:build js && wasm

package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/widget"
)

func main() {
	app.Window().Get("performance").Call("mark", "sealpost:main")
	l, err := widget.ParseLock(configURL, configSigner)
	if err != nil {
		// The site generator refuses these settings at build time; a
		// build that has them anyway shows no form rather than an
		// unlocked one.
		panic("sealpost: this build's lock is broken: " + err.Error())
	}
	lock = l
	p := &widget.Platform{
		HTTP:        xhrClient{},
		FilesFrom:   filesFrom,
		NewOutbox:   openIDBOutbox,
		NewSealSink: newBlobSink,
		NewCBC:      newWebCBC,
		Yield:       yieldToBrowser,
		Clipboard:   copyToClipboard,
		Mark:        markWithMemory,
	}
	// Whether the frame has storage of its own is known only before the
	// shim stands in for it: only then may the receipt keep a reply code.
	if storageWorks("localStorage") {
		p.CodeStore = webStorage{name: "localStorage"}
	}
	shimStorage()
	platform = p
	h := parentHost{}
	h.watchHeight()
	host = h
	routes()
	app.RunWhenOnBrowser()
}
