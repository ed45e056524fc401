package widget

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/report"
)

// renderReceipt is the receipt of the report just sent: with its reply
// code first, when it has one.
func (f *Form) renderReceipt() app.UI {
	if f.summary.Email != "" {
		return f.renderMail()
	}
	return f.receipt(f.summary, app.If(!f.code.IsZero(), f.renderReplyCode))
}

// receipt shows a receipt; one the endpoint did not give (data-made
// "browser") says it was made in the browser.
func (f *Form) receipt(s *deliver.Summary, code app.UI) app.UI {
	lang := f.Lang
	made := "server"
	if s.ByClient {
		made = "browser"
	}
	return app.Section().Class("sp-receipt").DataSet("sealpost-receipt", "true").DataSet("made", made).
		DataSet("report-id", s.ReportID).DataSet("sha256", s.SHA256).Body(
		app.H2().Text(text(lang, "received", s.Vendor)),
		app.If(s.ByClient, func() app.UI { return app.P().Class("sp-made").Text(text(lang, "receipt_browser", s.Vendor)) }),
		code,
		app.Pre().Text(s.Text()),
	)
}

// renderFailure says why sending failed and, when the report is sealed,
// offers what the reporter can do: retry (same message, same idempotency
// key), download the .asc, or send it by email.
func (f *Form) renderFailure() app.UI {
	lang, org := f.Lang, f.Config.Org.Name
	if f.sealed == nil {
		return app.Div().Class("sp-alert").Role("alert").Body(
			app.Strong().Text(text(lang, "failed", org)), app.P().Text(f.failure))
	}
	filename := ascName(f.key)
	var mail app.UI = app.Text("")
	if f.mailto != "" {
		mail = app.A().Class("sp-email").Href(f.mailto).Text(text(lang, "email", org))
	}
	// The reply code stays beside the alert, not in it: a screen reader
	// reads an alert's whole content out when it appears.
	return app.Div().Class("sp-failure").Body(
		app.Div().Class("sp-alert sp-failed").Role("alert").Body(
			app.Strong().Text(text(lang, "failed", org)),
			app.P().Text(f.failure),
			app.P().Text(text(lang, "kept", org)),
			app.If(f.keptDurable, func() app.UI { return app.P().ID("sp-kept").Text(text(lang, "kept_outbox", org)) }),
			app.Div().Class("sp-actions").Body(
				app.Button().Type("button").ID("sp-retry").Class("sp-submit").Disabled(f.sending).OnClick(f.onRetry).Text(text(lang, "retry", org)),
				app.A().ID("sp-download").Href(f.sealed.URL()).Attr("download", filename).Text(text(lang, "download", org)),
				mail,
			),
		),
		app.If(!f.code.IsZero(), f.renderReplyCode),
	)
}

// ascName is the file name a sealed report downloads as.
func ascName(key string) string { return "sealpost-report-" + shortKey(key) + ".asc" }

// renderOutbox lists the sealed reports an earlier visit could not send
// (or, email only, that wait to be emailed), with what is known of each
// without decrypting it (when, how big, to which key), and the receipts of
// those resent since.
func (f *Form) renderOutbox() app.UI {
	lang, org := f.Lang, f.Config.Org.Name
	intro := "outbox_intro"
	if f.Config.EmailOnly() {
		intro = "outbox_intro_email"
	}
	return app.Section().ID("sp-outbox").Class("sp-outbox").Aria("labelledby", "sp-outbox-heading").Body(
		app.H2().ID("sp-outbox-heading").Text(text(lang, "outbox", org)),
		app.If(len(f.pending) > 0, func() app.UI { return app.P().Text(text(lang, intro, org)) }),
		app.Ul().Class("sp-pending").Body(app.Range(f.pending).Slice(func(i int) app.UI {
			p := f.pending[i]
			about := strings.NewReplacer("{time}", p.Created.Local().Format("2006-01-02 15:04"),
				"{size}", report.FormatBytes(p.Sealed.Size()), "{key}", p.Fingerprint).Replace(text(lang, "outbox_item", org))
			download := app.A().Class("sp-download").Href(p.Sealed.URL()).Attr("download", ascName(p.Key)).Text(text(lang, "download", org))
			if f.Config.EmailOnly() {
				to := f.Config.Org.SecurityEmail
				return app.Li().DataSet("key", p.Key).Body(
					app.P().Text(about),
					app.Div().Class("sp-actions").Body(
						download,
						app.A().Class("sp-email").Href(deliver.MailtoAttached(to, deliver.MailSubject(shortKey(p.Key)), ascName(p.Key))).
							Text(textf(lang, "mail_write", org, "{email}", to)),
						app.Button().Type("button").Class("sp-discard").OnClick(f.onDiscard(p.Key)).Text(text(lang, "mail_sent_button", org)),
					),
				)
			}
			return app.Li().DataSet("key", p.Key).Body(
				app.P().Text(about),
				app.Div().Class("sp-actions").Body(
					app.Button().Type("button").Class("sp-submit sp-resend").Disabled(f.resending != "" || f.Submitter == nil).
						OnClick(f.onResend(p.Key)).Text(text(lang, map[bool]string{true: "sending", false: "send_now"}[f.resending == p.Key], org)),
					download,
					app.Button().Type("button").Class("sp-discard").Disabled(f.resending == p.Key).OnClick(f.onDiscard(p.Key)).Text(text(lang, "discard", org)),
				),
			)
		})),
		app.If(f.outboxFail != "", func() app.UI {
			return app.P().Class("sp-alert").Role("alert").Text(text(lang, "failed", org) + ": " + f.outboxFail)
		}),
		app.Range(f.resent).Slice(func(i int) app.UI { return f.receipt(f.resent[i], app.Text("")) }),
	)
}
