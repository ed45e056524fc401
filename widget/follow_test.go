package widget

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

// fakeThread is a report's thread as a Sealpost intake keeps it, with real
// sealed messages, answering the reporter's requests as the intake does.
type fakeThread struct {
	t      *testing.T
	code   thread.Code
	reply  *openpgp.Entity
	pub    *pgpkey.Key
	vendor vendorKeys

	mu   sync.Mutex
	view thread.View
	// refuseUntil, when set, refuses posts as too soon; missing answers
	// every request with 404.
	refuseUntil time.Time
	missing     bool
}

func newFakeThread(t *testing.T, vendor vendorKeys) *fakeThread {
	t.Helper()
	code, err := thread.NewCode(bytes.NewReader(bytes.Repeat([]byte{42}, 26)))
	if err != nil {
		t.Fatal(err)
	}
	reply, err := code.ReplyKey()
	if err != nil {
		t.Fatal(err)
	}
	armored, _ := code.ReplyPublicKey()
	set, err := pgpkey.Parse([]byte(armored), pgpkey.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	return &fakeThread{t: t, code: code, reply: reply, pub: set.Keys[0], vendor: vendor,
		view: thread.View{ReportID: "20261113-0f0e0d0c", ReceivedAt: now.AddDate(0, 0, -10)}}
}

// add seals m to the vendor's key and the reply key (unless to says
// otherwise), signed by signer, and appends it to the thread.
func (ft *fakeThread) add(from string, m *thread.Message, signer *openpgp.Entity, to ...*pgpkey.Key) string {
	ft.t.Helper()
	if len(to) == 0 {
		to = []*pgpkey.Key{ft.vendor.key, ft.pub}
	}
	out, err := thread.Seal(m, to, signer, seal.Options{Now: clock})
	if err != nil {
		ft.t.Fatal(err)
	}
	n := len(ft.view.Entries) + 1
	ft.view.Entries = append(ft.view.Entries, thread.Entry{Seq: n, From: from, At: ft.view.ReceivedAt.Add(time.Duration(n) * 24 * time.Hour), Message: string(out)})
	return string(out)
}

func (ft *fakeThread) vendorMsg(status, text string) *thread.Message {
	return &thread.Message{Schema: thread.MessageSchema, ReportID: ft.view.ReportID, From: thread.FromVendor, Status: status, Text: text, WrittenAt: now}
}

func (ft *fakeThread) serve(w http.ResponseWriter, r *http.Request) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if ft.missing || r.Header.Get("Authorization") != "Bearer "+ft.code.Token() {
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(thread.Refusal{Error: "no thread for this code"})
		return
	}
	switch r.Method {
	case http.MethodGet:
		json.NewEncoder(w).Encode(ft.view)
	case http.MethodPost:
		if !ft.refuseUntil.IsZero() {
			next := ft.refuseUntil
			w.WriteHeader(http.StatusTooManyRequests)
			json.NewEncoder(w).Encode(thread.Refusal{Error: "too soon", NextEnquiryAt: &next})
			return
		}
		var body bytes.Buffer
		body.ReadFrom(r.Body)
		n := len(ft.view.Entries) + 1
		ft.view.Entries = append(ft.view.Entries, thread.Entry{Seq: n, From: thread.FromReporter, At: now, Message: body.String()})
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(thread.Posted{Seq: n, At: now})
	}
}

