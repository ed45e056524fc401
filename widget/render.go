package widget

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/report"
)

// Render draws the form, or the receipt once the report is sent. All user
// and vendor text goes through app.Text: it is never taken for HTML.
func (f *Form) Render() app.UI {
	cfg, lang := f.Config, f.Lang
	org := cfg.Org.Name
	// data-outbox (reports offered) and data-uploaded (bytes the last post
	// sent, as the upload's progress said) tell scripts and tests what the
	// form did.
	outbox, uploaded := "", ""
	if f.outboxLoaded {
		outbox = strconv.Itoa(len(f.pending))
	}
	if f.uploaded > 0 {
		uploaded = strconv.FormatInt(f.uploaded, 10)
	}
	return app.Div().Class("sealpost").Lang(lang).DataSet("ready", when(f.ready)).DataSet("outbox", outbox).DataSet("uploaded", uploaded).Body(
		f.renderLanguages(),
		app.H1().Text(text(lang, "heading", org)),
		app.If(cfg.Org.PolicySummary != "", func() app.UI { return app.P().Class("sp-summary").Text(cfg.Org.PolicySummary) }),
		app.P().Class("sp-encrypted").Text(text(lang, "encrypted", org)),
		f.renderKey(),
		app.If(f.threads(), func() app.UI {
			return app.P().Class("sp-follow-link").Body(app.A().ID("follow-link").Href("#" + FollowFragment).Text(text(lang, "follow_link", org)))
		}),
		app.Div().Class("sp-outbox-slot").Body(app.If(len(f.pending) > 0 || len(f.resent) > 0 || f.outboxFail != "", f.renderOutbox)),
		f.renderNonSecurity(),
		f.renderPolicy(),
		app.If(f.summary != nil, f.renderReceipt).Else(f.renderForm),
	)
}

