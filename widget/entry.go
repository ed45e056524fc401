package widget

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/report"
)

// label is a field's label: the vendor's in the form's language, else the
// widget's own.
func (f *Form) label(field string) app.UI {
	if l, ok := f.Config.Labels(f.Lang)[field]; ok {
		return app.Text(l)
	}
	return app.Text(report.FieldLabel(f.Lang, field))
}

// hint is the vendor's hint for a field, in the form's language or else
// in the vendor's, marked (see said); nil when the vendor gave none.
func (f *Form) hint(field string) app.UI {
	t := config.Text{}
	for lang, byField := range f.Config.Fields.Hints {
		if h, ok := byField[field]; ok {
			t[lang] = h
		}
	}
	if len(t) == 0 {
		return nil
	}
	return said(f.Config, f.Lang, t)
}

// renderCategories is the category menu, each category named in the
// form's language; the first option, "Choose a category", is no category.
// go-app leaves out empty attributes, so that option has no value=""
// and the browser would give its text as the value: the menu is read by
// index instead (see categoryAt).
func (f *Form) renderCategories(id string, required, invalid bool, describedBy string) app.UI {
	lang := f.Lang
	options := []app.UI{app.Option().Value("").Text(text(lang, "category_choose", ""))}
	for _, c := range report.Categories {
		options = append(options, app.Option().Value(c).Text(text(lang, "category_"+c, "")))
	}
	return app.Select().ID(id).Name("category").Attr("required", when(required)).Aria("invalid", when(invalid)).
		Aria("describedby", describedBy).OnChange(f.onCategory).Body(options...)
}

func (f *Form) onCategory(ctx app.Context, e app.Event) {
	f.set("category", categoryAt(ctx.JSSrc().Get("selectedIndex").Int()))
}

// categoryAt is the category of the menu's option i: none for the first.
func categoryAt(i int) string {
	if i < 1 || i > len(report.Categories) {
		return ""
	}
	return report.Categories[i-1]
}

// renderScopeWarning says, under the category menu, that the policy puts
// the chosen category out of scope. The report can still be sent: the
// policy forbids testing this way, not telling the vendor what was seen.
func (f *Form) renderScopeWarning() app.UI {
	c := f.values["category"]
	if c == "" || !slices.Contains(f.Config.OutOfScopeCategories, c) {
		return app.P().ID("sp-scope-warning").Class("sp-scope").Role("status")
	}
	return app.P().ID("sp-scope-warning").Class("sp-scope sp-warning").Role("status").
		Text(textf(f.Lang, "out_of_scope_category", f.Config.Org.Name, "{category}", text(f.Lang, "category_"+c, "")))
}
