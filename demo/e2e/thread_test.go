//go:build !js

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

// enquiryDays is the wait the test's intake sets between a reporter's
// unasked messages: Cocomm's status_enquiry_min_days.
const enquiryDays = 14

// TestAThreadBetweenAPseudonymousReporterAndTheVendor is the conversation
// after a report, end to end: a pseudonymous report (no email) filed on
// Cocomm's form in Chromium, the reply code read off the receipt; the
// vendor opens the report and replies "need-info" with the real sealpost
// command; in a fresh browser profile the reporter types the code into the
// Follow view, reads the verified reply and answers; the vendor reads the
// answer; a second message inside the enquiry interval is refused with the
// date it becomes possible. Every request and response at the intake and
// every request the browsers make is captured: none carries a word either
// side typed, or the reply code; the token and the operator credential
// travel only in Authorization headers. The intake's store holds none of
// them either.
func TestAThreadBetweenAPseudonymousReporterAndTheVendor(t *testing.T) {
	needs(t, "Chromium")
	started := time.Now()
	t.Cleanup(func() { t.Logf("the thread test ran in %s", time.Since(started).Round(100*time.Millisecond)) })

	var markers []string
	mark := func(what string) string {
		m := "MARKER-" + what + "-" + strings.ToLower(rand.Text()[:12])
		markers = append(markers, m)
		return m
	}
	fields := map[string]string{ // Cocomm's form: a pseudonym, no email
		"#sp-title": mark("TITLE"), "#sp-targets": "https://www.cocomm.es/" + mark("TARGET"),
		"#sp-description": mark("SAW"), "#sp-expected": mark("EXPECTED"), "#sp-steps": mark("STEPS"),
		"#sp-impact": mark("IMPACT"), "#sp-reporter-name": mark("PSEUDONYM"),
	}
	pseudonym := fields["#sp-reporter-name"]
	vendorMarker, answerMarker, tooSoonMarker := mark("VENDOR-REPLY"), mark("REPORTER-ANSWER"), mark("REPORTER-TOO-SOON")

	dir := t.TempDir()
	credential := rand.Text()
	credentialFile := filepath.Join(dir, "operator-credential")
	keyFile := filepath.Join(dir, "vendor-secret.asc")
	sum := sha256.Sum256([]byte(credential))
	wire := &wireLog{}
	v := setUpWith(t, "cocomm", intakeOptions{
		config: func(c *receiver.Config) {
			c.Threads = receiver.Threads{OperatorCredentialSHA256: hex.EncodeToString(sum[:]), EnquiryIntervalDays: enquiryDays}
		},
		wrap: wire.wrap,
	})
	for file, data := range map[string][]byte{credentialFile: []byte(credential), keyFile: v.secret} {
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sealpost := buildSealpost(t)

	// 1. The reporter files a pseudonymous report and reads the reply code.
	ctx, requests := browser(t)
	console := watchConsole(t, ctx)
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(v.widgetURL), formReady()}
	ids := make([]string, 0, len(fields))
	for id := range fields {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		steps = append(steps, clickThenType(chromedp.CSS(id), fields[id]))
	}
	steps = append(steps,
		chromedp.SetValue(chromedp.CSS("#sp-discovered-at"), time.Now().Add(-48*time.Hour).Format(time.DateOnly)),
		dispatchInput("discovered_at"),
		click(chromedp.CSS("#sp-policy-accepted")),
		chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
		click(chromedp.CSS("#sp-submit")),
		chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]")),
	)
	if err := doWithin(ctx, 90*time.Second, steps...); err != nil {
		t.Fatalf("filing the report: %v\nthe page shows:\n%s\nconsole: %v", err, pageText(ctx), console.all())
	}
	if err := doWithin(ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS("#reply-code"))); err != nil {
		t.Fatalf("the receipt shows no reply code (#reply-code, widget): %v\nthe page shows:\n%s", err, pageText(ctx))
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#reply-code").textContent.trim()`))
	if err != nil {
		t.Fatal(err)
	}
	code, err := thread.ParseCode(shown)
	if err != nil {
		t.Fatalf("#reply-code shows %q, not a reply code: %v", shown, err)
	}
	token := code.Token()
	receipt, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("[data-sealpost-receipt]"), "data-report-id"))
	if err != nil {
		t.Fatal(err)
	}
	id := receipt.Value
	// On the widget's own origin the receipt offers to copy, download and
	// keep the code.
	for _, sel := range []string{"#reply-code-copy", "#reply-code-download", "#reply-code-keep"} {
		if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`)); err != nil || n != 1 {
			t.Errorf("the receipt has %d %s (%v), want 1", n, sel, err)
		}
	}
	// The report opened its thread with the token's hash, never the token.
	if posts := wire.find("POST", "/reports", 201); len(posts) != 1 {
		t.Errorf("%d reports stored through the intake, want 1", len(posts))
	} else if got := posts[0].reqHeader.Get(thread.HeaderThread); got != thread.TokenHash(token) {
		t.Errorf("the report's %s header is %q, want the hash of the code's token %q (widget)", thread.HeaderThread, got, thread.TokenHash(token))
	}

	// 2. The vendor opens the report and replies: need-info.
	st, err := v.store.Get(id)
	if err != nil {
		t.Fatalf("the receipt's report %s is not in the store: %v", id, err)
	}
	opened := filepath.Join(dir, "report-1")
	runSealpost(t, sealpost, "open", "--secret-key", keyFile, "--out", opened, st.Path)
	r := readReport(t, filepath.Join(opened, "report.json"))
	if r.Reporter.Name != pseudonym || r.Reporter.Email != "" {
		t.Errorf("the report names its reporter %q <%s>, want the pseudonym %q and no email", r.Reporter.Name, r.Reporter.Email, pseudonym)
	}
	want, _ := code.ReplyKey()
	if got := fingerprint(r.ReplyKey); got == "" || got != fmt.Sprintf("%X", want.PrimaryKey.Fingerprint) {
		t.Errorf("the report's reply_key (%q) is not the key of the receipt's code (%X) (widget)", got, want.PrimaryKey.Fingerprint)
	}
	message := filepath.Join(dir, "reply.txt")
	if err := os.WriteFile(message, []byte("Which firmware version runs on the host? "+vendorMarker+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runSealpost(t, sealpost, "reply", "--server", v.receiverURL, "--credential", credentialFile, "--secret-key", keyFile,
		"--report", opened, "--status", "need-info", "--message", message, id)

	// 3. In a fresh profile the reporter follows with the code, reads the
	// verified reply and answers.
	ctx2, requests2 := browser(t)
	console2 := watchConsole(t, ctx2)
	if err := doWithin(ctx2, 90*time.Second,
		chromedp.Navigate(v.widgetURL), formReady(),
		click(chromedp.CSS("#follow-link")),
		chromedp.WaitVisible(chromedp.CSS("#follow-code")),
		clickThenType(chromedp.CSS("#follow-code"), code.String()),
		click(chromedp.CSS("#follow-submit")),
		chromedp.WaitVisible(chromedp.CSS(`#thread-status[data-status="need-info"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.thread-entry[data-from="vendor"][data-verified="true"]`)),
	); err != nil {
		t.Fatalf("following the report with its code (widget's Follow view): %v\nthe page shows:\n%s\nconsole: %v", err, pageText(ctx2), console2.all())
	}
	if text := entryTexts(t, ctx2, "vendor"); !strings.Contains(text, vendorMarker) {
		t.Errorf("the vendor's verified entry does not show the reply %q:\n%s", vendorMarker, text)
	}
	if err := doWithin(ctx2, 60*time.Second,
		clickThenType(chromedp.CSS("#thread-answer"), "Firmware 4.2.1, build "+answerMarker),
		click(chromedp.CSS("#thread-send")),
		chromedp.WaitVisible(chromedp.CSS(`.thread-entry[data-from="reporter"][data-verified="true"]`)),
	); err != nil {
		t.Fatalf("answering in the Follow view: %v\nthe page shows:\n%s\nconsole: %v", err, pageText(ctx2), console2.all())
	}
	if text := entryTexts(t, ctx2, "reporter"); !strings.Contains(text, answerMarker) {
		t.Errorf("the reporter's verified entry does not show the answer %q:\n%s", answerMarker, text)
	}
	answers := wire.find("POST", "/thread", 201)
	if len(answers) != 1 {
		t.Fatalf("%d messages from the reporter stored through POST /thread, want 1 (intake)", len(answers))
	}
	var posted thread.Posted
	if err := json.Unmarshal(answers[0].respBody, &posted); err != nil || posted.At.IsZero() {
		t.Fatalf("the intake answered the reporter's message with %q (%v), not a thread.Posted", answers[0].respBody, err)
	}
	next := posted.At.AddDate(0, 0, enquiryDays)

	// 4. The vendor reads the answer.
	out := runSealpost(t, sealpost, "open", "--secret-key", keyFile, "--thread", id, "--report", opened, "--server", v.receiverURL, "--credential", credentialFile)
	if !strings.Contains(out, answerMarker) || !strings.Contains(out, vendorMarker) || strings.Count(out, "signature verified") != 2 {
		t.Errorf("sealpost open --thread should show the reply %q and the answer %q, both with their signature verified:\n%s", vendorMarker, answerMarker, out)
	}

	// 5. A second message inside the interval is refused, with the date.
	usable, err := chromedp.Run(ctx2, chromedp.Evaluate[bool](`(() => { const a = document.querySelector("#thread-answer"); return !!a && !a.disabled && a.getClientRects().length > 0; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if usable {
		if err := doWithin(ctx2, 30*time.Second,
			clickThenType(chromedp.CSS("#thread-answer"), "Any news? "+tooSoonMarker),
			click(chromedp.CSS("#thread-send")),
		); err != nil {
			t.Fatalf("sending a second message: %v\nthe page shows:\n%s", err, pageText(ctx2))
		}
	}
	if err := doWithin(ctx2, 30*time.Second, chromedp.WaitVisible(chromedp.CSS("#thread-refused"))); err != nil {
		t.Fatalf("a second message %d days too soon shows no refusal (#thread-refused, widget): %v\nthe page shows:\n%s", enquiryDays, err, pageText(ctx2))
	}
	refusal, err := chromedp.Run(ctx2, chromedp.Evaluate[[]string](`(() => { const e = document.querySelector("#thread-refused"); const l = e.closest("[lang]"); return [e.innerText, l ? l.lang : document.documentElement.lang]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("#thread-refused (lang %s): %q", refusal[1], refusal[0])
	if ok, shown := showsDate(refusal[0], next, refusal[1]); !ok {
		t.Errorf("#thread-refused says %q; it should name %s (the answer's time at the intake, %s, plus %d days) in the page's language %q",
			refusal[0], shown, posted.At.UTC().Format(time.RFC3339), enquiryDays, refusal[1])
	}
	if tooSoon := wire.find("POST", "/thread", http.StatusTooManyRequests); len(tooSoon) > 0 {
		var body thread.Refusal
		if err := json.Unmarshal(tooSoon[0].respBody, &body); err != nil || body.NextEnquiryAt == nil || body.NextEnquiryAt.Sub(next).Abs() > time.Second {
			t.Errorf("the intake refused the second message with %q (%v), want next_enquiry_at %s", tooSoon[0].respBody, err, next.UTC().Format(time.RFC3339))
		}
	} else {
		// The widget refused before posting: the intake must refuse too.
		t.Log("the Follow view refused the second message without posting it; posting one from Go")
		intakeRefuses(t, v, code, id, next)
	}
	view := operatorView(t, v.receiverURL, id, credential)
	if len(view.Entries) != 2 || view.Entries[0].From != thread.FromVendor || view.Entries[1].From != thread.FromReporter {
		t.Errorf("the thread holds %+v, want the vendor's reply and the reporter's answer only", view.Entries)
	}

	// 6. Nothing either side typed, nor the code, crossed the wire in the
	// clear; the token and the credential only in Authorization headers.
	t.Logf("report %s; with the intake: %s", id, strings.Join(wire.summaries(), ", "))
	if len(wire.find("POST", "/threads/"+id, 0)) == 0 || len(wire.find("GET", "/thread", 200)) == 0 || len(requests2.containing("/thread")) == 0 {
		t.Errorf("the capture missed the vendor's reply or the reporter's read: %v", wire.summaries())
	}
	typed := slices.Concat(markers, []string{code.String(), strings.ReplaceAll(code.String(), "-", "")})
	checkWire(t, wire, map[string]*requestLog{"the reporter's browser": requests, "the fresh profile": requests2}, typed, token, credential)
	for _, c := range [][]string{console.all(), console2.all()} {
		for _, line := range c {
			if strings.Contains(line, "Content Security Policy") {
				t.Errorf("CSP violation: %s", line)
			}
		}
	}

	// 7. The intake's store holds ciphertext and hashes only.
	if files := checkStore(t, v.storeDir, slices.Concat(typed, []string{token, credential})); files < 3 {
		t.Errorf("the store holds %d files, want the report and two thread messages at least", files)
	}
}

// checkWire fails the test when any exchange with the intake (request or
// answer) or any request a browser made carries one of typed (in any
// case), or the token or the credential outside a request's Authorization
// header; the credential is the vendor's and in no browser's request.
func checkWire(t *testing.T, wire *wireLog, browsers map[string]*requestLog, typed []string, token, credential string) {
	t.Helper()
	secrets := map[string]string{"the thread token": token, "the operator credential": credential}
	for _, e := range wire.all() {
		for _, m := range typed {
			if containsFold(e.text(true), m) {
				t.Errorf("%q crossed the wire to or from the intake: %s", m, e.summary())
			}
		}
		for name, secret := range secrets {
			if strings.Contains(e.text(false), secret) {
				t.Errorf("%s crossed the wire outside an Authorization header: %s", name, e.summary())
			}
		}
	}
	for who, log := range browsers {
		if log.count() == 0 {
			t.Errorf("%s: no request captured", who)
		}
		log.mu.Lock()
		for _, req := range log.requests {
			line, _, _ := strings.Cut(req, "\n")
			for _, m := range typed {
				if containsFold(req, m) {
					t.Errorf("%s sent %q in the clear: %s", who, m, line)
				}
			}
			if strings.Contains(withoutAuthorization(req), token) {
				t.Errorf("%s sent the thread token outside an Authorization header: %s", who, line)
			}
			if strings.Contains(req, credential) {
				t.Errorf("%s sent the operator credential: %s", who, line)
			}
		}
		log.mu.Unlock()
	}
}

// checkStore fails the test when a file of the intake's store (its
// content or its name) holds one of forbidden, in any case; it returns how
// many files it read.
func checkStore(t *testing.T, dir string, forbidden []string) (files int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for _, m := range forbidden {
			if containsFold(string(data), m) || containsFold(rel, m) {
				t.Errorf("the intake's store holds %q in %s", m, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("walking the store: %v", err)
	}
	return files
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToUpper(s), strings.ToUpper(sub))
}

// buildSealpost builds the sealpost command from this tree.
func buildSealpost(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "sealpost")
	build := exec.Command("go", "build", "-o", bin, "./core/cmd/sealpost")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building sealpost: %v\n%s", err, out)
	}
	return bin
}

// runSealpost runs the sealpost command and returns its standard output;
// a failure ends the test with what it printed.
func runSealpost(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sealpost %s (core/cmd/sealpost): %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func readReport(t *testing.T, path string) *report.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("sealpost open unpacked no report.json: %v", err)
	}
	defer f.Close()
	r, err := report.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fingerprint is the primary key's fingerprint of an armored key, or "".
func fingerprint(armored string) string {
	keys, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armored))
	if err != nil || len(keys) != 1 {
		return ""
	}
	return fmt.Sprintf("%X", keys[0].PrimaryKey.Fingerprint)
}

