//go:build !js

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAFailedPostKeepsTheSealedReport: the receiver is down, the widget
// retries and gives up, keeping the sealed report (retry, .asc download,
// email); the receiver comes back and one retry stores exactly one report.
func TestAFailedPostKeepsTheSealedReport(t *testing.T) {
	v := setUp(t, "comoo")
	v.down.Store(true)
	ctx, _ := browser(t)
	err := doWithin(ctx, 90*time.Second,
		chromedp.Navigate(v.widgetURL),
		formReady(),
		chromedp.SendKeys(chromedp.CSS("#sp-targets"), "https://www.comoo.be/admin"),
		chromedp.SendKeys(chromedp.CSS("#sp-description"), "The admin page answers without a login."),
		click(chromedp.CSS("#sp-policy-accepted")),
		click(chromedp.CSS("#sp-submit")),
		chromedp.WaitVisible(chromedp.CSS("#sp-retry")),
	)
	if err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	text := pageText(ctx)
	for _, want := range []string{"503", "Download the encrypted report (.asc)", "Send it by email"} {
		if !strings.Contains(text, want) {
			t.Errorf("the failure shows no %q:\n%s", want, text)
		}
	}
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#sp-download"), "href"))
	if err != nil || !strings.HasPrefix(href.Value, "data:application/pgp-encrypted;base64,") {
		t.Errorf("download link %q (%v)", href.Value[:min(len(href.Value), 60)], err)
	}
	if list, _ := v.store.List(); len(list) != 0 {
		t.Fatalf("%d reports stored while down", len(list))
	}

	v.down.Store(false)
	if err := doWithin(ctx, 60*time.Second, click(chromedp.CSS("#sp-retry")), chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]"))); err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	if list, _ := v.store.List(); len(list) != 1 {
		t.Errorf("%d reports stored after the retry, want 1", len(list))
	}
}
