//go:build !js

package e2e

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestTypedMarkupNeverRuns types HTML and script payloads into every text
// field, fails validation once (error state), then submits: no alert may
// open, in the form, its messages or the receipt.
func TestTypedMarkupNeverRuns(t *testing.T) {
	v := setUp(t, "cocomm")
	ctx, _ := browser(t)
	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	payload := `"><img src=x onerror=alert(1)><script>alert(2)</script><svg onload=alert(3)>`
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(v.widgetURL),
		formReady(),
	}
	for _, id := range []string{"#sp-title", "#sp-description", "#sp-expected", "#sp-steps", "#sp-impact", "#sp-reporter-name"} {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS(id), payload))
	}
	steps = append(steps,
		chromedp.SendKeys(chromedp.CSS("#sp-targets"), payload), // not a target: an error that quotes the field
		click(chromedp.CSS(".sp-submit")),
		chromedp.WaitVisible(chromedp.CSS("#sp-targets-error")),
	)
	if err := doWithin(ctx, 60*time.Second, steps...); err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	// Fix the target and the date, accept, send: the receipt shows the title.
	js := `(function(){var t=document.getElementById("sp-targets"); t.value="203.0.113.9"; t.dispatchEvent(new Event("input",{bubbles:true}));` +
		`var d=document.getElementById("sp-discovered-at"); d.value="2026-11-20"; d.dispatchEvent(new Event("input",{bubbles:true})); return true})()`
	err := doWithin(ctx, 60*time.Second,
		func(ctx2 context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](js)(ctx2, tg)
			return chromedp.Void{}, err
		},
		click(chromedp.CSS("#sp-policy-accepted")),
		chromedp.WaitVisible(chromedp.CSS(".sp-submit")),
		click(chromedp.CSS(".sp-submit")),
		chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]")),
	)
	if err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	time.Sleep(300 * time.Millisecond) // let any injected handler fire
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d alert dialogs opened", n)
	}
	count, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("img[src=x], svg[onload], .sealpost script").length`))
	if err != nil || count != 0 {
		t.Errorf("%d injected elements in the page (%v)", count, err)
	}
	if text := pageText(ctx); !strings.Contains(text, "Report received") {
		t.Errorf("no receipt:\n%s", text)
	}
}
