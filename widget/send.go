package widget

import (
	"context"
	"io"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/thread"
)

// Sending is a report on its way, and the form's progress bars: sealed
// (the attachments' progress), then posted (the upload's), or, for an
// email-only config, kept for the reporter to email. When a post fails,
// the sealed report stays in the page in a [Failure], which the form shows
// under its button; once the report is sent (or sealed to be emailed), its
// receipt ([Receipt], [MailReceipt]) takes the form's place.
//
// The form makes it once and sets its inputs, its own, at each render;
// Outbox, a func, makes go-app render it again each time (see
// [Attachments]). What a post needs of them is read before it goes off the
// UI's goroutine (route), as the form may set them again meanwhile.
type Sending struct {
	app.Compo

	Config    *config.Config
	Lang      string
	Key       *pgpkey.Key
	Submitter Submitter
	Platform  *Platform
	Host      Host
	Now       func() time.Time
	// Outbox opens the outbox; it may block.
	Outbox func() Outbox
	// Clipboard, Codes and Follow are the reply code's (see [ReplyCode]).
	Clipboard func(text string) error
	Codes     Storage
	Follow    func(ctx app.Context, code thread.Code)
	// OnOutboxError is told when a report cannot be taken out of the
	// outbox (see [OutboxPanel]).
	OnOutboxError func(err error)

	// busy is set while a report is sealed or posted; preparing while the
	// post solves the endpoint's proof of work.
	busy, preparing bool
	// progress is how much of the attachments has been sealed, 0 to total;
	// uploaded how much of the sealed report has been sent, of upload.
	progress, total, uploaded, upload int64
	failed                            *Failure
	receipt                           *Receipt
	mail                              *MailReceipt
}

// outgoing is a sealed report on its way: what every post of it carries.
type outgoing struct {
	sealed Sealed
	// key is its idempotency key; work its proof of work; threadHash its
	// thread token's hash, and code its reply code (nil when the endpoint
	// keeps no conversations).
	key        string
	work       *deliver.Work
	threadHash string
	code       *ReplyCode
	// mailto is the link that emails it (or, when it is too long for a
	// link, asks for the downloaded file to be attached); inline is set
	// when the message is in the link.
	mailto string
	inline bool
	// kept is set once it is in the outbox; durable when that outbox
	// outlives the page.
	kept, durable bool
}

// route is what sealing and posting need of the inputs, read on the UI's
// goroutine.
type route struct {
	cfg         *config.Config
	lang        string
	submitter   Submitter
	platform    *Platform
	outbox      func() Outbox
	fingerprint string
	now         func() time.Time
	clipboard   func(text string) error
	codes       Storage
	follow      func(ctx app.Context, code thread.Code)
}

func (s *Sending) route() route {
	to := route{cfg: s.Config, lang: s.Lang, submitter: s.Submitter, platform: s.Platform, outbox: s.Outbox, now: s.Now,
		clipboard: s.Clipboard, codes: s.Codes, follow: s.Follow}
	if to.now == nil {
		to.now = time.Now
	}
	if s.Key != nil {
		to.fingerprint = s.Key.Fingerprint
	}
	return to
}

// done reports whether the report is sent, or sealed to be emailed: its
// receipt shows instead of the form.
func (s *Sending) done() bool { return s.receipt != nil || s.mail != nil }

// start seals r with the files chosen and sends it, off the UI's path.
func (s *Sending) start(ctx app.Context, r *report.Report, files []chosen) {
	to := s.route()
	var bodies []io.Reader
	s.progress, s.total, s.uploaded, s.upload, s.preparing = 0, 0, 0, 0, false
	for _, c := range files {
		s.total += c.meta.Size
		bodies = append(bodies, withProgress(c.file.Open(), to.platform.yield, func(n int64) {
			ctx.Dispatch(func(app.Context) { s.progress += n })
		}))
	}
	s.busy, s.failed = true, nil
	threads, sealedAt := thread.URL(to.cfg.Endpoint.URL) != "", to.now().UTC().Truncate(time.Second)
	ctx.Async(func() {
		var code thread.Code
		var hash string
		var err error
		if threads {
			code, hash, err = makeReplyCode(r)
		}
		var sealed Sealed
		if err == nil {
			to.platform.mark("sealpost:seal-start")
			sealed, err = to.submitter.Seal(context.Background(), r, bodies)
			to.platform.mark("sealpost:seal-end")
		}
		if err != nil {
			ctx.Dispatch(func(app.Context) { s.fail(err, nil) })
			return
		}
		o := &outgoing{sealed: sealed, key: deliver.NewIdempotencyKey(), work: &deliver.Work{}, threadHash: hash}
		o.mailto, o.inline = mailLink(to.cfg, to.lang, sealed, o.key)
		if to.cfg.EmailOnly() {
			s.keepForMail(ctx, to, o, sealedAt)
			return
		}
		if !code.IsZero() {
			o.code = newReplyCode(code, o.key, to.cfg.Endpoint.URL, sealedAt)
			o.code.Clipboard, o.code.Codes, o.code.Follow = to.clipboard, to.codes, to.follow
		}
		s.post(ctx, to, o, false)
	})
}

