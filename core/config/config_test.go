package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/report"
)

func TestTheSeedConfigsLoad(t *testing.T) {
	for _, c := range []struct {
		file      string
		required  []string
		stepsOr   bool
		languages []string
	}{
		{"examples/comoo.json", []string{"targets", "description"}, false, []string{"en", "nl", "fr"}},
		{"examples/cocomm.json", []string{"targets", "discovered_at", "description", "expected"}, true, []string{"en", "es"}},
		// The policies as they are written: encrypt with our key, email it to us.
		{"examples/comoo-email.json", []string{"targets", "description"}, false, []string{"en", "nl", "fr"}},
		{"examples/cocomm-email.json", []string{"targets", "discovered_at", "description", "expected"}, true, []string{"en", "es"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			cfg, err := LoadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			r := cfg.Rules()
			if !slices.Equal(r.Required, c.required) || r.StepsOrAttachment != c.stepsOr || !slices.Equal(cfg.Languages, c.languages) {
				t.Errorf("rules %+v, languages %v", r, cfg.Languages)
			}
			if email := strings.HasSuffix(c.file, "-email.json"); cfg.EmailOnly() != email || email && cfg.Org.SecurityEmail == "" {
				t.Errorf("email only %v, security_email %q", cfg.EmailOnly(), cfg.Org.SecurityEmail)
			}
		})
	}
}

// base is a small valid config that the bad-config cases edit.
const base = `{
  "schema": "sealpost.config/v1",
  "org": {"name": "Example"},
  "key": {"url": "https://example.com/key.asc"},
  "endpoint": {"url": "https://example.com/reports"},
  "fields": {"shown": ["targets", "description", "steps"], "required": ["targets"]},
  "attachments": {"max_count": 1, "max_file_bytes": 1000},
  "languages": ["en"],
  "bounty": {"kind": "none"},
  "credit": {"offered": false, "pseudonym_allowed": true}
}`

// edit sets the value at a dotted path of the base config (nil deletes it).
func edit(t *testing.T, path string, value any) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(base), &doc); err != nil {
		t.Fatal(err)
	}
	keys := strings.Split(path, ".")
	m := doc
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(map[string]any)
	}
	if value == nil {
		delete(m, keys[len(keys)-1])
	} else {
		m[keys[len(keys)-1]] = value
	}
	out, _ := json.Marshal(doc)
	return out
}

func TestTheBaseConfigLoads(t *testing.T) {
	if _, err := Load(strings.NewReader(base)); err != nil {
		t.Fatal(err)
	}
}

func TestBadConfigsNameTheirJSONPath(t *testing.T) {
	for _, c := range []struct {
		name, path string
		value      any
		wantPath   string
		wantMsg    string
	}{
		{"an unknown key is refused", "org.nmae", "x", "org.nmae", "unknown key"},
		{"a wrong type is refused", "attachments.max_count", "five", "attachments.max_count", "want a whole number"},
		{"a missing org name is refused", "org.name", nil, "org.name", "is required"},
		{"another schema is refused", "schema", "sealpost.config/v2", "schema", `must be "sealpost.config/v1"`},
		{"a key with no source is refused", "key.url", nil, "key", "set one of url, armored or wkd"},
		{"a key with two sources is refused", "key.wkd", "security@example.com", "key", "set only one"},
		{"a short fingerprint is refused", "key.fingerprint", "ABCD", "key.fingerprint", "40 (v4) or 64 (v6)"},
		{"a plain-http endpoint off loopback is refused", "endpoint.url", "http://example.com/reports", "endpoint.url", "https://"},
		{"no endpoint and no email is refused", "endpoint", nil, "endpoint.url", "or leave it out and set org.security_email"},
		{"a format without an endpoint is refused", "endpoint", map[string]any{"format": "json"}, "endpoint.format", "no endpoint.url to post to"},
		{"an unknown post format is refused", "endpoint.format", "xml", "endpoint.format", "raw, multipart, json"},
		{"an unknown field is refused", "fields.shown", []any{"targets", "colour"}, "fields.shown[1]", "not a report field"},
		{"a required field that is not shown is refused", "fields.required", []any{"targets", "impact"}, "fields.required[1]", `"impact" is required but not shown`},
		{"a field listed twice is refused", "fields.shown", []any{"targets", "targets"}, "fields.shown", "twice"},
		{"steps-or-attachment without attachments is refused", "attachments", map[string]any{"max_count": 0}, "fields.steps_or_attachment", "max_count above 0"},
		{"attachments without a file limit are refused", "attachments.max_file_bytes", nil, "attachments.max_file_bytes", "per-file limit"},
		{"a file limit over the total is refused", "attachments.max_total_bytes", 10, "attachments.max_file_bytes", "larger than max_total_bytes"},
		{"a negative count is refused", "attachments.max_count", -1, "attachments.max_count", "at least 0"},
		{"a bad accepted type is refused", "attachments.types", []any{"mp4"}, "attachments.types[0]", "media type"},
		{"an unsupported language is refused", "languages", []any{"en", "it"}, "languages[1]", "one of: en, nl, fr, de, es"},
		{"no language is refused", "languages", []any{}, "languages", "at least 1"},
		{"a label in a language not offered is refused", "fields.labels", map[string]any{"nl": map[string]any{"targets": "Doel"}}, "fields.labels.nl", `language "nl" is not in languages`},
		{"a label for an unknown field is refused", "fields.labels", map[string]any{"en": map[string]any{"colour": "Colour"}}, "fields.labels.en.colour", "not a report field"},
		{"triage before the first reply is refused", "promises", map[string]any{"reply_within_working_days": 10, "triage_within_working_days": 5}, "promises.triage_within_working_days", "cannot come before"},
		{"a reply promise beyond 90 days is refused", "promises", map[string]any{"reply_within_working_days": 400}, "promises.reply_within_working_days", "at most 90"},
		{"an unknown bounty kind is refused", "bounty.kind", "maybe", "bounty.kind", "none, discretionary, paid"},
		{"a javascript: contact is refused", "non_security", map[string]any{"contacts": []any{map[string]any{"label": "x", "url": "javascript:alert(1)"}}}, "non_security.contacts[0].url", "https:, mailto: or tel:"},
		{"an unknown out-of-scope category is refused", "out_of_scope_categories", []any{"physical", "phishing"}, "out_of_scope_categories[1]", "must be one of: web, api"},
		{"no pseudonyms without a name field is refused", "credit.pseudonym_allowed", false, "credit.pseudonym_allowed", `add "reporter.name" to fields.shown`},
		{"a policy URL with credentials is refused", "org.policy_url", "https://user:pw@example.com/", "org.policy_url", "absolute https://"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := edit(t, c.path, c.value)
			if c.name == "steps-or-attachment without attachments is refused" {
				doc = bytes.Replace(doc, []byte(`"required":["targets"]`), []byte(`"required":["targets"],"steps_or_attachment":true`), 1)
			}
			wantProblem(t, doc, c.wantPath, c.wantMsg)
		})
	}
}

