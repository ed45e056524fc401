package widget

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

// FollowFragment is the Follow view's place in the widget's page: the
// page's URL with #follow. A fragment never reaches a server and the
// prerendered page stays the same, and go-app takes a change of fragment
// as a move within the page: the form, and what was typed into it, stays
// as it is, and the browser's Back button returns to it.
const FollowFragment = "follow"

// Follow is the view in which a reporter follows a report with its reply
// code: the status the vendor gave it, the messages both sides wrote (each
// checked: decrypted with the reply key, signed by its author's key), the
// policy's promises with their dates, and a box to answer. The code never
// leaves the browser: the intake sees the thread token, in the
// Authorization header of the thread's requests only.
type Follow struct {
	app.Compo

	Config *config.Config
	// Lang is the reporter's language, one of the config's.
	Lang string
	// Key is the vendor's key, as the form loaded and pinned it: the
	// vendor's messages must be signed by it, and answers are sealed to
	// it. When nil, KeyErr says why, and nothing can be checked or answered.
	Key    *pgpkey.Key
	KeyErr error
	// HTTP sends the thread's requests (see [Platform].HTTP).
	HTTP deliver.Doer
	// Codes are the reply codes kept in this browser; nil: none.
	Codes Storage
	// BackURL is the form's URL: the page's, without #follow.
	BackURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	typed   string
	codeErr string // the text key of what is wrong with the typed code
	busy    bool
	loadErr string
	// session is the code opened; view and items its thread, as last read.
	session *followSession
	view    *thread.View
	items   []thread.Item
	// answer is what is typed in the answer box; sendErr and refused say
	// why it was not sent (refused: the intake's "too soon", with its
	// date); sent that it was.
	answer           string
	sending, sent    bool
	sendErr, refused string
	kept             []KeptCode
	// handoff is a code the receipt hands over ("Follow this report"),
	// opened at the next navigation.
	handoff thread.Code
}

// NewFollow returns the Follow view for a vendor's config in lang.
func NewFollow(cfg *config.Config, lang string) *Follow {
	return &Follow{Config: cfg, Lang: pageLanguage(cfg, lang)}
}

func (v *Follow) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// threadURL is the endpoint's thread, "" when it keeps none.
func (v *Follow) threadURL() string { return thread.URL(v.Config.Endpoint.URL) }

// OnMount lists the codes kept in this browser.
func (v *Follow) OnMount(ctx app.Context) { v.loadKept() }

// OnNav lists the kept codes again (the receipt may have kept one) and
// opens a code the receipt handed over.
func (v *Follow) OnNav(ctx app.Context) {
	v.loadKept()
	if !v.handoff.IsZero() {
		code := v.handoff.String()
		v.handoff = thread.Code{}
		v.fill(ctx, code)
		v.open(ctx, code)
	}
}

// handOff has the view open code at the next navigation (to #follow).
func (v *Follow) handOff(code thread.Code) { v.handoff = code }

func (v *Follow) loadKept() { v.kept = keptCodes(v.Codes, v.Config.Endpoint.URL) }

// fill puts a code into the code box: the box is not written by Render
// (so that a re-render never overwrites what is being typed), so this
// writes the browser's control directly.
func (v *Follow) fill(ctx app.Context, code string) {
	v.typed, v.codeErr = code, ""
	ctx.Defer(func(app.Context) {
		if el := app.Window().GetElementByID("follow-code"); el.Truthy() {
			el.Set("value", code)
		}
	})
}

func (v *Follow) onCode(ctx app.Context, e app.Event) {
	v.typed, v.codeErr = ctx.JSSrc().Get("value").String(), ""
}

func (v *Follow) onOpen(ctx app.Context, e app.Event) {
	e.PreventDefault()
	v.open(ctx, v.typed)
}

// onKept opens a code kept in this browser.
func (v *Follow) onKept(code string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v.fill(ctx, code)
		v.open(ctx, code)
	}
}

// onForget removes a kept code from this browser.
func (v *Follow) onForget(key string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if v.Codes != nil {
			v.Codes.Remove(keptPrefix + key)
		}
		v.loadKept()
	}
}

func (v *Follow) onLanguage(ctx app.Context, e app.Event) {
	if l := ctx.JSSrc().Get("value").String(); slices.Contains(report.Languages, l) {
		v.Lang = l
	}
}

