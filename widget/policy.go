package widget

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
)

// renderKey says which key the report is sealed to, or why there is none.
func (f *Form) renderKey() app.UI {
	lang := f.Lang
	if f.Key == nil {
		if f.KeyErr == nil {
			return app.P().Class("sp-key")
		}
		o := f.Config.Org
		return app.Div().Class("sp-alert").Role("alert").Body(
			explain(lang, o.Name, "key", f.KeyErr),
			app.If(o.SecurityEmail != "" || o.ContactURL != "", func() app.UI {
				return app.P().Body(
					app.Text(text(lang, "other_contacts", o.Name)+" "),
					app.If(o.SecurityEmail != "", func() app.UI { return app.A().Href("mailto:" + o.SecurityEmail).Text(o.SecurityEmail) }),
					app.If(o.SecurityEmail != "" && o.ContactURL != "", func() app.UI { return app.Text(" · ") }),
					app.If(o.ContactURL != "", func() app.UI { return app.A().Href(o.ContactURL).Rel("noopener noreferrer").Text(o.ContactURL) }),
				)
			}),
		)
	}
	facts := text(lang, "key", "") + " " + f.Key.Fingerprint
	if !f.Key.Expires.IsZero() {
		facts += " (" + text(lang, "key_expires", "") + " " + f.Key.Expires.Format(time.DateOnly) + ")"
	}
	return app.P().Class("sp-key").Text(facts)
}

// renderNonSecurity routes questions that are not security issues.
func (f *Form) renderNonSecurity() app.UI {
	ns := f.Config.NonSecurity
	if ns == nil {
		return app.Text("")
	}
	return app.Details().Class("sp-routing").Body(
		app.Summary().Text(text(f.Lang, "not_security", "")),
		app.If(len(ns.Text) > 0, func() app.UI { return app.P().Body(said(f.Config, f.Lang, ns.Text)) }),
		app.Ul().Body(app.Range(ns.Contacts).Slice(func(i int) app.UI {
			c := ns.Contacts[i]
			return app.Li().Body(app.A().Href(c.URL).Rel("noopener noreferrer").Body(said(f.Config, f.Lang, c.Label)))
		})),
	)
}

// renderPolicy is the vendor's policy: what it asks, what is out of scope,
// what happens next (the promises, then the bounty notes), the law; with
// the note that the texts are a translation when they are.
func (f *Form) renderPolicy() app.UI {
	cfg, lang, org := f.Config, f.Lang, f.Config.Org.Name
	list := func(heading string, items []app.UI) app.UI {
		if len(items) == 0 {
			return app.Text("")
		}
		return app.Section().Body(
			app.H2().Text(heading),
			app.Ul().Body(app.Range(items).Slice(func(i int) app.UI { return app.Li().Body(items[i]) })),
		)
	}
	vendor := func(texts []config.Text) []app.UI {
		out := make([]app.UI, len(texts))
		for i, t := range texts {
			out[i] = said(cfg, lang, t)
		}
		return out
	}
	var next []app.UI
	for _, p := range promisesSaying(lang, cfg, len(cfg.Bounty.Notes) == 0) {
		next = append(next, app.Text(p))
	}
	if len(cfg.Bounty.Notes) > 0 {
		next = append(next, said(cfg, lang, cfg.Bounty.Notes))
	}
	return app.Div().Class("sp-policy").Body(
		app.If(cfg.Translated[lang] != "", func() app.UI { return app.P().Class("sp-translated").Text(cfg.Translated[lang]) }),
		list(text(lang, "we_ask", org), vendor(cfg.Guidelines)),
		list(text(lang, "out_of_scope", org), vendor(cfg.OutOfScope)),
		list(text(lang, "promises", org), next),
		app.If(len(cfg.Org.LegalNotice) > 0 || cfg.Org.LegalURL != "", func() app.UI {
			return app.Section().Body(
				app.H2().Text(text(lang, "legal", org)),
				app.If(len(cfg.Org.LegalNotice) > 0, func() app.UI { return app.P().Body(said(cfg, lang, cfg.Org.LegalNotice)) }),
				app.If(cfg.Org.LegalURL != "", func() app.UI {
					return app.P().Body(app.A().Href(cfg.Org.LegalURL).Rel("noopener noreferrer").Target("_blank").Text(text(lang, "legal_link", org)))
				}),
			)
		}),
	)
}
