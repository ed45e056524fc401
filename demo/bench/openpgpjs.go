package main

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/chromedp/chromedp"
)

// openpgpBench is the page script that seals with OpenPGP.js
// (benchOpenPGP), served beside the widget (serve.go).
//
//go:embed openpgp-bench.mjs
var openpgpBench []byte

// openpgpjs seals the same data to the same key with OpenPGP.js in the
// same browser, streaming and whole, and returns both.
func (b *bench) openpgpjs(origin, key string, size int) (stream, whole sealRun, err error) {
	ctx, cancel, err := b.browser()
	if err != nil {
		return
	}
	defer cancel()
	if err = chromedp.Do(ctx, chromedp.Navigate(origin+"/bench/openpgp.html"), chromedp.WaitReady(chromedp.CSS("body[data-ready]"))); err != nil {
		return
	}
	if _, err = chromedp.Run(ctx, makeData(size)); err != nil {
		return
	}
	keyJSON, _ := json.Marshal(b.keys[key])
	for _, mode := range []string{"stream", "whole"} {
		chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__gap = 0; window.__gapOn = true`))
		stop := memory(ctx)
		type result struct{ Ms, Out float64 }
		var r result
		r, err = chromedp.Run(ctx, chromedp.Evaluate[result](fmt.Sprintf(`benchOpenPGP(%s, %q)`, keyJSON, mode), chromedp.EvalAwaitPromise))
		tab := stop()
		if err != nil {
			return
		}
		gap, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__gap`))
		run := sealRun{mbps: float64(size) / 1e6 / (r.Ms / 1000), tabMB: tab, stallMS: gap}
		if mode == "stream" {
			stream = run
		} else {
			whole = run
		}
	}
	return
}
