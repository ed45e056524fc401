package main

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/widget"
)

// start serves the widget of widgetDir on loopback, with a config for each
// of the bench's keys (keys.go) naming an intake (core/receiver) that
// accepts the widget's origin, and OpenPGP.js beside it. stop closes both
// servers and removes the bench's temporary files.
func start(widgetDir, openpgpJS string) (b *bench, origin string, stop func(), err error) {
	if _, err := os.Stat(filepath.Join(widgetDir, "web", "app.wasm.br")); err != nil {
		return nil, "", nil, fmt.Errorf("no pre-compressed widget in %s: run make build first", widgetDir)
	}
	ojs, err := os.ReadFile(openpgpJS)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%v: run make deps (it installs OpenPGP.js)", err)
	}
	tmp, err := os.MkdirTemp("", "sealpost-bench")
	if err != nil {
		return nil, "", nil, err
	}
	closers := []func(){func() { os.RemoveAll(tmp) }}
	stop = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	fail := func(err error) (*bench, string, func(), error) {
		stop()
		return nil, "", nil, err
	}
	b = &bench{tmp: tmp, keys: map[string]string{}}
	if err := b.addKeys(); err != nil {
		return fail(err)
	}

	store, err := receiver.OpenStore(filepath.Join(tmp, "store"))
	if err != nil {
		return fail(err)
	}
	b.widget = httptest.NewUnstartedServer(nil)
	closers = append(closers, b.widget.Close)
	origin = "http://" + b.widget.Listener.Addr().String()
	intake := httptest.NewServer(receiver.New(receiver.Config{AllowedOrigins: []string{origin}, RatePerMinute: -1, MaxBytes: 1 << 30}, store, nil))
	closers = append(closers, intake.Close)
	configs := map[string][]byte{}
	for name, pub := range b.keys {
		cfg, err := config.LoadFile("core/config/examples/comoo.json")
		if err != nil {
			return fail(err)
		}
		cfg.Key = config.Key{Armored: pub}
		cfg.Endpoint.URL = intake.URL + "/reports"
		configs["/config-"+name+".json"], _ = json.Marshal(cfg)
	}
	csp := widget.Policy{Connect: []string{intake.URL}}.CSP()
	b.widget.Config.Handler = b.handler(widgetDir, configs, ojs, csp)
	b.widget.Start()
	return b, origin, stop, nil
}

// handler serves the widget as a static host would: a .br sibling when the
// browser accepts brotli, the strict CSP, and the bench's extra files.
func (b *bench) handler(dir string, configs map[string][]byte, ojs []byte, csp string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w = &counting{ResponseWriter: w, n: &b.served}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Security-Policy", csp)
		switch p := r.URL.Path; {
		case configs[p] != nil:
			w.Header().Set("Content-Type", "application/json")
			w.Write(configs[p])
		case p == "/bench/openpgp.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenPGP.js</title>`+
				`<script type="module" src="/bench/openpgp-bench.mjs"></script></head><body></body></html>`)
		case p == "/bench/openpgp-bench.mjs":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(openpgpBench)
		case p == "/bench/openpgp.min.mjs":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(ojs)
		default:
			name := filepath.Join(dir, filepath.FromSlash(p))
			if strings.HasSuffix(p, "/") {
				name = filepath.Join(name, "index.html")
			}
			if strings.Contains(r.Header.Get("Accept-Encoding"), "br") {
				if _, err := os.Stat(name + ".br"); err == nil {
					w.Header().Set("Content-Encoding", "br")
					w.Header().Set("Vary", "Accept-Encoding")
					w.Header().Set("Content-Type", mime.TypeByExtension(filepath.Ext(name)))
					http.ServeFile(w, r, name+".br")
					return
				}
			}
			if strings.HasSuffix(p, ".wasm") {
				w.Header().Set("Content-Type", "application/wasm")
			}
			files.ServeHTTP(w, r)
		}
	})
}

type counting struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *counting) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}
