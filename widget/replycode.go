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
// in the page's memory: shown on the failure panel and the receipt, kept in
// localStorage only when the reporter ticks the box, and the token only
// ever sent in the Authorization header of the Follow view's requests.

// threads reports whether the vendor's endpoint keeps conversations.
func (f *Form) threads() bool { return thread.URL(f.Config.Endpoint.URL) != "" }

// makeReplyCode makes a reply code for r (crypto/rand), puts the public
// reply key into r, and returns the code and its thread token's hash. It
// derives a key pair: call it off the UI's path.
func makeReplyCode(r *report.Report) (thread.Code, string, error) {
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

// ReplyCode shows a report's reply code, what it is for, and the ways to
// keep it: copy, download, and (with Codes) keep in this browser; on the
// receipt, a way to follow the report. It owns the code and whether it is
// kept. The failure panel shows it while the report waits to be sent; the
// receipt shows the one [ReplyCode.received] makes.
type ReplyCode struct {
	app.Compo

	Lang string
	// Org is the vendor's name.
	Org string
	// Clipboard copies the code; nil: no Copy button.
	Clipboard func(text string) error
	// Codes keeps the code when the reporter asks to; nil (a frame
	// without storage of its own): not offered.
	Codes Storage
	// Follow opens the Follow view on the code; nil: no such button.
	Follow func(ctx app.Context, code thread.Code)

	code thread.Code
	// key is the sealed report's idempotency key, which the code is kept
	// under; endpoint the vendor's; reportID the report's id once it is
	// received.
	key, endpoint, reportID string
	sealedAt                time.Time
	// kept is set while the code is in Codes, keepFailed when keeping it
	// failed; copied is the text key of what copying it did.
	kept, keepFailed bool
	copied           string
}

// newReplyCode is the view of code, made for the report sealed at sealedAt
// and posted under key to endpoint.
func newReplyCode(code thread.Code, key, endpoint string, sealedAt time.Time) *ReplyCode {
	return &ReplyCode{code: code, key: key, endpoint: endpoint, sealedAt: sealedAt}
}

// received is the code on the receipt of the report, now that it has an
// id: a new component, since one component cannot be in two places and the
// receipt is mounted before the failure panel leaves; a code that was kept
// is kept again, with the id. nil when the endpoint gave no receipt of its
// own (it is not a Sealpost intake: there is no thread for the code to
// open), and the code is no longer kept.
func (c *ReplyCode) received(id string, byClient bool) *ReplyCode {
	if byClient {
		c.keep(false)
		return nil
	}
	r := newReplyCode(c.code, c.key, c.endpoint, c.sealedAt)
	r.Clipboard, r.Codes, r.Follow, r.reportID = c.Clipboard, c.Codes, c.Follow, id
	if c.kept {
		r.keep(true)
	}
	return r
}

// shortID names a report in file names: its id's first eight characters
// once it has one, else its idempotency key's.
func (c *ReplyCode) shortID() string {
	id := c.key
	if c.reportID != "" {
		id = c.reportID
	}
	return id[:min(8, len(id))]
}

// file is the code as a downloadable text file: a data: URL (a few
// hundred bytes) and its name.
func (c *ReplyCode) file() (href, name string) {
	lang, org := c.Lang, c.Org
	line := textf(lang, "code_file_unsent", org, "{date}", formatDate(lang, c.sealedAt))
	if c.reportID != "" {
		line = textf(lang, "code_file", org, "{id}", c.reportID)
	}
	body := c.code.String() + "\r\n" + line + "\r\n"
	return "data:text/plain;charset=utf-8;base64," + base64.StdEncoding.EncodeToString([]byte(body)),
		"sealpost-reply-code-" + c.shortID() + ".txt"
}

// onCopy puts the code on the clipboard.
func (c *ReplyCode) onCopy(ctx app.Context, e app.Event) {
	copyText, code := c.Clipboard, c.code.String()
	if copyText == nil || c.code.IsZero() {
		return
	}
	ctx.Async(func() {
		err := copyText(code)
		ctx.Dispatch(func(app.Context) {
			c.copied = "code_copied"
			if err != nil {
				c.copied = "code_copy_failed"
			}
		})
	})
}

func (c *ReplyCode) onKeep(ctx app.Context, e app.Event) {
	c.keep(ctx.JSSrc().Get("checked").Bool())
}

// keep keeps the code in the browser's storage, or removes it.
func (c *ReplyCode) keep(keep bool) {
	c.keepFailed = false
	if c.Codes == nil || c.code.IsZero() {
		return
	}
	if !keep {
		c.Codes.Remove(keptPrefix + c.key)
		c.kept = false
		return
	}
	err := keepCode(c.Codes, c.key, KeptCode{Code: c.code.String(), Endpoint: c.endpoint, ReportID: c.reportID, Sealed: c.sealedAt})
	c.kept, c.keepFailed = err == nil, err != nil
}

// onFollow opens the Follow view on this report's code.
func (c *ReplyCode) onFollow(ctx app.Context, e app.Event) {
	if c.Follow != nil && !c.code.IsZero() {
		c.Follow(ctx, c.code)
	}
}

// Render shows the code, what it is for, and the ways to keep it.
func (c *ReplyCode) Render() app.UI {
	lang, org := c.Lang, c.Org
	href, name := c.file()
	return app.Section().Class("sp-reply").Aria("labelledby", "reply-code-heading").Body(
		app.H3().ID("reply-code-heading").Text(text(lang, "code_heading", org)),
		app.P().ID("reply-code").Class("sp-code").Text(c.code.String()),
		app.P().Class("sp-code-about").Text(text(lang, "code_intro", org)),
		app.Div().Class("sp-actions").Body(
			app.If(c.Clipboard != nil, func() app.UI {
				return app.Button().Type("button").ID("reply-code-copy").Class("sp-submit").OnClick(c.onCopy).Text(text(lang, "code_copy", org))
			}),
			app.A().ID("reply-code-download").Href(href).Attr("download", name).Text(text(lang, "code_download", org)),
		),
		app.P().Class("sp-hint").Role("status").Body(app.If(c.copied != "", func() app.UI { return app.Text(text(lang, c.copied, org)) })),
		app.If(c.Codes != nil, func() app.UI {
			return app.Div().Class("sp-field sp-check").Body(
				app.Input().Type("checkbox").ID("reply-code-keep").Checked(c.kept).Aria("describedby", "reply-code-keep-hint").OnChange(c.onKeep),
				app.Label().For("reply-code-keep").Text(text(lang, "code_keep", org)),
				app.P().ID("reply-code-keep-hint").Class("sp-hint").Text(text(lang, "code_keep_hint", org)),
				app.If(c.keepFailed, func() app.UI {
					return app.P().Class("sp-error").Role("alert").Text(text(lang, "code_keep_failed", org))
				}),
			)
		}),
		app.If(c.reportID != "" && c.Follow != nil, func() app.UI {
			return app.P().Body(app.Button().Type("button").ID("follow-open").Class("sp-submit").OnClick(c.onFollow).Text(text(lang, "follow_open", org)))
		}),
	)
}
