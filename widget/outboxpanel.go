package widget

import (
	"context"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/report"
)

// OutboxPanel lists the sealed reports an earlier visit could not send
// (or, email only, that wait to be emailed), with what is known of each
// without decrypting it (when, how big, to which key); it sends each again
// or removes it, and shows the receipts of those sent since. It reads the
// outbox when it is mounted.
//
// The form makes it once and sets its inputs at each render; Open, a func,
// makes go-app render it again each time (see [Attachments]).
type OutboxPanel struct {
	app.Compo

	Config *config.Config
	Lang   string
	// Open opens the outbox; it may block.
	Open func() Outbox
	// Submitter posts a report sent again; nil: none can be.
	Submitter Submitter
	// Host is told when a report is sent.
	Host Host
	// PostContext is the context a post runs under (the form's, which
	// shows the upload's progress); nil: context.Background.
	PostContext func(ctx app.Context) context.Context

	// pending are the reports waiting, once loaded; resent the receipts of
	// those sent since; resending the key of the one being sent; fail what
	// went wrong last.
	pending   []Pending
	loaded    bool
	resent    []*Receipt
	resending string
	fail      error
	failWhat  string // "send" or "outbox": what failed (see explain)
}

// OnMount lists the reports waiting for this form's endpoint.
func (p *OutboxPanel) OnMount(ctx app.Context) {
	open, endpoint := p.Open, outboxEndpoint(p.Config)
	ctx.Async(func() {
		list, err := open().List(endpoint)
		ctx.Dispatch(func(app.Context) {
			p.pending, p.loaded = list, true
			if err != nil {
				p.fail, p.failWhat = err, "outbox"
			}
		})
	})
}

// count is how many reports wait, once the outbox is read.
func (p *OutboxPanel) count() (n int, loaded bool) { return len(p.pending), p.loaded }

// failed shows what went wrong with the outbox.
func (p *OutboxPanel) failed(err error) { p.fail, p.failWhat = err, "outbox" }

// onResend sends a report an earlier visit left in the outbox, under its
// first idempotency key. Its receipt shows in the outbox, so a report being
// written in the form meanwhile stays as it is.
func (p *OutboxPanel) onResend(key string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		i := slices.IndexFunc(p.pending, func(q Pending) bool { return q.Key == key })
		if p.resending != "" || p.Submitter == nil || i < 0 {
			return
		}
		q, submitter, open, post := p.pending[i], p.Submitter, p.Open, context.Background()
		if p.PostContext != nil {
			post = p.PostContext(ctx)
		}
		p.resending, p.fail = key, nil
		ctx.Async(func() {
			work := q.Work
			summary, err := submitter.Post(post, q.Sealed, q.Key, &work, q.ThreadHash)
			if err != nil && work != q.Work {
				q.Work = work // solved again: keep it for the next resend
				open().Put(q)
			}
			if err == nil {
				summary.KeyFingerprint = q.Fingerprint
				err = open().Delete(q.Key)
			}
			ctx.Dispatch(func(ctx app.Context) {
				p.resending = ""
				if summary == nil {
					p.fail, p.failWhat = err, "send"
					return
				}
				if err != nil { // sent, but still listed: a resend files it once
					p.fail, p.failWhat = err, "outbox"
				}
				p.pending = slices.DeleteFunc(p.pending, func(r Pending) bool { return r.Key == q.Key })
				p.resent = append(p.resent, newReceipt(summary, nil))
				if p.Host != nil {
					p.Host.Submitted(summary.ReportID, summary.SHA256)
				}
			})
		})
	}
}

// onDiscard removes a report from the outbox (it has been sent some other
// way, say by email).
func (p *OutboxPanel) onDiscard(key string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.resending == key {
			return
		}
		p.pending = slices.DeleteFunc(p.pending, func(q Pending) bool { return q.Key == key })
		open := p.Open
		ctx.Async(func() {
			if err := open().Delete(key); err != nil {
				ctx.Dispatch(func(app.Context) { p.fail, p.failWhat = err, "outbox" })
			}
		})
	}
}

// Render shows the panel in its slot, which is always in the page (so that
// the form's children keep their places), when there is anything to show.
func (p *OutboxPanel) Render() app.UI {
	return app.Div().Class("sp-outbox-slot").Body(app.If(len(p.pending) > 0 || len(p.resent) > 0 || p.fail != nil, p.render))
}

func (p *OutboxPanel) render() app.UI {
	lang, org := p.Lang, p.Config.Org.Name
	intro := "outbox_intro"
	if p.Config.EmailOnly() {
		intro = "outbox_intro_email"
	}
	return app.Section().ID("sp-outbox").Class("sp-outbox").Aria("labelledby", "sp-outbox-heading").Body(
		app.H2().ID("sp-outbox-heading").Text(text(lang, "outbox", org)),
		app.If(len(p.pending) > 0, func() app.UI { return app.P().Text(text(lang, intro, org)) }),
		app.Ul().Class("sp-pending").Body(app.Range(p.pending).Slice(func(i int) app.UI { return p.renderItem(p.pending[i]) })),
		app.If(p.fail != nil, func() app.UI {
			return app.Div().Class("sp-alert").Role("alert").Body(app.Strong().Text(text(lang, "failed", org)), explain(lang, org, p.failWhat, p.fail))
		}),
		app.Range(p.resent).Slice(func(i int) app.UI {
			r := p.resent[i]
			r.Config, r.Lang = p.Config, lang
			return r
		}),
	)
}

// renderItem is one report waiting, with what can be done with it.
func (p *OutboxPanel) renderItem(q Pending) app.UI {
	lang, org := p.Lang, p.Config.Org.Name
	about := strings.NewReplacer("{time}", q.Created.Local().Format("2006-01-02 15:04"),
		"{size}", report.FormatSize(lang, q.Sealed.Size()), "{key}", q.Fingerprint).Replace(text(lang, "outbox_item", org))
	download := app.A().Class("sp-download").Href(q.Sealed.URL()).Attr("download", ascName(q.Key)).Text(text(lang, "download", org))
	if p.Config.EmailOnly() {
		to := p.Config.Org.SecurityEmail
		return app.Li().DataSet("key", q.Key).Body(
			app.P().Text(about),
			app.Div().Class("sp-actions").Body(
				download,
				app.A().Class("sp-email").Href(deliver.MailtoAttached(to, deliver.MailSubject(shortKey(q.Key)), ascName(q.Key), attachNote(lang, q.Key))).
					Text(textf(lang, "mail_write", org, "{email}", to)),
				app.Button().Type("button").Class("sp-discard").OnClick(p.onDiscard(q.Key)).Text(text(lang, "mail_sent_button", org)),
			),
		)
	}
	sending := "send_now"
	if p.resending == q.Key {
		sending = "sending"
	}
	return app.Li().DataSet("key", q.Key).Body(
		app.P().Text(about),
		app.Div().Class("sp-actions").Body(
			app.Button().Type("button").Class("sp-submit sp-resend").Disabled(p.resending != "" || p.Submitter == nil).
				OnClick(p.onResend(q.Key)).Text(text(lang, sending, org)),
			download,
			app.Button().Type("button").Class("sp-discard").Disabled(p.resending == q.Key).OnClick(p.onDiscard(q.Key)).Text(text(lang, "discard", org)),
		),
	)
}
