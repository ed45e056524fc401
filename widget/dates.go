package widget

import (
	"sync"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/nl"
)

// calendars format dates in each of the widget's languages, with the CLDR
// data core/report's validation messages already bring into the program.
var calendars = sync.OnceValue(func() map[string]locales.Translator {
	return map[string]locales.Translator{"en": en.New(), "nl": nl.New(), "fr": fr.New(), "de": de.New(), "es": es.New()}
})

func calendar(lang string) locales.Translator {
	if c, ok := calendars()[lang]; ok {
		return c
	}
	return calendars()["en"]
}

// formatDate is t's day in the reporter's language and time zone: "4
// december 2026".
func formatDate(lang string, t time.Time) string {
	return calendar(lang).FmtDateLong(t.Local())
}

// formatDateTime is t's day and time: "4 december 2026 om 15:07".
func formatDateTime(lang string, t time.Time) string {
	t = t.Local()
	c := calendar(lang)
	return textf(lang, "date_time", "", "{date}", c.FmtDateLong(t), "{time}", c.FmtTimeShort(t))
}
