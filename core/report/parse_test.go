package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestParseNamesTheJSONPathOfEveryProblem(t *testing.T) {
	for _, c := range []struct{ name, in, field, want string }{
		{"an unknown top-level key", `{"titel":"x"}`, "titel", `unknown key "titel"; did you mean "title"?`},
		{"an unknown nested key", `{"reporter":{"mail":"a@b"}}`, "reporter.mail", `unknown key "mail"; did you mean "email"?`},
		{"an unknown key in a list item", `{"attachments":[{"name":"a","path":"/x"}]}`, "attachments[0].path", `unknown key "path"; remove it, or use one of: name, type, size, sha256`},
		{"a key in the wrong case", `{"Title":"x"}`, "Title", `unknown key "Title"; did you mean "title"?`},
		{"an unknown key with a dot in it", `{"a.b":1}`, "a.b", `unknown key "a.b"; remove it, or use one of: schema, title`},
		{"a number where text belongs", `{"title":1}`, "title", `wrong type: want a string, got number`},
		{"text where a list belongs", `{"targets":"example.com"}`, "targets", `wrong type: want a list, got string`},
		{"a number in a list of text", `{"targets":["a",1]}`, "targets[1]", `wrong type: want a string, got number`},
		{"text where a size belongs, in the third attachment", `{"attachments":[{},{},{"size":"12"}]}`, "attachments[2].size", `wrong type: want a whole number, got string`},
		{"a fraction where a size belongs", `{"attachments":[{"size":1.5}]}`, "attachments[0].size", `want a whole number`},
		{"text where true or false belongs", `{"reporter":{"credit":"yes"}}`, "reporter.credit", `wrong type: want true or false, got string`},
		{"a word where a date belongs", `{"discovered_at":"yesterday"}`, "discovered_at", whenHint + `, not "yesterday"`},
		{"a day that does not exist", `{"discovered_at":"2026-02-30"}`, "discovered_at", whenHint + `, not "2026-02-30"`},
		{"a time of day without its offset", `{"discovered_at":"2026-11-20T14:30"}`, "discovered_at", whenHint},
		{"a day written the other way round", `{"discovered_at":"20-11-2026"}`, "discovered_at", whenHint},
		{"a number where a date belongs", `{"title":"x","discovered_at":20261120}`, "discovered_at", whenHint + `, not "20261120"`},
		{"a date where a moment belongs", `{"submitted_at":"2026-11-20"}`, "submitted_at", "write a date and time like 2026-11-20T14:30:00Z"},
		{"a syntax error", "{\n\"title\": \"x\",\n}", "", `line 3, column 1`},
		{"a truncated document", `{"title":`, "", `ends too early`},
		{"trailing data", `{} {}`, "", `unexpected data after the JSON value`},
		{"an empty document", ` `, "", `empty document`},
		{"a list at the top", `[]`, "", `want an object`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.in))
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) != 1 {
				t.Fatalf("got %v, want one problem", err)
			}
			p := verr.Problems[0]
			if p.Field != c.field || p.Rule != "json" || !strings.Contains(p.Message, c.want) {
				t.Errorf("got %s: %s [%s]; want %s: ...%s... [json]", p.Field, p.Message, p.Rule, c.field, c.want)
			}
		})
	}
}

func TestParseListsEveryUnknownKey(t *testing.T) {
	_, err := Parse(strings.NewReader(`{"titel":"x","reporter":{"nmae":"Ada"}}`))
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("got %v", err)
	}
	var fields []string
	for _, p := range verr.Problems {
		fields = append(fields, p.Field)
	}
	if want := []string{"reporter.nmae", "titel"}; !slices.Equal(fields, want) {
		t.Errorf("got %v, want %v", fields, want)
	}
}

func TestParseReadsUpToMaxJSONBytes(t *testing.T) {
	pad := func(n int) string {
		doc := `{"description":""}`
		return `{"description":"` + strings.Repeat("a", n-len(doc)) + `"}`
	}
	if _, err := Parse(strings.NewReader(pad(MaxJSONBytes))); err != nil {
		t.Errorf("a document of exactly MaxJSONBytes: %v", err)
	}
	_, err := Parse(strings.NewReader(pad(MaxJSONBytes + 1)))
	var verr *ValidationError
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a document one byte past MaxJSONBytes: %v", err)
	}
}

