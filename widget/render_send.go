package widget

import (
	"context"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The form's parts for what happens after the button: [Sending] (the
// progress bars, then a [Failure] under the button or the receipt in the
// form's place) and the [OutboxPanel]. The form makes each once and hands
// it its inputs whenever it is used.

// onSubmit checks the report and, when it is valid, seals and sends it.
func (f *Form) onSubmit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	s := f.sender()
	if s.busy || f.attachments.reading() || f.Submitter == nil || f.Key == nil {
		return
	}
	if !f.validate() {
		if first := f.firstProblem(); first != "" {
			ctx.Defer(func(app.Context) {
				app.Window().GetElementByID(controlID(first)).Call("focus")
			})
		}
		return
	}
	s.start(ctx, f.report(), f.attachments.chosen())
}

// sender is the form's [Sending], given the form's inputs.
func (f *Form) sender() *Sending {
	if f.send == nil {
		f.send = &Sending{Outbox: f.outbox, OnOutboxError: f.outboxPanel().failed}
	}
	s := f.send
	s.Config, s.Lang, s.Key, s.Submitter, s.Platform, s.Host, s.Now = f.Config, f.Lang, f.Key, f.Submitter, f.Platform, f.Host, f.Now
	s.Clipboard, s.Codes, s.Follow = f.Clipboard, f.Codes, f.Follow
	return s
}

// outboxPanel is the form's [OutboxPanel], given the form's inputs.
func (f *Form) outboxPanel() *OutboxPanel {
	if f.unsent == nil {
		f.unsent = &OutboxPanel{Open: f.outbox}
		f.unsent.PostContext = func(ctx app.Context) context.Context { return f.sender().uploadContext(ctx) }
	}
	p := f.unsent
	p.Config, p.Lang, p.Submitter, p.Host = f.Config, f.Lang, f.Submitter, f.Host
	return p
}

// renderSending is the progress bars.
func (f *Form) renderSending() app.UI { return f.sender() }

// renderFailure is the failure panel, when sealing or posting failed.
func (f *Form) renderFailure() app.UI {
	s := f.sender()
	fl := s.failed
	fl.Lang, fl.Org, fl.Busy, fl.OnRetry = f.Lang, f.Config.Org.Name, s.busy, s.retry
	return fl
}

// renderReceipt is the receipt of the report sent, or, email only, the way
// to email it.
func (f *Form) renderReceipt() app.UI {
	s := f.sender()
	if s.mail != nil {
		m := s.mail
		m.Config, m.Lang, m.Outbox, m.Host, m.OnOutboxError = f.Config, f.Lang, f.outbox, f.Host, f.outboxPanel().failed
		return m
	}
	s.receipt.Config, s.receipt.Lang = f.Config, f.Lang
	return s.receipt
}

// renderOutbox is the outbox panel, in its slot.
func (f *Form) renderOutbox() app.UI { return f.outboxPanel() }
