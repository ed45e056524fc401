package widget

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
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
	// Outbox keeps sealed reports that could not be sent; nil means the
	// browser's (see [NewOutbox]), opened when the form is mounted.
	Outbox     Outbox
	outboxOnce sync.Once
	// warmUp runs the Submitter's WarmUp, if it has one, once a file of
	// warmUpAbove bytes or more is attached.
	warmUp sync.Once

	ready    bool
	files    []chosen
	hashing  bool
	dragging bool
	values   Values
	problems map[string]report.Problem
	sending  bool
	summary  *deliver.Summary
	failure  string
	// sealed and key are the sealed report and its idempotency key, kept
	// after a failed post: a retry sends exactly the same message.
	sealed Sealed
	key    string
	work   *deliver.Work
	// preparing is set while the post solves the endpoint's proof of work.
	preparing bool
	// mailto is the link that emails the sealed report (or, when it is too
	// long for a link, asks for the downloaded file to be attached).
	mailto string
	// progress is how much of the attachments has been sealed, 0 to total.
	progress, total int64
	// uploaded is how much of the sealed report has been sent, of upload.
	uploaded, upload int64
	// kept is set once the failed report is in the outbox; keptDurable
	// when that outbox outlives the page.
	kept, keptDurable bool

	// pending are the reports an earlier visit left in the outbox; resent
	// the receipts of those sent since; resending the key being sent.
	pending      []Pending
	outboxLoaded bool
	resent       []*deliver.Summary
	resending    string
	outboxFail   string
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
	ctx.Update()
	endpoint := f.Config.Endpoint.URL
	ctx.Async(func() {
		list, err := f.outbox().List(endpoint)
		ctx.Dispatch(func(app.Context) {
			f.pending, f.outboxLoaded = list, true
			if err != nil {
				f.outboxFail = err.Error()
			}
		})
	})
}

