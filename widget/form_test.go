package widget

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func load(t *testing.T, name, lang string) *Form {
	t.Helper()
	cfg, err := config.LoadFile("../core/config/examples/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	f := NewForm(cfg, lang)
	f.Now = clock
	e := app.NewTestEngine()
	if err := e.Load(f); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return f
}

func html(f *Form) string { return app.HTMLString(f.Render()) }

func TestTheFormFollowsTheVendorsConfig(t *testing.T) {
	f := load(t, "comoo", "nl-BE")
	page := html(f)
	for _, want := range []string{
		`lang="nl"`,
		`Meld een beveiligingslek aan Comoo`,
		`name="targets"`, `name="description"`, `name="discovered_at"`, `name="reporter.email"`, `name="policy_accepted"`,
		`IP-adres of URL van het getroffen systeem`, // the vendor's label, in Dutch
		`(verplicht)`,
		`Distributed denial of service`, // out of scope
		`href="https://www.comoo.be/contactus"`,
		`Comoo antwoordt binnen 5 werkdagen, met een eerste beoordeling`, // the promises, in Dutch
		`Toepassingen van derden`,            // out of scope, in the config's Dutch
		`Vertaald door het Sealpost-project`, // and said to be a translation
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if !strings.Contains(page, `name="attachments"`) || !strings.Contains(page, `Hoogstens 5 bestanden, 100 MiB per bestand, 200 MiB in totaal.`) {
		t.Error("no attachment picker with its limits")
	}
	if strings.Contains(page, `aria-invalid`) || strings.Contains(page, `required="false"`) {
		t.Error("unexpected control or error state")
	}
}

func TestCocommAsksForMoreAndRoutesOtherQuestions(t *testing.T) {
	f := load(t, "cocomm", "es")
	if f.validate() {
		t.Fatal("an empty report passed")
	}
	for _, field := range []string{"targets", "discovered_at", "description", "expected", "steps", "policy_accepted"} {
		if _, ok := f.problems[field]; !ok {
			t.Errorf("no problem shown for %s", field)
		}
	}
	page := html(f)
	for _, want := range []string{`href="mailto:info@cocomm.es"`, `¿No es un problema de seguridad?`, `Cifrar y enviar`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
}

func TestErrorsAreTiedToTheirFieldsAndClearWhenFixed(t *testing.T) {
	f := load(t, "comoo", "en")
	f.set("targets", "the login page")
	f.validate()
	page := html(f)
	for _, want := range []string{
		`name="targets"`,
		`aria-describedby="sp-targets-format sp-targets-error"`,
		`id="sp-targets-error"`,
		`IP address or URL of the affected system (1) must be a URL, IP address, hostname or CIDR range`,
		`role="alert"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if got := f.firstProblem(); got != "targets" {
		t.Errorf("focus goes to %q, want targets", got)
	}
	f.set("targets", "https://www.comoo.be/login")
	if _, still := f.problems["targets"]; still {
		t.Error("the fixed field still shows its problem")
	}
}

// TestTypedMarkupStaysText: text the reporter or a server sends is shown as
// text. (Typed values live in the DOM's value properties, set by the
// browser program, never in server-rendered HTML: go-app's server-side
// encoder does not escape attribute values.)
func TestTypedMarkupStaysText(t *testing.T) {
	f := load(t, "comoo", "en")
	payload := `<img src=x onerror=alert(1)><script>alert(2)</script>`
	f.set("targets", payload)
	f.validate()
	f.sender().failed = newFailure(errors.New(payload), nil)
	page := html(f)
	if strings.Contains(page, ">"+payload) || strings.Contains(page, "<script>") && !strings.Contains(page, `value="`+payload) {
		t.Errorf("a payload became markup:\n%s", page)
	}
	if !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;") {
		t.Error("the payload is not shown as text")
	}
}

func TestTheKeyStopsOrAllowsSending(t *testing.T) {
	f := load(t, "comoo", "en")
	f.KeyErr = errors.New("key 81F3 refused (expired): it expired on 2024-12-22; ask the vendor for a current key")
	page := html(f)
	if !strings.Contains(page, "it expired on 2024-12-22") || !strings.Contains(page, `disabled`) {
		t.Error("an unusable key does not stop sending with its reason")
	}
}

func TestTheReporterCanChangeTheLanguage(t *testing.T) {
	f := load(t, "comoo", "en")
	f.validate()
	f.setLanguage("fr")
	page := html(f)
	for _, want := range []string{`lang="fr"`, `Signaler une vulnérabilité à Comoo`, `Adresse IP ou URL du système concerné est obligatoire.`, `value="nl"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	f.setLanguage("it") // the widget does not speak Italian
	if f.Lang != "fr" {
		t.Errorf("language %q, want fr kept", f.Lang)
	}
	// Comoo writes no Spanish: the form is in Spanish, Comoo's own words
	// in its first language, English, marked as such.
	f.setLanguage("es")
	page = html(f)
	for _, want := range []string{`Notificar una vulnerabilidad a Comoo`, `<span lang="en">Attacks on physical security</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Spanish form lacks %q", want)
		}
	}
	if strings.Contains(page, `Vertaald`) || strings.Contains(page, `Traduit`) {
		t.Error("a translation note of another language is shown")
	}
}

// TestEveryConfigOptionShows: the vendor's hints, policy and legal links,
// and, when its key cannot be used, its other contacts.
func TestEveryConfigOptionShows(t *testing.T) {
	f := load(t, "comoo", "nl")
	f.Config.Fields.Hints = map[string]map[string]string{"en": {"description": "What happened, in your words."}, "nl": {"targets": "Bijvoorbeeld https://www.comoo.be/login"}}
	page := html(f)
	for _, want := range []string{
		`id="sp-targets-hint"`, `Bijvoorbeeld https://www.comoo.be/login`, `aria-describedby="sp-targets-format sp-targets-hint"`,
		`What happened, in your words.`, // no Dutch hint: the English one
		`href="https://www.comoo.be/responsible-disclosure"`, `Lees het volledige meldbeleid van Comoo`,
		`href="https://ccb.belgium.be/en/vulnerability-reporting-ccb"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	f.KeyErr = errors.New("key refused (expired)")
	page = html(f)
	for _, want := range []string{`Bereik het securityteam van Comoo op een andere manier:`, `href="https://www.comoo.be/contactus"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the key alert lacks %q", want)
		}
	}
}
