package widget

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
)

// Email only: a config without an endpoint (config.Config.EmailOnly). The
// form seals the report as always, posts nothing, and shows the way to
// send it: download the sealed report (.asc), then write the email with
// the reporter's mail program (a mailto: link to the vendor's security
// address, whose subject names only the report's short id, and whose body
// says what to attach, or carries the message when it fits a link:
// deliver.MaxMailtoLength). The receipt gives the sealed report's SHA-256
// for the reporter to quote; the outbox keeps the sealed report until the
// reporter says it is sent.

// mailEndpoint is what an email-only config's reports are kept under in
// the outbox: its address, as a mailto: URL.
func mailEndpoint(cfg *config.Config) string { return "mailto:" + cfg.Org.SecurityEmail }

// outboxEndpoint is what this form's reports are kept under in the outbox.
func (f *Form) outboxEndpoint() string {
	if f.Config.EmailOnly() {
		return mailEndpoint(f.Config)
	}
	return f.Config.Endpoint.URL
}

// shortKey is the short id of a report by its idempotency key: what the
// email's subject and the downloaded file are named by.
func shortKey(key string) string { return key[:min(8, len(key))] }

// mailLink is the mailto: link that emails a sealed report (its file
// attached, or, when it fits a link, the message in the body: inline), ""
// when the config names no address. It may read the sealed report: call
// it off the UI's path.
func (f *Form) mailLink(sealed Sealed, key string) (link string, inline bool) {
	to := f.Config.Org.SecurityEmail
	if to == "" {
		return "", false
	}
	subject := deliver.MailSubject(shortKey(key))
	if small := readSmall(sealed, deliver.MaxMailtoLength); small != nil {
		link, attach := deliver.Mailto(to, subject, small, ascName(key))
		return link, !attach
	}
	return deliver.MailtoAttached(to, subject, ascName(key)), false
}

// keepForMail makes the receipt of a sealed report to be emailed, and
// keeps the report in the outbox until the reporter says it is sent. It
// hashes the sealed report: call it off the UI's path.
func (f *Form) keepForMail(ctx app.Context, sealed Sealed, key, mailto string, inline bool, sealedAt time.Time) {
	sum, err := deliver.Hash(sealed, sealed.Size())
	if err != nil {
		ctx.Dispatch(func(app.Context) { f.sending, f.failure = false, err.Error() })
		return
	}
	summary := deliver.EmailSummary(key, sum, sealedAt, f.Key.Fingerprint, f.Config)
	ob := f.outbox()
	putErr := ob.Put(Pending{Key: key, Endpoint: mailEndpoint(f.Config), Fingerprint: f.Key.Fingerprint, Created: f.now(), Sealed: sealed})
	durable := putErr == nil && ob.Durable()
	ctx.Dispatch(func(app.Context) {
		f.sending, f.mailed = false, false
		f.sealed, f.key, f.mailto, f.mailInline, f.summary = sealed, key, mailto, inline, f.withPromises(summary)
		f.kept, f.keptDurable = putErr == nil, durable
	})
}

// onMailSent is "I have sent it": the report leaves the outbox, and the
// page around the form learns that it was submitted.
func (f *Form) onMailSent(ctx app.Context, e app.Event) {
	if f.summary == nil || f.mailed {
		return
	}
	f.mailed = true
	key, id, sum := f.key, f.summary.ReportID, f.summary.SHA256
	ctx.Async(func() {
		err := f.outbox().Delete(key)
		ctx.Dispatch(func(app.Context) {
			if err != nil {
				f.outboxFail = err.Error()
			}
			if f.Host != nil {
				f.Host.Submitted(id, sum)
			}
		})
	})
}

// renderMail shows how to send the sealed report by email, then, once the
// reporter says it is sent, the receipt alone.
func (f *Form) renderMail() app.UI {
	lang, org, s := f.Lang, f.Config.Org.Name, f.summary
	file := ascName(f.key)
	heading := "mail_heading"
	if f.mailed {
		heading = "mail_sent_heading"
	}
	return app.Section().Class("sp-receipt sp-mail").DataSet("sealpost-receipt", "true").DataSet("mode", "email").
		DataSet("made", "browser").DataSet("report-id", s.ReportID).DataSet("sha256", s.SHA256).Body(
		app.H2().Text(text(lang, heading, org)),
		app.If(!f.mailed, func() app.UI {
			attach := textf(lang, "mail_attach", org, "{file}", file)
			if f.mailInline {
				attach = text(lang, "mail_inline", org)
			}
			kept := "mail_kept_page"
			if f.keptDurable {
				kept = "mail_kept"
			}
			return app.Div().Body(
				app.P().Text(text(lang, "mail_intro", org)),
				app.Ol().Class("sp-steps").Body(
					app.Li().Body(app.A().ID("sp-download").Class("sp-submit").Href(f.sealed.URL()).Attr("download", file).Text(text(lang, "download", org))),
					app.Li().Body(
						app.A().ID("sp-email").Class("sp-submit").Href(f.mailto).Text(textf(lang, "mail_write", org, "{email}", s.Email)),
						app.P().Text(attach),
					),
				),
				app.P().Class("sp-hint").Text(textf(lang, "mail_manual", org, "{email}", s.Email, "{subject}", deliver.MailSubject(shortKey(f.key)), "{file}", file)),
				app.P().ID("sp-kept").Text(text(lang, kept, org)),
				app.Button().Type("button").ID("sp-mail-sent").Class("sp-submit").OnClick(f.onMailSent).Text(text(lang, "mail_sent_button", org)),
			)
		}).Else(func() app.UI {
			return app.P().ID("sp-mail-done").Role("status").Text(text(lang, "mail_done", org))
		}),
		app.Pre().Text(s.Text()),
	)
}
