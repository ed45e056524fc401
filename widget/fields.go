package widget

import (
	"slices"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/report"
)

// Field is one report field as the form shows it.
type Field struct {
	Name     string // the report JSON name: the control's name attribute
	Kind     string // "text", "textarea", "date", "select", "email", "targets"
	Required bool
}

// formOrder is the order fields appear in.
var formOrder = []string{
	"title", "category", "targets", "discovered_at", "description", "expected", "steps", "impact",
	"cvss", "cwe", "reporter.name", "reporter.email", "reporter.pgp_key",
}

var kinds = map[string]string{
	"category": "select", "targets": "targets", "discovered_at": "date", "description": "textarea",
	"expected": "textarea", "steps": "textarea", "impact": "textarea", "reporter.email": "email",
	"reporter.pgp_key": "textarea",
}

// Fields are the fields the vendor's config shows, in form order.
func Fields(cfg *config.Config) []Field {
	var out []Field
	required := cfg.Rules().Required // with the name, when pseudonyms are not allowed
	for _, name := range formOrder {
		if !slices.Contains(cfg.Fields.Shown, name) {
			continue
		}
		kind := kinds[name]
		if kind == "" {
			kind = "text"
		}
		out = append(out, Field{Name: name, Kind: kind, Required: slices.Contains(required, name)})
	}
	return out
}

// discovered is when the reporter found it: the date control's day
// (2026-11-20) alone, or with the optional time control's time of day
// (14:30) read in loc, the browser's time zone. nil when there is no
// date, or it is not one (the date control gives "" then).
func (v Values) discovered(loc *time.Location) *report.When {
	day, at := strings.TrimSpace(v["discovered_at"]), strings.TrimSpace(v[discoveredTime])
	if day == "" {
		return nil
	}
	// Read as report.json's discovered_at is (report.ParseWhen), so the
	// form takes the same days and years as the core.
	if at == "" {
		if w, err := report.ParseWhen(day); err == nil {
			return &w
		}
	}
	if len(day) > len(time.DateOnly) { // a date and time in one value
		day, at, _ = strings.Cut(day, "T")
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, day+"T"+at, loc); err == nil {
			if w, err := report.ParseWhen(t.UTC().Format(time.RFC3339)); err == nil {
				return &w
			}
		}
	}
	return nil
}

// discoveredTime is the value of the optional time of day beside
// discovered_at's date.
const discoveredTime = "discovered_at.time"

// Values are what the reporter typed, by field name ("policy_accepted" and
// "reporter.credit" hold "true" when ticked).
type Values map[string]string

// Report builds the report from the form's values. Targets are one per
// line; discovered_at is a date, with an optional time of day read in loc,
// the browser's time zone.
func (v Values) Report(lang string, loc *time.Location, now time.Time) *report.Report {
	r := &report.Report{
		Schema:         report.Schema,
		Title:          strings.TrimSpace(v["title"]),
		Category:       v["category"],
		Description:    v["description"],
		Expected:       v["expected"],
		Steps:          v["steps"],
		Impact:         v["impact"],
		CVSS:           strings.TrimSpace(v["cvss"]),
		CWE:            strings.ToUpper(strings.TrimSpace(v["cwe"])),
		PolicyAccepted: v["policy_accepted"] == "true",
		Language:       lang,
		Client:         "sealpost-widget",
		Reporter: report.Reporter{
			Name:       strings.TrimSpace(v["reporter.name"]),
			Email:      strings.TrimSpace(v["reporter.email"]),
			PGPKey:     strings.TrimSpace(v["reporter.pgp_key"]),
			Credit:     v["reporter.credit"] == "true",
			CreditName: strings.TrimSpace(v["reporter.credit_name"]),
		},
	}
	for line := range strings.Lines(v["targets"]) {
		if t := strings.TrimSpace(line); t != "" {
			r.Targets = append(r.Targets, t)
		}
	}
	r.DiscoveredAt = v.discovered(loc)
	submitted := now.UTC().Truncate(time.Second)
	r.SubmittedAt = &submitted
	return r
}

// controlID is the HTML id of a field's control; errorID that of its message.
func controlID(field string) string {
	return "sp-" + strings.NewReplacer(".", "-", "_", "-").Replace(field)
}
func errorID(field string) string { return controlID(field) + "-error" }
