//go:build !(js && wasm)

package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/widget"
)

func main() {
	out := flag.String("out", "dist/widget", "`folder` to write the static site into")
	prefix := flag.String("prefix", "", "URL path `prefix` the site is served under, e.g. /sealpost")
	flag.StringVar(&configURL, "config-url", "", "the config `URLs` app.wasm is locked to (make build CONFIG_URL=...): checked here, baked in by the linker")
	flag.StringVar(&configSigner, "config-signer", "", "the `fingerprint` of the key that must sign the config (make build CONFIG_SIGNER=...)")
	flag.Parse()
	var err error
	if lock, err = widget.ParseLock(configURL, configSigner); err != nil {
		fmt.Fprintf(os.Stderr, "wasm: error: %v\n", err)
		os.Exit(2)
	}
	routes()
	if err := generate(*out, *prefix); err != nil {
		fmt.Fprintf(os.Stderr, "wasm: error: %v\n", err)
		os.Exit(1)
	}
}

func generate(out, prefix string) error {
	h := &app.Handler{
		Name:      "Sealpost",
		ShortName: "Sealpost",
		// The form names the page in the reader's language once it runs
		// (Form.title); until then the name says no sentence.
		Title:       "Sealpost",
		Description: "An encrypted vulnerability report form",
		// Local icons: the default points at a third-party host.
		Icon:                  app.Icon{Default: "/web/icon.svg", SVG: "/web/icon.svg"},
		Styles:                []string{"/web/sealpost.css"},
		Scripts:               []string{"/web/lang.js"},
		ServiceWorkerTemplate: widget.WorkerJS,
	}
	if prefix != "" {
		h.Resources = app.PrefixedLocation(prefix)
	}
	if err := os.MkdirAll(filepath.Join(out, "web"), 0o755); err != nil {
		return err
	}
	if err := app.GenerateStaticWebsite(out, h); err != nil {
		return err
	}
	if err := addStaticForm(filepath.Join(out, "index.html")); err != nil {
		return err
	}
	for name, data := range map[string][]byte{"web/sealpost.css": widget.CSS, "web/icon.svg": widget.Icon, "web/lang.js": widget.LangJS(), "sealpost.js": widget.Loader()} {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// addStaticForm puts the static form into the page, at the end of its
// body: after the element go-app mounts the form on (the body's first),
// so go-app leaves it alone, and the form takes it over (see
// widget.StaticForm).
func addStaticForm(index string) error {
	page, err := os.ReadFile(index)
	if err != nil {
		return err
	}
	end := strings.LastIndex(string(page), "</body>")
	if end < 0 {
		return fmt.Errorf("%s: no </body> to put the static form before", index)
	}
	return os.WriteFile(index, []byte(string(page[:end])+widget.StaticForm()+"\n  "+string(page[end:])), 0o644)
}
