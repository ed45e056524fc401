//go:build !js

package e2e

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/config"
)

// TestWhatIsTypedBeforeTheProgramStartsIsKept: the page shows the static
// form at once. What is typed there while app.wasm is still on its way
// (the server holds it back here) is in the form once the program starts,
// with the focus and the caret where they were; typing goes on, and all of
// it arrives sealed. Nothing typed early leaves the browser before that.
func TestWhatIsTypedBeforeTheProgramStartsIsKept(t *testing.T) {
	v := setUp(t, "comoo")
	asked, release := holdWasm(v)
	ctx, requests := browser(t)

	target, early, later := "https://www.comoo.be/early", "Typed before the program started.", " And after."
	err := doWithin(ctx, 30*time.Second,
		chromedp.Navigate(v.widgetURL),
		chromedp.WaitVisible(chromedp.CSS("#sp-static #sp-targets")),
		chromedp.SendKeys(chromedp.CSS("#sp-static #sp-targets"), target),
		chromedp.SendKeys(chromedp.CSS("#sp-static #sp-description"), early),
	)
	if err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	type state struct {
		Ready, Static, Disabled bool
		OnTop                   bool // the first field is what a click at its centre hits
		Failed                  bool // the static form says the program could not start
		Targets, Description    string
		Focus                   string
		Caret                   int
	}
	read := chromedp.Evaluate[state](`(() => {
  const a = document.activeElement;
  return {Ready: !!document.querySelector(".sealpost[data-ready]"), Static: !!document.getElementById("sp-static"),
    Disabled: !!document.querySelector("#sp-static .sp-submit:disabled"),
    Failed: !!document.querySelector(".sp-load-failed") && document.querySelector(".sp-load-failed").getClientRects().length > 0,
    OnTop: (() => { const f = document.getElementById("sp-targets"), r = f.getBoundingClientRect();
      return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === f; })(),
    Targets: document.getElementById("sp-targets").value, Description: document.getElementById("sp-description").value,
    Focus: a ? a.id : "", Caret: a && a.selectionStart !== undefined ? a.selectionStart : -1};
})()`)
	before, err := chromedp.Run(ctx, read)
	if err != nil {
		t.Fatal(err)
	}
	if !asked() || before.Ready || !before.Static || !before.Disabled || !before.OnTop || before.Failed {
		t.Fatalf("typed while app.wasm was asked for (%v) and the program had not started (ready %v, static form %v, its button disabled %v, its first field on top %v, saying it failed %v)",
			asked(), before.Ready, before.Static, before.Disabled, before.OnTop, before.Failed)
	}
	// The caret goes back a few characters, as a person fixing a word does.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const d = document.getElementById("sp-description"); d.setSelectionRange(d.value.length - 8, d.value.length - 8); return true; })()`)); err != nil {
		t.Fatal(err)
	}

	release()
	if err := doWithin(ctx, 60*time.Second, chromedp.WaitVisible(chromedp.CSS(".sealpost[data-ready] #sp-targets"))); err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	after, err := chromedp.Run(ctx, read)
	if err != nil {
		t.Fatal(err)
	}
	if after.Static || after.Targets != target || after.Description != early || after.Focus != "sp-description" || after.Caret != len(early)-8 {
		t.Fatalf("after the program started: %+v; want the static form gone, the text kept, the focus in sp-description at %d", after, len(early)-8)
	}
	// Typing goes on at the caret, into the form.
	if err := doWithin(ctx, 10*time.Second, chromedp.KeyEvent("X")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const d = document.getElementById("sp-description"); d.setSelectionRange(d.value.length, d.value.length); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	err = doWithin(ctx, 60*time.Second,
		chromedp.KeyEvent(later),
		click(chromedp.CSS("#sp-policy-accepted")),
		chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
		click(chromedp.CSS("#sp-submit")),
		chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]")),
	)
	if err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	id, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("[data-sealpost-receipt]"), "data-report-id"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := v.store.Get(id.Value)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := gpgReport(t, v.secret, st.Path)
	want := early[:len(early)-8] + "X" + early[len(early)-8:] + later
	if strings.Join(r.Targets, "\n") != target || r.Description != want {
		t.Errorf("sealed report: targets %q, description %q; want %q, %q", r.Targets, r.Description, target, want)
	}
	for _, s := range []string{"comoo.be/early", "before the program"} {
		if leaks := requests.containing(s); len(leaks) > 0 {
			t.Errorf("typed text %q left the browser: %v", s, leaks)
		}
	}
}

