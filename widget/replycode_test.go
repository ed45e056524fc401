package widget

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

func TestTheReceiptShowsTheReplyCodeTheReportCarries(t *testing.T) {
	v := newVendorKeys(t, "Comoo Security Demo")
	fail := 0
	net := &fakeHTTP{handler: intake(&fail)}
	f := sendingForm(t, net, v)
	var copied string
	f.Clipboard = func(s string) error { copied = s; return nil }
	f.Codes = &MemoryStorage{}
	var followed thread.Code
	f.Follow = func(ctx app.Context, c thread.Code) { followed = c }
	e, ctx := mount(t, f)

	f.onSubmit(ctx, event())
	e.ConsumeAll()
	if summaryOf(f) == nil {
		t.Fatalf("not sent: %s", failureOf(f))
	}
	page := html(f)
	code, err := thread.ParseCode(between(page, "reply-code"))
	if err != nil {
		t.Fatalf("the receipt's code %q does not parse: %v", between(page, "reply-code"), err)
	}

	// The sealed report carries the code's reply key, and the post its
	// thread token's hash.
	reqs := net.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want the one post", len(reqs))
	}
	r, err := seal.ReadReport(bytes.NewReader(reqs[0].body), v.secret)
	if err != nil {
		t.Fatal(err)
	}
	carried, err := pgpkey.Parse([]byte(r.ReplyKey), pgpkey.Options{Now: clock})
	if err != nil {
		t.Fatalf("reply_key %q: %v", r.ReplyKey, err)
	}
	reply, _ := code.ReplyKey()
	if want := fmt.Sprintf("%X", reply.PrimaryKey.Fingerprint); carried.Keys[0].Fingerprint != want {
		t.Errorf("the report carries reply key %s, the code gives %s", carried.Keys[0].Fingerprint, want)
	}
	if got, want := reqs[0].header.Get(thread.HeaderThread), thread.TokenHash(code.Token()); got != want {
		t.Errorf("Sealpost-Thread %q, want %q", got, want)
	}
	noSecretsLeave(t, reqs, code, thread.URL(f.Config.Endpoint.URL))

	// What the receipt says and offers.
	for _, want := range []string{
		`id="reply-code-copy"`, `id="reply-code-keep"`, `id="follow-open"`,
		`download="sealpost-reply-code-20261123.txt"`,
		"It is the only way to read Comoo&#39;s replies", "Anyone who has it can read them",
		"If it is lost, no one, not even Comoo, can recover it.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
	href := attrOf(page, "reply-code-download", "href")
	file, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(href, "data:text/plain;charset=utf-8;base64,"))
	if err != nil || !strings.HasPrefix(string(file), code.String()+"\r\n") || !strings.Contains(string(file), "20261123-abcdef12") {
		t.Errorf("the downloaded file holds %q (%v)", file, err)
	}

	// The code's own component takes the clicks (and in the browser,
	// go-app renders it again).
	rc := f.sender().receipt.code
	rc.onCopy(ctx, event())
	e.ConsumeAll()
	if copied != code.String() || !strings.Contains(htmlOf(rc), "The code is on the clipboard.") {
		t.Errorf("copied %q", copied)
	}
	rc.onFollow(ctx, event())
	if followed != code {
		t.Error("Follow this report does not hand the code over")
	}
}

func TestTheCodeIsKeptOnlyWhenAsked(t *testing.T) {
	v := newVendorKeys(t, "Comoo Security Demo")
	fail := 0
	f := sendingForm(t, &fakeHTTP{handler: intake(&fail)}, v)
	store := &MemoryStorage{}
	f.Codes = store
	e, ctx := mount(t, f)
	f.onSubmit(ctx, event())
	e.ConsumeAll()
	if len(store.Keys()) != 0 {
		t.Fatalf("kept without being asked: %v", store.Keys())
	}
	rc := f.sender().receipt.code
	rc.keep(true)
	kept := keptCodes(store, f.Config.Endpoint.URL)
	if len(kept) != 1 || kept[0].Code != rc.code.String() || kept[0].ReportID != "20261123-abcdef12" || !kept[0].Sealed.Equal(now) {
		t.Fatalf("kept %+v", kept)
	}
	if tag := tagOf(htmlOf(rc), "reply-code-keep"); !strings.Contains(tag, " checked") || strings.Contains(tag, `checked="false"`) {
		t.Errorf("the box is not ticked: %s", tag)
	}
	rc.keep(false)
	if len(store.Keys()) != 0 {
		t.Errorf("still kept after untick: %v", store.Keys())
	}

	// A frame without storage of its own does not offer it.
	rc.Codes = nil
	if strings.Contains(htmlOf(rc), "reply-code-keep") {
		t.Error("offers to keep the code without storage")
	}
}

