package widget

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
)

// harness holds a component under test and hands out a Context, as an
// event handler would get in the browser: natively go-app calls
// OnPreRender, and neither OnMount nor OnNav.
type harness struct {
	app.Compo
	child app.UI
	ctx   app.Context
}

func (h *harness) OnPreRender(ctx app.Context) { h.ctx = ctx }
func (h *harness) Render() app.UI              { return app.Div().Body(h.child) }

// mount loads c in a test engine and returns the engine and a Context.
func mount(t *testing.T, c app.UI) (app.TestEngine, app.Context) {
	t.Helper()
	h := &harness{child: c}
	e := app.NewTestEngine()
	if err := e.Load(h); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return e, h.ctx
}

// event is what a handler gets natively: an event whose methods do nothing.
func event() app.Event { return app.Event{Value: app.Null()} }

// request is one request the fake network saw.
type request struct {
	method, url string
	header      http.Header
	body        []byte
}

// fakeHTTP is a Doer that answers with handler, in memory, and records
// every request.
type fakeHTTP struct {
	mu      sync.Mutex
	seen    []request
	handler http.HandlerFunc
	down    bool // every request fails as the network would
}

func (f *fakeHTTP) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	f.mu.Lock()
	f.seen = append(f.seen, request{req.Method, req.URL.String(), req.Header.Clone(), body})
	handler, down := f.handler, f.down
	f.mu.Unlock()
	if down {
		return nil, io.ErrUnexpectedEOF
	}
	in := httptest.NewRequest(req.Method, req.URL.String(), bytes.NewReader(body))
	in.Header = req.Header.Clone()
	rec := httptest.NewRecorder()
	handler(rec, in)
	return rec.Result(), nil
}

func (f *fakeHTTP) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.seen...)
}

// vendorKeys is a vendor's key as the widget loads it, and its secret half.
type vendorKeys struct {
	key    *pgpkey.Key
	secret openpgp.EntityList
}

func newVendorKeys(t *testing.T, name string) vendorKeys {
	t.Helper()
	pub, sec, err := pgpkey.DemoKey(name, "security@example.com", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(pub, pgpkey.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := seal.ReadSecretKeys(sec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return vendorKeys{key: set.Keys[0], secret: secret}
}

// between is the text of the first element with the given id in page.
func between(page, id string) string {
	_, rest, ok := strings.Cut(page, `id="`+id+`"`)
	if !ok {
		return ""
	}
	_, rest, _ = strings.Cut(rest, ">")
	text, _, _ := strings.Cut(rest, "<")
	return text
}
