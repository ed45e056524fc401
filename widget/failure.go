package widget

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Failure says why sending failed and, when the report is sealed, offers
// what the reporter can do with it: try again (the same message, under the
// same idempotency key, with the same thread token hash), download the
// .asc, or send it by email; with the report's reply code beside it. It
// owns the sealed report kept in the page; [Sending] makes it, and the
// form shows it under its button.
type Failure struct {
	app.Compo

	Lang string
	// Org is the vendor's name.
	Org string
	// Busy is set while a post runs: no second one can start.
	Busy bool
	// OnRetry posts the kept report again.
	OnRetry func(ctx app.Context, o *outgoing)

	err error
	// report is the sealed report, nil when sealing failed.
	report *outgoing
}

// newFailure is the failure panel for a report that could not be sealed
// (o nil) or posted.
func newFailure(err error, o *outgoing) *Failure {
	return &Failure{err: err, report: o}
}

func (fl *Failure) onRetry(ctx app.Context, e app.Event) {
	if !fl.Busy && fl.report != nil && fl.OnRetry != nil {
		fl.OnRetry(ctx, fl.report)
	}
}

// Render shows the failure and, for a sealed report, what can be done.
func (fl *Failure) Render() app.UI {
	lang, org, o := fl.Lang, fl.Org, fl.report
	if o == nil {
		return app.Div().Class("sp-alert").Role("alert").Body(
			app.Strong().Text(text(lang, "failed", org)), explain(lang, org, "send", fl.err))
	}
	filename := ascName(o.key)
	var mail app.UI = app.Text("")
	if o.mailto != "" {
		mail = app.A().Class("sp-email").Href(o.mailto).Text(text(lang, "email", org))
	}
	// The reply code stays beside the alert, not in it: a screen reader
	// reads an alert's whole content out when it appears.
	return app.Div().Class("sp-failure").Body(
		app.Div().Class("sp-alert sp-failed").Role("alert").Body(
			app.Strong().Text(text(lang, "failed", org)),
			explain(lang, org, "send", fl.err),
			app.P().Text(text(lang, "kept", org)),
			app.If(o.durable, func() app.UI { return app.P().ID("sp-kept").Text(text(lang, "kept_outbox", org)) }),
			app.Div().Class("sp-actions").Body(
				app.Button().Type("button").ID("sp-retry").Class("sp-submit").Disabled(fl.Busy).OnClick(fl.onRetry).Text(text(lang, "retry", org)),
				app.A().ID("sp-download").Href(o.sealed.URL()).Attr("download", filename).Text(text(lang, "download", org)),
				mail,
			),
		),
		app.If(o.code != nil, func() app.UI {
			o.code.Lang, o.code.Org = lang, org
			return o.code
		}),
	)
}

// ascName is the file name a sealed report downloads as.
func ascName(key string) string { return "sealpost-report-" + shortKey(key) + ".asc" }
