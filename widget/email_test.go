package widget

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
)

// hostLog records what the page around the frame is told.
type hostLog struct{ ids, sums []string }

func (h *hostLog) Submitted(id, sha256 string) {
	h.ids, h.sums = append(h.ids, id), append(h.sums, sha256)
}

// emailForm is Comoo's email-only form (its policy as written: encrypt,
// then email it) with a report typed in.
func emailForm(t *testing.T, lang string, v vendorKeys) *Form {
	t.Helper()
	cfg, err := config.LoadFile("../core/config/examples/comoo-email.json")
	if err != nil {
		t.Fatal(err)
	}
	f := NewForm(cfg, lang)
	f.Now, f.Key = clock, v.key
	f.Submitter = &CoreSubmitter{Config: cfg, Keys: []*pgpkey.Key{v.key}, Now: clock}
	f.Outbox = &MemoryOutbox{}
	for field, value := range map[string]string{"targets": "https://www.comoo.be/marker-target", "description": "marker-description", "policy_accepted": "true"} {
		f.set(field, value)
	}
	return f
}

// TestAnEmailOnlyReportIsSealedAndWaitsToBeEmailed: no request is made;
// the form offers the .asc and a mailto: link to the vendor's address
// whose subject names only the short id and which holds nothing typed;
// the receipt gives the sealed report's SHA-256; the outbox keeps it until
// "I have sent it".
func TestAnEmailOnlyReportIsSealedAndWaitsToBeEmailed(t *testing.T) {
	v := newVendorKeys(t, "Comoo Security Demo")
	net := &fakeHTTP{handler: func(w http.ResponseWriter, r *http.Request) { t.Errorf("email only, yet %s %s", r.Method, r.URL) }}
	f := emailForm(t, "en", v)
	f.Platform = &Platform{HTTP: net}
	host := &hostLog{}
	f.Host = host
	e, ctx := mount(t, f)
	if page := html(f); !strings.Contains(page, ">Encrypt the report<") {
		t.Error("the button does not say the form only encrypts")
	}
	f.onSubmit(ctx, event())
	e.ConsumeAll()
	mail := f.sender().mail
	if mail == nil || failureOf(f) != "" {
		t.Fatalf("not sealed: %q", failureOf(f))
	}
	key := mail.report.key
	sealed := []byte(mail.report.sealed.(SealedBytes))
	sum := sha256.Sum256(sealed)
	short := key[:8]
	page := html(f)
	for _, want := range []string{
		`data-mode="email"`, `data-made="browser"`, `data-sha256="` + hex.EncodeToString(sum[:]) + `"`, `data-report-id="` + key + `"`,
		`Your report is encrypted: now email it to Comoo`,
		`id="sp-download"`, `download="sealpost-report-` + short + `.asc"`,
		`href="mailto:security@comoo.be?subject=Encrypted%20vulnerability%20report%20` + short + `&body=`,
		`Attach the file sealpost-report-` + short + `.asc you downloaded, then send the email.`,
		"Sealpost receipt\n\nReport ID:          " + key + "\n", "\nEmail it to:        security@comoo.be\n",
		"\nCiphertext SHA-256: " + hex.EncodeToString(sum[:]) + "\n",
		`id="sp-mail-sent"`, `I have sent it`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(mail.report.mailto, "marker") || mail.report.inline {
		t.Errorf("the mailto: link carries the report: %.200s", mail.report.mailto)
	}
	if r, err := seal.ReadReport(strings.NewReader(string(sealed)), v.secret); err != nil || r.Description != "marker-description" {
		t.Errorf("the .asc opens to %+v (%v)", r, err)
	}
	if list, _ := f.Outbox.List("mailto:security@comoo.be"); len(list) != 1 || list[0].Key != key {
		t.Fatalf("the outbox holds %+v", list)
	}

	mail.onSent(ctx, event())
	e.ConsumeAll()
	if list, _ := f.Outbox.List("mailto:security@comoo.be"); len(list) != 0 {
		t.Errorf("still in the outbox after I have sent it: %+v", list)
	}
	page = html(f)
	if !strings.Contains(page, "Report sent to Comoo by email") || strings.Contains(page, `id="sp-mail-sent"`) {
		t.Errorf("the page does not say it is sent:\n%s", page)
	}
	if len(host.ids) != 1 || host.ids[0] != key || host.sums[0] != hex.EncodeToString(sum[:]) {
		t.Errorf("the host page was told %v %v", host.ids, host.sums)
	}
	if len(net.requests()) != 0 {
		t.Errorf("%d requests", len(net.requests()))
	}
}

// TestTheEmailStepsAreInTheReportersLanguage, and an earlier visit's
// sealed report is offered to email, not to post.
func TestTheEmailStepsAreInTheReportersLanguage(t *testing.T) {
	v := newVendorKeys(t, "Comoo Security Demo")
	f := emailForm(t, "nl", v)
	e, ctx := mount(t, f)
	f.onSubmit(ctx, event())
	e.ConsumeAll()
	page := html(f)
	for _, want := range []string{"Je melding is versleuteld: mail ze nu naar Comoo", "Schrijf de e-mail aan security@comoo.be", "Ik heb ze verstuurd"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}

	next := emailForm(t, "en", v)
	next.Outbox = f.Outbox
	next.outboxPanel().pending, _ = next.Outbox.List(outboxEndpoint(next.Config))
	page = html(next)
	for _, want := range []string{"wait to be emailed to Comoo", `data-key="` + f.sender().mail.report.key + `"`, "Write the email to security@comoo.be", "I have sent it"} {
		if !strings.Contains(page, want) {
			t.Errorf("the outbox lacks %q", want)
		}
	}
	if strings.Contains(page, "Send now") {
		t.Error("the outbox offers to post an email-only report")
	}
}

// TestAnEndpointWithoutAReceiptGetsOneMadeInTheBrowser: a 204 from an
// endpoint that is not Sealpost's is a success, the receipt says it was
// made in the browser, and no reply code is offered (there is no thread).
func TestAnEndpointWithoutAReceiptGetsOneMadeInTheBrowser(t *testing.T) {
	v := newVendorKeys(t, "Comoo Security Demo")
	var got []byte
	net := &fakeHTTP{handler: func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			got = readAll(r)
		}
		w.WriteHeader(http.StatusNoContent)
	}}
	f := sendingForm(t, net, v)
	e, ctx := mount(t, f)
	f.onSubmit(ctx, event())
	e.ConsumeAll()
	if summaryOf(f) == nil {
		t.Fatalf("not sent: %s", failureOf(f))
	}
	sum := sha256.Sum256(got)
	page := html(f)
	for _, want := range []string{`data-made="browser"`, `data-sha256="` + hex.EncodeToString(sum[:]) + `"`,
		"Comoo&#39;s server accepted the report without a receipt of its own: this receipt was made in your browser."} {
		if !strings.Contains(page, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
	if f.sender().receipt.code != nil || strings.Contains(page, "reply-code") {
		t.Error("a reply code is offered for an endpoint that keeps no thread")
	}
	if id := summaryOf(f).ReportID; id == "" || id != lastKey(net) {
		t.Errorf("receipt id %q, want the idempotency key %q", id, lastKey(net))
	}
}

func readAll(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

// lastKey is the idempotency key of the last post net saw.
func lastKey(net *fakeHTTP) string {
	reqs := net.requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].method == http.MethodPost {
			return reqs[i].header.Get("Idempotency-Key")
		}
	}
	return ""
}

// TestTheMailAsksTheReporterInTheirLanguageToAttachTheFile: a report too
// long for a link is attached; the reminder in the mail is the reporter's
// language.
func TestTheMailAsksTheReporterInTheirLanguageToAttachTheFile(t *testing.T) {
	cfg, err := config.LoadFile("../core/config/examples/cocomm-email.json")
	if err != nil {
		t.Fatal(err)
	}
	key := "abcdef0123456789"
	link, inline := mailLink(cfg, "es", SealedBytes(bytes.Repeat([]byte("A"), 5000)), key)
	if inline || !strings.Contains(link, url.PathEscape("Antes de enviar, adjunte el archivo")) || strings.Contains(link, "Reporter") {
		t.Errorf("inline %v, link %s", inline, link)
	}
}
