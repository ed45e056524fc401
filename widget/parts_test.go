package widget

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/thread"
)

// The helpers of the tests of what happens after the form's button: the
// parts of a form, and an intake to send to.

// summaryOf is the receipt the form shows, nil until the report is sent
// (or sealed to be emailed).
func summaryOf(f *Form) *deliver.Summary {
	switch s := f.sender(); {
	case s.receipt != nil:
		return s.receipt.summary
	case s.mail != nil:
		return s.mail.summary
	}
	return nil
}

// failureOf is the error the failure panel explains, "" when there is
// none.
func failureOf(f *Form) string {
	if fl := f.sender().failed; fl != nil {
		return fl.err.Error()
	}
	return ""
}

// htmlOf is a component as it renders now. (app.HTMLString shows a child
// component mounted in a test engine as it was last rendered there, and a
// handler called natively with the harness's Context renders again only
// the components whose inputs changed.)
func htmlOf(c app.Composer) string { return app.HTMLString(c.Render()) }

// intake answers a report post as a Sealpost intake does, or with fail
// when it is set.
func intake(fail *int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if *fail != 0 {
			w.WriteHeader(*fail)
			fmt.Fprint(w, `{"error":"refused"}`)
			return
		}
		var body bytes.Buffer
		body.ReadFrom(r.Body)
		sum := sha256.Sum256(body.Bytes())
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(deliver.Receipt{ID: "20261123-abcdef12", SHA256: hex.EncodeToString(sum[:]), ReceivedAt: now})
	}
}

// sendingForm is the Comoo form (its endpoint is a Sealpost intake's
// /reports) with a report typed in, posting through the core to net.
func sendingForm(t *testing.T, net *fakeHTTP, v vendorKeys) *Form {
	t.Helper()
	cfg, err := config.LoadFile("../core/config/examples/comoo.json")
	if err != nil {
		t.Fatal(err)
	}
	f := NewForm(cfg, "en")
	f.Now, f.Key = clock, v.key
	f.Submitter = &CoreSubmitter{Config: f.Config, Keys: []*pgpkey.Key{v.key}, Now: clock,
		Client: &deliver.Client{Endpoint: f.Config.Endpoint.URL, HTTP: net, Attempts: 1}}
	f.Outbox = &MemoryOutbox{}
	for field, value := range map[string]string{"targets": "https://www.comoo.be/login", "description": "marker-description", "policy_accepted": "true"} {
		f.set(field, value)
	}
	return f
}

// noSecretsLeave checks that no request carries the code or the token, in
// any spelling, except the token in the Authorization header of a request
// to the thread endpoint.
func noSecretsLeave(t *testing.T, reqs []request, code thread.Code, threadURL string) {
	t.Helper()
	secrets := []string{code.String(), strings.ReplaceAll(code.String(), "-", ""), strings.ToLower(code.String()), code.Token()}
	for _, r := range reqs {
		for _, s := range secrets {
			if strings.Contains(r.url, s) || bytes.Contains(r.body, []byte(s)) {
				t.Errorf("%s %s carries a secret in its URL or body", r.method, r.url)
			}
			for name, values := range r.header {
				for _, v := range values {
					if !strings.Contains(v, s) {
						continue
					}
					if name != "Authorization" || r.url != threadURL || v != "Bearer "+code.Token() {
						t.Errorf("%s %s carries a secret in its %s header", r.method, r.url, name)
					}
				}
			}
		}
	}
}

// tagOf is the start tag of the element with the given id.
func tagOf(page, id string) string {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(page[:i], "<")
	return page[start : start+strings.Index(page[start:], ">")+1]
}

// attrOf is the value of attribute name of the element with the given id.
func attrOf(page, id, name string) string {
	_, v, ok := strings.Cut(tagOf(page, id), " "+name+`="`)
	if !ok {
		return ""
	}
	v, _, _ = strings.Cut(v, `"`)
	return v
}
