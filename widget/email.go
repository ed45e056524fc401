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

// outboxEndpoint is what a config's reports are kept under in the outbox.
func outboxEndpoint(cfg *config.Config) string {
	if cfg.EmailOnly() {
		return mailEndpoint(cfg)
	}
	return cfg.Endpoint.URL
}

// shortKey is the short id of a report by its idempotency key: what the
// email's subject and the downloaded file are named by.
func shortKey(key string) string { return key[:min(8, len(key))] }

// mailLink is the mailto: link that emails a sealed report (its file
// attached, or, when it fits a link, the message in the body: inline), ""
// when the config names no address. It may read the sealed report: call
// it off the UI's path.
func mailLink(cfg *config.Config, lang string, sealed Sealed, key string) (link string, inline bool) {
	to := cfg.Org.SecurityEmail
	if to == "" {
		return "", false
	}
	subject := deliver.MailSubject(shortKey(key))
	if small := readSmall(sealed, deliver.MaxMailtoLength); small != nil {
		link, attach := deliver.Mailto(to, subject, small, ascName(key))
		return link, !attach
	}
	return deliver.MailtoAttached(to, subject, ascName(key), attachNote(lang, key)), false
}

// attachNote reminds the reporter, in the mail they are about to send, to
// attach the downloaded report.
func attachNote(lang, key string) string {
	return textf(lang, "mail_attach_note", "", "{file}", ascName(key))
}

// keepForMail makes the receipt of a sealed report to be emailed, and
// keeps the report in the outbox until the reporter says it is sent. It
// hashes the sealed report: call it off the UI's path.
func (s *Sending) keepForMail(ctx app.Context, to route, o *outgoing, sealedAt time.Time) {
	sum, err := deliver.Hash(o.sealed, o.sealed.Size())
	if err != nil {
		ctx.Dispatch(func(app.Context) { s.fail(err, nil) })
		return
	}
	summary := deliver.EmailSummary(o.key, sum, sealedAt, to.fingerprint, to.cfg)
	ob := to.outbox()
	putErr := ob.Put(Pending{Key: o.key, Endpoint: mailEndpoint(to.cfg), Fingerprint: to.fingerprint, Created: to.now(), Sealed: o.sealed})
	o.kept = putErr == nil
	o.durable = o.kept && ob.Durable()
	ctx.Dispatch(func(app.Context) {
		s.busy = false
		s.mail = &MailReceipt{summary: summary, report: o}
	})
}

// MailReceipt is the receipt of a report sealed for an email-only config:
// the way to email it, until the reporter says it is sent ("I have sent
// it": the report leaves the outbox, and the page around the form learns
// that it was submitted), then the receipt alone.
type MailReceipt struct {
	app.Compo

	Config *config.Config
	Lang   string
	// Outbox opens the outbox the report waits in; it may block.
	Outbox func() Outbox
	// Host is told when the reporter says the email is sent.
	Host Host
	// OnOutboxError is told when the report cannot be taken out of the
	// outbox.
	OnOutboxError func(err error)

	summary *deliver.Summary
	report  *outgoing
	// mailed is set once the reporter says the email is sent.
	mailed bool
}

// onSent is "I have sent it".
func (m *MailReceipt) onSent(ctx app.Context, e app.Event) {
	if m.mailed {
		return
	}
	m.mailed = true
	open, host, key, id, sum := m.Outbox, m.Host, m.report.key, m.summary.ReportID, m.summary.SHA256
	ctx.Async(func() {
		err := open().Delete(key)
		ctx.Dispatch(func(app.Context) {
			if err != nil && m.OnOutboxError != nil {
				m.OnOutboxError(err)
			}
			if host != nil {
				host.Submitted(id, sum)
			}
		})
	})
}

// Render shows how to send the sealed report by email, then, once the
// reporter says it is sent, the receipt alone.
func (m *MailReceipt) Render() app.UI {
	lang, org, s, o := m.Lang, m.Config.Org.Name, m.summary, m.report
	file := ascName(o.key)
	heading := "mail_heading"
	if m.mailed {
		heading = "mail_sent_heading"
	}
	return app.Section().Class("sp-receipt sp-mail").DataSet("sealpost-receipt", "true").DataSet("mode", "email").
		DataSet("made", "browser").DataSet("report-id", s.ReportID).DataSet("sha256", s.SHA256).Body(
		app.H2().Text(text(lang, heading, org)),
		app.If(!m.mailed, func() app.UI {
			attach := textf(lang, "mail_attach", org, "{file}", file)
			if o.inline {
				attach = text(lang, "mail_inline", org)
			}
			kept := "mail_kept_page"
			if o.durable {
				kept = "mail_kept"
			}
			return app.Div().Body(
				app.P().Text(text(lang, "mail_intro", org)),
				app.Ol().Class("sp-steps").Body(
					app.Li().Body(app.A().ID("sp-download").Class("sp-submit").Href(o.sealed.URL()).Attr("download", file).Text(text(lang, "download", org))),
					app.Li().Body(
						app.A().ID("sp-email").Class("sp-submit").Href(o.mailto).Text(textf(lang, "mail_write", org, "{email}", s.Email)),
						app.P().Text(attach),
					),
				),
				app.P().Class("sp-hint").Text(textf(lang, "mail_manual", org, "{email}", s.Email, "{subject}", deliver.MailSubject(shortKey(o.key)), "{file}", file)),
				app.P().ID("sp-kept").Text(text(lang, kept, org)),
				app.Button().Type("button").ID("sp-mail-sent").Class("sp-submit").OnClick(m.onSent).Text(text(lang, "mail_sent_button", org)),
			)
		}).Else(func() app.UI {
			return app.P().ID("sp-mail-done").Role("status").Text(text(lang, "mail_done", org))
		}),
		app.Pre().Text(receiptText(lang, m.Config, s)),
	)
}
