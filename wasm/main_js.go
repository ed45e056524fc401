//go:build js && wasm

package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

func main() {
	shimStorage()
	h := parentHost{}
	h.watchHeight()
	host = h
	routes()
	app.RunWhenOnBrowser()
}
