// Package advisory drafts a security advisory from a report, for the
// vendor to finish after triage: the body of a GitHub private
// vulnerability report ([GHSA]), an OSV record ([OSV]) or a CSAF 2.0
// document ([CSAF]).
//
// # Drafting
//
// [Write] fills what the report supplies (title, description, steps,
// impact, CWE, CVSS, credit, when it was found) and what [Options] give
// (the advisory's id, vendor, product, the draft's date), and leaves every
// other field a complete advisory needs empty, listing each as a [Missing]
// with its JSON Pointer and what belongs there. A draft with fields
// missing does not validate against its format's schema (OSV's id, CSAF's
// publisher and product names are required), and nothing else stops it:
// the tests check that the schema's complaints are exactly at the
// [Missing] paths.
//
// The report's text is copied as written (Markdown in the GitHub and OSV
// drafts), with control and bidirectional-override characters replaced:
// a person must read the draft before it is published.
package advisory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/sealpost/sealpost/core/report"
)

// A Format is one kind of advisory.
type Format string

// The formats [Write] drafts.
const (
	GHSA Format = "ghsa" // GitHub's private vulnerability report (REST API body)
	OSV  Format = "osv"  // an OSV record (schema 1.7)
	CSAF Format = "csaf" // a CSAF 2.0 document, profile csaf_security_advisory
)

// Formats are the formats, in the order a person reads them.
var Formats = []Format{GHSA, OSV, CSAF}

// Options give what the report cannot: every field is optional, and an
// empty one is left empty in the draft and listed as missing.
type Options struct {
	ID        string    // the advisory's id: OSV's id, CSAF's tracking id
	Vendor    string    // the vendor's name (CSAF publisher and product tree)
	Namespace string    // the vendor's web address (CSAF publisher namespace)
	Product   string    // the affected product (OSV and GitHub package name, CSAF product)
	Ecosystem string    // the product's package ecosystem (OSV, GitHub), e.g. npm, Go, PyPI
	Now       time.Time // the draft's date; zero means time.Now
}

// Missing is a field the draft leaves empty.
type Missing struct {
	Path string // a JSON Pointer (RFC 6901) into the draft, e.g. /document/tracking/id
	Why  string // what belongs there
}

func (m Missing) String() string { return m.Path + ": " + m.Why }

// Write drafts r in format f: the draft, indented JSON, and the fields it
// left empty.
func Write(f Format, r *report.Report, o Options) ([]byte, []Missing, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC().Truncate(time.Second)
	d := &draft{r: facts(r), o: o}
	var doc any
	switch f {
	case GHSA:
		doc = d.ghsa()
	case OSV:
		doc = d.osv()
	case CSAF:
		doc = d.csaf()
	default:
		return nil, nil, fmt.Errorf("advisory: unknown format %q: use ghsa, osv or csaf", f)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), d.missing, nil
}

// draft collects the missing fields while a document is built.
type draft struct {
	r       known
	o       Options
	missing []Missing
}

// need returns v, noting path as missing when v is empty.
func (d *draft) need(path, v, why string) string {
	if v == "" {
		d.miss(path, why)
	}
	return v
}

func (d *draft) miss(path, why string) { d.missing = append(d.missing, Missing{path, why}) }

// known is what a report supplies, cleaned and checked: a CWE or CVSS
// vector that does not parse is left out as if it were not given.
type known struct {
	title, description, expected, steps, impact string
	targets                                     []string
	cwe                                         string // CWE-n
	cvss, cvssVersion, rating                   string // the vector, "3.1" or "4.0", "low" ...
	score                                       float64
	credit                                      string // the name to credit, when the reporter asked for credit
	found                                       *time.Time
	language                                    string
}

var (
	cweRE      = regexp.MustCompile(`^CWE-[1-9][0-9]{0,5}$`)
	languageRE = regexp.MustCompile(`^[a-z]{2}$`)
)

func facts(r *report.Report) known {
	k := known{
		title: strings.TrimSpace(text(r.Title, false)), description: text(r.Description, true),
		expected: text(r.Expected, true), steps: text(r.Steps, true), impact: text(r.Impact, true),
	}
	for _, t := range r.Targets {
		if t = strings.TrimSpace(text(t, false)); t != "" {
			k.targets = append(k.targets, t)
		}
	}
	if cweRE.MatchString(r.CWE) {
		k.cwe = r.CWE
	}
	if s, err := report.ScoreCVSS(r.CVSS); err == nil {
		k.cvss, k.cvssVersion, k.rating, k.score = r.CVSS, s.Version, s.Rating, s.Score
	}
	if r.Reporter.Credit {
		k.credit = strings.TrimSpace(text(r.Reporter.CreditName, false))
		if k.credit == "" {
			k.credit = strings.TrimSpace(text(r.Reporter.Name, false))
		}
	}
	if r.DiscoveredAt != nil && !r.DiscoveredAt.IsZero() && r.DiscoveredAt.Year() > 0 && r.DiscoveredAt.Year() < 10000 {
		t := r.DiscoveredAt.UTC()
		k.found = &t
	}
	if languageRE.MatchString(r.Language) {
		k.language = r.Language
	}
	return k
}

// text replaces control characters (but line breaks and tabs in
// multiline text), bidirectional controls and invalid UTF-8 with U+FFFD.
func text(s string, multiline bool) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	return strings.Map(func(r rune) rune {
		if multiline && (r == '\n' || r == '\t') {
			return r
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return '\uFFFD'
		}
		return r
	}, s)
}

// markdown is the report as GitHub's advisory template lays it out:
// Summary, Details, PoC, Impact (and Credit).
func (k known) markdown() string {
	var b strings.Builder
	section := func(title, body string) {
		if strings.TrimSpace(body) == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("### " + title + "\n" + strings.TrimSpace(body))
	}
	section("Summary", k.description)
	var details []string
	if len(k.targets) > 0 {
		details = append(details, "Affected: "+strings.Join(k.targets, ", "))
	}
	if k.expected != "" {
		details = append(details, "Expected: "+strings.TrimSpace(k.expected))
	}
	if k.found != nil {
		details = append(details, "Found: "+k.found.Format(time.DateOnly))
	}
	section("Details", strings.Join(details, "\n\n"))
	section("PoC", k.steps)
	section("Impact", k.impact)
	if k.credit != "" {
		section("Credit", "Reported by "+k.credit+".")
	}
	return b.String()
}

// what a person must supply, said once.
const (
	whyID        = "the advisory's id in your database (--id)"
	whyTitle     = "a one-line title: the report has none"
	whyDetails   = "what the vulnerability is: the report says nothing"
	whyProduct   = "the affected product (--product)"
	whyEcosystem = "the product's package ecosystem, e.g. npm, Go, PyPI (--ecosystem)"
	whyVersions  = "the affected and fixed versions, known after triage"
	whySeverity  = "a severity or CVSS vector: the report gives none"
	whyCWE       = "the CWE: the report gives none"
)
