package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"unicode/utf8"
)

// Text is words a vendor writes (the policy summary, a guideline, the
// legal notice...): either one JSON string, in the config's first language,
// or an object of language → text:
//
//	"legal_notice": "Belgian law applies."
//	"legal_notice": {"en": "Belgian law applies.", "nl": "Het Belgische recht is van toepassing."}
//
// Read it with [Config.Text], which picks the reporter's language and says
// which language the words it gives are in.
type Text map[string]string

// plain is the key a Text made from a JSON string keeps it under.
const plain = ""

// T is a Text of one string, in the config's first language.
func T(s string) Text { return Text{plain: s} }

// UnmarshalJSON accepts a string or an object of language → string. An
// empty string is no text, as a left-out one is.
func (t *Text) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		return nil // as encoding/json leaves a string for null
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*t = nil // "" is no text
		if s != "" {
			*t = T(s)
		}
		return nil
	case len(data) > 0 && data[0] == '{':
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			return &json.UnmarshalTypeError{Value: "an object with a value that is not a string", Type: reflect.TypeFor[Text]()}
		}
		if _, ok := m[plain]; ok {
			return &json.UnmarshalTypeError{Value: `the empty key ""`, Type: reflect.TypeFor[Text]()}
		}
		*t = m
		return nil
	}
	return &json.UnmarshalTypeError{Value: kindOf(data), Type: reflect.TypeFor[Text]()}
}

// JSONType names what a Text is written as, for error messages.
func (Text) JSONType() string {
	return `a string or an object of language → text (for example {"en": "...", "nl": "..."})`
}

func kindOf(data []byte) string {
	switch {
	case len(data) > 0 && data[0] == '[':
		return "a list"
	case bytes.Equal(data, []byte("true")), bytes.Equal(data, []byte("false")):
		return "true or false"
	}
	return "a number"
}

// MarshalJSON writes a Text of one string as that string.
func (t Text) MarshalJSON() ([]byte, error) {
	if s, ok := t[plain]; ok && len(t) == 1 {
		return json.Marshal(s)
	}
	return json.Marshal(map[string]string(t))
}

// In is the text in lang, else the plain string or the text in def (the
// config's first language), else the text of the first language in
// alphabetical order; in is the language the words are in.
func (t Text) In(lang, def string) (text, in string) {
	if s, ok := t[lang]; ok {
		return s, lang
	}
	if s, ok := t[plain]; ok {
		return s, def
	}
	if s, ok := t[def]; ok {
		return s, def
	}
	if keys := slices.Sorted(maps.Keys(t)); len(keys) > 0 {
		return t[keys[0]], keys[0]
	}
	return "", ""
}

// Text is t for a reporter reading lang: the words and the language they
// are in, which is lang unless the vendor wrote none in it (then it is the
// config's first language). An empty Text gives "".
func (c *Config) Text(t Text, lang string) (text, in string) {
	return t.In(lang, c.Language())
}

// String is t in the config's first language, for tools that show one.
func (c *Config) String(t Text) string {
	s, _ := c.Text(t, c.Language())
	return s
}

// checkTexts adds a problem for every Text in c that is empty where it must
// not be, too long, or in a language the config does not list.
func (c *Config) checkTexts(add func(path, format string, args ...any)) {
	check := func(path string, t Text, max int, required bool) {
		if required && len(t) == 0 {
			add(path, "must not be empty")
		}
		for _, lang := range slices.Sorted(maps.Keys(t)) {
			s, p := t[lang], path
			if lang != plain {
				p = path + "." + lang
				if !slices.Contains(c.Languages, lang) {
					add(p, "language %q is not in languages %v", lang, c.Languages)
				}
			}
			switch n := utf8.RuneCountInString(s); {
			case n == 0:
				add(p, "must not be empty: leave the language out instead")
			case n > max:
				add(p, "must be at most %d characters (it has %d)", max, n)
			}
		}
	}
	check("org.policy_summary", c.Org.PolicySummary, 5000, false)
	check("org.legal_notice", c.Org.LegalNotice, 5000, false)
	check("bounty.notes", c.Bounty.Notes, 2000, false)
	for i, g := range c.Guidelines {
		check(fmt.Sprintf("guidelines[%d]", i), g, 2000, true)
	}
	for i, o := range c.OutOfScope {
		check(fmt.Sprintf("out_of_scope[%d]", i), o, 500, true)
	}
	if ns := c.NonSecurity; ns != nil {
		check("non_security.text", ns.Text, 2000, false)
		for i, k := range ns.Contacts {
			check(fmt.Sprintf("non_security.contacts[%d].label", i), k.Label, 200, true)
		}
	}
	for _, lang := range slices.Sorted(maps.Keys(c.Translated)) {
		note, p := c.Translated[lang], "translated."+lang
		if !slices.Contains(c.Languages, lang) {
			add(p, "language %q is not in languages %v", lang, c.Languages)
		}
		if n := utf8.RuneCountInString(note); n == 0 || n > 500 {
			add(p, "must be 1 to 500 characters: who translated the texts into %s, in %s", lang, lang)
		}
	}
}
