package advisory

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sealpost/sealpost/core/report"
)

var draftTime = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func example(t testing.TB, name string) *report.Report {
	t.Helper()
	f, err := os.Open("../report/examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := report.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var everything = Options{ID: "x_EXAMPLE-2026-0001", Vendor: "Example Shop", Namespace: "https://shop.example.com",
	Product: "webshop", Ecosystem: "npm", Now: draftTime}

func paths(missing []Missing) []string {
	var p []string
	for _, m := range missing {
		p = append(p, m.Path)
	}
	return p
}

// TestExportDraftsValidateAgainstTheirSchemas: a full report with every option
// given drafts an OSV record and a CSAF document that validate (but for
// the CWE's name, which no report gives, and is listed); with nothing
// given, and from a minimal report, every complaint of the schema is at
// a field listed as missing.
func TestExportDraftsValidateAgainstTheirSchemas(t *testing.T) {
	for _, f := range []Format{OSV, CSAF} {
		s := compile(t, f)
		for _, c := range []struct {
			name   string
			report string
			o      Options
			only   []string // the complaints expected, when exact
		}{
			{"a full report with every option", "full.json", everything, map[Format][]string{OSV: nil, CSAF: {"/vulnerabilities/0/cwe/name"}}[f]},
			{"a full report with no option", "full.json", Options{Now: draftTime}, []string{"*"}},
			{"a minimal report with no option", "minimal.json", Options{Now: draftTime}, []string{"*"}},
		} {
			t.Run(string(f)+": "+c.name, func(t *testing.T) {
				draft, missing, err := Write(f, example(t, c.report), c.o)
				if err != nil {
					t.Fatal(err)
				}
				at := complaints(t, s, draft)
				if bad := unlisted(at, missing); len(bad) > 0 {
					t.Errorf("the schema complains at %q, which are not listed as missing (%q)\n%s", bad, paths(missing), draft)
				}
				if len(c.only) > 0 && c.only[0] == "*" {
					if len(at) == 0 {
						t.Errorf("a draft with its id missing validates: the test cannot see the schema\n%s", draft)
					}
				} else if !slices.Equal(at, c.only) {
					t.Errorf("complaints at %q, want %q\n%s", at, c.only, draft)
				}
			})
		}
	}
}

func decode(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func get(m any, path string) any {
	for _, k := range strings.Split(strings.Trim(path, "/"), "/") {
		switch v := m.(type) {
		case map[string]any:
			m = v[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(v) {
				return nil
			}
			m = v[i]
		default:
			return nil
		}
	}
	return m
}

// TestExportDraftsCarryWhatTheReportSays: each format holds the report's
// title, text, CWE, CVSS and credit where the format wants them.
func TestExportDraftsCarryWhatTheReportSays(t *testing.T) {
	r := example(t, "full.json")
	for _, c := range []struct {
		f    Format
		path string
		want any
	}{
		{GHSA, "/summary", r.Title},
		{GHSA, "/cwe_ids/0", "CWE-639"},
		{GHSA, "/cvss_vector_string", r.CVSS},
		{GHSA, "/vulnerabilities/0/package/name", "webshop"},
		{OSV, "/id", "x_EXAMPLE-2026-0001"},
		{OSV, "/modified", "2026-12-01T09:00:00Z"},
		{OSV, "/severity/0/type", "CVSS_V3"},
		{OSV, "/severity/0/score", r.CVSS},
		{OSV, "/credits/0/name", "R. Searcher"},
		{OSV, "/credits/0/type", "FINDER"},
		{OSV, "/database_specific/cwe_ids/0", "CWE-639"},
		{CSAF, "/document/publisher/name", "Example Shop"},
		{CSAF, "/document/tracking/status", "draft"},
		{CSAF, "/document/tracking/initial_release_date", "2026-12-01T09:00:00Z"},
		{CSAF, "/product_tree/branches/0/branches/0/product/name", "Example Shop webshop"},
		{CSAF, "/vulnerabilities/0/cwe/id", "CWE-639"},
		{CSAF, "/vulnerabilities/0/scores/0/cvss_v3/baseScore", 6.5},
		{CSAF, "/vulnerabilities/0/scores/0/cvss_v3/baseSeverity", "MEDIUM"},
		{CSAF, "/vulnerabilities/0/discovery_date", "2026-11-20T09:30:00Z"},
		{CSAF, "/vulnerabilities/0/acknowledgments/0/names/0", "R. Searcher"},
	} {
		t.Run(string(c.f)+c.path, func(t *testing.T) {
			draft, _, err := Write(c.f, r, everything)
			if err != nil {
				t.Fatal(err)
			}
			if got := get(decode(t, draft), c.path); got != c.want {
				t.Errorf("%s = %#v, want %#v", c.path, got, c.want)
			}
		})
	}
	for _, f := range Formats {
		draft, _, _ := Write(f, r, everything)
		for _, text := range []string{"Changing the id parameter", "Change the id to 1041", "read every order"} {
			if !strings.Contains(string(draft), text) {
				t.Errorf("the %s draft lacks %q", f, text)
			}
		}
	}
}

// TestExportKeepsACVSS4VectorWhereTheFormatTakesIt: GitHub's form gets the
// severity, OSV the vector, CSAF 2.0 (no CVSS 4) a note; each is listed.
func TestExportKeepsACVSS4VectorWhereTheFormatTakesIt(t *testing.T) {
	r := example(t, "full.json")
	r.CVSS = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"
	r.Normalize()
	for _, c := range []struct {
		f       Format
		path    string
		want    any
		missing string
	}{
		{GHSA, "/severity", "high", "/cvss_vector_string"},
		{OSV, "/severity/0/type", "CVSS_V4", ""},
		{CSAF, "/vulnerabilities/0/notes/5/text", r.CVSS, "/vulnerabilities/0/scores"},
	} {
		draft, missing, err := Write(c.f, r, everything)
		if err != nil {
			t.Fatal(err)
		}
		if got := get(decode(t, draft), c.path); got != c.want {
			t.Errorf("%s %s = %#v, want %#v", c.f, c.path, got, c.want)
		}
		if c.missing != "" && !slices.Contains(paths(missing), c.missing) {
			t.Errorf("%s: %s not listed in %q", c.f, c.missing, paths(missing))
		}
		if s, ok := schemas[c.f]; ok && s != "" {
			if bad := unlisted(complaints(t, compile(t, c.f), draft), missing); len(bad) > 0 {
				t.Errorf("%s: complaints at %q", c.f, bad)
			}
		}
	}
}

// TestExportListsWhatTheReportLacks: a minimal report (targets and a
// description) leaves the title, CWE and severity to the vendor.
func TestExportListsWhatTheReportLacks(t *testing.T) {
	r := example(t, "minimal.json")
	for f, want := range map[Format][]string{
		GHSA: {"/summary", "/cwe_ids", "/severity", "/vulnerabilities/0/package/name"},
		OSV:  {"/id", "/summary", "/severity", "/database_specific/cwe_ids", "/affected/0/package/ecosystem"},
		CSAF: {"/document/title", "/document/tracking/id", "/document/publisher/name", "/document/publisher/namespace", "/vulnerabilities/0/cwe", "/vulnerabilities/0/scores"},
	} {
		_, missing, err := Write(f, r, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range want {
			if !slices.Contains(paths(missing), p) {
				t.Errorf("%s: %s is not listed as missing: %q", f, p, paths(missing))
			}
		}
		for _, m := range missing {
			if m.Why == "" || !strings.HasPrefix(m.Path, "/") {
				t.Errorf("%s: %+v", f, m)
			}
		}
	}
}

func TestExportCleansTextAndBoundsTheSummary(t *testing.T) {
	r := example(t, "full.json")
	r.Title = "Orders \u202eredro\u202c readable\x1b[31m"
	r.Description = "line one\r\nline two\x00\ttabbed"
	draft, _, err := Write(GHSA, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, draft)
	if s := m["summary"].(string); strings.ContainsAny(s, "\u202e\u202c\x1b") {
		t.Errorf("summary %q", s)
	}
	if d := m["description"].(string); !strings.Contains(d, "line one\nline two\uFFFD\ttabbed") {
		t.Errorf("description %q", d)
	}
	for _, n := range []int{1024, 1025} {
		r.Title = strings.Repeat("é", n/2) + strings.Repeat("x", n%2)
		draft, _, _ := Write(GHSA, r, Options{})
		s := decode(t, draft)["summary"].(string)
		if want := min(n, 1024); len(s) != want {
			t.Errorf("a title of %d bytes: a summary of %d, want %d", n, len(s), want)
		}
	}
	if _, _, err := Write("cve", r, Options{}); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// FuzzWrite drafts every format from any report.json that parses: each
// draft is JSON, and the schema complains only where a field is listed
// as missing.
func FuzzWrite(f *testing.F) {
	for _, name := range []string{"full.json", "minimal.json"} {
		data, err := os.ReadFile("../report/examples/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"schema":"sealpost.report/v1","title":"\u0000\u202e","cwe":"CWE-0","cvss":"CVSS:3.1/AV:N","language":"xx-YY","discovered_at":"0001-01-01T00:00:00Z","policy_accepted":true}`))
	compiled := map[Format]*jsonschema.Schema{}
	for _, fm := range []Format{OSV, CSAF} {
		compiled[fm] = compile(f, fm)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := report.Parse(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for _, fm := range Formats {
			draft, missing, err := Write(fm, r, Options{Now: draftTime})
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(draft) {
				t.Fatalf("%s: not JSON:\n%s", fm, draft)
			}
			if s, ok := compiled[fm]; ok {
				if bad := unlisted(complaints(t, s, draft), missing); len(bad) > 0 {
					t.Fatalf("%s: complaints at %q\n%s", fm, bad, draft)
				}
			}
		}
	})
}
