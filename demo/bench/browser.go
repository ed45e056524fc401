package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// probes are injected into every page before its scripts: the moments the
// first field is usable and the form is mounted, and the longest gap between 5 ms timer ticks
// (a stalled main thread) while __gapOn.
const probes = `(() => {
  window.__gap = 0;
  let last = performance.now();
  setInterval(() => {
    const t = performance.now();
    if (window.__gapOn && t - last > window.__gap) { window.__gap = t - last; window.__gapAt = last; }
    if (window.__gapOn && t - last > 40) (window.__gaps = window.__gaps || []).push([Math.round(last), Math.round(t - last)]);
    last = t;
    if (!window.__full) check();
  }, 5);
  // __usable: the first field is laid out and takes input (the static
  // form, or the form); __full: the form is mounted with the vendor's
  // config and key, the core validating what is typed.
  let asked = false;
  // onTop: a click at the field's centre would reach it (no overlay).
  const onTop = (f) => {
    const r = f.getBoundingClientRect();
    return r.width > 0 && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === f;
  };
  const check = () => {
    const first = document.querySelector("#sp-targets");
    if (!asked && first && !first.disabled && onTop(first)) {
      asked = true;
      requestAnimationFrame(() => { window.__usable = performance.now(); });
    }
    if (!window.__full && document.querySelector(".sealpost[data-ready] #sp-targets")) window.__full = performance.now();
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
  // Long animation frames while __gapOn, with the scripts that ran in them.
  window.__loaf = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!window.__gapOn || e.duration < 60) continue;
        window.__loaf.push([Math.round(e.startTime), Math.round(e.duration), e.scripts.map((s) => s.invoker + " " + Math.round(s.duration) + "ms").join("; ")]);
      }
    }).observe({type: "long-animation-frame", buffered: true});
  } catch (e) {}
})();`

// browser starts headless Chromium with a fresh profile.
func (b *bench) browser() (context.Context, func(), error) {
	dir, err := os.MkdirTemp(b.tmp, "profile")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 8*time.Minute)
	cancel := func() { cancelT(); cancelC(); cancelA() }
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, nil, err
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: probes}); err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// visit navigates to url and returns the milliseconds from navigation
// start to a usable first field and to the mounted form.
func visit(ctx context.Context, url string) (usable, full float64, err error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return 0, 0, err
	}
	type times struct{ Usable, Full float64 }
	for range 3000 {
		t, err := chromedp.Run(ctx, chromedp.Evaluate[times](`({Usable: window.__usable || 0, Full: window.__full || 0})`))
		if err == nil && t.Usable > 0 && t.Full > 0 {
			return t.Usable, t.Full, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, 0, errors.New("the form never became usable")
}

// makeData puts size random bytes in window.benchData.
func makeData(size int) chromedp.Action[bool] {
	return chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
  const u = new Uint8Array(%d);
  for (let i = 0; i < u.length; i += 65536) crypto.getRandomValues(u.subarray(i, Math.min(u.length, i + 65536)));
  window.benchData = u;
  return true;
})()`, size))
}
