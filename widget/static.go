package widget

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/report"
)

// StaticID is the id of the static form: plain HTML in the widget's page,
// visible and typeable as soon as the page is, while app.wasm (15 MB)
// downloads and starts. The form itself takes over what was typed there
// when it mounts (see adoptStatic) and removes it.
const StaticID = "sp-static"

// staticFields are the fields the static form offers: the two every
// vendor's form shows in practice, and where a researcher starts.
var staticFields = []string{"targets", "description"}

// StaticForm is the static form's HTML, written into the page by the site
// generator (wasm/). Its controls have ids, not names: the form cannot be
// submitted (its button is disabled, and unnamed controls send nothing),
// and the browser checks what is required as it is typed.
//
// It is in every language of the widget at once, each word in a span with
// its lang; lang.js, run in the page's head before the body is drawn,
// names the reader's language on the html element (data-lang) and the
// stylesheet shows only the spans in it (English when it cannot tell).
func StaticForm() string {
	var fields []app.UI
	for _, name := range staticFields {
		id := controlID(name)
		rows := 6
		var format app.UI = app.Text("")
		described := ""
		if name == "targets" {
			rows, described = 3, id+"-format"
			format = app.P().ID(described).Class("sp-hint").Body(inEvery(func(l string) string { return text(l, "targets_hint", "") })...)
		}
		fields = append(fields, app.Div().Class("sp-field").Body(
			app.Label().For(id).Body(
				app.Span().Body(inEvery(func(l string) string { return report.FieldLabel(l, name) })...),
				app.Span().Class("sp-required").Body(inEvery(func(l string) string { return " (" + text(l, "required", "") + ")" })...),
			),
			format,
			app.Textarea().ID(id).DataSet("field", name).Rows(rows).Required(true).Aria("describedby", described),
		))
	}
	say := func(key string) []app.UI { return inEvery(func(l string) string { return text(l, key, "") }) }
	return app.HTMLString(app.Div().ID(StaticID).Class("sealpost").Body(
		app.Form().Class("sp-form").Body(
			// Shown instead of the rest on the Follow view's URL (#follow,
			// see the stylesheet): no report is asked for there.
			app.P().ID(FollowFragment).Class("sp-follow-loading").Role("status").Body(say("static_follow_loading")...),
			app.P().Class("sp-loading").Role("status").Body(say("static_loading")...),
			app.P().Class("sp-alert sp-load-failed").Role("alert").Body(say("static_load_failed")...),
			app.Range(fields).Slice(func(i int) app.UI { return fields[i] }),
			app.Button().Type("submit").Class("sp-submit").Disabled(true).Body(say("static_preparing")...),
		),
	))
}

// inEvery is a text in every language of the widget, one span each (see
// StaticForm).
func inEvery(say func(lang string) string) []app.UI {
	out := make([]app.UI, len(report.Languages))
	for i, l := range report.Languages {
		out[i] = app.Span().Lang(l).DataSet("l", l).Text(say(l))
	}
	return out
}

// foldInto are the fields, in order of preference, that take the text of
// a static field the vendor's form does not show, so that nothing typed is
// lost.
var foldInto = []string{"description", "steps", "expected", "impact"}

// adoptStatic moves what was typed into the static form, and the focus and
// selection, into the form, then removes the static form. It runs in
// OnMount, in one turn of the event loop: no key can fall between the two.
func (f *Form) adoptStatic(root app.Value) {
	doc := app.Window().Get("document")
	static := doc.Call("getElementById", StaticID)
	if !static.Truthy() {
		return
	}
	control := func(name string) app.Value {
		c := root.Call("querySelector", "#"+controlID(name))
		if !c.Truthy() {
			return nil
		}
		return c
	}
	active := doc.Get("activeElement")
	var focus app.Value
	var selStart, selEnd app.Value
	var folded []string
	for _, name := range staticFields {
		el := static.Call("querySelector", "#"+controlID(name))
		if !el.Truthy() {
			continue
		}
		value := el.Get("value").String()
		c := control(name)
		if c == nil {
			if strings.TrimSpace(value) != "" {
				folded = append(folded, report.FieldLabel(f.Lang, name)+":\n"+value)
			}
			continue
		}
		if value != "" {
			c.Set("value", value)
			f.set(name, value)
		}
		if active.Truthy() && active.Equal(el) {
			focus, selStart, selEnd = c, el.Get("selectionStart"), el.Get("selectionEnd")
		}
	}
	if len(folded) > 0 {
		for _, name := range foldInto {
			if c := control(name); c != nil {
				value := strings.Join(append([]string{c.Get("value").String()}, folded...), "\n\n")
				c.Set("value", strings.TrimLeft(value, "\n"))
				f.set(name, c.Get("value").String())
				folded = nil
				break
			}
		}
	}
	if len(folded) > 0 {
		// Nowhere to put it: the static form stays, with its text, below
		// the form.
		static.Call("setAttribute", "data-kept", "true")
		return
	}
	static.Call("remove")
	if focus != nil {
		focus.Call("focus")
		focus.Call("setSelectionRange", selStart, selEnd)
	}
}
