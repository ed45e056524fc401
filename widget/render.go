package widget

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
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
	if n, loaded := f.outboxPanel().count(); loaded {
		outbox = strconv.Itoa(n)
	}
	if sent := f.sender().uploaded; sent > 0 {
		uploaded = strconv.FormatInt(sent, 10)
	}
	return app.Div().Class("sealpost").Lang(lang).DataSet("ready", when(f.ready)).DataSet("outbox", outbox).DataSet("uploaded", uploaded).Body(
		f.renderLanguages(),
		app.H1().Text(text(lang, "heading", org)),
		app.If(len(cfg.Org.PolicySummary) > 0, func() app.UI { return app.P().Class("sp-summary").Body(said(cfg, lang, cfg.Org.PolicySummary)) }),
		app.P().Class("sp-encrypted").Text(text(lang, "encrypted", org)),
		f.renderKey(),
		app.If(f.threads(), func() app.UI {
			return app.P().Class("sp-follow-link").Body(app.A().ID("follow-link").Href("#" + FollowFragment).Text(text(lang, "follow_link", org)))
		}),
		f.renderOutbox(),
		f.renderNonSecurity(),
		f.renderPolicy(),
		app.If(f.sender().done(), f.renderReceipt).Else(f.renderForm),
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
		if f.values["reporter.credit"] == "true" {
			idControls = append(idControls, f.renderField(Field{Name: "reporter.credit_name", Kind: "text"}))
		}
	}
	submit, sealing := "submit", "sealing"
	if f.Config.EmailOnly() {
		submit, sealing = "submit_email", "sealing_email"
	}
	submit = text(lang, submit, org)
	sending := f.sender()
	if sending.busy {
		submit = text(lang, sealing, org)
	}
	if sending.busy && sending.preparing {
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
		app.Button().Type("submit").ID("sp-submit").Class("sp-submit").Disabled(sending.busy || f.Key == nil).Text(submit),
		f.renderSending(),
		app.If(sending.failed != nil, f.renderFailure),
	)
}

// renderField draws one control. Controls hold what is typed in the DOM
// and report it through their input events; the form never writes values
// back, so a re-render can never overwrite keys typed in the meantime.
func (f *Form) renderField(fl Field) app.UI {
	id, lang := controlID(fl.Name), f.Lang
	label := f.label(fl.Name)
	problem, invalid := f.problems[fl.Name]
	required := fl.Required && !(fl.Name == "targets" && f.values["category"] == "physical") // see report.Rules
	hint := f.hint(fl.Name)
	var described []string
	if fl.Kind == "targets" {
		described = append(described, id+"-format")
	}
	if hint != nil {
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
			Attr("required", when(required)).Aria("invalid", when(invalid)).Aria("describedby", describedBy).
			OnInput(f.onInput(fl.Name))
	case "select":
		control = f.renderCategories(id, required, invalid, describedBy)
	case "date":
		control = app.Span().Class("sp-when").Body(
			app.Input().Type("date").ID(id).Name(fl.Name).Attr("required", when(required)).
				Aria("invalid", when(invalid)).Aria("describedby", describedBy).OnInput(f.onInput(fl.Name)),
			app.Label().For(id+"-time").Text(text(lang, "discovered_time", "")),
			app.Input().Type("time").ID(id+"-time").Name(discoveredTime).OnInput(f.onInput(discoveredTime)),
		)
	default:
		typ := map[string]string{"email": "email"}[fl.Kind]
		if typ == "" {
			typ = "text"
		}
		control = app.Input().Type(typ).ID(id).Name(fl.Name).Attr("required", when(required)).
			Aria("invalid", when(invalid)).Aria("describedby", describedBy).OnInput(f.onInput(fl.Name))
	}
	return app.Div().Class("sp-field").Body(
		app.Label().For(id).Body(
			label,
			app.If(required, func() app.UI { return app.Span().Class("sp-required").Text(" (" + text(lang, "required", "") + ")") }),
		),
		app.If(fl.Kind == "targets", func() app.UI { return app.P().ID(id + "-format").Class("sp-hint").Text(text(lang, "targets_hint", "")) }),
		app.If(hint != nil, func() app.UI { return app.P().ID(id + "-hint").Class("sp-hint").Body(hint) }),
		control,
		app.If(fl.Kind == "select", f.renderScopeWarning),
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
// widget's (see pickerLanguages); it starts at the browser's.
func (f *Form) renderLanguages() app.UI {
	return languagePicker("sp-lang", pickerLanguages(f.Config), f.Lang, f.onLanguage)
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
