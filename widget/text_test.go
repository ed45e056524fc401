package widget

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/thread"
)

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// TestTheCatalogueIsComplete: every language has every key English has,
// and no other, each with the same placeholders.
func TestTheCatalogueIsComplete(t *testing.T) {
	for _, lang := range []string{"en", "nl", "fr", "de", "es"} {
		words, ok := texts[lang]
		if !ok {
			t.Fatalf("no words in %s", lang)
		}
		for key, en := range texts["en"] {
			got, ok := words[key]
			switch {
			case !ok:
				t.Errorf("%s lacks %q", lang, key)
			case strings.TrimSpace(got) == "":
				t.Errorf("%s: %q is empty", lang, key)
			case !samePlaceholders(en, got):
				t.Errorf("%s: %q has placeholders %v, English %v", lang, key, placeholder.FindAllString(got, -1), placeholder.FindAllString(en, -1))
			}
		}
		for key := range words {
			if _, ok := texts["en"][key]; !ok {
				t.Errorf("%s has %q, which English has not", lang, key)
			}
		}
	}
}

func samePlaceholders(a, b string) bool {
	pa, pb := placeholder.FindAllString(a, -1), placeholder.FindAllString(b, -1)
	slices.Sort(pa)
	slices.Sort(pb)
	return slices.Equal(slices.Compact(pa), slices.Compact(pb))
}

// TestEveryStatusAndProblemHasWords: each status core/thread knows, and
// each problem its Timeline reports, is said in words.
func TestEveryStatusAndProblemHasWords(t *testing.T) {
	for _, s := range thread.Statuses {
		if _, ok := texts["en"]["status_"+s]; !ok {
			t.Errorf("status %q has no words", s)
		}
	}
	for problem, want := range map[string]string{
		"not encrypted to your key":                                       "problem_not_for_you",
		"changed after it was written: openpgp: invalid data":             "problem_changed",
		"says it is from the vendor but was posted as the reporter":       "problem_from",
		"belongs to another report's thread":                              "problem_moved",
		"not signed by the vendor's key: it may not come from the vendor": "problem_unsigned_vendor",
		"not signed by the reply key":                                     "problem_unsigned_reporter",
		"something new":                                                   "problem_other",
	} {
		if got := problemKey(problem); got != want {
			t.Errorf("%q: %s, want %s", problem, got, want)
		}
		if _, ok := texts["en"][want]; !ok {
			t.Errorf("%s has no words", want)
		}
	}
}

func TestDatesAreInTheReportersLanguage(t *testing.T) {
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for lang, month := range map[string]string{"en": "December", "nl": "december", "fr": "décembre", "de": "Dezember", "es": "diciembre"} {
		if got := formatDateTime(lang, at); !strings.Contains(got, month) || !strings.Contains(got, "2026") {
			t.Errorf("%s: %q", lang, got)
		}
	}
}