// holdWasm makes the widget's origin hold app.wasm back until release;
// asked says whether the browser has asked for it.
func holdWasm(v *vendorSetup) (asked func() bool, release func()) {
	held := make(chan struct{})
	var wasAsked atomic.Bool
	v.pages.Store("/web/app.wasm", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wasAsked.Store(true)
		select {
		case <-held:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/wasm")
		http.ServeFile(w, r, filepath.Join(site, "web", "app.wasm"))
	}))
	return wasAsked.Load, sync.OnceFunc(func() { close(held) })
}

// TestTextTypedIntoAFieldTheVendorHidesIsKept: the static form offers
// targets, but this vendor's form does not: what was typed there goes
// into the description, labelled.
func TestTextTypedIntoAFieldTheVendorHidesIsKept(t *testing.T) {
	v := setUp(t, "cocomm")
	cfg, err := config.LoadFile("../../core/config/examples/cocomm.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Key = config.Key{Armored: string(v.public)}
	cfg.Endpoint.URL = v.receiverURL + "/reports"
	cfg.Fields.Shown = slices.DeleteFunc(cfg.Fields.Shown, func(f string) bool { return f == "targets" })
	cfg.Fields.Required = slices.DeleteFunc(cfg.Fields.Required, func(f string) bool { return f == "targets" })
	data, _ := json.Marshal(cfg)
	v.config.Store(data)
	asked, release := holdWasm(v)
	ctx, _ := browser(t)
	err = doWithin(ctx, 30*time.Second,
		chromedp.Navigate(v.widgetURL),
		chromedp.WaitVisible(chromedp.CSS("#sp-static #sp-targets")),
		chromedp.SendKeys(chromedp.CSS("#sp-static #sp-targets"), "10.0.0.1"),
		chromedp.SendKeys(chromedp.CSS("#sp-static #sp-description"), "Seen."),
	)
	if err != nil || !asked() {
		t.Fatalf("typing into the static form: %v (app.wasm asked for: %v)", err, asked())
	}
	release()
	if err := doWithin(ctx, 60*time.Second, chromedp.WaitVisible(chromedp.CSS(".sealpost[data-ready] #sp-description"))); err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`[document.getElementById("sp-description").value, !!document.getElementById("sp-targets"), !!document.getElementById("sp-static")]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{"Seen.\n\nTargets:\n10.0.0.1", false, false}; !reflect.DeepEqual(got, want) {
		t.Errorf("description, targets shown, static form left: %q, want %q", got, want)
	}
}

// TestAFailedProgramLoadSaysSoAndKeepsTheText: when app.wasm cannot be
// loaded, the static form says so, and what was typed stays there, on
// top, to be copied.
func TestAFailedProgramLoadSaysSoAndKeepsTheText(t *testing.T) {
	v := setUp(t, "comoo")
	v.pages.Store("/web/app.wasm", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	}))
	ctx, _ := browser(t)
	err := doWithin(ctx, 30*time.Second,
		chromedp.Navigate(v.widgetURL),
		chromedp.WaitVisible(chromedp.CSS("#sp-static #sp-description")),
		chromedp.SendKeys(chromedp.CSS("#sp-static #sp-description"), "Keep me."),
		chromedp.WaitVisible(chromedp.CSS("#sp-static .sp-load-failed")),
	)
	if err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	type state struct {
		Loading bool
		Text    string
		OnTop   bool
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[state](`(() => {
  const d = document.getElementById("sp-description"), r = d.getBoundingClientRect();
  return {Loading: document.querySelector("#sp-static .sp-loading").getClientRects().length > 0, Text: d.value,
    OnTop: document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === d};
})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Loading || got.Text != "Keep me." || !got.OnTop {
		t.Errorf("after a failed load: %+v; want the loading note gone, the text kept and reachable", got)
	}
}
