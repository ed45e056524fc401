package advisory

import (
	"strings"
	"time"
)

// ghsaBody is the body of GitHub's "privately report a security
// vulnerability" request (POST /repos/{owner}/{repo}/security-advisories/reports).
type ghsaBody struct {
	Summary          string     `json:"summary"`
	Description      string     `json:"description"`
	Vulnerabilities  []ghsaVuln `json:"vulnerabilities"`
	CWEIDs           []string   `json:"cwe_ids"`
	Severity         string     `json:"severity,omitempty"`
	CVSSVectorString string     `json:"cvss_vector_string,omitempty"`
}

type ghsaVuln struct {
	Package                ghsaPackage `json:"package"`
	VulnerableVersionRange string      `json:"vulnerable_version_range"`
	PatchedVersions        string      `json:"patched_versions"`
}

type ghsaPackage struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
}

func (d *draft) ghsa() ghsaBody {
	k := d.r
	b := ghsaBody{
		Summary:     d.need("/summary", truncate(k.title, 1024), whyTitle),
		Description: d.need("/description", k.markdown(), whyDetails),
		CWEIDs:      []string{},
		Vulnerabilities: []ghsaVuln{{Package: ghsaPackage{
			Ecosystem: d.need("/vulnerabilities/0/package/ecosystem", strings.ToLower(d.o.Ecosystem), whyEcosystem),
			Name:      d.need("/vulnerabilities/0/package/name", d.o.Product, whyProduct),
		}}},
	}
	d.miss("/vulnerabilities/0/vulnerable_version_range", whyVersions)
	d.miss("/vulnerabilities/0/patched_versions", whyVersions)
	if k.cwe != "" {
		b.CWEIDs = append(b.CWEIDs, k.cwe)
	} else {
		d.miss("/cwe_ids", whyCWE)
	}
	switch {
	case k.cvssVersion == "3.1":
		b.CVSSVectorString = k.cvss
	case k.cvss != "" && k.rating != "none":
		// The form takes a severity or a CVSS 3 vector.
		b.Severity = k.rating
		d.miss("/cvss_vector_string", "a CVSS 3.1 vector, if you want one: the report's is CVSS "+k.cvssVersion+" ("+k.cvss+"), given as its severity")
	default:
		d.miss("/severity", whySeverity)
	}
	return b
}

// truncate shortens s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// osvRecord is an OSV record (https://ossf.github.io/osv-schema/).
type osvRecord struct {
	SchemaVersion    string         `json:"schema_version"`
	ID               string         `json:"id"`
	Modified         string         `json:"modified"`
	Aliases          []string       `json:"aliases"`
	Summary          string         `json:"summary"`
	Details          string         `json:"details"`
	Severity         []osvSeverity  `json:"severity,omitempty"`
	Affected         []osvAffected  `json:"affected"`
	References       []osvReference `json:"references"`
	Credits          []osvCredit    `json:"credits,omitempty"`
	DatabaseSpecific map[string]any `json:"database_specific,omitempty"`
}

type osvSeverity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

type osvAffected struct {
	Package osvPackage `json:"package"`
	Ranges  []struct{} `json:"ranges"`
}

type osvPackage struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
}

type osvReference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type osvCredit struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// OSVSchemaVersion is the OSV schema version drafts follow.
const OSVSchemaVersion = "1.7.0"

func (d *draft) osv() osvRecord {
	k := d.r
	rec := osvRecord{
		SchemaVersion: OSVSchemaVersion,
		ID:            d.need("/id", d.o.ID, whyID+", with a prefix OSV knows (GHSA-, GO-, PYSEC-, ...) or x_ for your own"),
		Modified:      d.o.Now.Format(time.RFC3339),
		Aliases:       []string{},
		Summary:       d.need("/summary", k.title, whyTitle),
		Details:       d.need("/details", k.markdown(), whyDetails),
		Affected: []osvAffected{{
			Package: osvPackage{
				Ecosystem: d.need("/affected/0/package/ecosystem", d.o.Ecosystem, whyEcosystem),
				Name:      d.need("/affected/0/package/name", d.o.Product, whyProduct),
			},
			Ranges: []struct{}{},
		}},
		References: []osvReference{},
	}
	d.miss("/aliases", "the CVE id, once one is assigned")
	d.miss("/affected/0/ranges", whyVersions)
	d.miss("/references", "links to the fix and the vendor's advisory")
	if k.cvss != "" {
		rec.Severity = []osvSeverity{{Type: "CVSS_V" + k.cvssVersion[:1], Score: k.cvss}}
	} else {
		d.miss("/severity", whySeverity)
	}
	if k.credit != "" {
		rec.Credits = []osvCredit{{Name: k.credit, Type: "FINDER"}}
	}
	if k.cwe != "" {
		rec.DatabaseSpecific = map[string]any{"cwe_ids": []string{k.cwe}}
	} else {
		d.miss("/database_specific/cwe_ids", whyCWE)
	}
	return rec
}