func TestParseRecomputesTheCVSSScore(t *testing.T) {
	r, err := Parse(strings.NewReader(`{"cvss":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","cvss_score":1.0,"cvss_rating":"low"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.CVSSScore != 9.8 || r.CVSSRating != "critical" || r.Schema != Schema {
		t.Errorf("got %v %q %q", r.CVSSScore, r.CVSSRating, r.Schema)
	}
}

//go:embed schema.json
var schemaJSON []byte

// TestTheSchemaDescribesEveryField keeps schema.json and the Go type in step.
func TestTheSchemaDescribesEveryField(t *testing.T) {
	var schema struct {
		Properties map[string]struct {
			Properties map[string]any `json:"properties"`
			Items      struct {
				Properties map[string]any `json:"properties"`
			} `json:"items"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schemaJSON, &schema); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
	top := map[string]any{}
	for k := range schema.Properties {
		top[k] = nil
	}
	check := func(what string, got []string, typ reflect.Type) {
		if want := keys(jsonNames(typ)); !slices.Equal(got, want) {
			t.Errorf("%s: schema has %v, Go has %v", what, got, want)
		}
	}
	check("report", keys(top), reflect.TypeFor[Report]())
	check("reporter", keys(schema.Properties["reporter"].Properties), reflect.TypeFor[Reporter]())
	check("attachment", keys(schema.Properties["attachments"].Items.Properties), reflect.TypeFor[Attachment]())
	if !bytes.Contains(schemaJSON, []byte(`"const": "`+Schema+`"`)) {
		t.Error("schema.json does not pin the schema id")
	}
}

func jsonNames(t reflect.Type) map[string]any {
	names := map[string]any{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		names[name] = nil
	}
	return names
}

// FuzzParse checks that Parse never panics, that each refusal lists its
// problems, that what it accepts validates without panicking, and that
// report.json round-trips (a date stays a date).
func FuzzParse(f *testing.F) {
	seeds, _ := validReport().JSON()
	hostile, _ := hostileReport().JSON()
	for _, s := range []string{string(seeds), string(hostile), `{}`, `{"targets":["a",1]}`, `{"reporter":{"credit":true}}`, `{"discovered_at":"2026-01-01T00:00:00Z"}`, `{"discovered_at":"2026-11-20"}`, `{"discovered_at":"2026-11-20T14:30:00.5+01:00","submitted_at":"2026-11-21T00:00:00Z"}`, `{"attachments":[{},{"size":"1"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(bytes.NewReader(data))
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("a refusal that names no problem: %v", err)
			}
			for _, p := range verr.Problems {
				if p.Rule != "json" || p.Message == "" {
					t.Fatalf("a problem without a rule or a message: %+v", p)
				}
			}
			return
		}
		_ = Validate(r, Options{Rules: fullRules, Now: clock})
		out, err := r.JSON()
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		back, err := Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		out2, _ := back.JSON()
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the report:\n%s\n%s", out, out2)
		}
	})
}

var ecmaEscapeRE = regexp.MustCompile(`\\u([0-9a-fA-F]{4})`)

// TestTheSchemaAndParseAgreeOnDates: schema.json (checked with its formats
// asserted) and Parse accept and refuse the same discovered_at values.
func TestTheSchemaAndParseAgreeOnDates(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	// schema.json's patterns are ECMA-262, whose \uXXXX Go's regexp writes \x{XXXX}.
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		return regexp.Compile(ecmaEscapeRE.ReplaceAllString(s, `\x{$1}`))
	})
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		value string
		ok    bool
	}{
		{"2026-11-20", true},
		{"2026-11-20T14:30:00Z", true},
		{"2026-11-20T14:30:00.5+01:00", true},
		{"2026-11-20T14:30", false},
		{"2026-02-30", false},
		{"yesterday", false},
	} {
		t.Run(c.value, func(t *testing.T) {
			report := `{"schema":"sealpost.report/v1","policy_accepted":true,"discovered_at":"` + c.value + `"}`
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(report))
			if err != nil {
				t.Fatal(err)
			}
			schemaErr := schema.Validate(inst)
			_, parseErr := Parse(strings.NewReader(report))
			if (schemaErr == nil) != c.ok || (parseErr == nil) != c.ok {
				t.Errorf("schema: %v; Parse: %v; want accepted %v", schemaErr, parseErr, c.ok)
			}
		})
	}
}