// TestAResendCarriesTheSameThreadHash: a report that could not be sent
// keeps its code on the failure panel, and every resend, from the panel or
// the outbox on a later visit, carries the same Sealpost-Thread.
func TestAResendCarriesTheSameThreadHash(t *testing.T) {
	v := newVendorKeys(t, "Comoo Security Demo")
	fail := http.StatusBadRequest
	net := &fakeHTTP{handler: intake(&fail)}
	f := sendingForm(t, net, v)
	e, ctx := mount(t, f)
	f.onSubmit(ctx, event())
	e.ConsumeAll()
	if summaryOf(f) != nil || f.sender().failed == nil || f.sender().failed.report == nil {
		t.Fatal("the refused report was not kept")
	}
	page := html(f)
	code, err := thread.ParseCode(between(page, "reply-code"))
	if err != nil {
		t.Fatalf("the failure panel shows no code: %v", err)
	}
	if strings.Contains(page, `id="follow-open"`) {
		t.Error("a report not received yet offers to be followed")
	}
	file, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(attrOf(page, "reply-code-download", "href"), "data:text/plain;charset=utf-8;base64,"))
	if !strings.HasPrefix(string(file), code.String()+"\r\n") || !strings.Contains(string(file), "encrypted for Comoo on "+formatDate("en", now)) {
		t.Errorf("the failure panel's file holds %q", file)
	}
	hash := thread.TokenHash(code.Token())
	pending, _ := f.Outbox.List(f.Config.Endpoint.URL)
	if len(pending) != 1 || pending[0].ThreadHash != hash {
		t.Fatalf("outbox %+v, want the thread hash kept", pending)
	}

	f.sender().failed.onRetry(ctx, event())
	e.ConsumeAll()

	fail = 0
	later := sendingForm(t, net, v)
	later.Outbox = f.Outbox
	panel := later.outboxPanel()
	panel.pending = pending
	e2, ctx2 := mount(t, later)
	panel.onResend(pending[0].Key)(ctx2, event())
	e2.ConsumeAll()
	if len(panel.resent) != 1 {
		t.Fatalf("not resent: %s", panel.fail)
	}
	for i, r := range net.requests() {
		if got := r.header.Get(thread.HeaderThread); got != hash {
			t.Errorf("post %d: Sealpost-Thread %q, want %q", i+1, got, hash)
		}
	}
	noSecretsLeave(t, net.requests(), code, "")
}

func TestNoCodeForAnEndpointWithoutThreads(t *testing.T) {
	v := newVendorKeys(t, "Comoo Security Demo")
	fail := 0
	net := &fakeHTTP{handler: intake(&fail)}
	f := sendingForm(t, net, v)
	f.Config.Endpoint.URL = "https://hooks.example/sealpost"
	f.Submitter.(*CoreSubmitter).Client.Endpoint = f.Config.Endpoint.URL
	e, ctx := mount(t, f)
	f.onSubmit(ctx, event())
	e.ConsumeAll()
	page := html(f)
	if summaryOf(f) == nil || strings.Contains(page, "reply-code") || strings.Contains(page, "follow-link") {
		t.Errorf("a webhook endpoint got a reply code or a follow link")
	}
	if h := net.requests()[0].header.Get(thread.HeaderThread); h != "" {
		t.Errorf("Sealpost-Thread %q sent to a webhook", h)
	}
}
