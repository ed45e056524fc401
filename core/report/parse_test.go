package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseNamesTheJSONPathOfEveryProblem(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"an unknown top-level key", `{"titel":"x"}`, `titel: unknown key "titel"`},
		{"an unknown nested key", `{"reporter":{"mail":"a@b"}}`, `reporter.mail: unknown key "mail"`},
		{"an unknown key in a list item", `{"attachments":[{"name":"a","path":"/x"}]}`, `attachments[0].path: unknown key "path"`},
		{"a key in the wrong case", `{"Title":"x"}`, `Title: unknown key "Title"`},
		{"a number where text belongs", `{"title":1}`, `title: wrong type: want a string, got number`},
		{"text where a list belongs", `{"targets":"example.com"}`, `targets: wrong type: want a list, got string`},
		{"a bad date", `{"discovered_at":"yesterday"}`, `parsing time`},
		{"a syntax error", "{\n\"title\": \"x\",\n}", `line 3, column 1`},
		{"a truncated document", `{"title":`, `ends too early`},
		{"trailing data", `{} {}`, `unexpected data after the JSON value`},
		{"an empty document", ` `, `empty document`},
		{"a list at the top", `[]`, `want an object`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestParseRefusesOversizedDocuments(t *testing.T) {
	doc := `{"description":"` + strings.Repeat("a", MaxJSONBytes) + `"}`
	if _, err := Parse(strings.NewReader(doc)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("got %v", err)
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

// FuzzParse checks that Parse never panics, that what it accepts validates
// without panicking, and that report.json round-trips.
func FuzzParse(f *testing.F) {
	seeds, _ := validReport().JSON()
	hostile, _ := hostileReport().JSON()
	for _, s := range []string{string(seeds), string(hostile), `{}`, `{"targets":["a",1]}`, `{"reporter":{"credit":true}}`, `{"discovered_at":"2026-01-01T00:00:00Z"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(bytes.NewReader(data))
		if err != nil {
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
