//go:build !js

package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAxeFindsNoSeriousViolations runs axe-core (npm, installed by make
// deps) in the widget's page: the static form before the program starts,
// then the form empty and in its error state.
func TestAxeFindsNoSeriousViolations(t *testing.T) {
	axe, err := os.ReadFile("testdata/axe/node_modules/axe-core/axe.min.js")
	if err != nil {
		t.Fatal("axe-core is not installed: run make deps (.ci/deps)")
	}
	v := setUp(t, "cocomm")
	ctx, _ := browser(t)
	check := func(state string) {
		t.Helper()
		// DevTools evaluation is not subject to the page's CSP.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
			t.Fatal(err)
		}
		violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}).then(r =>
			r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
			 .map(v => v.impact + " " + v.id + ": " + v.help + " (" + v.nodes.map(n => n.target.join(" ")).join(", ") + ")"))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range violations {
			t.Errorf("%s: %s", state, v)
		}
	}
	_, release := holdWasm(v)
	if err := doWithin(ctx, 30*time.Second, chromedp.Navigate(v.widgetURL), chromedp.WaitVisible(chromedp.CSS("#sp-static #sp-targets"))); err != nil {
		t.Fatal(err)
	}
	check("static form, before the program starts")
	release()
	if err := doWithin(ctx, 60*time.Second, formReady()); err != nil {
		t.Fatal(err)
	}
	check("empty form")
	if err := doWithin(ctx, 30*time.Second, click(chromedp.CSS("#sp-submit")), chromedp.WaitVisible(chromedp.CSS("#sp-targets-error"))); err != nil {
		t.Fatal(err)
	}
	check("error state")
}

// TestTheFormCanBeCompletedWithTheKeyboardAlone tabs from field to field,
// types, ticks the policy box with Space and sends with Enter.
func TestTheFormCanBeCompletedWithTheKeyboardAlone(t *testing.T) {
	v := setUp(t, "comoo")
	ctx, _ := browser(t)
	if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(v.widgetURL), formReady()); err != nil {
		t.Fatal(err)
	}
	steps := []struct{ id, keys string }{
		{"sp-targets", "https://www.comoo.be/login"},
		{"sp-description", "The session cookie lacks HttpOnly."},
		{"sp-policy-accepted", " "},
		{"sp-submit", "\r"},
	}
	for _, s := range steps {
		if err := tabTo(ctx, s.id); err != nil {
			t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
		}
		if err := doWithin(ctx, 10*time.Second, chromedp.KeyEvent(s.keys)); err != nil {
			t.Fatal(err)
		}
	}
	if err := doWithin(ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]"))); err != nil {
		t.Fatalf("no receipt after Enter: %v\n%s", err, pageText(ctx))
	}
}

// tabTo presses Tab until the element with id has the focus, and checks
// that the focused control shows a visible focus outline.
func tabTo(ctx context.Context, id string) error {
	for range 80 {
		active, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
		if err != nil {
			return err
		}
		if active == id {
			style, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineStyle`))
			if err != nil {
				return err
			}
			if style == "none" && !strings.HasPrefix(id, "sp-policy") {
				return fmt.Errorf("#%s has the focus but no visible outline", id)
			}
			return nil
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			return err
		}
	}
	return fmt.Errorf("Tab never reached #%s", id)
}
