package widget

import "strings"

// texts are the widget's own words, per language, one file each
// (text_en.go, ...); report field labels and validation messages come from
// core/report in the same languages. TestTheCatalogueIsComplete checks that
// every language has every key, with the same placeholders.
var texts = map[string]map[string]string{"en": textEN, "nl": textNL, "fr": textFR, "de": textDE, "es": textES}

// text returns the widget's word for key in lang, with {org} filled in.
func text(lang, key, org string) string {
	t, ok := texts[lang][key]
	if !ok {
		t = texts["en"][key]
	}
	return strings.ReplaceAll(t, "{org}", org)
}

// textf is text with more placeholders filled in: pairs of a name
// ("{date}") and its value.
func textf(lang, key, org string, pairs ...string) string {
	return strings.NewReplacer(pairs...).Replace(text(lang, key, org))
}
