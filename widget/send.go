package widget

import (
	"context"
	"io"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/thread"
)

func (f *Form) onSubmit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if f.sending || f.attachments.reading() || f.Submitter == nil || f.Key == nil {
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
	r := f.report()
	var bodies []io.Reader
	f.progress, f.total, f.uploaded, f.upload = 0, 0, 0, 0
	for _, c := range f.attachments.chosen() {
		f.total += c.meta.Size
		bodies = append(bodies, withProgress(c.file.Open(), f.Platform.yield, func(n int64) {
			ctx.Dispatch(func(app.Context) { f.progress += n })
		}))
	}
	f.sending, f.failure = true, ""
	threads, sealedAt := f.threads(), f.sealedNow()
	ctx.Async(func() {
		var code thread.Code
		var hash string
		var err error
		if threads {
			code, hash, err = newReplyCode(r)
		}
		var sealed Sealed
		if err == nil {
			f.Platform.mark("sealpost:seal-start")
			sealed, err = f.Submitter.Seal(context.Background(), r, bodies)
			f.Platform.mark("sealpost:seal-end")
		}
		if err != nil {
			ctx.Dispatch(func(ctx app.Context) { f.sending, f.failure = false, err.Error() })
			return
		}
		key := deliver.NewIdempotencyKey()
		mailto, inline := f.mailLink(sealed, key)
		if f.Config.EmailOnly() {
			f.keepForMail(ctx, sealed, key, mailto, inline, sealedAt)
			return
		}
		work := &deliver.Work{}
		ctx.Dispatch(func(ctx app.Context) {
			f.sealed, f.key, f.work, f.kept, f.mailto, f.mailInline = sealed, key, work, false, mailto, inline
			f.code, f.threadHash, f.sealedAt, f.codeKept, f.keepFailed, f.copied = code, hash, sealedAt, false, false, ""
		})
		f.post(ctx, sealed, key, work, hash, false)
	})
}

// onRetry posts the kept sealed report again, under the same key.
func (f *Form) onRetry(ctx app.Context, e app.Event) {
	if f.sending || f.sealed == nil {
		return
	}
	// The failure block (and this button) stays while retrying: go-app
	// drops what is dispatched from the context of an element that left the
	// page.
	f.sending, f.uploaded, f.upload = true, 0, 0
	sealed, key, work, hash, kept := f.sealed, f.key, f.work, f.threadHash, f.kept
	ctx.Async(func() { f.post(ctx, sealed, key, work, hash, kept) })
}

// post delivers a sealed report. On failure the sealed report stays, with
// a retry, a download and an email link (and nothing typed is lost), and
// goes into the outbox, which offers it again on the next visit; once it is
// delivered it leaves the outbox.
func (f *Form) post(ctx app.Context, sealed Sealed, key string, work *deliver.Work, threadHash string, kept bool) {
	summary, err := f.Submitter.Post(f.uploadContext(ctx), sealed, key, work, threadHash)
	ctx.Dispatch(func(app.Context) { f.preparing = false })
	if err != nil {
		durable, putErr := false, error(nil)
		if !kept {
			ob := f.outbox()
			putErr = ob.Put(Pending{Key: key, Endpoint: f.Config.Endpoint.URL, Fingerprint: f.Key.Fingerprint, Created: f.now(), Sealed: sealed, Work: *work, ThreadHash: threadHash})
			durable = putErr == nil && ob.Durable()
		}
		ctx.Dispatch(func(ctx app.Context) {
			f.sending, f.failure = false, err.Error()
			if !kept && putErr == nil {
				f.kept, f.keptDurable = true, durable
			}
		})
		return
	}
	if kept {
		f.outbox().Delete(key)
	}
	ctx.Dispatch(func(ctx app.Context) {
		f.sending = false
		f.summary, f.sealed, f.failure = f.withPromises(summary), nil, ""
		if summary.ByClient && !f.code.IsZero() {
			// Not a Sealpost intake: no thread for the code to open.
			f.keepCode(false)
			f.code = thread.Code{}
		}
		if f.codeKept {
			f.keepCode(true) // now with the report's id
		}
		if f.Host != nil {
			f.Host.Submitted(summary.ReportID, summary.SHA256)
		}
	})
}

// uploadContext is the context a post runs under: it shows the upload's
// progress in the form.
func (f *Form) uploadContext(ctx app.Context) context.Context {
	up := WithUploadProgress(context.Background(), func(sent, total int64) {
		ctx.Dispatch(func(app.Context) { f.uploaded, f.upload, f.preparing = sent, total, false })
	})
	return WithPreparing(up, func() { ctx.Dispatch(func(app.Context) { f.preparing = true }) })
}

// onResend sends a report an earlier visit left in the outbox, under its
// first idempotency key. Its receipt shows in the outbox, so a report being
// written in the form meanwhile stays as it is.
func (f *Form) onResend(key string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		i := slices.IndexFunc(f.pending, func(p Pending) bool { return p.Key == key })
		if f.resending != "" || f.Submitter == nil || i < 0 {
			return
		}
		p := f.pending[i]
		f.resending, f.outboxFail = key, ""
		ctx.Async(func() {
			work := p.Work
			summary, err := f.Submitter.Post(f.uploadContext(ctx), p.Sealed, p.Key, &work, p.ThreadHash)
			if err != nil && work != p.Work {
				p.Work = work // solved again: keep it for the next resend
				f.outbox().Put(p)
			}
			if err == nil {
				summary.KeyFingerprint = p.Fingerprint
				err = f.outbox().Delete(p.Key)
			}
			ctx.Dispatch(func(ctx app.Context) {
				f.resending = ""
				if summary == nil {
					f.outboxFail = err.Error()
					return
				}
				if err != nil { // sent, but still listed: a resend files it once
					f.outboxFail = err.Error()
				}
				f.pending = slices.DeleteFunc(f.pending, func(q Pending) bool { return q.Key == p.Key })
				f.resent = append(f.resent, f.withPromises(summary))
				if f.Host != nil {
					f.Host.Submitted(summary.ReportID, summary.SHA256)
				}
			})
		})
	}
}

// onDiscard removes a report from the outbox (it has been sent some other
// way, say by email).
func (f *Form) onDiscard(key string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if f.resending == key {
			return
		}
		f.pending = slices.DeleteFunc(f.pending, func(q Pending) bool { return q.Key == key })
		ctx.Async(func() {
			if err := f.outbox().Delete(key); err != nil {
				ctx.Dispatch(func(app.Context) { f.outboxFail = err.Error() })
			}
		})
	}
}
