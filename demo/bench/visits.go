package main

import (
	"context"
	"slices"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The widget's weight and start-up: what a first and a repeat visit
// download (first_visit_brotli_bytes, repeat_visit_bytes) and how soon the
// form is usable, cold, warm and over a slow link (usable_form_*,
// full_form_*).

// startup is where the time to a usable form goes, in milliseconds from
// navigation start: app.wasm downloaded, Go's main running, the vendor's
// config and key loaded, the form usable.
type startup struct{ WasmLoaded, Main, Vendor, Usable, Full float64 }

func startupOf(ctx context.Context) (startup, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[startup](`(() => {
  const at = (n) => (performance.getEntriesByName(n)[0] || {startTime: 0}).startTime;
  const wasm = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/app.wasm"));
  return {WasmLoaded: wasm ? wasm.responseEnd : 0, Main: at("sealpost:main"), Vendor: at("sealpost:vendor-loaded"), Usable: window.__usable || 0, Full: window.__full || 0};
})()`))
}

// settle waits until the service worker controls the page (it has cached
// the widget's files) and the network has been quiet for a second.
func (b *bench) settle(ctx context.Context) {
	for range 150 {
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!navigator.serviceWorker.controller`)); ok {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for last := int64(-1); last != b.served.Load(); {
		last = b.served.Load()
		time.Sleep(time.Second)
	}
}

// visits measures first and repeat visits, cold and warm, and cold over a
// 10 Mbit/s, 40 ms link.
func (b *bench) visits(origin string, runs int) error {
	url := origin + "/?config=config-cv25519.json"
	var cold, warm, slow, coldFull, warmFull, slowFull, first, repeat []float64
	var parts []startup
	for range runs {
		ctx, cancel, err := b.browser()
		if err != nil {
			return err
		}
		b.settle(ctx)
		b.served.Store(0)
		ms, full, err := visit(ctx, url)
		if err != nil {
			cancel()
			return err
		}
		cold, coldFull = append(cold, ms), append(coldFull, full)
		if s, err := startupOf(ctx); err == nil {
			parts = append(parts, s)
		}
		b.settle(ctx)
		first = append(first, float64(b.served.Load()))
		b.served.Store(0)
		if ms, full, err = visit(ctx, url); err != nil {
			cancel()
			return err
		}
		warm, warmFull = append(warm, ms), append(warmFull, full)
		time.Sleep(time.Second)
		repeat = append(repeat, float64(b.served.Load()))
		cancel()

		ctx, cancel, err = b.browser()
		if err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			cancel()
			return err
		}
		if _, err := chromedp.Call(ctx, emulateNetworkConditions, networkConditions{Latency: 40, DownloadThroughput: 10e6 / 8, UploadThroughput: 10e6 / 8}); err != nil {
			cancel()
			return err
		}
		if ms, full, err = visit(ctx, url); err != nil {
			cancel()
			return err
		}
		slow, slowFull = append(slow, ms), append(slowFull, full)
		cancel()
	}
	b.print("first_visit_brotli_bytes", median(first), "bytes")
	b.print("repeat_visit_bytes", median(repeat), "bytes")
	b.print("usable_form_cold_ms", float64(int(median(cold))), "ms")
	b.print("usable_form_warm_ms", float64(int(median(warm))), "ms")
	b.print("usable_form_10mbps_ms", float64(int(median(slow))), "ms")
	// The form itself, mounted with the vendor's config and key.
	b.print("full_form_cold_ms", float64(int(median(coldFull))), "ms")
	b.print("full_form_warm_ms", float64(int(median(warmFull))), "ms")
	b.print("full_form_10mbps_ms", float64(int(median(slowFull))), "ms")
	// Where a cold start's time goes (the median run's figures).
	if len(parts) > 0 {
		slices.SortFunc(parts, func(a, b startup) int { return int(a.Full - b.Full) })
		p := parts[len(parts)/2]
		b.print("usable_form_cold_wasm_downloaded_ms", float64(int(p.WasmLoaded)), "ms")
		b.print("usable_form_cold_go_main_ms", float64(int(p.Main)), "ms")
		b.print("usable_form_cold_vendor_loaded_ms", float64(int(p.Vendor)), "ms")
	}
	return nil
}

// emulateNetworkConditions is Network.emulateNetworkConditions, which
// Chromium 148 still has (cdproto keeps only its ...ByRule successor).
var emulateNetworkConditions = cdp.Command[networkConditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}

type networkConditions struct {
	Offline            bool    `json:"offline"`
	Latency            float64 `json:"latency"`
	DownloadThroughput float64 `json:"downloadThroughput"`
	UploadThroughput   float64 `json:"uploadThroughput"`
}