// outbox opens the outbox on first use. It may block: call it off the UI's
// path.
func (f *Form) outbox() Outbox {
	f.outboxOnce.Do(func() {
		if f.Outbox == nil {
			f.Outbox = openOutbox()
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
	for _, c := range f.files {
		r.Attachments = append(r.Attachments, c.meta)
	}
	return r
}

// onFiles takes the files chosen in the picker.
func (f *Form) onFiles(ctx app.Context, e app.Event) {
	f.addFiles(ctx, ctx.JSSrc().Get("files"))
	// Emptied, the picker can take the same file again after a removal,
	// and says nothing that the list below does not.
	ctx.JSSrc().Set("value", "")
}

// onDragOver lets files be dropped on the drop zone.
func (f *Form) onDragOver(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f.dragging = true
}

func (f *Form) onDragLeave(ctx app.Context, e app.Event) { f.dragging = false }

// onDrop takes the files dropped on the drop zone.
func (f *Form) onDrop(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f.dragging = false
	if dt := e.Get("dataTransfer"); dt.Truthy() {
		f.addFiles(ctx, dt.Get("files"))
	}
}

// warmUpAbove is the attachment size from which sealing is warmed up.
const warmUpAbove = 4 << 20

// addFiles hashes files from a FileList, off the UI's path, showing each
// one's size and SHA-256 when done.
func (f *Form) addFiles(ctx app.Context, list app.Value) {
	if FilesFrom == nil || !list.Truthy() || list.Length() == 0 {
		return
	}
	picked := FilesFrom(list)
	f.hashing = true
	ctx.Async(func() {
		var done []chosen
		for _, file := range picked {
			done = append(done, describe(file))
		}
		var size int64
		for _, c := range done {
			size += c.meta.Size
		}
		if w, ok := f.Submitter.(interface{ WarmUp() }); ok && size >= warmUpAbove {
			f.warmUp.Do(w.WarmUp)
		}
		ctx.Dispatch(func(ctx app.Context) {
			f.files = append(f.files, done...)
			f.hashing = false
			if _, shown := f.problems["attachments"]; shown {
				f.validate()
			}
		})
	})
}

func (f *Form) onInput(field string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		f.set(field, ctx.JSSrc().Get("value").String())
	}
}

// setLanguage switches the form, and any messages shown, to lang when the
// config offers it.
func (f *Form) setLanguage(lang string) {
	if !slices.Contains(f.Config.Languages, lang) {
		return
	}
	f.Lang = lang
	if len(f.problems) > 0 {
		f.validate()
	}
}

func (f *Form) onLanguage(ctx app.Context, e app.Event) {
	f.setLanguage(ctx.JSSrc().Get("value").String())
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

func (f *Form) onSubmit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if f.sending || f.hashing || f.Submitter == nil || f.Key == nil {
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
	for _, c := range f.files {
		f.total += c.meta.Size
		bodies = append(bodies, withProgress(c.file.Open(), func(n int64) {
			ctx.Dispatch(func(app.Context) { f.progress += n })
		}))
	}
	f.sending, f.failure = true, ""
	ctx.Async(func() {
		mark("sealpost:seal-start")
		sealed, err := f.Submitter.Seal(context.Background(), r, bodies)
		mark("sealpost:seal-end")
		if err != nil {
			ctx.Dispatch(func(ctx app.Context) { f.sending, f.failure = false, err.Error() })
			return
		}
		key := deliver.NewIdempotencyKey()
		mailto, subject := "", "Encrypted vulnerability report"
		if to := f.Config.Org.SecurityEmail; to != "" {
			if small := readSmall(sealed, deliver.MaxMailtoLength); small != nil {
				mailto, _ = deliver.Mailto(to, subject, small, ascName(key))
			} else {
				mailto = deliver.MailtoAttached(to, subject, ascName(key))
			}
		}
		work := &deliver.Work{}
		ctx.Dispatch(func(ctx app.Context) { f.sealed, f.key, f.work, f.kept, f.mailto = sealed, key, work, false, mailto })
		f.post(ctx, sealed, key, work, false)
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
	sealed, key, work, kept := f.sealed, f.key, f.work, f.kept
	ctx.Async(func() { f.post(ctx, sealed, key, work, kept) })
}

// post delivers a sealed report. On failure the sealed report stays, with
// a retry, a download and an email link (and nothing typed is lost), and
// goes into the outbox, which offers it again on the next visit; once it is
// delivered it leaves the outbox.
func (f *Form) post(ctx app.Context, sealed Sealed, key string, work *deliver.Work, kept bool) {
	summary, err := f.Submitter.Post(f.uploadContext(ctx), sealed, key, work)
	ctx.Dispatch(func(app.Context) { f.preparing = false })
	if err != nil {
		durable, putErr := false, error(nil)
		if !kept {
			ob := f.outbox()
			putErr = ob.Put(Pending{Key: key, Endpoint: f.Config.Endpoint.URL, Fingerprint: f.Key.Fingerprint, Created: f.now(), Sealed: sealed, Work: *work})
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
		f.summary, f.sealed, f.failure = summary, nil, ""
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
			summary, err := f.Submitter.Post(f.uploadContext(ctx), p.Sealed, p.Key, &work)
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
				f.resent = append(f.resent, summary)
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

// withProgress wraps r in a progressReader, which still checks itself when
// r does (see report.CheckedBody).
func withProgress(r io.Reader, progress func(n int64)) io.Reader {
	p := &progressReader{r: r, report: progress}
	if c, ok := r.(report.CheckedBody); ok {
		return checkedProgress{p, c.CheckedSHA256()}
	}
	return p
}

type checkedProgress struct {
	*progressReader
	sha256 string
}

func (c checkedProgress) CheckedSHA256() string { return c.sha256 }

// progressReader reports how many bytes went through, at most once per
// MiB (and at the end), so that a 100 MB video makes 100 updates.
type progressReader struct {
	r                  io.Reader
	report             func(n int64)
	pending, unyielded int64
}

// Yield lets the browser run (input, painting) before sealing goes on; the
// browser program sets it. Sealing calls it every yieldEvery bytes read, so
// the page never waits long for the sealer; it may return at once when the
// page had a turn a moment ago.
var Yield func()

const yieldEvery = 128 << 10

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.unyielded += int64(n)
	if p.unyielded >= yieldEvery && Yield != nil {
		Yield()
		p.unyielded = 0
	}
	p.pending += int64(n)
	if p.pending >= 1<<20 || err != nil && p.pending > 0 {
		p.report(p.pending)
		p.pending = 0
	}
	return n, err
}
