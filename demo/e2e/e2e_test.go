//go:build !js

package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// seedForms are the fields each seed policy's form is filled with: marker
// strings that must never leave the browser in the clear.
var seedForms = map[string]map[string]string{
	"comoo": {
		"title": "MARKER-TITLE-7f3a", "targets": "https://www.comoo.be/MARKER-TARGET-19c2",
		"description": "MARKER-DESCRIPTION-d41e", "reporter.name": "MARKER-NAME-5b80",
		"reporter.email": "marker-email-77@example.org",
	},
	"cocomm": {
		"title": "MARKER-TITLE-2c9e", "targets": "203.0.113.9", "discovered_at": "2026-11-20", "discovered_at.time": "10:30",
		"description": "MARKER-SAW-a1b2", "expected": "MARKER-EXPECTED-c3d4", "steps": "MARKER-STEPS-e5f6",
		"impact": "MARKER-IMPACT-0a1b", "reporter.name": "MARKER-NAME-9d8c",
	},
}

// TestAReportFiledInTheBrowserArrivesSealed fills each seed policy's form
// with marker strings, submits it, and checks that the receiver stored
// ciphertext that GnuPG decrypts to those markers, and that no request the
// page made carried any of them.
func TestAReportFiledInTheBrowserArrivesSealed(t *testing.T) {
	for seed, fields := range seedForms {
		t.Run(seed, func(t *testing.T) {
			v := setUp(t, seed)
			ctx, requests := browser(t)
			console := watchConsole(t, ctx)
			steps := []chromedp.Action[chromedp.Void]{
				chromedp.Navigate(v.widgetURL),
				formReady(),
			}
			// An attachment: marker text amid binary bytes, 300 kB, read by the
			// browser in chunks and streamed through the sealer.
			attachment := bytes.Repeat([]byte("ATTACHMENT-MARKER-6d1f\x00\x01\xfe\xff"), 12000)
			const dropped = "DROPPED-MARKER-2b7e: what the server answered"
			attachmentFile := filepath.Join(t.TempDir(), "screen-recording.webm")
			if err := os.WriteFile(attachmentFile, attachment, 0o644); err != nil {
				t.Fatal(err)
			}
			steps = append(steps,
				chromedp.SetUploadFiles(chromedp.CSS("#sp-attachments"), []string{attachmentFile}),
				chromedp.WaitVisible(chromedp.CSS(".sp-sha")),
				// A second file, dropped on the drop zone.
				dropFile("notes.txt", "text/plain", dropped),
				chromedp.WaitVisible(chromedp.CSS(".sp-files li:nth-child(2) .sp-sha")),
			)
			for name, value := range fields {
				sel := chromedp.CSS("#sp-" + strings.NewReplacer(".", "-", "_", "-").Replace(name)) // the widget's control ids
				if strings.HasPrefix(name, "discovered_at") {                                       // date and time controls
					steps = append(steps, chromedp.SetValue(sel, value), dispatchInput(name))
					continue
				}
				steps = append(steps, chromedp.SendKeys(sel, value))
			}
			steps = append(steps,
				click(chromedp.CSS("#sp-policy-accepted")),
				click(chromedp.CSS(".sp-submit")),
				chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]")),
			)
			if err := doWithin(ctx, 60*time.Second, steps...); err != nil {
				t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
			}
			id, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("[data-sealpost-receipt]"), "data-report-id"))
			if err != nil {
				t.Fatal(err)
			}
			sum, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("[data-sealpost-receipt]"), "data-sha256"))
			if err != nil {
				t.Fatal(err)
			}
			st, err := v.store.Get(id.Value)
			if err != nil {
				t.Fatal(err)
			}
			if st.SHA256 != sum.Value {
				t.Errorf("receipt sha256 %s, stored %s", sum.Value, st.SHA256)
			}
			// AES ran in WebCrypto, not in the crypto/aes fallback.
			if calls, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => { const d = performance.getEntriesByName("sealpost:seal-end")[0].detail; return [d.webcrypto_calls, d.go_aes_calls]; })()`)); err != nil || calls[0] == 0 || calls[1] != 0 {
				t.Errorf("AES calls (WebCrypto, crypto/aes): %v (%v)", calls, err)
			}
			// The upload's progress, as the form showed it, reached the
			// whole body: the sealed report (in JSON, with its line breaks escaped, for Cocomm).
			up, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".sealpost").dataset.uploaded || ""`))
			if n, _ := strconv.ParseInt(up, 10, 64); err != nil || n < st.Size || n > st.Size*11/10 {
				t.Errorf("upload progress ended at %q bytes, the report is %d (%v)", up, st.Size, err)
			}

			r, files := gpgReport(t, v.secret, st.Path)
			if len(files) != 2 || !bytes.Equal(files[0], attachment) || len(r.Attachments) != 2 || r.Attachments[0].Name != "screen-recording.webm" ||
				string(files[1]) != dropped || r.Attachments[1].Name != "notes.txt" || r.Attachments[1].Type != "text/plain" {
				t.Errorf("attachments: %d parts, %+v", len(files), r.Attachments)
			}
			got := map[string]string{
				"title": r.Title, "targets": strings.Join(r.Targets, "\n"), "description": r.Description,
				"expected": r.Expected, "steps": r.Steps, "impact": r.Impact,
				"reporter.name": r.Reporter.Name, "reporter.email": r.Reporter.Email,
			}
			if r.DiscoveredAt != nil {
				got["discovered_at"] = r.DiscoveredAt.In(time.Local).Format(time.DateOnly)
				got["discovered_at.time"] = r.DiscoveredAt.In(time.Local).Format("15:04")
			}
			for name, want := range fields {
				if got[name] != want {
					t.Errorf("%s: decrypted %q, typed %q", name, got[name], want)
				}
			}

			if len(requests.containing("POST http")) == 0 || len(requests.containing("/reports")) == 0 {
				t.Fatal("no request to the receiver was captured")
			}
			t.Logf("report %s; %d requests captured", id.Value, requests.count())
			// The page ran under its strict CSP (no inline script, no eval;
			// wasm-unsafe-eval only) without a violation.
			for _, line := range console.all() {
				if strings.Contains(line, "Content Security Policy") {
					t.Errorf("CSP violation: %s", line)
				}
			}
			if got := append(requests.containing("ATTACHMENT-MARKER-6d1f"), requests.containing(dropped)...); len(got) > 0 {
				t.Errorf("attachment bytes left the browser in %v", got)
			}
			for name, value := range fields {
				if strings.HasPrefix(name, "discovered_at") {
					continue
				}
				if got := requests.containing(value); len(got) > 0 {
					t.Errorf("plaintext %q left the browser in %v", value, got)
				}
			}
		})
	}
}
