package widget

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
)

// Receipt is the receipt of a report the endpoint took: its reply code
// first, when it has one ([ReplyCode]), then the receipt as the reporter
// keeps it ([receiptText]), in the reporter's language. One the endpoint
// did not give (data-made "browser") says it was made in the browser.
type Receipt struct {
	app.Compo

	Config *config.Config
	Lang   string

	summary *deliver.Summary
	// code is the report's reply code; nil when it has none.
	code *ReplyCode
}

// newReceipt is the receipt for s, with its reply code (or nil).
func newReceipt(s *deliver.Summary, code *ReplyCode) *Receipt {
	return &Receipt{summary: s, code: code}
}

// Render shows the receipt.
func (r *Receipt) Render() app.UI {
	lang, s := r.Lang, r.summary
	made := "server"
	if s.ByClient {
		made = "browser"
	}
	return app.Section().Class("sp-receipt").DataSet("sealpost-receipt", "true").DataSet("made", made).
		DataSet("report-id", s.ReportID).DataSet("sha256", s.SHA256).Body(
		app.H2().Text(text(lang, "received", s.Vendor)),
		app.If(s.ByClient, func() app.UI { return app.P().Class("sp-made").Text(text(lang, "receipt_browser", s.Vendor)) }),
		app.If(r.code != nil, func() app.UI {
			r.code.Lang, r.code.Org = lang, s.Vendor
			return r.code
		}),
		app.Pre().Text(receiptText(lang, r.Config, s)),
	)
}

// receiptText is the receipt as the reporter saves or prints it, in lang:
// what was sent (the report's id, when, to whom, to which key, the SHA-256
// of the sealed report) and what the vendor's policy promises. Dates are
// the reporter's (see [formatDateTime]), with the exact time in UTC
// (RFC 3339) beside them. (deliver.Summary.Text says the same in English,
// for the command line.)
func receiptText(lang string, cfg *config.Config, s *deliver.Summary) string {
	org := s.Vendor
	when := formatDateTime(lang, s.ReceivedAt) + " (" + s.ReceivedAt.UTC().Format(time.RFC3339) + ")"
	lines := [][2]string{{"receipt_id", s.ReportID}}
	switch {
	case s.Email != "":
		lines = append(lines, [2]string{"receipt_sealed", when}, [2]string{"receipt_email", s.Email})
	case s.ByClient:
		lines = append(lines, [2]string{"receipt_sent", when + " " + text(lang, "receipt_by_sender", org)})
	default:
		lines = append(lines, [2]string{"receipt_received", when})
	}
	lines = append(lines, [2]string{"receipt_vendor", org}, [2]string{"receipt_key", s.KeyFingerprint}, [2]string{"receipt_sha256", s.SHA256})
	width := 0
	for i := range lines {
		lines[i][0] = text(lang, lines[i][0], org)
		width = max(width, utf8.RuneCountInString(lines[i][0]))
	}
	var b strings.Builder
	b.WriteString(text(lang, "receipt_title", org) + "\n\n")
	for _, l := range lines {
		b.WriteString(l[0] + strings.Repeat(" ", width+1-utf8.RuneCountInString(l[0])) + l[1] + "\n")
	}
	if next := promises(lang, cfg); len(next) > 0 {
		b.WriteString("\n" + text(lang, "receipt_next", org) + "\n")
		for _, p := range next {
			b.WriteString("  - " + p + "\n")
		}
	}
	b.WriteString("\n" + text(lang, "receipt_closing", org) + "\n")
	return b.String()
}
