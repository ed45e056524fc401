package advisory

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemas are the formats' published JSON schemas (testdata/schema,
// SOURCES.md says where each comes from), by the id drafts are checked
// against; GitHub publishes none for its report body.
var schemas = map[Format]string{
	OSV:  "https://raw.githubusercontent.com/ossf/osv-schema/main/validation/schema.json",
	CSAF: "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
}

func compile(t testing.TB, f Format) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for file, url := range map[string]string{
		"osv_schema.json":       schemas[OSV],
		"csaf_json_schema.json": schemas[CSAF],
		"cvss-v2.0.json":        "https://www.first.org/cvss/cvss-v2.0.json",
		"cvss-v3.0.json":        "https://www.first.org/cvss/cvss-v3.0.json",
		"cvss-v3.1.json":        "https://www.first.org/cvss/cvss-v3.1.json",
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "schema", file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(schemas[f])
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// complaints validates draft and returns where the schema complains, as
// JSON Pointers (the leaves of its error tree).
func complaints(t testing.TB, s *jsonschema.Schema, draft []byte) []string {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(draft))
	if err != nil {
		t.Fatalf("the draft is not JSON: %v", err)
	}
	err = s.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		t.Fatal(err)
	}
	var at []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			p := "/" + strings.Join(e.InstanceLocation, "/")
			if !slices.Contains(at, p) {
				at = append(at, p)
			}
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return at
}

// unlisted returns the complaints that are not at or under a missing path.
func unlisted(at []string, missing []Missing) []string {
	var out []string
	for _, p := range at {
		if !slices.ContainsFunc(missing, func(m Missing) bool { return p == m.Path || strings.HasPrefix(p, m.Path+"/") }) {
			out = append(out, p)
		}
	}
	return out
}