// retry posts the report a failure kept again, under the same key. The
// failure panel (and the button whose ctx this is) stays while it runs:
// go-app drops what is dispatched from an element that left the page.
func (s *Sending) retry(ctx app.Context, o *outgoing) {
	if s.busy {
		return
	}
	s.busy, s.uploaded, s.upload, s.preparing = true, 0, 0, false
	to, kept := s.route(), o.kept
	ctx.Async(func() { s.post(ctx, to, o, kept) })
}

// post delivers o (kept: it is in the outbox already). On failure the
// sealed report stays in the page, with a retry, a download and an email
// link (and nothing typed is lost), and goes into the outbox, which offers
// it again on the next visit; once delivered it leaves the outbox. It
// blocks: call it off the UI's path.
func (s *Sending) post(ctx app.Context, to route, o *outgoing, kept bool) {
	summary, err := to.submitter.Post(s.uploadContext(ctx), o.sealed, o.key, o.work, o.threadHash)
	ctx.Dispatch(func(app.Context) { s.preparing = false })
	if err != nil {
		durable, putErr := false, error(nil)
		if !kept {
			ob := to.outbox()
			putErr = ob.Put(Pending{Key: o.key, Endpoint: to.cfg.Endpoint.URL, Fingerprint: to.fingerprint, Created: to.now(),
				Sealed: o.sealed, Work: *o.work, ThreadHash: o.threadHash})
			durable = putErr == nil && ob.Durable()
		}
		ctx.Dispatch(func(app.Context) {
			if !kept && putErr == nil {
				o.kept, o.durable = true, durable
			}
			s.fail(err, o)
		})
		return
	}
	if kept {
		to.outbox().Delete(o.key)
	}
	ctx.Dispatch(func(app.Context) {
		s.busy, s.failed = false, nil
		code := o.code
		if code != nil {
			code = code.received(summary.ReportID, summary.ByClient)
		}
		s.receipt = newReceipt(summary, code)
		if s.Host != nil {
			s.Host.Submitted(summary.ReportID, summary.SHA256)
		}
	})
}

// fail shows why sealing or posting failed: a retry of the same report
// says it in the same panel.
func (s *Sending) fail(err error, o *outgoing) {
	s.busy = false
	if s.failed != nil && o != nil && s.failed.report == o {
		s.failed.err = err
		return
	}
	s.failed = newFailure(err, o)
}

// uploadContext is the context a post runs under: it shows the upload's
// progress in the form.
func (s *Sending) uploadContext(ctx app.Context) context.Context {
	up := WithUploadProgress(context.Background(), func(sent, total int64) {
		ctx.Dispatch(func(app.Context) { s.uploaded, s.upload, s.preparing = sent, total, false })
	})
	return WithPreparing(up, func() { ctx.Dispatch(func(app.Context) { s.preparing = true }) })
}

// Render shows the progress bars while the report is sealed and posted.
func (s *Sending) Render() app.UI {
	lang, org := s.Lang, s.Config.Org.Name
	return app.Div().Class("sp-progress-slot").Body(
		app.If(s.busy && s.total > 0, func() app.UI {
			return app.Progress().ID("sp-progress").Max(s.total).Value(min(s.progress, s.total)).
				Aria("label", text(lang, "sealing", org))
		}),
		app.If(s.busy && s.upload > 0, func() app.UI {
			return app.Progress().ID("sp-upload").Max(s.upload).Value(min(s.uploaded, s.upload)).
				Aria("label", text(lang, "uploading", org))
		}),
	)
}