// entryTexts is what the Follow view shows of the entries from one side,
// each with its data-verified.
func entryTexts(t *testing.T, ctx context.Context, from string) string {
	t.Helper()
	texts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.thread-entry[data-from="`+from+`"]')).map(e => "verified=" + e.dataset.verified + ": " + e.innerText)`))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(texts, "\n")
}

// monthNames are the months in the widget's languages, for reading a date
// a page shows.
var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
}

// showsDate reports whether text names the day of at, its day number and
// its month in lang, in UTC or in local time (the browser's zone); want
// says what it looked for.
func showsDate(text string, at time.Time, lang string) (ok bool, want string) {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	months, known := monthNames[base]
	if !known {
		return false, fmt.Sprintf("a date in %q, a language this test cannot read", lang)
	}
	var wants []string
	for _, loc := range []*time.Location{time.UTC, time.Local} {
		d := at.In(loc)
		month := months[d.Month()-1]
		day := regexp.MustCompile(fmt.Sprintf(`(^|[^0-9])0?%d([^0-9]|$)`, d.Day()))
		if day.MatchString(text) && containsFold(text, month) {
			return true, ""
		}
		wants = append(wants, fmt.Sprintf("%d %s", d.Day(), month))
	}
	return false, strings.Join(wants, " or ")
}

