//go:build !js

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// fileWhileDown fills and submits the form while the receiver answers 503,
// and waits for the failure with its retry button.
func fileWhileDown(ctx context.Context, marker string) error {
	return doWithin(ctx, 90*time.Second,
		formReady(),
		clickThenType(chromedp.CSS("#sp-targets"), "https://www.comoo.be/admin"),
		clickThenType(chromedp.CSS("#sp-description"), marker),
		click(chromedp.CSS("#sp-policy-accepted")),
		chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
		click(chromedp.CSS("#sp-submit")),
		chromedp.WaitVisible(chromedp.CSS("#sp-retry")),
	)
}

// outboxCount waits until the form has read its outbox and returns how many
// reports it offers.
func outboxCount(ctx context.Context) (string, error) {
	if err := doWithin(ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".sealpost[data-outbox]"))); err != nil {
		return "", err
	}
	return chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".sealpost").dataset.outbox`))
}

// TestAFailedPostKeepsTheSealedReport: the receiver is down, the widget
// retries and gives up, keeping the sealed report (retry, .asc download,
// email, and the outbox); the receiver comes back and one retry in the page
// stores exactly one report, which leaves the outbox.
func TestAFailedPostKeepsTheSealedReport(t *testing.T) {
	v := setUp(t, "comoo")
	v.down.Store(true)
	ctx, requests := browser(t)
	marker := "MARKER-RETRY-4c1d"
	if err := doWithin(ctx, 30*time.Second, chromedp.Navigate(v.widgetURL)); err != nil {
		t.Fatal(err)
	}
	if err := fileWhileDown(ctx, marker); err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	text := pageText(ctx)
	for _, want := range []string{"The server of Comoo cannot be reached now.", "Download the encrypted report (.asc)", "Send it by email", "kept, encrypted, in this browser"} {
		if !strings.Contains(text, want) {
			t.Errorf("the failure shows no %q:\n%s", want, text)
		}
	}
	// The library's own words, with the status, are under the technical
	// details, marked English.
	if detail, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".sp-failure .sp-detail code[lang=en]").textContent`)); err != nil || !strings.Contains(detail, "503") {
		t.Errorf("technical details %q (%v), want the 503 in them", detail, err)
	}
	// "Download the encrypted report" saves the sealed report (an object
	// URL for its Blob) as a .asc file.
	downloads := t.TempDir()
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: "allow", DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	if err := doWithin(ctx, 10*time.Second, click(chromedp.CSS("#sp-download"))); err != nil {
		t.Fatal(err)
	}
	var asc []byte
	for range 100 {
		if files, _ := filepath.Glob(filepath.Join(downloads, "sealpost-report-*.asc")); len(files) == 1 {
			if asc, _ = os.ReadFile(files[0]); bytes.HasSuffix(asc, []byte("-----END PGP MESSAGE-----\n")) {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !bytes.HasPrefix(asc, []byte("-----BEGIN PGP MESSAGE-----")) || bytes.Contains(asc, []byte(marker)) {
		t.Errorf("the download saved %.60q", asc)
	} else if r, _ := gpgReportBytes(t, v.secret, asc); r.Description != marker {
		t.Errorf("the downloaded report decrypts to %q", r.Description)
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
	// Delivered, it left the outbox: the next visit offers nothing.
	if err := doWithin(ctx, 30*time.Second, chromedp.Navigate(v.widgetURL)); err != nil {
		t.Fatal(err)
	}
	if n, err := outboxCount(ctx); err != nil || n != "0" {
		t.Errorf("the outbox offers %q reports after delivery (%v)", n, err)
	}
	if got := requests.containing(marker); len(got) > 0 {
		t.Errorf("plaintext left the browser in %v", got)
	}
}

// TestTheOutboxResendsOnTheNextVisit: the widget embedded on a vendor page
// (another site) cannot post; the reporter leaves. On the next visit the
// outbox offers the sealed report; the receiver is back, and sending it
// stores exactly one report, with the host page told.
func TestTheOutboxResendsOnTheNextVisit(t *testing.T) {
	v := setUp(t, "comoo")
	widgetOrigin := strings.TrimSuffix(v.widgetURL, "/?config=config.json")
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Security</title></head>
<body><h1>Security</h1><script src="%s/sealpost.js" data-config="%s/config.json" async></script>
<script src="data:text/javascript,document.addEventListener('sealpost:submitted',function(e){window.submitted=e.detail})"></script></body></html>`,
			widgetOrigin, widgetOrigin)
	}))
	defer vendor.Close()
	page := otherSite(vendor.URL)

	v.down.Store(true)
	ctx, requests := browser(t)
	// The report carries markup: it must never run, in the form, the
	// failure, the outbox or the receipt.
	marker := `MARKER-OUTBOX-93be"><img src=x onerror=alert(1)><script>alert(2)</script>`
	var dialogs atomic.Int32
	listen := func(ev any) {
		requests.listen(ev)
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}
	visit := func() context.Context {
		t.Helper()
		if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
			t.Fatal(err)
		}
		return attachFrame(t, ctx, widgetOrigin, listen)
	}
	frame := visit()
	if err := fileWhileDown(frame, marker); err != nil {
		t.Fatalf("%v; the frame shows:\n%s", err, pageText(frame))
	}
	if !strings.Contains(pageText(frame), "kept, encrypted, in this browser") {
		t.Errorf("the failure does not say the report is kept for the next visit:\n%s", pageText(frame))
	}

	v.down.Store(false)
	frame = visit()
	if n, err := outboxCount(frame); err != nil || n != "1" {
		t.Fatalf("the next visit's outbox offers %q reports (%v):\n%s", n, err, pageText(frame))
	}
	outbox, _ := chromedp.Run(frame, chromedp.Evaluate[string](`document.querySelector("#sp-outbox").innerText`))
	if !strings.Contains(outbox, "Reports not sent yet") || strings.Contains(outbox, marker) {
		t.Errorf("the outbox shows:\n%s", outbox)
	}
	if err := doWithin(frame, 60*time.Second, click(chromedp.CSS(".sp-resend")), chromedp.WaitVisible(chromedp.CSS("#sp-outbox [data-sealpost-receipt]"))); err != nil {
		t.Fatalf("%v; the frame shows:\n%s", err, pageText(frame))
	}
	list, _ := v.store.List()
	if len(list) != 1 {
		t.Fatalf("%d reports stored after the resend, want 1", len(list))
	}
	id, _ := chromedp.Run(frame, chromedp.Evaluate[string](`document.querySelector("#sp-outbox [data-sealpost-receipt]").dataset.reportId`))
	if id != list[0].ID {
		t.Errorf("the receipt names %q, the store holds %q", id, list[0].ID)
	}
	var submitted map[string]string
	for range 50 {
		if submitted, _ = chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`window.submitted || null`)); submitted != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if submitted["id"] != list[0].ID {
		t.Errorf("the host page was told %v", submitted)
	}
	// The typed report is in the ciphertext only.
	if r, _ := gpgReport(t, v.secret, list[0].Path); r.Description != marker {
		t.Errorf("the stored report decrypts to %q, want %q", r.Description, marker)
	}
	if got := requests.containing(marker); len(got) > 0 {
		t.Errorf("plaintext left the browser in %v", got)
	}

	frame = visit()
	if n, err := outboxCount(frame); err != nil || n != "0" {
		t.Errorf("the outbox still offers %q reports after the resend (%v)", n, err)
	}
	if n := dialogs.Load(); n > 0 {
		t.Errorf("typed markup ran: %d dialogs opened", n)
	}
}