func (f *Form) renderKey() app.UI {
	lang := f.Lang
	if f.Key == nil {
		if f.KeyErr == nil {
			return app.P().Class("sp-key")
		}
		o := f.Config.Org
		return app.Div().Class("sp-alert").Role("alert").Body(
			app.P().Text(f.KeyErr.Error()),
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

func (f *Form) renderNonSecurity() app.UI {
	ns := f.Config.NonSecurity
	if ns == nil {
		return app.Text("")
	}
	return app.Details().Class("sp-routing").Body(
		app.Summary().Text(text(f.Lang, "not_security", "")),
		app.If(ns.Text != "", func() app.UI { return app.P().Text(ns.Text) }),
		app.Ul().Body(app.Range(ns.Contacts).Slice(func(i int) app.UI {
			c := ns.Contacts[i]
			return app.Li().Body(app.A().Href(c.URL).Rel("noopener noreferrer").Text(c.Label))
		})),
	)
}

func (f *Form) renderPolicy() app.UI {
	cfg, lang, org := f.Config, f.Lang, f.Config.Org.Name
	list := func(heading string, items []string) app.UI {
		if len(items) == 0 {
			return app.Text("")
		}
		return app.Section().Body(
			app.H2().Text(heading),
			app.Ul().Body(app.Range(items).Slice(func(i int) app.UI { return app.Li().Text(items[i]) })),
		)
	}
	return app.Div().Class("sp-policy").Body(
		list(text(lang, "we_ask", org), cfg.Guidelines),
		list(text(lang, "out_of_scope", org), cfg.OutOfScope),
		list(text(lang, "promises", org), promises(lang, cfg)),
		app.If(cfg.Org.LegalNotice != "" || cfg.Org.LegalURL != "", func() app.UI {
			return app.Section().Body(
				app.H2().Text(text(lang, "legal", org)),
				app.If(cfg.Org.LegalNotice != "", func() app.UI { return app.P().Text(cfg.Org.LegalNotice) }),
				app.If(cfg.Org.LegalURL != "", func() app.UI {
					return app.P().Body(app.A().Href(cfg.Org.LegalURL).Rel("noopener noreferrer").Target("_blank").Text(text(lang, "legal_link", org)))
				}),
			)
		}),
	)
}

func (f *Form) renderForm() app.UI {
	lang, org := f.Lang, f.Config.Org.Name
	fields := Fields(f.Config)
	var about, identity []Field
	for _, fl := range fields {
		if len(fl.Name) > 9 && fl.Name[:9] == "reporter." {
			identity = append(identity, fl)
		} else {
			about = append(about, fl)
		}
	}
	var controls []app.UI
	for _, fl := range about {
		controls = append(controls, f.renderField(fl))
	}
	var idControls []app.UI
	for _, fl := range identity {
		idControls = append(idControls, f.renderField(fl))
	}
	if f.Config.Credit.Offered {
		idControls = append(idControls, f.renderCheckbox("reporter.credit", text(lang, "credit", org)))
	}
	submit, sealing := "submit", "sealing"
	if f.Config.EmailOnly() {
		submit, sealing = "submit_email", "sealing_email"
	}
	submit = text(lang, submit, org)
	if f.sending {
		submit = text(lang, sealing, org)
	}
	if f.sending && f.preparing {
		submit = text(lang, "preparing", org)
	}
	// The alert's container is always there, so that the form's children
	// keep their places: go-app replaces, not moves, elements whose index
	// changes, and a replaced control would lose the focus.
	return app.Form().Class("sp-form").NoValidate(true).OnSubmit(f.onSubmit).Body(
		app.Div().Class("sp-alert-slot").Body(
			app.If(len(f.problems) > 0, func() app.UI {
				return app.P().Class("sp-alert").Role("alert").Text(text(lang, "fix", org))
			}),
		),
		app.Range(controls).Slice(func(i int) app.UI { return controls[i] }),
		app.If(f.Config.Attachments.MaxCount > 0, f.renderAttachments),
		app.If(len(idControls) > 0, func() app.UI {
			return app.FieldSet().Body(
				app.Legend().Text(text(lang, "identity", org)),
				app.Range(idControls).Slice(func(i int) app.UI { return idControls[i] }),
			)
		}),
		app.If(f.Config.Org.PolicyURL != "", func() app.UI {
			return app.P().Class("sp-policy-link").Body(
				app.A().Href(f.Config.Org.PolicyURL).Rel("noopener noreferrer").Target("_blank").Text(text(lang, "policy_link", org)))
		}),
		f.renderCheckbox("policy_accepted", text(lang, "accept", org)),
		app.Button().Type("submit").ID("sp-submit").Class("sp-submit").Disabled(f.sending || f.Key == nil).Text(submit),
		app.Div().Class("sp-progress-slot").Body(
			app.If(f.sending && f.total > 0, func() app.UI {
				return app.Progress().ID("sp-progress").Max(f.total).Value(min(f.progress, f.total)).
					Aria("label", text(lang, "sealing", org))
			}),
			app.If(f.sending && f.upload > 0, func() app.UI {
				return app.Progress().ID("sp-upload").Max(f.upload).Value(min(f.uploaded, f.upload)).
					Aria("label", text(lang, "uploading", org))
			}),
		),
		app.If(f.failure != "", f.renderFailure),
	)
}

// renderField draws one control. Controls hold what is typed in the DOM
// and report it through their input events; the form never writes values
// back, so a re-render can never overwrite keys typed in the meantime.
func (f *Form) renderField(fl Field) app.UI {
	id, lang := controlID(fl.Name), f.Lang
	labelText := report.FieldLabel(lang, fl.Name)
	if l, ok := f.Config.Labels(lang)[fl.Name]; ok {
		labelText = l
	}
	problem, invalid := f.problems[fl.Name]
	hint := f.Config.Fields.Hints[lang][fl.Name]
	if hint == "" {
		hint = f.Config.Fields.Hints["en"][fl.Name]
	}
	var described []string
	if fl.Kind == "targets" {
		described = append(described, id+"-format")
	}
	if hint != "" {
		described = append(described, id+"-hint")
	}
	if invalid {
		described = append(described, errorID(fl.Name))
	}
	describedBy := strings.Join(described, " ")
	var control app.UI
	switch fl.Kind {
	case "textarea", "targets":
		control = app.Textarea().ID(id).Name(fl.Name).Rows(map[bool]int{true: 3, false: 6}[fl.Kind == "targets"]).
			Attr("required", when(fl.Required)).Aria("invalid", when(invalid)).Aria("describedby", describedBy).
			OnInput(f.onInput(fl.Name))
	case "select":
		options := []app.UI{app.Option().Value("").Text("—")}
		for _, c := range report.Categories {
			options = append(options, app.Option().Value(c).Text(c))
		}
		control = app.Select().ID(id).Name(fl.Name).Attr("required", when(fl.Required)).Aria("invalid", when(invalid)).
			Aria("describedby", describedBy).OnChange(f.onInput(fl.Name)).Body(options...)
	default:
		typ := map[string]string{"datetime": "datetime-local", "email": "email"}[fl.Kind]
		if typ == "" {
			typ = "text"
		}
		control = app.Input().Type(typ).ID(id).Name(fl.Name).Attr("required", when(fl.Required)).
			Aria("invalid", when(invalid)).Aria("describedby", describedBy).OnInput(f.onInput(fl.Name))
	}
	return app.Div().Class("sp-field").Body(
		app.Label().For(id).Body(
			app.Text(labelText),
			app.If(fl.Required, func() app.UI { return app.Span().Class("sp-required").Text(" (" + text(lang, "required", "") + ")") }),
		),
		app.If(fl.Kind == "targets", func() app.UI { return app.P().ID(id + "-format").Class("sp-hint").Text(text(lang, "targets_hint", "")) }),
		app.If(hint != "", func() app.UI { return app.P().ID(id + "-hint").Class("sp-hint").Text(hint) }),
		control,
		app.If(invalid, func() app.UI { return app.P().ID(errorID(fl.Name)).Class("sp-error").Text(problem.Message) }),
	)
}

func (f *Form) renderCheckbox(field, label string) app.UI {
	id := controlID(field)
	problem, invalid := f.problems[field]
	describedBy := ""
	if invalid {
		describedBy = errorID(field)
	}
	return app.Div().Class("sp-field sp-check").Body(
		app.Input().Type("checkbox").ID(id).Name(field).Value("true").
			Aria("invalid", when(invalid)).Aria("describedby", describedBy).OnChange(f.onCheck(field)),
		app.Label().For(id).Text(label),
		app.If(invalid, func() app.UI { return app.P().ID(errorID(field)).Class("sp-error").Text(problem.Message) }),
	)
}

// when is "true" when cond holds and "" (no attribute at all) otherwise.
// go-app renders a boolean attribute set to false as attribute="false",
// which HTML reads as true (required="false" is required), so attributes
// are left out instead.
func when(cond bool) string {
	if cond {
		return "true"
	}
	return ""
}

// languageNames name each language in itself.
var languageNames = map[string]string{"en": "English", "nl": "Nederlands", "fr": "Français", "de": "Deutsch", "es": "Español"}

// renderLanguages lets the reporter change the language, among the
// config's; it starts at the browser's.
func (f *Form) renderLanguages() app.UI {
	return languagePicker("sp-lang", f.Config.Languages, f.Lang, f.onLanguage)
}

// languagePicker is the language menu of a view (the form, the Follow view).
func languagePicker(id string, langs []string, current string, onChange app.EventHandler) app.UI {
	if len(langs) < 2 {
		return app.Div().Class("sp-langs")
	}
	options := make([]app.UI, len(langs))
	for i, l := range langs {
		options[i] = app.Option().Value(l).Attr("selected", when(l == current)).Text(languageNames[l])
	}
	return app.Div().Class("sp-langs").Body(
		app.Select().ID(id).Aria("label", "Language / Taal / Langue / Sprache / Idioma").
			OnChange(onChange).Body(options...),
	)
}
