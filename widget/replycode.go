package widget

import (
	"encoding/base64"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/thread"
)

// The reply code (core/thread): made when a report is sealed, for an
// endpoint that is a Sealpost intake's (thread.URL finds its /thread). The
// report carries the public half of the reply key; the post carries the
// thread token's hash (Sealpost-Thread). The code itself and the token stay
// in the form's memory: shown on the receipt and the failure panel, kept in
// localStorage only when the reporter ticks the box, and the token only
// ever sent in the Authorization header of the Follow view's requests.

// threads reports whether the vendor's endpoint keeps conversations.
func (f *Form) threads() bool { return thread.URL(f.Config.Endpoint.URL) != "" }

// newReplyCode makes a reply code for r (crypto/rand), puts the public
// reply key into r, and returns the code and its thread token's hash. It
// derives a key pair: call it off the UI's path.
func newReplyCode(r *report.Report) (thread.Code, string, error) {
	code, err := thread.NewCode(nil)
	if err != nil {
		return thread.Code{}, "", err
	}
	pub, err := code.ReplyPublicKey()
	if err != nil {
		return thread.Code{}, "", err
	}
	r.ReplyKey = pub
	return code, thread.TokenHash(code.Token()), nil
}

// shortID names a report in file names: its id's first eight characters
// once it has one, else its idempotency key's.
func (f *Form) shortID() string {
	id := f.key
	if f.summary != nil && f.summary.ReportID != "" {
		id = f.summary.ReportID
	}
	return id[:min(8, len(id))]
}

// codeFile is the reply code as a downloadable text file: a data: URL (a
// few hundred bytes) and its name.
func (f *Form) codeFile() (href, name string) {
	lang, org := f.Lang, f.Config.Org.Name
	line := textf(lang, "code_file_unsent", org, "{date}", formatDate(lang, f.sealedAt))
	if f.summary != nil {
		line = textf(lang, "code_file", org, "{id}", f.summary.ReportID)
	}
	body := f.code.String() + "\r\n" + line + "\r\n"
	return "data:text/plain;charset=utf-8;base64," + base64.StdEncoding.EncodeToString([]byte(body)),
		"sealpost-reply-code-" + f.shortID() + ".txt"
}

// onCopyCode puts the code on the clipboard.
func (f *Form) onCopyCode(ctx app.Context, e app.Event) {
	copyText, code := f.Clipboard, f.code.String()
	if copyText == nil || code == "" {
		return
	}
	ctx.Async(func() {
		err := copyText(code)
		ctx.Dispatch(func(app.Context) {
			f.copied = "code_copied"
			if err != nil {
				f.copied = "code_copy_failed"
			}
		})
	})
}

func (f *Form) onKeepCode(ctx app.Context, e app.Event) {
	f.keepCode(ctx.JSSrc().Get("checked").Bool())
}

// keepCode keeps the code in the browser's storage, or removes it.
func (f *Form) keepCode(keep bool) {
	f.keepFailed = false
	if f.Codes == nil || f.code.IsZero() {
		return
	}
	if !keep {
		f.Codes.Remove(keptPrefix + f.key)
		f.codeKept = false
		return
	}
	k := KeptCode{Code: f.code.String(), Endpoint: f.Config.Endpoint.URL, Sealed: f.sealedAt}
	if f.summary != nil {
		k.ReportID = f.summary.ReportID
	}
	err := keepCode(f.Codes, f.key, k)
	f.codeKept, f.keepFailed = err == nil, err != nil
}

// onFollowReport opens the Follow view on this report's code.
func (f *Form) onFollowReport(ctx app.Context, e app.Event) {
	if f.Follow != nil && !f.code.IsZero() {
		f.Follow(ctx, f.code)
	}
}

// renderReplyCode shows the reply code, what it is for, and the ways to
// keep it; on the receipt, a way to follow the report.
func (f *Form) renderReplyCode() app.UI {
	lang, org := f.Lang, f.Config.Org.Name
	href, name := f.codeFile()
	return app.Section().Class("sp-reply").Aria("labelledby", "reply-code-heading").Body(
		app.H3().ID("reply-code-heading").Text(text(lang, "code_heading", org)),
		app.P().ID("reply-code").Class("sp-code").Text(f.code.String()),
		app.P().Class("sp-code-about").Text(text(lang, "code_intro", org)),
		app.Div().Class("sp-actions").Body(
			app.If(f.Clipboard != nil, func() app.UI {
				return app.Button().Type("button").ID("reply-code-copy").Class("sp-submit").OnClick(f.onCopyCode).Text(text(lang, "code_copy", org))
			}),
			app.A().ID("reply-code-download").Href(href).Attr("download", name).Text(text(lang, "code_download", org)),
		),
		app.P().Class("sp-hint").Role("status").Body(app.If(f.copied != "", func() app.UI { return app.Text(text(lang, f.copied, org)) })),
		app.If(f.Codes != nil, func() app.UI {
			return app.Div().Class("sp-field sp-check").Body(
				app.Input().Type("checkbox").ID("reply-code-keep").Checked(f.codeKept).Aria("describedby", "reply-code-keep-hint").OnChange(f.onKeepCode),
				app.Label().For("reply-code-keep").Text(text(lang, "code_keep", org)),
				app.P().ID("reply-code-keep-hint").Class("sp-hint").Text(text(lang, "code_keep_hint", org)),
				app.If(f.keepFailed, func() app.UI {
					return app.P().Class("sp-error").Role("alert").Text(text(lang, "code_keep_failed", org))
				}),
			)
		}),
		app.If(f.summary != nil && f.Follow != nil, func() app.UI {
			return app.P().Body(app.Button().Type("button").ID("follow-open").Class("sp-submit").OnClick(f.onFollowReport).Text(text(lang, "follow_open", org)))
		}),
	)
}

// sealedNow is the time a report is sealed, as kept with its code.
func (f *Form) sealedNow() time.Time { return f.now().UTC().Truncate(time.Second) }
