package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"
)

// Sealing in the browser: the widget files a report with a large
// attachment, timed between its seal marks, beside OpenPGP.js on the same
// data and key (openpgpjs.go): seal_mbps_*, seal_ratio_*, and the memory
// and main-thread stalls of the 100 MB runs.

type sealRun struct {
	mbps, wasmMB, tabMB, stallMS float64
}

// sealpost files a report with a size-byte attachment through the widget
// and measures the sealing (between the form's seal marks).
func (b *bench) sealpost(origin, key string, size int) (sealRun, error) {
	ctx, cancel, err := b.browser()
	if err != nil {
		return sealRun{}, err
	}
	defer cancel()
	if _, _, err := visit(ctx, origin+"/?config=config-"+key+".json"); err != nil {
		return sealRun{}, err
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS("#sp-targets"), "https://www.comoo.be/"),
		chromedp.SendKeys(chromedp.CSS("#sp-description"), "Bench report."),
		chromedp.Click(chromedp.CSS("#sp-policy-accepted")),
		chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		return sealRun{}, err
	}
	if _, err := chromedp.Run(ctx, makeData(size)); err != nil {
		return sealRun{}, err
	}
	drop := `(() => { const dt = new DataTransfer(); dt.items.add(new File([window.benchData], "screen.webm", {type: "video/webm"}));
  return document.querySelector(".sp-drop").dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt})); })()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](drop)); err != nil {
		return sealRun{}, err
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".sp-files .sp-sha"))); err != nil {
		return sealRun{}, err
	}
	chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__gap = 0; window.__gapOn = true`))
	stop := memory(ctx)
	var stopProfile func(io.Writer, int) error
	if b.profile {
		if stopProfile, err = startProfile(ctx); err != nil {
			return sealRun{}, err
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sp-submit"))); err != nil {
		stop()
		return sealRun{}, err
	}
	if stopProfile != nil {
		// The first profile covers the sealing only; a second the post,
		// to the receipt.
		sealed := `performance.getEntriesByName("sealpost:seal-end").length > 0`
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](sealed, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			stop()
			return sealRun{}, err
		}
		if err := stopProfile(os.Stdout, 40); err != nil {
			stop()
			return sealRun{}, err
		}
		fmt.Println("# the post, to the receipt:")
		if stopProfile, err = startProfile(ctx); err != nil {
			stop()
			return sealRun{}, err
		}
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]"))); err != nil {
		stop()
		return sealRun{}, err
	}
	if stopProfile != nil {
		if err := stopProfile(os.Stdout, 10); err != nil {
			stop()
			return sealRun{}, err
		}
	}
	tab := stop()
	type marks struct {
		Start, End, Sys float64
		Gap, GapAt      float64
		Gaps            [][2]float64 // every stall over 40 ms: when, from the sealing's start, and how long
		Frames          []string     // long animation frames: when, how long, what ran
	}
	m, err := chromedp.Run(ctx, chromedp.Evaluate[marks](`(() => {
  const s = performance.getEntriesByName("sealpost:seal-start")[0], e = performance.getEntriesByName("sealpost:seal-end")[0];
  return {Start: s.startTime, End: e.startTime, Sys: e.detail.go_sys_bytes, Gap: window.__gap, GapAt: window.__gapAt || 0, Gaps: (window.__gaps || []).map(([at, ms]) => [at - s.startTime, ms]), Frames: window.__loaf.map(([at, ms, what]) => Math.round(at - s.startTime) + "+" + ms + "ms: " + what)};
})()`))
	if err != nil {
		return sealRun{}, err
	}
	if b.profile {
		fmt.Printf("# longest stall: %.0f ms, from %.0f ms after the sealing started (it took %.0f ms); stalls over 40 ms (at, ms): %v\n", m.Gap, m.GapAt-m.Start, m.End-m.Start, m.Gaps)
		fmt.Printf("# long animation frames (from the sealing's start): %q\n", m.Frames)
	}
	return sealRun{mbps: float64(size) / 1e6 / ((m.End - m.Start) / 1000), wasmMB: m.Sys / (1 << 20), tabMB: tab, stallMS: m.Gap}, nil
}

func (b *bench) sealing(origin string, sizesMB []int) error {
	ratioMin := 0.0
	for _, size := range sizesMB {
		for _, key := range []string{"rsa4096", "cv25519"} {
			sp, err := b.sealpost(origin, key, size*1e6)
			if err != nil {
				return fmt.Errorf("sealpost %d MB %s: %w", size, key, err)
			}
			stream, whole, err := b.openpgpjs(origin, key, size*1e6)
			if err != nil {
				return fmt.Errorf("openpgp.js %d MB %s: %w", size, key, err)
			}
			best, mode := stream, "stream"
			if whole.mbps > stream.mbps {
				best, mode = whole, "whole"
			}
			suffix := fmt.Sprintf("%dmb_%s", size, key)
			b.print("seal_mbps_sealpost_"+suffix, round(sp.mbps), "MB/s")
			b.print("seal_mbps_openpgpjs_"+suffix, round(best.mbps), "MB/s_"+mode)
			ratio := sp.mbps / best.mbps
			b.print("seal_ratio_"+suffix, round(ratio), "x")
			if ratioMin == 0 || ratio < ratioMin {
				ratioMin = ratio
			}
			if size >= 100 && key == "cv25519" {
				b.print("wasm_heap_peak_mb_"+strconv.Itoa(size)+"mb", round(sp.wasmMB), "MB")
				b.print("tab_memory_peak_mb_"+strconv.Itoa(size)+"mb", round(sp.tabMB), "MB")
				b.print("tab_memory_peak_mb_"+strconv.Itoa(size)+"mb_openpgpjs_stream", round(stream.tabMB), "MB")
				b.print("tab_memory_peak_mb_"+strconv.Itoa(size)+"mb_openpgpjs_whole", round(whole.tabMB), "MB")
				b.print("main_thread_longest_stall_ms", round(sp.stallMS), "ms")
				b.print("main_thread_longest_stall_ms_openpgpjs_"+mode, round(best.stallMS), "ms")
			}
		}
	}
	b.print("seal_ratio_min", round(ratioMin), "x")
	return nil
}
