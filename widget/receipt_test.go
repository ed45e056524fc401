package widget

import (
	stdhtml "html"
	"net/http"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
)

// receiptShown is the receipt's text as the page shows it (its <pre>).
func receiptShown(page string) string {
	_, rest, _ := strings.Cut(page, "<pre>")
	shown, _, _ := strings.Cut(rest, "</pre>")
	return stdhtml.UnescapeString(shown)
}

// TestTheReceiptIsInTheReportersLanguage: the receipt a Spanish or a Dutch
// reporter keeps (sent to an intake, to an endpoint that gives no receipt,
// or sealed to be emailed) has no English label, and its dates are in the
// reporter's language.
func TestTheReceiptIsInTheReportersLanguage(t *testing.T) {
	english := []string{"Sealpost receipt", "Report ID", "Received", "Sent:", "Sealed", "Email it to", "Vendor", "Sealed to key",
		"Ciphertext", "What happens next", "Only ", "made by", "November", " at "}
	v := newVendorKeys(t, "Comoo Security Demo")
	for _, c := range []struct {
		name, lang, endpoint string
		want                 []string
	}{
		{"a Spanish report to an intake", "es", "", []string{"Recibo de Sealpost", "Identificador del informe:", "Recibido:", "noviembre de 2026", "Qué ocurre después:", "Solo la clave de Comoo"}},
		{"a Dutch report to an intake", "nl", "", []string{"Ontvangstbewijs van Sealpost", "Kenmerk van de melding:", "Ontvangen:", "23 november 2026 om", "Organisatie:", "Alleen de sleutel van Comoo"}},
		{"a Spanish report to an endpoint without receipts", "es", "https://hooks.example/sealpost", []string{"Enviado:", "no dio un recibo propio"}},
		{"a Dutch report sealed to be emailed", "nl", "mailto", []string{"Versleuteld:", "Te mailen naar:", "security@comoo.be", "SHA-256 van de versleutelde melding:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fail := 0
			net := &fakeHTTP{handler: intake(&fail)}
			var f *Form
			switch c.endpoint {
			case "mailto":
				f = emailForm(t, c.lang, v)
			case "":
				f = sendingForm(t, net, v)
			default:
				net.handler = func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }
				f = sendingForm(t, net, v)
				f.Config.Endpoint.URL = c.endpoint
				f.Submitter.(*CoreSubmitter).Client.Endpoint = c.endpoint
			}
			f.Config.Languages = append(f.Config.Languages, "es")
			f.setLanguage(c.lang)
			e, ctx := mount(t, f)
			f.onSubmit(ctx, event())
			e.ConsumeAll()
			shown := receiptShown(html(f))
			if shown == "" {
				t.Fatalf("no receipt:\n%s", html(f))
			}
			for _, en := range english {
				if strings.Contains(shown, en) {
					t.Errorf("the receipt says %q in English:\n%s", en, shown)
				}
			}
			for _, want := range c.want {
				if !strings.Contains(shown, want) {
					t.Errorf("the receipt lacks %q:\n%s", want, shown)
				}
			}
		})
	}
}

// TestTheReceiptInEnglishSaysWhatCoreDeliverSays: the English receipt
// has deliver.Summary.Text's labels and lines, the dates aside.
func TestTheReceiptInEnglishSaysWhatCoreDeliverSays(t *testing.T) {
	cfg, err := config.LoadFile("../core/config/examples/cocomm.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*deliver.Summary{
		{ReportID: "r-1", ReceivedAt: now, Vendor: "Cocomm", KeyFingerprint: "ABCD", SHA256: "0123"},
		{ReportID: "r-2", ReceivedAt: now, Vendor: "Cocomm", KeyFingerprint: "ABCD", SHA256: "0123", ByClient: true},
		{ReportID: "r-3", ReceivedAt: now, Vendor: "Cocomm", KeyFingerprint: "ABCD", SHA256: "0123", ByClient: true, Email: "security@cocomm.es"},
	} {
		s.Promises = promises("en", cfg)
		core := strings.Split(s.Text(), "\n")
		ours := strings.Split(receiptText("en", cfg, s), "\n")
		if len(core) != len(ours) {
			t.Fatalf("%s: %d lines, core/deliver's %d:\n%s", s.ReportID, len(ours), len(core), strings.Join(ours, "\n"))
		}
		for i := range core {
			label, _, colon := strings.Cut(strings.TrimSpace(core[i]), ":")
			if !colon {
				label, _, _ = strings.Cut(label, " ")
			}
			if !strings.HasPrefix(strings.TrimSpace(ours[i]), label) {
				t.Errorf("%s: line %d is %q, core/deliver's %q", s.ReportID, i+1, ours[i], core[i])
			}
		}
	}
}
