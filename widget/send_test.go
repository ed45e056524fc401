package widget

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/seal"
)

// TestASubmittedReportArrivesSealed submits through the core, as the
// browser does, to the real receiver, and decrypts what it stored.
func TestASubmittedReportArrivesSealed(t *testing.T) {
	pub, sec, err := pgpkey.DemoKey("Comoo Security Demo", "security@comoo.be", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgpkey.Parse(pub, pgpkey.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	store, err := receiver.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(receiver.New(receiver.Config{RatePerMinute: -1}, store, nil))
	defer srv.Close()

	f := load(t, "comoo", "fr")
	f.Key = keys.Keys[0]
	f.Submitter = &CoreSubmitter{Config: f.Config, Keys: keys.Keys, Client: &deliver.Client{Endpoint: srv.URL + "/reports"}, Now: clock}
	for field, v := range map[string]string{
		"title": "marker-title", "targets": "https://www.comoo.be/\n192.0.2.7", "description": "marker-description",
		"reporter.name": "marker-name", "reporter.credit": "true", "policy_accepted": "true",
	} {
		f.set(field, v)
	}
	if !f.validate() {
		t.Fatalf("problems %v", f.problems)
	}
	sealed, err := f.Submitter.Seal(context.Background(), f.values.Report(f.Lang, time.UTC, now), nil)
	if err != nil {
		t.Fatal(err)
	}
	summary, err := f.Submitter.Post(context.Background(), sealed, "key-1", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	f.sender().receipt = newReceipt(summary, nil)
	page := html(f)
	for _, want := range []string{`data-sealpost-receipt`, `data-report-id="` + summary.ReportID + `"`, `data-sha256="` + summary.SHA256 + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}

	st, err := store.Get(summary.ReportID)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(st.Path)
	if bytes.Contains(data, []byte("marker-")) {
		t.Fatal("the stored message holds plaintext")
	}
	secret, err := seal.ReadSecretKeys(sec, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := seal.ReadReport(bytes.NewReader(data), secret)
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "marker-title" || r.Description != "marker-description" || len(r.Targets) != 2 || r.Reporter.Name != "marker-name" || !r.Reporter.Credit || r.Language != "fr" {
		t.Errorf("decrypted %+v", r)
	}
}

func TestSealingProgressIsReportedPerMiB(t *testing.T) {
	var reports []int64
	p := &progressReader{r: bytes.NewReader(make([]byte, 3<<20+512<<10)), report: func(n int64) { reports = append(reports, n) }}
	if _, err := io.CopyBuffer(io.Discard, p, make([]byte, 32<<10)); err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, n := range reports {
		sum += n
	}
	if len(reports) != 4 || sum != 3<<20+512<<10 {
		t.Errorf("reports %v", reports)
	}
}
