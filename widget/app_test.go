package widget

import (
	"context"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/config"
)

// TestTheAppWiresTheViews: the form offers the Follow view, which gets the
// vendor's pinned key and the browser's services, and the views share the
// reporter's language.
func TestTheAppWiresTheViews(t *testing.T) {
	f := load(t, "comoo", "en")
	store := &MemoryStorage{}
	net := &fakeHTTP{}
	v := newVendorKeys(t, "Comoo Security Demo")
	a := &App{Platform: &Platform{HTTP: net, CodeStore: store}}
	form, follow := a.views(&Vendor{Config: f.Config, Key: v.key}, []string{"fr-BE"})
	a.form, a.follow = form, follow
	if form.Follow == nil || form.Codes != store || follow.Codes != store || follow.Key != v.key || follow.HTTP != net || follow.Lang != "fr" {
		t.Errorf("form %+v, follow %+v", form, follow)
	}
	if !strings.Contains(tagOf(html(form), "follow-link"), `href="#follow"`) {
		t.Error("the form has no link to the Follow view")
	}
	form.setLanguage("nl")
	a.show(true)
	if follow.Lang != "nl" {
		t.Errorf("the Follow view is in %q, the form in nl", follow.Lang)
	}
	follow.Lang = "en"
	a.show(false)
	if form.Lang != "en" {
		t.Errorf("the form is in %q after the Follow view switched to en", form.Lang)
	}
}

// TestTheReceiptHandsTheCodeToTheFollowView: "Follow this report" opens
// the view on the code at the next navigation, and codes kept in this
// browser are offered there (without showing them).
func TestTheReceiptHandsTheCodeToTheFollowView(t *testing.T) {
	vendor := newVendorKeys(t, "Comoo Security Demo")
	ft := newFakeThread(t, vendor)
	net := &fakeHTTP{handler: ft.serve}
	v := followView(t, net, vendor)
	store := &MemoryStorage{}
	v.Codes = store
	keepCode(store, "k1", KeptCode{Code: ft.code.String(), Endpoint: v.Config.Endpoint.URL, ReportID: ft.view.ReportID, Sealed: now})
	keepCode(store, "k2", KeptCode{Code: "elsewhere", Endpoint: "https://other.example/reports", Sealed: now})
	store.Set("unrelated", "{}")
	e, ctx := mount(t, v)

	v.handOff(ft.code)
	v.OnNav(ctx)
	e.ConsumeAll()
	if v.typed != ft.code.String() || v.view == nil {
		t.Fatalf("handed over, typed %q, view %v, error %q", v.typed, v.view, v.loadErr)
	}
	page := followHTML(v)
	if !strings.Contains(page, "Report "+ft.view.ReportID+", encrypted on") || strings.Contains(page, "other.example") || strings.Contains(page, ft.code.String()) {
		t.Errorf("kept codes listed wrong:\n%s", page)
	}
	v.onForget("k1")(ctx, event())
	if len(v.kept) != 0 || len(store.Keys()) != 2 {
		t.Errorf("after forgetting: %v, %v", v.kept, store.Keys())
	}
}

// TestAnEmailOnlyVendorGetsAFormThatPostsNothing: no client to post with,
// no Follow view offered (there is no thread without an endpoint).
func TestAnEmailOnlyVendorGetsAFormThatPostsNothing(t *testing.T) {
	cfg, err := config.LoadFile("../core/config/examples/comoo-email.json")
	if err != nil {
		t.Fatal(err)
	}
	v := newVendorKeys(t, "Comoo Security Demo")
	form, _ := (&App{}).views(&Vendor{Config: cfg, Key: v.key}, []string{"en"})
	if s, ok := form.Submitter.(*CoreSubmitter); !ok || s.Client != nil || form.Follow != nil {
		t.Errorf("submitter %+v, follow %v", form.Submitter, form.Follow != nil)
	}
	if _, err := form.Submitter.Post(context.Background(), SealedBytes("x"), "k", nil, ""); err == nil {
		t.Error("an email-only form posted")
	}
}