// open reads the thread of the typed code: a code with a typo is caught
// before anything is sent.
func (v *Follow) open(ctx app.Context, typed string) {
	if v.busy || v.sending {
		return
	}
	code, err := thread.ParseCode(typed)
	switch {
	case errors.Is(err, thread.ErrCodeCheck):
		v.codeErr = "code_typo"
		return
	case err != nil:
		v.codeErr = "code_format"
		return
	}
	url := v.threadURL()
	if url == "" {
		return
	}
	if v.session != nil && v.session.code != code {
		// Another report: its thread must not show under this code.
		v.session, v.view, v.items = nil, nil, nil
	}
	v.busy, v.codeErr, v.loadErr, v.sendErr, v.refused, v.sent = true, "", "", "", "", false
	doer, now, vendor := v.HTTP, v.Now, v.Key
	ctx.Async(func() {
		var view *thread.View
		var items []thread.Item
		s, err := newFollowSession(code, url, doer, now)
		if err == nil {
			view, items, err = fetch(s, vendor)
		}
		ctx.Dispatch(func(app.Context) { v.show(s, view, items, err) })
	})
}

// fetch reads the thread of s and opens its messages: vendor's must be
// signed by vendor, the reporter's by the reply key. It blocks: call it
// off the UI's path.
func fetch(s *followSession, vendor *pgpkey.Key) (*thread.View, []thread.Item, error) {
	view, err := s.client.get(context.Background())
	if err != nil {
		return nil, nil, err
	}
	var signers openpgp.EntityList
	if vendor != nil {
		signers = openpgp.EntityList{vendor.Entity}
	}
	own := openpgp.EntityList{s.reply}
	return view, thread.Timeline(view, own, signers, own), nil
}

// show is what fetch read, on the UI's path.
func (v *Follow) show(s *followSession, view *thread.View, items []thread.Item, err error) {
	v.busy = false
	if err != nil {
		v.loadErr, _ = problem(v.Lang, v.Config.Org.Name, err)
		return
	}
	v.session, v.view, v.items, v.loadErr = s, view, items, ""
}

func (v *Follow) onAnswer(ctx app.Context, e app.Event) {
	v.answer = ctx.JSSrc().Get("value").String()
}

func (v *Follow) onSend(ctx app.Context, e app.Event) {
	e.PreventDefault()
	v.send(ctx)
}

// send seals the answer to the vendor's key and the reply key, signed with
// the reply key, posts it, and reads the thread again.
func (v *Follow) send(ctx app.Context) {
	lang, org := v.Lang, v.Config.Org.Name
	if v.sending || v.busy || v.session == nil || v.Key == nil {
		return
	}
	v.sendErr, v.refused, v.sent = "", "", false
	switch n := utf8.RuneCountInString(v.answer); {
	case strings.TrimSpace(v.answer) == "":
		v.sendErr = text(lang, "answer_empty", org)
		return
	case n > thread.MaxTextRunes:
		v.sendErr = textf(lang, "answer_long", org, "{n}", strconv.Itoa(thread.MaxTextRunes))
		return
	}
	s, vendor, now := v.session, v.Key, v.now()
	m := &thread.Message{Schema: thread.MessageSchema, ReportID: v.view.ReportID, From: thread.FromReporter,
		Text: v.answer, WrittenAt: now.UTC().Truncate(time.Second)}
	v.sending = true
	ctx.Async(func() {
		body, err := thread.Seal(m, []*pgpkey.Key{vendor, s.replyKey}, s.reply, seal.Options{Now: func() time.Time { return now }})
		if err == nil {
			_, err = s.client.post(context.Background(), body)
		}
		if err != nil {
			msg, refusedAt := problem(lang, org, err)
			ctx.Dispatch(func(app.Context) {
				v.sending = false
				if refusedAt.IsZero() {
					v.sendErr = msg
				} else {
					v.refused = msg
				}
			})
			return
		}
		view, items, err := fetch(s, vendor)
		ctx.Dispatch(func(ctx app.Context) {
			v.sending, v.sent, v.answer = false, true, ""
			ctx.Defer(func(app.Context) {
				if el := app.Window().GetElementByID("thread-answer"); el.Truthy() {
					el.Set("value", "")
				}
			})
			v.show(s, view, items, err)
		})
	})
}
