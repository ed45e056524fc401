//go:build !js

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/widget"
)

// TestTheEmailPageSealsTheReportForTheReportersMailProgram runs the
// demo's site (make demo) and files a report on its third page, Comoo's
// policy as written: email only. Nothing is posted; the .asc it downloads
// is what GnuPG decrypts to the typed report; the mailto: link is to the
// page's address, its subject naming only the short id, and carries no
// plaintext; "I have sent it" ends it.
func TestTheEmailPageSealsTheReportForTheReportersMailProgram(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "site")
	if log, err := exec.Command("go", "build", "-o", bin, "../site").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	sealpost := filepath.Join(t.TempDir(), "sealpost")
	if log, err := exec.Command("go", "build", "-o", sealpost, "../../core/cmd/sealpost").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	port, state := freeBase(t), t.TempDir()
	cmd := exec.Command(bin, "-port", fmt.Sprint(port), "-widget", site, "-state", state, "-examples", "../../core/config/examples",
		"-sealpost", sealpost, "-mailpit", filepath.Join(state, "no-mailpit"))
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	var banner strings.Builder
	for sc.Scan() && !strings.Contains(sc.Text(), "Ctrl-C") {
		banner.WriteString(sc.Text() + "\n")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	siteURL := fmt.Sprintf("http://localhost:%d", port)
	widgetOrigin := fmt.Sprintf("http://127.0.0.1:%d", port+1)
	if !strings.Contains(banner.String(), siteURL+"/comoo-email") {
		t.Errorf("the demo does not announce the email page:\n%s", banner.String())
	}

	ctx, requests := browser(t)
	downloads := t.TempDir()
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: "allow", DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(siteURL+"/comoo-email"), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
		t.Fatal(err)
	}
	console := &consoleLog{}
	frame := attachFrame(t, ctx, widgetOrigin, func(ev any) { requests.listen(ev); console.listen(ev) })
	target, marker := "https://www.comoo.be/MARKER-MAIL-TARGET-3e9a", "MARKER-MAIL-DESCRIPTION-7c21"
	err := doWithin(frame, 60*time.Second,
		formReady(),
		clickThenType(chromedp.CSS("#sp-targets"), target),
		clickThenType(chromedp.CSS("#sp-description"), marker),
		click(chromedp.CSS("#sp-policy-accepted")),
		chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
		click(chromedp.CSS("#sp-submit")),
		chromedp.WaitVisible(chromedp.CSS(`[data-mode="email"] #sp-email`)),
	)
	if err != nil {
		t.Fatalf("%v\nthe frame shows:\n%s\nconsole: %v", err, pageText(frame), console.all())
	}
	axeCheck(t, frame, "the email steps")
	attr := func(sel, name string) string {
		v, err := chromedp.Run(frame, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err != nil {
			t.Fatal(err)
		}
		return v.Value
	}
	id, sum, mailto := attr("[data-sealpost-receipt]", "data-report-id"), attr("[data-sealpost-receipt]", "data-sha256"), attr("#sp-email", "href")

	// The mailto: link: the page's address, the short id, nothing typed.
	u, err := url.Parse(mailto)
	if err != nil || u.Scheme != "mailto" || u.Opaque != "security@demo.invalid" {
		t.Errorf("the link %q is not to security@demo.invalid", mailto)
	}
	q, _ := url.ParseQuery(u.RawQuery)
	if q.Get("subject") != "Encrypted vulnerability report "+id[:8] || !strings.Contains(q.Get("body"), "sealpost-report-"+id[:8]+".asc") {
		t.Errorf("subject %q, body %q", q.Get("subject"), q.Get("body"))
	}
	for _, m := range []string{marker, "MARKER-MAIL-TARGET"} {
		if strings.Contains(mailto, m) || strings.Contains(q.Get("body"), m) {
			t.Errorf("the mailto: link carries %q", m)
		}
	}
	t.Logf("mailto: %d characters; report %s", len(mailto), id)

	// The download: the sealed report, which GnuPG opens to what was typed.
	if err := doWithin(frame, 10*time.Second, click(chromedp.CSS("#sp-download"))); err != nil {
		t.Fatal(err)
	}
	var asc []byte
	for range 200 {
		if asc, _ = os.ReadFile(filepath.Join(downloads, "sealpost-report-"+id[:8]+".asc")); bytes.HasSuffix(asc, []byte("-----END PGP MESSAGE-----\n")) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := sha256.Sum256(asc); hex.EncodeToString(got[:]) != sum {
		t.Fatalf("the downloaded file (%d bytes) is not the one the receipt names (%s)", len(asc), sum)
	}
	secret, err := os.ReadFile(filepath.Join(state, "keys", "demo-secret.asc"))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := gpgReportBytes(t, secret, asc)
	if r.Description != marker || len(r.Targets) != 1 || r.Targets[0] != target {
		t.Errorf("GnuPG opens the download to %q, %v", r.Description, r.Targets)
	}

	// Nothing typed left the browser, and nothing was posted.
	for _, m := range []string{marker, "MARKER-MAIL-TARGET"} {
		if got := requests.containing(m); len(got) > 0 {
			t.Errorf("plaintext left the browser in %v", got)
		}
	}
	if got := requests.containing("POST "); len(got) > 0 {
		t.Errorf("the email-only form posted: %v", got)
	}

	if err := doWithin(frame, 30*time.Second, click(chromedp.CSS("#sp-mail-sent")), chromedp.WaitVisible(chromedp.CSS("#sp-mail-done"))); err != nil {
		t.Fatalf("%v\nthe frame shows:\n%s", err, pageText(frame))
	}
	if text := pageText(frame); !strings.Contains(text, "Report sent to Comoo by email") || !strings.Contains(text, sum) {
		t.Errorf("after I have sent it, the frame shows:\n%s", text)
	}
}

// ticketDesk is a vendor's own endpoint, not Sealpost's: a form back-end
// that takes the multipart field "message" and answers 204, with the CORS
// answers a browser needs.
type ticketDesk struct {
	mu       sync.Mutex
	messages [][]byte
}

func (d *ticketDesk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	if r.Method == http.MethodOptions {
		w.Header().Set("Access-Control-Allow-Methods", "POST")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	f, _, err := r.FormFile("message")
	if r.Method != http.MethodPost || err != nil {
		http.Error(w, "post a message field", http.StatusBadRequest)
		return
	}
	data, _ := io.ReadAll(f)
	d.mu.Lock()
	d.messages = append(d.messages, data)
	d.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// TestAnEndpointThatIsNotSealpostsGetsAReceiptMadeInTheBrowser: the form
// posts to a ticket desk in the multipart format; its 204 is a success,
// the receipt says it was made in the browser, and what arrived is the
// sealed report GnuPG opens.
func TestAnEndpointThatIsNotSealpostsGetsAReceiptMadeInTheBrowser(t *testing.T) {
	v := setUp(t, "comoo")
	desk := &ticketDesk{}
	tickets := serveOrigin(t, nil, desk)
	var cfg config.Config
	resp, err := http.Get(strings.TrimSuffix(v.widgetURL, "/?config=config.json") + "/config.json")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&cfg)
	resp.Body.Close()
	cfg.Endpoint = config.Endpoint{URL: tickets.URL + "/tickets/new", Format: "multipart"}
	data, _ := json.Marshal(cfg)
	w := serveOrigin(t, nil, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/config.json" {
			widget.Policy{Connect: []string{tickets.URL}}.Set(rw.Header())
			rw.Write(data)
			return
		}
		widgetFiles(site, widget.Policy{Connect: []string{tickets.URL}}).ServeHTTP(rw, r)
	}))

	ctx, requests := browser(t)
	marker := "MARKER-TICKET-5d0e"
	if err := doWithin(ctx, 30*time.Second, chromedp.Navigate(w.URL+"/?config=config.json")); err != nil {
		t.Fatal(err)
	}
	if err := fileMinimal(ctx, "https://www.comoo.be/tickets", marker); err != nil {
		t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
	}
	made, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("[data-sealpost-receipt]"), "data-made"))
	sum, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("[data-sealpost-receipt]"), "data-sha256"))
	text := pageText(ctx)
	if made.Value != "browser" || !strings.Contains(text, "this receipt was made in your browser") || strings.Contains(text, "Your reply code") {
		t.Errorf("the receipt (made %q):\n%s", made.Value, text)
	}
	desk.mu.Lock()
	messages := desk.messages
	desk.mu.Unlock()
	if len(messages) != 1 {
		t.Fatalf("the desk got %d messages", len(messages))
	}
	if got := sha256.Sum256(messages[0]); hex.EncodeToString(got[:]) != sum.Value {
		t.Errorf("the receipt's SHA-256 %s is not that of what arrived", sum.Value)
	}
	if r, _ := gpgReportBytes(t, v.secret, messages[0]); r.Description != marker {
		t.Errorf("what arrived opens to %q", r.Description)
	}
	if got := requests.containing(marker); len(got) > 0 {
		t.Errorf("plaintext left the browser in %v", got)
	}
}

// axeCheck runs axe-core (make deps installs it) in ctx's page and reports
// its serious and critical findings.
func axeCheck(t *testing.T, ctx context.Context, state string) {
	t.Helper()
	axe, err := os.ReadFile("testdata/axe/node_modules/axe-core/axe.min.js")
	if err != nil {
		t.Fatal("axe-core is not installed: run make deps (.ci/deps)")
	}
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
