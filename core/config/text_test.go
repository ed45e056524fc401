package config

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestATextIsAStringOrWordsPerLanguage(t *testing.T) {
	doc := edit(t, "org.legal_notice", map[string]any{"en": "Belgian law applies.", "nl": "Het Belgische recht is van toepassing."})
	doc = bytes.Replace(doc, []byte(`"languages":["en"]`), []byte(`"languages":["en","nl","fr"]`), 1)
	c, err := Load(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ lang, text, in string }{
		{"nl", "Het Belgische recht is van toepassing.", "nl"},
		{"en", "Belgian law applies.", "en"},
		// No French words: the vendor's first language, said to be English.
		{"fr", "Belgian law applies.", "en"},
	} {
		if s, in := c.Text(c.Org.LegalNotice, want.lang); s != want.text || in != want.in {
			t.Errorf("Text(%s) = %q in %q, want %q in %q", want.lang, s, in, want.text, want.in)
		}
	}
	plain := T("Spam is out of scope.")
	if s, in := c.Text(plain, "nl"); s != "Spam is out of scope." || in != "en" {
		t.Errorf("a plain string read in nl = %q in %q, want it in the first language, en", s, in)
	}
	if s, in := c.Text(nil, "nl"); s != "" || in != "" {
		t.Errorf("no text = %q in %q", s, in)
	}
}

func TestATextWrittenAsAStringIsWrittenBackAsAString(t *testing.T) {
	for _, in := range []string{`"one string"`, `{"en":"e","nl":"n"}`} {
		var txt Text
		if err := json.Unmarshal([]byte(in), &txt); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(txt)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != in {
			t.Errorf("%s came back as %s", in, out)
		}
	}
}

func TestBadTextsNameTheirJSONPath(t *testing.T) {
	long := strings.Repeat("é", 5001) // characters, not bytes, are counted
	for _, c := range []struct {
		name, path string
		value      any
		wantPath   string
		wantMsg    string
	}{
		{"a number is refused", "org.legal_notice", 5, "org.legal_notice", "want a string or an object of language → text"},
		{"a list is refused", "org.policy_summary", []any{"a"}, "org.policy_summary", "want a string or an object of language → text"},
		{"a word that is not a string is refused", "bounty.notes", map[string]any{"en": 5}, "bounty.notes", "want a string or an object"},
		{"the empty language is refused", "bounty.notes", map[string]any{"": "x"}, "bounty.notes", `the empty key ""`},
		{"a language not offered is refused", "org.legal_notice", map[string]any{"de": "Belgisches Recht."}, "org.legal_notice.de", `language "de" is not in languages`},
		{"an empty guideline is refused", "guidelines", []any{""}, "guidelines[0]", "must not be empty"},
		{"an empty word in one language is refused", "org.legal_notice", map[string]any{"en": ""}, "org.legal_notice.en", "must not be empty"},
		{"an empty guideline object is refused", "guidelines", []any{map[string]any{}}, "guidelines[0]", "must not be empty"},
		{"an empty guideline in one language is refused", "guidelines", []any{map[string]any{"en": ""}}, "guidelines[0].en", "must not be empty"},
		{"a contact without a label is refused", "non_security", map[string]any{"contacts": []any{map[string]any{"url": "https://example.com/"}}}, "non_security.contacts[0].label", "must not be empty"},
		{"a legal notice one past the limit is refused", "org.legal_notice", long, "org.legal_notice", "at most 5000 characters (it has 5001)"},
		{"a legal notice one past the limit in one language is refused", "org.legal_notice", map[string]any{"en": long}, "org.legal_notice.en", "at most 5000"},
		{"a translation note in a language not offered is refused", "translated", map[string]any{"nl": "Vertaald."}, "translated.nl", `language "nl" is not in languages`},
		{"an empty translation note is refused", "translated", map[string]any{"en": ""}, "translated.en", "1 to 500 characters"},
	} {
		t.Run(c.name, func(t *testing.T) { wantProblem(t, edit(t, c.path, c.value), c.wantPath, c.wantMsg) })
	}
}

func TestTextsAtTheirLimitsLoad(t *testing.T) {
	for path, n := range map[string]int{"org.legal_notice": 5000, "org.policy_summary": 5000, "bounty.notes": 2000} {
		if _, err := Load(bytes.NewReader(edit(t, path, strings.Repeat("é", n)))); err != nil {
			t.Errorf("%s of %d characters: %v", path, n, err)
		}
		if _, err := Load(bytes.NewReader(edit(t, path, map[string]any{"en": strings.Repeat("a", n)}))); err != nil {
			t.Errorf("%s.en of %d characters: %v", path, n, err)
		}
	}
	if _, err := Load(bytes.NewReader(edit(t, "guidelines", []any{strings.Repeat("a", 2000)}))); err != nil {
		t.Errorf("a guideline of 2000 characters: %v", err)
	}
	if _, err := Load(bytes.NewReader(edit(t, "guidelines", []any{strings.Repeat("a", 2001)}))); err == nil {
		t.Error("a guideline of 2001 characters loads")
	}
}

func TestAnEmptyStringIsNoText(t *testing.T) {
	c, err := Load(bytes.NewReader(edit(t, "org.legal_notice", "")))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Org.LegalNotice) != 0 {
		t.Errorf("an empty legal notice is %v, want none", c.Org.LegalNotice)
	}
}
