package widget

import (
	"slices"
	"strings"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/report"
)

// The widget speaks every language of its catalogue (report.Languages),
// whichever the vendor writes in: a German reader of a Spanish vendor's
// form gets the form in German, and the vendor's own words (its policy,
// labels, hints) in the vendor's language, marked with their lang (see
// said).

// pageLanguage is the language to show a vendor's form in: the first of
// the reporter's preferred languages ("nl-BE" matching "nl") the widget
// speaks, else the vendor's first language.
func pageLanguage(cfg *config.Config, preferred ...string) string {
	for _, p := range preferred {
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(p)), "-")
		if slices.Contains(report.Languages, base) {
			return base
		}
	}
	return cfg.Language()
}

// pickerLanguages are the languages the menu offers: the vendor's first,
// in its order, then the rest of the widget's.
func pickerLanguages(cfg *config.Config) []string {
	out := slices.Clone(cfg.Languages)
	for _, l := range report.Languages {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}