// wantProblem fails t unless loading doc gives a problem at path whose
// message says msg.
func wantProblem(t *testing.T, doc []byte, path, msg string) {
	t.Helper()
	_, err := Load(bytes.NewReader(doc))
	var cerr *Error
	if !errors.As(err, &cerr) {
		t.Fatalf("got %v, want a *config.Error", err)
	}
	for _, p := range cerr.Problems {
		if p.Path == path && strings.Contains(p.Message, msg) {
			return
		}
	}
	t.Errorf("no problem at %s saying %q in %v", path, msg, cerr)
}

func TestAConfigWithOnlyAnEmailAddressIsEmailOnly(t *testing.T) {
	doc := edit(t, "endpoint", nil)
	doc = bytes.Replace(doc, []byte(`"name":"Example"`), []byte(`"name":"Example","security_email":"security@example.com"`), 1)
	c, err := Load(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !c.EmailOnly() {
		t.Error("a config without an endpoint is not email only")
	}
	out, _ := json.Marshal(c)
	if bytes.Contains(out, []byte(`"endpoint"`)) {
		t.Errorf("it writes an empty endpoint back: %s", out)
	}
	if base, _ := Load(strings.NewReader(base)); base.EmailOnly() {
		t.Error("a config with an endpoint is email only")
	}
}

func TestPlainHTTPEndpointsOnLoopbackAreAllowed(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8082/reports", "http://localhost:8082/reports", "http://[::1]:8082/reports"} {
		if _, err := Load(bytes.NewReader(edit(t, "endpoint.url", u))); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestLanguageFollowsTheReportersPreference(t *testing.T) {
	cfg, err := LoadFile("examples/comoo.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		prefs []string
		want  string
	}{
		{[]string{"nl-BE", "en"}, "nl"},
		{[]string{"de-DE", "FR"}, "fr"},
		{[]string{"es"}, "en"},
		{nil, "en"},
	} {
		if got := cfg.Language(c.prefs...); got != c.want {
			t.Errorf("Language(%v) = %q, want %q", c.prefs, got, c.want)
		}
	}
}

func TestTheVendorsLabelsReachTheMessages(t *testing.T) {
	cfg, err := LoadFile("examples/comoo.json")
	if err != nil {
		t.Fatal(err)
	}
	err = report.Validate(&report.Report{Schema: report.Schema, PolicyAccepted: true}, report.Options{Rules: cfg.Rules(), Language: "nl", Labels: cfg.Labels("nl")})
	if err == nil || !strings.Contains(err.Error(), "IP-adres of URL van het getroffen systeem is verplicht.") {
		t.Errorf("got %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	for _, name := range []string{"examples/comoo.json", "examples/cocomm.json", "examples/comoo-email.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(base))
	f.Add([]byte(`{"fields":{"labels":{"en":{"x":""}}}}`))
	f.Add([]byte(`{"org":{"name":"x","legal_notice":{"en":"a","nl":""}},"guidelines":["a",{"en":"b"},{}],"translated":{"en":"t"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(bytes.NewReader(data))
		if err != nil {
			var cerr *Error
			if !errors.As(err, &cerr) || len(cerr.Problems) == 0 {
				t.Fatalf("error %v is not a *config.Error with problems", err)
			}
			return
		}
		// What loads must survive a round trip and still load.
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Load(bytes.NewReader(out)); err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
	})
}

func TestNoPseudonymsMeansTheNameIsRequired(t *testing.T) {
	doc := edit(t, "credit.pseudonym_allowed", false)
	doc = bytes.Replace(doc, []byte(`"shown":["targets","description","steps"]`), []byte(`"shown":["targets","description","steps","reporter.name"]`), 1)
	c, err := Load(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Rules().Required; !slices.Contains(got, "reporter.name") {
		t.Errorf("required %v, want reporter.name in it", got)
	}
	c.Credit.PseudonymAllowed = nil
	if got := c.Rules().Required; slices.Contains(got, "reporter.name") {
		t.Errorf("pseudonyms allowed, yet required %v", got)
	}
}