// intakeRefuses posts a reporter's message as the widget would (sealed
// to the vendor's key and the reply key, signed with the reply key) and
// checks the intake refuses it, naming next.
func intakeRefuses(t *testing.T, v *vendorSetup, code thread.Code, id string, next time.Time) {
	t.Helper()
	reply, err := code.ReplyKey()
	if err != nil {
		t.Fatal(err)
	}
	replyPublic, err := code.ReplyPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	var to []*pgpkey.Key
	for _, armored := range [][]byte{v.public, []byte(replyPublic)} {
		set, err := pgpkey.Parse(armored, pgpkey.Options{})
		if err != nil {
			t.Fatal(err)
		}
		to = append(to, set.Keys[0])
	}
	m := &thread.Message{Schema: thread.MessageSchema, ReportID: id, From: thread.FromReporter, Text: "Any news?", WrittenAt: time.Now()}
	body, err := thread.Seal(m, to, reply, seal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", thread.URL(v.receiverURL+"/reports"), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+code.Token())
	req.Header.Set("Content-Type", "application/pgp-encrypted")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var refusal thread.Refusal
	data, _ := io.ReadAll(resp.Body)
	json.Unmarshal(data, &refusal)
	if resp.StatusCode != http.StatusTooManyRequests || refusal.NextEnquiryAt == nil || refusal.NextEnquiryAt.Sub(next).Abs() > time.Second {
		t.Errorf("a second message from the reporter got %s %s from the intake, want 429 with next_enquiry_at %s", resp.Status, data, next.UTC().Format(time.RFC3339))
	}
}

// operatorView is the thread as the vendor's credential reads it.
func operatorView(t *testing.T, server, id, credential string) *thread.View {
	t.Helper()
	req, _ := http.NewRequest("GET", thread.OperatorURL(server, id), nil)
	req.Header.Set("Authorization", "Bearer "+credential)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var view thread.View
	if err := json.NewDecoder(resp.Body).Decode(&view); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /threads/%s: %s (%v)", id, resp.Status, err)
	}
	return &view
}

