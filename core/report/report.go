package report

import (
	"encoding/json"
	"time"
)

// Schema is the schema id every report carries in its "schema" field.
const Schema = "sealpost.report/v1"

// MaxJSONBytes bounds the size of a report.json document that [Parse] reads.
// Attachments travel beside report.json, never inside it.
const MaxJSONBytes = 1 << 20

// Categories a report can have. A physical report needs no target.
var Categories = []string{"web", "api", "mobile", "desktop", "network", "cloud", "iot", "physical", "social_engineering", "other"}

// Report is one vulnerability report, as a researcher files it. Its JSON form
// (report.json) is the contract described by schema.json; the JSON names are
// also the form fields' name attributes.
type Report struct {
	Schema   string   `json:"schema" validate:"schema"`
	Title    string   `json:"title,omitempty" validate:"max=200,singleline"`
	Category string   `json:"category,omitempty" validate:"omitempty,category"`
	Targets  []string `json:"targets,omitempty" validate:"max=50,dive,max=2048,target"`
	// DiscoveredAt is when the researcher found the issue: a date, or a
	// date and time (see [When]).
	DiscoveredAt *When  `json:"discovered_at,omitempty" validate:"omitempty,notfuture"`
	Description  string `json:"description,omitempty" validate:"max=50000,text"`
	Expected     string `json:"expected,omitempty" validate:"max=50000,text"`
	Steps        string `json:"steps,omitempty" validate:"max=50000,text"`
	Impact       string `json:"impact,omitempty" validate:"max=50000,text"`
	// CVSS is a CVSS v3.1 or v4.0 base vector; CVSSScore and CVSSRating are
	// computed from it by [Report.Normalize] and never taken from input.
	CVSS           string       `json:"cvss,omitempty" validate:"omitempty,cvss"`
	CVSSScore      float64      `json:"cvss_score,omitempty"`
	CVSSRating     string       `json:"cvss_rating,omitempty"`
	CWE            string       `json:"cwe,omitempty" validate:"omitempty,cwe"`
	Reporter       Reporter     `json:"reporter,omitzero"`
	PolicyAccepted bool         `json:"policy_accepted" validate:"accepted"`
	Language       string       `json:"language,omitempty" validate:"omitempty,language"`
	Attachments    []Attachment `json:"attachments,omitempty" validate:"dive"`
	SubmittedAt    *time.Time   `json:"submitted_at,omitempty" validate:"omitempty,notfuture"`
	Client         string       `json:"client,omitempty" validate:"max=200,singleline"`
	// ReplyKey is the armored public reply key derived from the report's
	// reply code (see core/thread): the vendor encrypts its replies to it,
	// and it verifies the reporter's messages in the report's thread.
	ReplyKey string `json:"reply_key,omitempty" validate:"omitempty,max=16384,pgpkey"`
}

// Reporter says who filed the report. Every field is optional: a reporter may
// stay anonymous or use a pseudonym.
type Reporter struct {
	Name  string `json:"name,omitempty" validate:"max=200,singleline"`
	Email string `json:"email,omitempty" validate:"omitempty,max=254,email"`
	// PGPKey is the reporter's own armored public key, for encrypted replies.
	PGPKey     string `json:"pgp_key,omitempty" validate:"omitempty,max=65536,pgpkey"`
	Credit     bool   `json:"credit,omitempty"`
	CreditName string `json:"credit_name,omitempty" validate:"max=200,singleline"`
}

// Attachment describes one file sealed with the report. The bytes travel in
// the MIME entity (see [WriteMIME]); SHA256 is the lower-case hex digest.
type Attachment struct {
	Name   string `json:"name" validate:"required,max=255,singleline"`
	Type   string `json:"type" validate:"required,max=255,mediatype"`
	Size   int64  `json:"size" validate:"min=0"`
	SHA256 string `json:"sha256" validate:"sha256"`
}

// Normalize sets the fields the core computes: the schema id when missing
// and the CVSS score and rating (cleared when the vector does not parse).
func (r *Report) Normalize() {
	if r.Schema == "" {
		r.Schema = Schema
	}
	r.CVSSScore, r.CVSSRating = 0, ""
	if s, err := ScoreCVSS(r.CVSS); err == nil {
		r.CVSSScore, r.CVSSRating = s.Score, s.Rating
	}
}

// MarshalJSON encodes the report with its computed fields filled in. HTML
// characters in user text are escaped (\u003c), so no text in report.json can
// be taken for markup.
func (r Report) MarshalJSON() ([]byte, error) {
	r.Normalize()
	type plain Report // plain has no MarshalJSON method
	return json.Marshal(plain(r))
}
