package widget

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/thread"
)

// Render draws the Follow view. Everything that came from the intake or a
// message is shown through app.Text: never taken for HTML.
func (v *Follow) Render() app.UI {
	lang, org := v.Lang, v.Config.Org.Name
	return app.Div().Class("sealpost sp-follow").Lang(lang).DataSet("busy", when(v.busy || v.sending)).Body(
		languagePicker("follow-lang", pickerLanguages(v.Config), lang, v.onLanguage),
		app.H1().Text(text(lang, "follow_heading", org)),
		// "#": the page without its fragment, which is the form.
		app.P().Class("sp-follow-link").Body(app.A().ID("follow-back").Href("#").Text(text(lang, "follow_back", org))),
		app.If(v.threadURL() == "", func() app.UI {
			return app.P().ID("follow-unavailable").Text(text(lang, "follow_unavailable", org))
		}).Else(func() app.UI {
			return app.Div().Body(v.renderKeyProblem(), v.renderCodeBox(), v.renderKept(), app.If(v.view != nil, v.renderThread))
		}),
	)
}

func (v *Follow) renderKeyProblem() app.UI {
	if v.Key != nil {
		return app.Text("")
	}
	lang, org := v.Lang, v.Config.Org.Name
	return app.Div().Class("sp-alert").Role("alert").Body(
		app.If(v.KeyErr != nil, func() app.UI { return explain(lang, org, "key", v.KeyErr) }),
		app.P().Text(text(lang, "follow_no_key", org)),
	)
}

// renderCodeBox asks for the reply code. The box is never written by
// Render: what is typed stays as it is typed.
func (v *Follow) renderCodeBox() app.UI {
	lang, org := v.Lang, v.Config.Org.Name
	describedBy := "follow-code-hint"
	if v.codeErr != "" {
		describedBy += " follow-code-error"
	}
	label := text(lang, "follow_submit", org)
	if v.busy {
		label = text(lang, "follow_opening", org)
	}
	return app.Form().Class("sp-follow-form").NoValidate(true).OnSubmit(v.onOpen).Body(
		app.Div().Class("sp-field").Body(
			app.Label().For("follow-code").Text(text(lang, "follow_code", org)),
			app.P().ID("follow-code-hint").Class("sp-hint").Text(text(lang, "follow_intro", org)),
			app.Input().Type("text").ID("follow-code").Class("sp-code-input").AutoComplete(false).Spellcheck(false).
				Attr("autocapitalize", "characters").Aria("invalid", when(v.codeErr != "")).Aria("describedby", describedBy).
				OnInput(v.onCode),
			app.If(v.codeErr != "", func() app.UI {
				return app.P().ID("follow-code-error").Class("sp-error").Text(text(lang, v.codeErr, org))
			}),
		),
		app.Button().Type("submit").ID("follow-submit").Class("sp-submit").Disabled(v.busy).Text(label),
		app.Div().Class("sp-alert-slot").Body(app.If(v.loadErr != "", func() app.UI {
			return app.P().ID("follow-error").Class("sp-alert").Role("alert").Text(v.loadErr)
		})),
	)
}

// renderKept lists the codes kept in this browser, by report; the codes
// themselves are not shown.
func (v *Follow) renderKept() app.UI {
	if len(v.kept) == 0 {
		return app.Text("")
	}
	lang, org := v.Lang, v.Config.Org.Name
	return app.Section().Class("sp-kept-codes").Body(
		app.H2().Text(text(lang, "follow_kept", org)),
		app.Ul().Body(app.Range(v.kept).Slice(func(i int) app.UI {
			k := v.kept[i]
			label := textf(lang, "follow_kept_item", org, "{id}", k.ReportID, "{date}", formatDateTime(lang, k.Sealed))
			if k.ReportID == "" {
				label = textf(lang, "follow_kept_unsent", org, "{date}", formatDateTime(lang, k.Sealed))
			}
			return app.Li().Class("sp-actions").DataSet("key", k.key).Body(
				app.Button().Type("button").Class("sp-submit follow-kept-open").Disabled(v.busy).OnClick(v.onKept(k.Code)).Text(label),
				app.Button().Type("button").Class("sp-discard follow-kept-forget").OnClick(v.onForget(k.key)).Text(text(lang, "follow_forget", org)),
			)
		})),
	)
}

// renderThread shows the opened thread: its status, the promises, the
// messages, and the answer box.
func (v *Follow) renderThread() app.UI {
	lang, org, now := v.Lang, v.Config.Org.Name, v.now()
	status, since := thread.Status(v.view, v.items)
	next := v.view.NextEnquiryAt
	return app.Section().ID("thread").Class("sp-thread").DataSet("report-id", v.view.ReportID).Aria("labelledby", "thread-heading").Body(
		app.H2().ID("thread-heading").Text(textf(lang, "thread_heading", org, "{id}", v.view.ReportID)),
		app.P().ID("thread-status").Class("sp-status").DataSet("status", status).
			Text(textf(lang, "thread_status", org, "{status}", statusName(lang, status), "{date}", formatDateTime(lang, since))),
		app.If(invitedToConfirm(v.items), func() app.UI {
			return app.P().ID("thread-confirm").Class("sp-confirm").Text(text(lang, "confirm_invite", org))
		}),
		v.renderDeadlines(now),
		app.If(next != nil && next.After(now), func() app.UI {
			return app.P().ID("thread-next").Class("sp-hint").Text(textf(lang, "thread_next", org, "{date}", formatDateTime(lang, *next)))
		}),
		app.If(len(v.items) == 0, func() app.UI { return app.P().Class("sp-hint").Text(text(lang, "thread_empty", org)) }),
		app.Ol().Class("sp-entries").Body(app.Range(v.items).Slice(func(i int) app.UI { return v.renderEntry(v.items[i]) })),
		app.If(v.Key != nil, v.renderAnswer),
	)
}

