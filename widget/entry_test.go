package widget

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/report"
)

func TestCategoriesAreNamedInTheFormsLanguage(t *testing.T) {
	f := load(t, "comoo", "nl")
	page := html(f)
	for _, want := range []string{`<option>Kies een categorie</option>`, `<option value="physical">Fysieke beveiliging</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	if strings.Contains(page, ">social_engineering<") {
		t.Error("a category is shown by its JSON name")
	}
	// The first option has no value attribute (go-app leaves out empty
	// ones), so the menu is read by index: choosing it is no category.
	for i, want := range map[int]string{0: "", 1: "web", 8: "physical", len(report.Categories): "other", -1: "", 99: ""} {
		if got := categoryAt(i); got != want {
			t.Errorf("option %d is %q, want %q", i, got, want)
		}
	}
}

func TestAnOutOfScopeCategoryIsWarnedAboutAndStillSent(t *testing.T) {
	f := load(t, "comoo", "en")
	f.set("category", "web")
	if strings.Contains(html(f), "does not allow testing this way") {
		t.Error("a category in scope is warned about")
	}
	f.set("category", "social_engineering")
	if !strings.Contains(html(f), "Comoo&#39;s policy does not allow testing this way (Social engineering).") {
		t.Errorf("no warning for social engineering in %s", html(f))
	}
	f.set("description", "The front desk gives out badges to anyone who asks.")
	f.set("targets", "https://www.comoo.be/")
	f.set("policy_accepted", "true")
	if !f.validate() {
		t.Errorf("an out-of-scope category stops the report: %v", f.problems)
	}
}

func TestAPhysicalReportNeedsNoTarget(t *testing.T) {
	f := load(t, "comoo", "en")
	targets := func() string {
		page := html(f)
		i := strings.Index(page, `for="sp-targets"`)
		return page[i : i+strings.Index(page[i:], "</label>")]
	}
	if !strings.Contains(targets(), "(required)") {
		t.Fatalf("targets not marked required: %s", targets())
	}
	f.set("category", "physical")
	if strings.Contains(targets(), "(required)") {
		t.Errorf("a physical report still marks targets required: %s", targets())
	}
	f.set("description", "The server room door does not lock.")
	f.set("policy_accepted", "true")
	if !f.validate() {
		t.Errorf("a physical report without a target is refused: %v", f.problems)
	}
}

func TestTheNameToCreditIsAskedWhenCreditIsWanted(t *testing.T) {
	f := load(t, "comoo", "fr")
	if strings.Contains(html(f), `name="reporter.credit_name"`) {
		t.Fatal("the credit name is asked before credit is wanted")
	}
	f.set("reporter.credit", "true")
	page := html(f)
	if !strings.Contains(page, `name="reporter.credit_name"`) || !strings.Contains(page, "Nom à mentionner") {
		t.Fatalf("no credit name field in French: %s", page)
	}
	f.set("reporter.credit_name", "  Ada L.  ")
	if r := f.report(); r.Reporter.CreditName != "Ada L." || !r.Reporter.Credit {
		t.Errorf("reporter %+v", r.Reporter)
	}
	if c := load(t, "cocomm", "en"); strings.Contains(html(c), `name="reporter.credit"`) {
		t.Error("Cocomm offers no credit, yet the form asks")
	}
}

func TestNoPseudonymsMakesTheNameRequired(t *testing.T) {
	f := load(t, "comoo", "en")
	no := false
	f.Config.Credit.PseudonymAllowed = &no
	page := html(f)
	i := strings.Index(page, `for="sp-reporter-name"`)
	if i < 0 || !strings.Contains(page[i:i+200], "(required)") {
		t.Errorf("the name is not marked required")
	}
	if !strings.Contains(page, "Comoo does not take anonymous reports: give your name.") {
		t.Error("the policy's rule is not said")
	}
	f.validate()
	if _, ok := f.problems["reporter.name"]; !ok {
		t.Errorf("a report without a name passes: %v", f.problems)
	}
}

func TestTheDateFoundIsADayWithAnOptionalTime(t *testing.T) {
	paris := time.FixedZone("CET", 3600) // Paris in November
	for _, c := range []struct {
		day, at string
		want    string
	}{
		{"2026-11-20", "", "2026-11-20"},
		{"2026-11-20", "14:30", "2026-11-20T13:30:00Z"},
		{"2026-11-20T14:30", "", "2026-11-20T13:30:00Z"}, // a datetime-local value, from an older form
		{"", "14:30", ""},
		{"20/11/2026", "", ""},
		{"0001-01-01", "", ""}, // refused as report.json's would be
		{"0001-01-01", "10:00", ""},
	} {
		v := Values{"discovered_at": c.day, discoveredTime: c.at}
		got := ""
		if w := v.discovered(paris); w != nil {
			got = w.String()
		}
		if got != c.want {
			t.Errorf("%q %q gives %q, want %q", c.day, c.at, got, c.want)
		}
	}
	f := load(t, "cocomm", "es")
	page := html(f)
	if !hasTag(page, "input", `id="sp-discovered-at"`, `type="date"`) || !hasTag(page, "input", `id="sp-discovered-at-time"`, `type="time"`) || !strings.Contains(page, "Hora (opcional)") {
		t.Errorf("no date input with an optional time in %s", page)
	}
	f.set("discovered_at", "2026-11-20")
	if w := f.report().DiscoveredAt; w == nil || *w != report.Day(2026, 11, 20) {
		t.Errorf("a date alone gives %v", w)
	}
}

// hasTag reports whether page has a <name ...> tag with all of attrs, in
// any order (go-app does not keep the order attributes were set in).
func hasTag(page, name string, attrs ...string) bool {
	for _, tag := range regexp.MustCompile(`<`+name+`\b[^>]*>`).FindAllString(page, -1) {
		all := true
		for _, a := range attrs {
			all = all && strings.Contains(tag, " "+a)
		}
		if all {
			return true
		}
	}
	return false
}
