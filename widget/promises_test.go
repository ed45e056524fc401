package widget

import (
	"slices"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
)

// TestThePromisesAreInTheFormsLanguage: Cocomm's promises, on its form and
// its receipt, are said in the reporter's language, with no English
// sentence left; in English they are what core/deliver used to say.
func TestThePromisesAreInTheFormsLanguage(t *testing.T) {
	cfg, err := config.LoadFile("../core/config/examples/cocomm.json")
	if err != nil {
		t.Fatal(err)
	}
	english := promises("en", cfg)
	if want := []string{
		"Cocomm will reply within 5 working days.", "Cocomm aims to triage the report within 10 working days.",
		"Ask about its status at most once every 14 days.", "Cocomm pays no bounty.",
	}; !slices.Equal(english[:3], want[:3]) || !slices.Contains(english, want[3]) {
		t.Errorf("in English: %q", english)
	}
	cfg.Languages = []string{"en", "nl", "fr", "de", "es"}
	for _, lang := range []string{"es", "nl", "fr", "de"} {
		t.Run("in "+lang, func(t *testing.T) {
			f := NewForm(cfg, lang)
			f.Now = clock
			e := app.NewTestEngine()
			if err := e.Load(f); err != nil {
				t.Fatal(err)
			}
			e.ConsumeAll()
			said := promises(lang, cfg)
			receipt := receiptText(lang, cfg, &deliver.Summary{Vendor: cfg.Org.Name})
			if len(said) != len(english) {
				t.Fatalf("%d promises, %d in English", len(said), len(english))
			}
			// The form leaves the bounty's sentence out before Cocomm's own
			// words on rewards; the receipt says it.
			onForm := promisesSaying(lang, cfg, len(cfg.Bounty.Notes) == 0)
			for i, page := range []string{html(f), receipt} {
				for _, p := range map[bool][]string{true: onForm, false: said}[i == 0] {
					if !strings.Contains(page, app.HTMLString(app.Li().Text(p))) && !strings.Contains(page, "  - "+p+"\n") {
						t.Errorf("lacks %q", p)
					}
				}
				for _, en := range english {
					if strings.Contains(page, en) {
						t.Errorf("says in English %q", en)
					}
				}
			}
		})
	}
}