// invitedToConfirm: the vendor's latest verified status is "fixed", with
// an invitation to confirm the fix.
func invitedToConfirm(items []thread.Item) bool {
	invited := false
	for _, it := range items {
		if it.Verified && it.From == thread.FromVendor && it.Message.Status != "" {
			invited = it.Message.Status == "fixed" && it.Message.InviteConfirm
		}
	}
	return invited
}

// statusName is a status in words.
func statusName(lang, status string) string {
	if _, ok := texts["en"]["status_"+status]; ok {
		return text(lang, "status_"+status, "")
	}
	return status
}

func (v *Follow) renderEntry(it thread.Item) app.UI {
	lang, org := v.Lang, v.Config.Org.Name
	who := org
	if it.From == thread.FromReporter {
		who = text(lang, "from_reporter", org)
	}
	m := it.Message
	return app.Li().Class("thread-entry").DataSet("seq", strconv.Itoa(it.Seq)).DataSet("from", it.From).
		DataSet("verified", strconv.FormatBool(it.Verified)).Body(
		app.P().Class("sp-entry-head").Body(
			app.Strong().Text(who),
			app.Text(" · "),
			app.Time().DateTime(it.At.UTC().Format(time.RFC3339)).Text(formatDateTime(lang, it.At)),
		),
		app.If(m != nil && m.Status != "", func() app.UI {
			return app.P().Class("sp-entry-status").Text(textf(lang, "entry_status", org, "{status}", statusName(lang, m.Status)))
		}),
		app.If(m != nil && m.Text != "", func() app.UI { return app.P().Class("thread-text").Text(m.Text) }),
		app.If(it.Problem != "", func() app.UI {
			return app.P().Class("sp-error thread-problem").DataSet("problem", problemKey(it.Problem)).Text(text(lang, problemKey(it.Problem), org))
		}),
	)
}

// problemKey is the text key of what thread.Timeline found wrong with an
// entry (its Problem is English, for the command line).
func problemKey(p string) string {
	switch {
	case p == "not encrypted to your key":
		return "problem_not_for_you"
	case strings.HasPrefix(p, "changed after it was written"):
		return "problem_changed"
	case strings.HasPrefix(p, "says it is from"):
		return "problem_from"
	case p == "belongs to another report's thread":
		return "problem_moved"
	case strings.HasPrefix(p, "not signed by the vendor's key"):
		return "problem_unsigned_vendor"
	case strings.HasPrefix(p, "not signed by the reply key"):
		return "problem_unsigned_reporter"
	}
	return "problem_other"
}

// renderDeadlines lists the policy's promises for this report, each with
// its date and whether it was kept.
func (v *Follow) renderDeadlines(now time.Time) app.UI {
	lang, org, p := v.Lang, v.Config.Org.Name, v.Config.Promises
	ds := thread.Deadlines(v.view.ReceivedAt, p.ReplyWithinWorkingDays, p.TriageWithinWorkingDays, v.items, now)
	if len(ds) == 0 {
		return app.Text("")
	}
	return app.Section().ID("thread-deadlines").Class("sp-deadlines").Body(
		app.H3().Text(text(lang, "deadlines", org)),
		app.Ul().Body(app.Range(ds).Slice(func(i int) app.UI {
			d := ds[i]
			state := "due"
			switch {
			case d.Met && d.Overdue:
				state = "late"
			case d.Met:
				state = "met"
			case d.Overdue:
				state = "overdue"
			}
			line := textf(lang, "deadline_"+state, org, "{what}", text(lang, "deadline_"+d.Name, org),
				"{due}", formatDate(lang, d.Due), "{date}", formatDate(lang, d.MetAt))
			return app.Li().Class("thread-deadline").DataSet("name", d.Name).DataSet("state", state).Text(line)
		})),
	)
}

// renderAnswer is the answer box. Like every control, it is not written
// by Render (sending clears it).
func (v *Follow) renderAnswer() app.UI {
	lang, org := v.Lang, v.Config.Org.Name
	label := text(lang, "answer_send", org)
	if v.sending {
		label = text(lang, "answer_sending", org)
	}
	return app.Form().Class("sp-answer").NoValidate(true).OnSubmit(v.onSend).Body(
		app.Div().Class("sp-field").Body(
			app.Label().For("thread-answer").Text(text(lang, "answer_label", org)),
			app.P().ID("thread-answer-hint").Class("sp-hint").Text(text(lang, "answer_hint", org)),
			app.Textarea().ID("thread-answer").Rows(6).Aria("describedby", "thread-answer-hint").OnInput(v.onAnswer),
		),
		app.Button().Type("submit").ID("thread-send").Class("sp-submit").Disabled(v.sending || v.busy).Text(label),
		app.Div().Class("sp-alert-slot").Body(
			app.If(v.refused != "", func() app.UI {
				return app.P().ID("thread-refused").Class("sp-alert").Role("alert").Text(v.refused)
			}),
			app.If(v.sendErr != "", func() app.UI {
				return app.P().ID("thread-send-error").Class("sp-alert").Role("alert").Text(v.sendErr)
			}),
			app.If(v.sent, func() app.UI { return app.P().ID("thread-sent").Role("status").Text(text(lang, "answer_sent", org)) }),
		),
	)
}
