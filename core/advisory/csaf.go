package advisory

import (
	"strings"
	"time"
)

// csafDoc is a CSAF 2.0 document (https://docs.oasis-open.org/csaf/csaf/v2.0/),
// profile csaf_security_advisory: one product, one vulnerability.
type csafDoc struct {
	Document        csafDocument `json:"document"`
	ProductTree     csafTree     `json:"product_tree"`
	Vulnerabilities []csafVuln   `json:"vulnerabilities"`
}

type csafDocument struct {
	Category    string    `json:"category"`
	CSAFVersion string    `json:"csaf_version"`
	Lang        string    `json:"lang,omitempty"`
	Publisher   csafPub   `json:"publisher"`
	Title       string    `json:"title"`
	Tracking    csafTrack `json:"tracking"`
}

type csafPub struct {
	Category  string `json:"category"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

type csafTrack struct {
	CurrentReleaseDate string         `json:"current_release_date"`
	Generator          csafGenerator  `json:"generator"`
	ID                 string         `json:"id"`
	InitialReleaseDate string         `json:"initial_release_date"`
	RevisionHistory    []csafRevision `json:"revision_history"`
	Status             string         `json:"status"`
	Version            string         `json:"version"`
}

type csafGenerator struct {
	Date   string `json:"date"`
	Engine struct {
		Name string `json:"name"`
	} `json:"engine"`
}

type csafRevision struct {
	Date    string `json:"date"`
	Number  string `json:"number"`
	Summary string `json:"summary"`
}

type csafNote struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Title    string `json:"title,omitempty"`
}

type csafThank struct {
	Names []string `json:"names"`
}

type csafTree struct {
	Branches []csafBranch `json:"branches"`
}

type csafBranch struct {
	Category string        `json:"category"`
	Name     string        `json:"name"`
	Branches []csafBranch  `json:"branches,omitempty"`
	Product  *csafFullName `json:"product,omitempty"`
}

type csafFullName struct {
	Name      string `json:"name"`
	ProductID string `json:"product_id"`
}

type csafVuln struct {
	Title         string      `json:"title,omitempty"`
	CWE           *csafCWE    `json:"cwe,omitempty"`
	DiscoveryDate string      `json:"discovery_date,omitempty"`
	Notes         []csafNote  `json:"notes,omitempty"`
	ProductStatus csafStatus  `json:"product_status"`
	Scores        []csafScore `json:"scores,omitempty"`
	Ack           []csafThank `json:"acknowledgments,omitempty"`
}

type csafCWE struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type csafStatus struct {
	KnownAffected []string `json:"known_affected"`
}

type csafScore struct {
	Products []string `json:"products"`
	CVSSv3   csafCVSS `json:"cvss_v3"`
}

type csafCVSS struct {
	Version      string  `json:"version"`
	VectorString string  `json:"vectorString"`
	BaseScore    float64 `json:"baseScore"`
	BaseSeverity string  `json:"baseSeverity"`
}

// csafProductID names the one product a draft is about.
const csafProductID = "CSAFPID-0001"

func (d *draft) csaf() csafDoc {
	k, now := d.r, d.o.Now.Format(time.RFC3339)
	doc := csafDoc{Document: csafDocument{
		Category: "csaf_security_advisory", CSAFVersion: "2.0", Lang: k.language,
		Publisher: csafPub{
			Category:  "vendor",
			Name:      d.need("/document/publisher/name", d.o.Vendor, "the vendor's name (--vendor, or the config's org.name)"),
			Namespace: d.need("/document/publisher/namespace", d.o.Namespace, "the vendor's web address, https://... (--namespace, or the config's org.policy_url)"),
		},
		Title: d.need("/document/title", k.title, whyTitle),
		Tracking: csafTrack{
			CurrentReleaseDate: now, InitialReleaseDate: now,
			ID:              d.need("/document/tracking/id", d.o.ID, whyID),
			RevisionHistory: []csafRevision{{Date: now, Number: "0.1.0", Summary: "Draft from a Sealpost report."}},
			Status:          "draft", Version: "0.1.0",
		},
	}}
	doc.Document.Tracking.Generator.Date = now
	doc.Document.Tracking.Generator.Engine.Name = "Sealpost"
	vendor, product := d.o.Vendor, d.o.Product
	d.need("/product_tree/branches/0/branches/0/name", product, whyProduct)
	doc.ProductTree.Branches = []csafBranch{{Category: "vendor", Name: vendor, Branches: []csafBranch{{
		Category: "product_name", Name: product,
		Product: &csafFullName{Name: strings.TrimSpace(vendor + " " + product), ProductID: csafProductID},
	}}}}
	if vendor == "" {
		d.miss("/product_tree/branches/0/name", "the vendor's name (--vendor, or the config's org.name)")
	}
	if vendor == "" && product == "" {
		d.miss("/product_tree/branches/0/branches/0/product/name", whyProduct)
	}
	v := csafVuln{
		Title:         k.title,
		ProductStatus: csafStatus{KnownAffected: []string{csafProductID}},
	}
	d.miss("/vulnerabilities/0/remediations", "the fix or workaround, once there is one")
	if k.found != nil {
		v.DiscoveryDate = k.found.Format(time.RFC3339)
	}
	for _, n := range []csafNote{
		{Category: "description", Title: "What the reporter saw", Text: k.description},
		{Category: "details", Title: "Affected", Text: strings.Join(k.targets, "\n")},
		{Category: "details", Title: "Expected", Text: k.expected},
		{Category: "details", Title: "Steps to reproduce", Text: k.steps},
		{Category: "general", Title: "Impact", Text: k.impact},
	} {
		if n.Text = strings.TrimSpace(n.Text); n.Text != "" {
			v.Notes = append(v.Notes, n)
		}
	}
	if len(v.Notes) == 0 {
		d.miss("/vulnerabilities/0/notes", whyDetails)
	}
	if k.cwe != "" {
		v.CWE = &csafCWE{ID: k.cwe}
		d.miss("/vulnerabilities/0/cwe/name", "the name of "+k.cwe+" (cwe.mitre.org)")
	} else {
		d.miss("/vulnerabilities/0/cwe", whyCWE)
	}
	switch {
	case k.cvssVersion == "3.1":
		v.Scores = []csafScore{{Products: []string{csafProductID}, CVSSv3: csafCVSS{
			Version: "3.1", VectorString: k.cvss, BaseScore: k.score, BaseSeverity: strings.ToUpper(k.rating),
		}}}
	case k.cvss != "":
		v.Notes = append(v.Notes, csafNote{Category: "other", Title: "CVSS " + k.cvssVersion, Text: k.cvss})
		d.miss("/vulnerabilities/0/scores", "a CVSS 3.1 score: CSAF 2.0 has none for CVSS "+k.cvssVersion+" (the report's vector is in the notes)")
	default:
		d.miss("/vulnerabilities/0/scores", whySeverity)
	}
	if k.credit != "" {
		v.Ack = []csafThank{{Names: []string{k.credit}}}
	}
	doc.Vulnerabilities = []csafVuln{v}
	return doc
}