// TestTheDemoIntakeOpensThreadsToItsOperator runs the demo's site command
// twice on one state folder: its intake takes the operator credential the
// demo made (in a file only its owner reads) and refuses another, waits
// Cocomm's 14 days between a reporter's unasked messages, keeps the
// credential across runs, and the banner tells both sides what to run.
func TestTheDemoIntakeOpensThreadsToItsOperator(t *testing.T) {
	bin, sealpost := filepath.Join(t.TempDir(), "site"), buildSealpost(t)
	if out, err := exec.Command("go", "build", "-o", bin, "../site").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	state := t.TempDir()
	var credentials []string
	for run := range 2 {
		port := freeBase(t)
		intake := fmt.Sprintf("http://127.0.0.1:%d", port+2)
		banner, stop := startDemo(t, bin, sealpost, state, port)
		credentialFile := filepath.Join(state, "keys", "operator-credential")
		for _, want := range []string{
			"bin/sealpost inbox --store " + filepath.Join(state, "store") + " --secret-key " + filepath.Join(state, "keys", "demo-secret.asc") +
				" --config ../../core/config/examples/cocomm.json",
			"bin/sealpost reply --server " + intake + " --credential " + credentialFile + " --secret-key " + filepath.Join(state, "keys", "demo-secret.asc") +
				" --report /tmp/report-1 --status triaged --message /tmp/reply.txt <id>",
			"bin/sealpost follow --server " + intake + " --code CODE",
		} {
			if !strings.Contains(banner, want) {
				t.Errorf("the demo's banner does not say %q:\n%s", want, banner)
			}
		}
		// The banner's inbox line runs as printed (bin/sealpost: this tree's).
		inbox := exec.Command(sealpost, "inbox", "--store", filepath.Join(state, "store"), "--secret-key", filepath.Join(state, "keys", "demo-secret.asc"),
			"--config", "../../core/config/examples/cocomm.json")
		if out, err := inbox.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("0 report(s)")) {
			t.Errorf("the banner's sealpost inbox: %v\n%s", err, out)
		}
		info, err := os.Stat(credentialFile)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("the operator credential file: %v (%v), want mode 0600", info, err)
		}
		data, _ := os.ReadFile(credentialFile)
		credentials = append(credentials, string(data))
		cfg, err := receiver.LoadConfig(filepath.Join(state, "receiver.json"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if cfg.Threads.OperatorCredentialSHA256 != hex.EncodeToString(sum[:]) || cfg.Threads.EnquiryIntervalDays != enquiryDays {
			t.Errorf("run %d: the intake's threads block is %+v, want the credential's SHA-256 and %d days", run+1, cfg.Threads, enquiryDays)
		}
		for credential, want := range map[string]int{string(data): http.StatusOK, "not-" + string(data): http.StatusUnauthorized} {
			req, _ := http.NewRequest("GET", intake+"/threads", nil)
			req.Header.Set("Authorization", "Bearer "+credential)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("run %d: GET /threads with the %s credential: %s, want %d", run+1, map[bool]string{true: "demo's", false: "wrong"}[want == 200], resp.Status, want)
			}
		}
		stop()
	}
	if len(credentials[0]) < 20 || credentials[0] != credentials[1] {
		t.Errorf("the operator credential was %q, then %q: want one per state folder", credentials[0], credentials[1])
	}
}

// startDemo runs the demo's site command (without Mailpit) and returns
// its banner, and a func that stops it (the test's end does too).
func startDemo(t *testing.T, bin, sealpost, state string, port int) (banner string, stop func()) {
	t.Helper()
	cmd := exec.Command(bin, "-port", fmt.Sprint(port), "-widget", site, "-state", state,
		"-examples", "../../core/config/examples", "-sealpost", sealpost, "-mailpit", "none")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	stop = sync.OnceFunc(func() { cmd.Process.Signal(os.Interrupt); <-done; cmd.Wait() })
	t.Cleanup(stop)
	var b strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "Ctrl-C") {
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
		close(done)
	}()
	return b.String(), stop
}
