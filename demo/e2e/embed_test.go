//go:build !js

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// hostPage is a vendor's security page embedding the widget with one script
// tag, plus a hostile script that tries to read the form.
const hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Comoo security</title>
<script src="%s"></script></head>
<body><h1>Report a vulnerability</h1>
<script src="%s/sealpost.js" data-config="%s/config.json" async></script>
</body></html>`

// snoopJS is what a compromised or curious host page would run.
const snoopJS = `window.snoop = [];
window.addEventListener("message", function (e) { window.snoop.push("message " + JSON.stringify(e.data)); });
document.addEventListener("sealpost:submitted", function (e) { window.submitted = e.detail; });
setInterval(function () {
  var f = document.querySelector("iframe");
  if (!f) return;
  try { window.snoop.push("contentDocument " + f.contentDocument.body.innerHTML); } catch (e) { window.snoop.push("contentDocument denied " + e.name); }
  try { window.snoop.push("frames " + window.frames[0].document.body.innerText); } catch (e) { window.snoop.push("frames denied " + e.name); }
  try { window.snoop.push("value " + window.frames[0].document.querySelector("textarea").value); } catch (e) {}
}, 100);`

// TestTheHostPageCannotReadTheForm embeds the widget on a vendor page, under
// a strict CSP on both, fills it, and checks what the host page's scripts
// could see: nothing typed, only the receipt. The widget is served from its
// own origin (another site: the frame keeps that origin), and from the
// vendor's own origin (the frame runs in an opaque one).
func TestTheHostPageCannotReadTheForm(t *testing.T) {
	t.Run("widget origin", func(t *testing.T) {
		v := setUp(t, "comoo")
		widgetOrigin := strings.TrimSuffix(v.widgetURL, "/?config=config.json")
		vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", fmt.Sprintf(
				"default-src 'self'; script-src 'self' %s; frame-src %s; style-src 'self'; object-src 'none'", widgetOrigin, widgetOrigin))
			switch r.URL.Path {
			case "/":
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprintf(w, hostPage, "/snoop.js", widgetOrigin, widgetOrigin)
			case "/snoop.js":
				w.Header().Set("Content-Type", "text/javascript")
				w.Write([]byte(snoopJS))
			default:
				http.NotFound(w, r)
			}
		}))
		defer vendor.Close()
		cannotRead(t, v, otherSite(vendor.URL), widgetOrigin)
	})
	t.Run("vendor origin", func(t *testing.T) {
		v := setUp(t, "comoo")
		widgetOrigin := strings.TrimSuffix(v.widgetURL, "/?config=config.json")
		v.pages.Store("/security/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, hostPage, "/security/snoop.js", "", "")
		}))
		v.pages.Store("/security/snoop.js", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write([]byte(snoopJS))
		}))
		cannotRead(t, v, widgetOrigin+"/security/", widgetOrigin)
	})
}

func cannotRead(t *testing.T, v *vendorSetup, pageURL, widgetOrigin string) {
	ctx, requests := browser(t)
	console := watchConsole(t, ctx)
	if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(pageURL), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
		t.Fatal(err)
	}
	// Chrome runs the frame (another site, or an opaque origin) in a
	// process of its own: attach to it as a target, with the same request
	// and console recording. Requests it made before this point were made
	// before anything was typed.
	frame := attachFrame(t, ctx, widgetOrigin, func(ev any) { requests.listen(ev); console.listen(ev) })
	marker := "MARKER-SECRET-DETAILS-8e21"
	err := doWithin(frame, 60*time.Second,
		formReady(),
		clickThenType(chromedp.CSS("#sp-targets"), "https://www.comoo.be/"+marker),
		clickThenType(chromedp.CSS("#sp-description"), marker),
		click(chromedp.CSS("#sp-policy-accepted")),
		click(chromedp.CSS(".sp-submit")),
		chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]")),
	)
	if err != nil {
		t.Fatalf("%v\nthe frame shows: %s\nconsole: %v", err, pageText(frame), console.all())
	}
	var submitted map[string]string
	for range 50 {
		if submitted, err = chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`window.submitted || null`)); err == nil && submitted != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if submitted["id"] == "" || len(submitted["sha256"]) != 64 {
		t.Errorf("the host page got no sealpost:submitted event: %v (%v)", submitted, err)
	} else if _, err := v.store.Get(submitted["id"]); err != nil {
		t.Errorf("the event's id %s is not a stored report: %v", submitted["id"], err)
	}
	snoop, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.snoop`))
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, s := range snoop {
		if strings.Contains(s, marker) || strings.Contains(s, "Description") {
			t.Errorf("the host page read the form: %.200s", s)
		}
		if strings.Contains(s, "denied SecurityError") {
			denied++
		}
	}
	if denied == 0 {
		t.Errorf("the snooping script never ran: %v", snoop)
	}
	if got := requests.containing(marker); len(got) > 0 {
		t.Errorf("plaintext left the browser in %v", got)
	}
	for _, line := range console.all() {
		if strings.Contains(line, "Content Security Policy") || strings.Contains(line, "Content-Security-Policy") {
			t.Errorf("CSP violation: %s", line)
		}
	}
}

// attached are the frame targets attachFrame has handed out.
var attached sync.Map

// attachFrame returns a context driving the widget's frame: a frame target
// not handed out before.
func attachFrame(t *testing.T, ctx context.Context, origin string, listen func(ev any)) context.Context {
	for range 100 {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type != "iframe" || !strings.HasPrefix(info.URL, origin) {
				continue
			}
			if _, before := attached.LoadOrStore(info.TargetID, true); !before { // else a frame of an earlier visit, maybe not yet gone
				frame, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithListener(listen))
				t.Cleanup(cancel)
				return frame
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the widget's frame never appeared as a target")
	return nil
}
