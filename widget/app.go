package widget

import (
	"context"
	"errors"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/thread"
)

// App is the page the widget's iframe shows: it loads the vendor's config
// (the page URL's "config" parameter, relative to the page; config.json by
// default; only what the build's [Lock] allows) and key, then shows the
// [Form], or the [Follow] view when the page's URL ends in #follow
// ([FollowFragment]).
//
// Both views stay in the page once loaded, the one not shown hidden: the
// form's controls hold what was typed (the form never writes them back),
// and a view taken out of the page would lose it.
type App struct {
	app.Compo

	// Host is told when a report is submitted; nil means nobody.
	Host Host
	// Lock is what the build fixes about the config (see wasm/).
	Lock Lock
	// Platform is the browser's services, handed down to the views; nil
	// means the zero Platform, with which the form cannot load (no HTTP).
	Platform *Platform

	form      *Form
	follow    *Follow
	following bool
	loading   bool
	// err is why no form can be shown; refused, when set, the text key of
	// why the build refused the config (lock, signature), said in the
	// browser's language, and err then nil unless its details may be
	// shown.
	err     error
	refused string
	lang    string
}

// OnNav shows the view the URL names, and loads the vendor when the page
// opens.
func (a *App) OnNav(ctx app.Context) {
	page := ctx.Page().URL()
	a.show(page.Fragment == FollowFragment)
	if a.form != nil || a.loading || !app.IsClient {
		return
	}
	a.loading = true
	p := a.Platform.orDefault()
	p.mark("sealpost:nav")
	lang := browserLanguages()
	a.lang = pageLanguage(&config.Config{}, lang...)
	lock := a.Lock
	ctx.Async(func() {
		v, err := lock.Load(withMark(context.Background(), p), p.HTTP, page, time.Now)
		p.mark("sealpost:vendor-loaded")
		ctx.Dispatch(func(ctx app.Context) {
			a.loading = false
			if err != nil {
				a.refuse(err, lang)
				return
			}
			a.form, a.follow = a.views(v, lang)
		})
	})
}

// refuse shows why no form can be shown. A config the build's lock
// refuses is never named, nor anything from it.
func (a *App) refuse(err error, langs []string) {
	a.err = err
	a.lang = pageLanguage(&config.Config{}, langs...)
	switch {
	case errors.Is(err, ErrLocked):
		a.refused, a.err = "refused_locked", nil
	case errors.Is(err, ErrUnsigned):
		a.refused, a.err = "refused_unsigned", nil
	case errors.Is(err, config.ErrSignature):
		a.refused = "refused_signature"
	}
}

// show switches to the Follow view or to the form; the view shown takes
// the language chosen in the other. (Each view's OnNav, which follows this
// one, renders it again.)
func (a *App) show(following bool) {
	if a.form != nil && following != a.following {
		if following {
			a.follow.Lang = a.form.Lang
		} else {
			a.form.setLanguage(a.follow.Lang)
		}
	}
	a.following = following
}

// views are the form and the Follow view for a vendor, wired to the
// browser's services.
func (a *App) views(v *Vendor, langs []string) (*Form, *Follow) {
	p := a.Platform.orDefault()
	f := NewForm(v.Config, "")
	f.Lang = pageLanguage(v.Config, langs...)
	f.Key, f.KeyErr = v.Key, v.KeyErr
	f.Host, f.Platform = a.Host, p
	if v.Key != nil {
		s := &CoreSubmitter{Config: v.Config, Keys: []*pgpkey.Key{v.Key}, Platform: p}
		if !v.Config.EmailOnly() {
			s.Client = &deliver.Client{Endpoint: v.Config.Endpoint.URL, Format: v.Config.Format(), HTTP: p.HTTP,
				Challenge: deliver.ChallengeURL(v.Config.Endpoint.URL)}
		}
		f.Submitter = s
	}
	f.Clipboard, f.Codes = p.Clipboard, p.CodeStore
	follow := &Follow{Config: v.Config, Lang: f.Lang, Key: v.Key, KeyErr: v.KeyErr, HTTP: p.HTTP, Codes: p.CodeStore}
	if f.threads() {
		f.Follow = a.openFollow
	}
	return f, follow
}

// openFollow shows the Follow view opened on code: the receipt's "Follow
// this report". The code goes from view to view in memory, never in the
// URL.
func (a *App) openFollow(ctx app.Context, code thread.Code) {
	a.follow.handOff(code)
	to := *ctx.Page().URL()
	to.Fragment = FollowFragment
	ctx.NavigateTo(&to)
}

// Render shows the views, or what keeps them from showing.
func (a *App) Render() app.UI {
	switch {
	case a.form != nil:
		return app.Div().Class("sp-views").Body(
			app.Div().Class("sp-view").Attr("hidden", when(a.following)).Body(a.form),
			app.Div().Class("sp-view").Attr("hidden", when(!a.following)).Body(a.follow),
		)
	case a.refused != "":
		return app.Div().Class("sealpost").Lang(a.lang).Body(app.Div().ID("sp-refused").Class("sp-alert").Role("alert").Body(
			app.P().Text(text(a.lang, a.refused, "")),
			app.If(a.err != nil, func() app.UI { return explain(a.lang, "", "config", a.err) }),
		))
	case a.err != nil:
		return app.Div().Class("sealpost").Lang(a.lang).Body(app.Div().Class("sp-alert").Role("alert").Body(explain(a.lang, "", "config", a.err)))
	}
	return app.Div().Class("sealpost").Lang(a.lang).Body(app.P().Class("sp-loading").Text(text(a.lang, "loading_form", "")))
}
