//go:build !js

package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestScreenshots renders the Comoo form as a researcher sees it: desktop,
// a 360 px phone, dark mode, an error state and the receipt. The PNGs go to
// a temporary folder, so that make test leaves the checkout as it was;
// make screenshots sets SCREENSHOTS to demo/screenshots (linked from the
// README) to write the committed ones.
func TestScreenshots(t *testing.T) {
	v := setUp(t, "comoo")
	out := os.Getenv("SCREENSHOTS")
	if out == "" {
		out = t.TempDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	shoot := func(t *testing.T, name string, width, height int64, dark bool, steps ...chromedp.Action[chromedp.Void]) {
		ctx, _ := browser(t)
		scheme := "light"
		if dark {
			scheme = "dark"
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		}); err != nil {
			t.Fatal(err)
		}
		all := append([]chromedp.Action[chromedp.Void]{
			chromedp.EmulateViewport(width, height),
			chromedp.Navigate(v.widgetURL),
			formReady(),
		}, steps...)
		if err := doWithin(ctx, 60*time.Second, all...); err != nil {
			t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG; less is JPEG
		if err != nil {
			t.Fatal(err)
		}
		if len(png) < 1000 {
			t.Fatalf("a %d-byte screenshot", len(png))
		}
		if err := os.WriteFile(filepath.Join(out, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("desktop", func(t *testing.T) { shoot(t, "desktop.png", 1280, 900, false) })
	t.Run("mobile", func(t *testing.T) { shoot(t, "mobile-360.png", 360, 780, false) })
	t.Run("dark", func(t *testing.T) { shoot(t, "dark.png", 1280, 900, true) })
	t.Run("errors", func(t *testing.T) {
		shoot(t, "errors.png", 1280, 900, false,
			chromedp.SendKeys(chromedp.CSS("#sp-targets"), "the login page"),
			click(chromedp.CSS(".sp-submit")),
			chromedp.WaitVisible(chromedp.CSS("#sp-targets-error")))
	})
	t.Run("receipt", func(t *testing.T) {
		shoot(t, "receipt.png", 1280, 900, false,
			chromedp.SendKeys(chromedp.CSS("#sp-targets"), "https://www.comoo.be/account"),
			chromedp.SendKeys(chromedp.CSS("#sp-description"), "The account page shows another customer's data."),
			click(chromedp.CSS("#sp-policy-accepted")),
			chromedp.WaitVisible(chromedp.CSS(".sp-submit")),
			click(chromedp.CSS(".sp-submit")),
			chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]")))
	})
}
