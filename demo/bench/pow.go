package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chromedp/chromedp"
)

// powRuns is how many challenges the browser solves for the figures.
const powRuns = 40

// pow solves powRuns challenges at the default difficulty in Chromium with
// the widget's solver (core/internal/pow/powbench, built here for js/wasm),
// yielding as the widget does, and prints the median and 95th percentile
// solve times and the longest main-thread stall meanwhile.
func (b *bench) pow() error {
	wasm := filepath.Join(b.tmp, "powbench.wasm")
	build := exec.Command("go", "build", "-trimpath", "-o", wasm, "./core/internal/pow/powbench")
	// The machine's Go, as make widget builds the browser program (see the
	// Makefile's WASM_GO), and its wasm_exec.js.
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building powbench: %v\n%s", err, out)
	}
	env := exec.Command("go", "env", "GOROOT")
	env.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	goroot, err := env.Output()
	if err != nil {
		return err
	}
	execJS := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pow</title><script src="/wasm_exec.js"></script>
<script>const go = new Go(); WebAssembly.instantiateStreaming(fetch("/powbench.wasm"), go.importObject).then(r => go.run(r.instance));</script></head><body></body></html>`)
		case "/wasm_exec.js":
			http.ServeFile(w, r, execJS)
		case "/powbench.wasm":
			w.Header().Set("Content-Type", "application/wasm")
			http.ServeFile(w, r, wasm)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx, cancel, err := b.browser()
	if err != nil {
		return err
	}
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady(chromedp.CSS("body[data-ready]"))); err != nil {
		return err
	}
	// A first solve lets the browser tier the code up, as a page that has
	// sealed a report has; it is not counted.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`powBench(1, powDefaultDifficulty)`, chromedp.EvalAwaitPromise)); err != nil {
		return err
	}
	chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__gap = 0; window.__gapOn = true`))
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`powBench(%d, powDefaultDifficulty)`, powRuns), chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	gap, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__gap`))
	if err != nil {
		return err
	}
	slices.Sort(ms)
	b.print("pow_solve_ms_p50", round(ms[len(ms)/2]), "ms")
	b.print("pow_solve_ms_p95", round(ms[len(ms)*95/100]), "ms")
	b.print("pow_main_thread_longest_stall_ms", round(gap), "ms")
	return nil
}
