package widget

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/thread"
)

// Form is the report form. Its exported fields are its inputs.
type Form struct {
	app.Compo

	Config *config.Config
	// Lang is the reporter's language, one of the config's.
	Lang string
	// Key is the vendor key reports are sealed to; KeyErr, when set, says
	// why there is none, and the form cannot be sent.
	Key    *pgpkey.Key
	KeyErr error
	// Submitter seals and posts; nil in server-side rendering.
	Submitter Submitter
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Host is told when the report is submitted; nil means nobody.
	Host Host
	// Platform is the browser's services (see [Platform]); nil means the
	// defaults.
	Platform *Platform
	// Outbox keeps sealed reports that could not be sent; nil means the
	// Platform's, opened when the outbox panel is mounted.
	Outbox Outbox
	// Clipboard copies the reply code; nil: no Copy button (see
	// [Platform].Clipboard).
	Clipboard func(text string) error
	// Codes keeps a reply code when the reporter asks to; nil (a frame
	// without storage of its own): the receipt does not offer it (see
	// [Platform].CodeStore).
	Codes Storage
	// Follow opens the Follow view on a report's reply code (the receipt's
	// "Follow this report"); nil: no such button.
	Follow     func(ctx app.Context, code thread.Code)
	outboxOnce sync.Once

	// attachments is the attachment picker, made once (see [Attachments]).
	attachments *Attachments

	ready    bool
	values   Values
	problems map[string]report.Problem

	// send is the report on its way (the progress, a failure, the
	// receipt), unsent the outbox panel: made once (see render_send.go).
	send   *Sending
	unsent *OutboxPanel
}

// NewForm returns the form for a vendor's config in lang.
func NewForm(cfg *config.Config, lang string) *Form {
	return &Form{Config: cfg, Lang: cfg.Language(lang)}
}

// OnMount takes over what was typed into the static form, then marks the
// form ready (data-ready on its root): its controls are in the page with
// their handlers, so what is typed from now on is seen.
func (f *Form) OnMount(ctx app.Context) {
	f.adoptStatic(f.JSValue())
	f.ready = true
	f.title(ctx)
	ctx.Update()
}

// title names the page (the browser's tab, what a screen reader says
// first) in the form's language.
func (f *Form) title(ctx app.Context) {
	ctx.Page().SetTitle(text(f.Lang, "heading", f.Config.Org.Name))
}

// OnNav renders the form again when the page moves between the form and
// the Follow view: the App may have given it the language chosen there.
func (f *Form) OnNav(ctx app.Context) {}

// outbox opens the outbox on first use. It may block: call it off the UI's
// path.
func (f *Form) outbox() Outbox {
	f.outboxOnce.Do(func() {
		if f.Outbox == nil {
			f.Outbox = f.Platform.openOutbox()
		}
	})
	return f.Outbox
}

func (f *Form) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// set records a value; a field that showed a problem is checked again at
// once, so the message goes away as soon as it is fixed.
func (f *Form) set(field, value string) {
	if f.values == nil {
		f.values = Values{}
	}
	f.values[field] = value
	if _, shown := f.problems[field]; shown {
		f.validate()
	}
}

// validate checks the report the values make, keeping one problem per
// field, and reports whether it is valid.
func (f *Form) validate() bool {
	r := f.report()
	err := report.Validate(r, report.Options{Rules: f.Config.Rules(), Language: f.Lang, Labels: f.Config.Labels(f.Lang), Now: f.Now})
	f.problems = map[string]report.Problem{}
	var verr *report.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			field := fieldOf(p.Field)
			if _, seen := f.problems[field]; !seen {
				f.problems[field] = p
			}
		}
	}
	return len(f.problems) == 0
}

// fieldOf maps a problem's JSON path to the control that shows it:
// "targets[2]" to "targets".
func fieldOf(path string) string {
	for i, c := range path {
		if c == '[' {
			return path[:i]
		}
	}
	return path
}

// firstProblem is the first field, in form order, that has a problem.
func (f *Form) firstProblem() string {
	for _, fl := range Fields(f.Config) {
		if _, ok := f.problems[fl.Name]; ok {
			return fl.Name
		}
	}
	if _, ok := f.problems["policy_accepted"]; ok {
		return "policy_accepted"
	}
	return ""
}

// report is the report the form's values and files make.
func (f *Form) report() *report.Report {
	r := f.values.Report(f.Lang, time.Local, f.now())
	for _, c := range f.attachments.chosen() {
		r.Attachments = append(r.Attachments, c.meta)
	}
	return r
}

func (f *Form) onInput(field string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		f.set(field, ctx.JSSrc().Get("value").String())
	}
}

// setLanguage switches the form, and any messages shown, to lang when the
// widget speaks it.
func (f *Form) setLanguage(lang string) {
	if !slices.Contains(report.Languages, lang) {
		return
	}
	f.Lang = lang
	if len(f.problems) > 0 {
		f.validate()
	}
}

func (f *Form) onLanguage(ctx app.Context, e app.Event) {
	f.setLanguage(ctx.JSSrc().Get("value").String())
	f.title(ctx)
}

func (f *Form) onCheck(field string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := "false"
		if ctx.JSSrc().Get("checked").Bool() {
			v = "true"
		}
		f.set(field, v)
	}
}

// renderAttachments is the attachment picker, given the form's language
// and the problem it shows.
func (f *Form) renderAttachments() app.UI {
	if f.attachments == nil {
		f.attachments = &Attachments{}
	}
	a := f.attachments
	a.Lang, a.Limits, a.Problem = f.Lang, f.Config.Attachments, f.problems["attachments"]
	a.FilesFrom = f.Platform.orDefault().FilesFrom
	a.WarmUp = nil
	if w, ok := f.Submitter.(interface{ WarmUp() }); ok {
		a.WarmUp = w.WarmUp
	}
	a.OnChange = func() {
		if _, shown := f.problems["attachments"]; shown {
			f.validate()
		}
	}
	return a
}