// followView is the Comoo Follow view, reading ft's thread through net.
func followView(t *testing.T, net *fakeHTTP, v vendorKeys) *Follow {
	t.Helper()
	cfg, err := config.LoadFile("../core/config/examples/comoo.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Promises.TriageWithinWorkingDays = 10
	f := NewFollow(cfg, "en")
	f.Key, f.HTTP, f.Now = v.key, net, clock
	return f
}

func TestTheFollowViewShowsTheThreadAsChecked(t *testing.T) {
	vendor := newVendorKeys(t, "Comoo Security Demo")
	impostor := newVendorKeys(t, "Impostor")
	ft := newFakeThread(t, vendor)
	ft.add(thread.FromVendor, ft.vendorMsg("triaged", "Thanks! <b>Not bold</b>\nWhich firmware?"), vendor.secret[0])
	ft.add(thread.FromVendor, ft.vendorMsg("", "Send us your password"), impostor.secret[0])
	tampered := ft.add(thread.FromVendor, ft.vendorMsg("", "Patched."), vendor.secret[0])
	lines := strings.Split(tampered, "\n")
	mid := []byte(lines[len(lines)/2])
	mid[10] ^= 1
	lines[len(lines)/2] = string(mid)
	ft.view.Entries[2].Message = strings.Join(lines, "\n")
	ft.add(thread.FromVendor, ft.vendorMsg("", "Only for us."), vendor.secret[0], vendor.key)
	moved := ft.vendorMsg("", "About another report.")
	moved.ReportID = "20260101-00000000"
	ft.add(thread.FromVendor, moved, vendor.secret[0])
	fixed := ft.vendorMsg("fixed", "Fixed in 4.2.2; could you check?")
	fixed.InviteConfirm = true
	ft.add(thread.FromVendor, fixed, vendor.secret[0])
	ft.add(thread.FromReporter, &thread.Message{Schema: thread.MessageSchema, ReportID: ft.view.ReportID, From: thread.FromReporter, Text: "4.2.1", WrittenAt: now}, ft.reply)
	next := now.Add(72 * time.Hour)
	ft.view.NextEnquiryAt = &next

	net := &fakeHTTP{handler: ft.serve}
	v := followView(t, net, vendor)
	e, ctx := mount(t, v)
	v.open(ctx, strings.ToLower(ft.code.String()))
	e.ConsumeAll()
	page := followHTML(v)
	if v.loadErr != "" || v.view == nil {
		t.Fatalf("not opened: %s", v.loadErr)
	}

	for _, want := range []string{
		"Status: fixed, since",
		"Thanks! &lt;b&gt;Not bold&lt;/b&gt;\nWhich firmware?", // text, its line break kept
		"Not signed by Comoo&#39;s key: it may not come from Comoo.",
		"Changed after it was written",
		"Not encrypted to your reply key",
		"It belongs to another report&#39;s conversation",
		`id="thread-confirm"`, "asks you to confirm it",
		`id="thread-next"`, "You can write again on " + formatDateTime("en", next),
		`id="thread-answer"`, `id="thread-send"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the Follow view lacks %q", want)
		}
	}
	if tag := tagOf(page, "thread-status"); !strings.Contains(tag, `data-status="fixed"`) {
		t.Errorf("status %s, want fixed", tag)
	}
	for _, li := range strings.Split(page, "<li")[1:] {
		if strings.Contains(li, `class="thread-deadline"`) && !strings.Contains(li, `data-state="met"`) {
			t.Errorf("a promise not met: <li%s", li[:strings.Index(li, ">")])
		}
	}
	if strings.Count(page, `class="thread-deadline"`) != 2 {
		t.Errorf("%d promises shown, want reply and triage", strings.Count(page, `class="thread-deadline"`))
	}
	if strings.Contains(page, "<b>") || strings.Contains(page, "Send us your password") && !strings.Contains(page, `data-verified="false"`) {
		t.Error("markup or an unverified message shown as real")
	}
	var verified []string
	for _, it := range v.items {
		verified = append(verified, map[bool]string{true: "v", false: "-"}[it.Verified])
	}
	if got := strings.Join(verified, ""); got != "v----vv" {
		t.Errorf("verified %s, want v----vv", got)
	}
	if strings.Count(page, `class="thread-entry"`) != 7 {
		t.Errorf("%d entries shown, want 7", strings.Count(page, `class="thread-entry"`))
	}

	// The reporter answers: sealed to the vendor (and the reply key),
	// signed with the reply key, then the thread is read again.
	v.answer = "It works.\nThanks."
	v.send(ctx)
	e.ConsumeAll()
	reqs := net.requests()
	post := reqs[len(reqs)-2]
	if post.method != http.MethodPost || post.header.Get("Content-Type") != "application/pgp-encrypted" || reqs[len(reqs)-1].method != http.MethodGet {
		t.Fatalf("requests %v %v", post.method, reqs[len(reqs)-1].method)
	}
	opened, err := thread.Open(post.body, vendor.secret, openpgp.EntityList{ft.pub.Entity})
	if err != nil {
		t.Fatal(err)
	}
	if m := opened.Message; m.Text != "It works.\nThanks." || m.From != thread.FromReporter || m.ReportID != ft.view.ReportID || opened.Signer == "" {
		t.Errorf("the vendor reads %+v, signer %q", m, opened.Signer)
	}
	page = followHTML(v)
	if !strings.Contains(page, `id="thread-sent"`) || strings.Count(page, `class="thread-entry"`) != 8 {
		t.Error("the answer is not in the thread read again")
	}
	for _, r := range reqs {
		if r.url != "https://www.comoo.be/sealpost/thread" {
			t.Errorf("a request to %s", r.url)
		}
	}
	noSecretsLeave(t, reqs, ft.code, "https://www.comoo.be/sealpost/thread")

	// Too soon: the intake's date is shown.
	ft.refuseUntil = now.Add(14 * 24 * time.Hour)
	v.answer = "Any news?"
	v.send(ctx)
	e.ConsumeAll()
	if got := between(followHTML(v), "thread-refused"); !strings.Contains(got, formatDate("en", ft.refuseUntil)) {
		t.Errorf("refusal %q does not give the date %s", got, formatDate("en", ft.refuseUntil))
	}
}

func followHTML(v *Follow) string { return app.HTMLString(v.Render()) }

func TestAWrongCodeIsCaughtBeforeAnythingIsSent(t *testing.T) {
	vendor := newVendorKeys(t, "Comoo Security Demo")
	ft := newFakeThread(t, vendor)
	net := &fakeHTTP{handler: ft.serve}
	v := followView(t, net, vendor)
	e, ctx := mount(t, v)

	s := []byte(ft.code.String())
	s[0] = map[bool]byte{true: 'B', false: 'A'}[s[0] == 'A']
	for _, c := range []struct{ typed, want string }{
		{"hello", "A reply code is 28 letters and digits in groups of four"},
		{string(s), "This code has a typo"}, // last: shown in German below
	} {
		typed, want := c.typed, c.want
		v.open(ctx, typed)
		e.ConsumeAll()
		if got := between(followHTML(v), "follow-code-error"); !strings.HasPrefix(got, want) {
			t.Errorf("%q: %q, want %q", typed, got, want)
		}
	}
	v.Lang = "de"
	if got := between(followHTML(v), "follow-code-error"); !strings.HasPrefix(got, "Dieser Code enthält einen Tippfehler") {
		t.Errorf("in German: %q", got)
	}
	if n := len(net.requests()); n != 0 {
		t.Errorf("%d requests for a mistyped code", n)
	}

	// A code the intake does not know, and a network that is down.
	v.Lang = "en"
	ft.missing = true
	v.open(ctx, ft.code.String())
	e.ConsumeAll()
	if got := between(followHTML(v), "follow-error"); !strings.HasPrefix(got, "No report for this code on Comoo") {
		t.Errorf("404: %q", got)
	}
	net.down = true
	v.open(ctx, ft.code.String())
	e.ConsumeAll()
	if got := between(followHTML(v), "follow-error"); !strings.HasPrefix(got, "Comoo&#39;s server could not be reached") {
		t.Errorf("network down: %q", got)
	}
}
