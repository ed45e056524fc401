// Package config is a vendor's Sealpost configuration: who the vendor is,
// where its key comes from, where sealed reports go (an endpoint, or, with
// none, the vendor's security address: [Config.EmailOnly]), which report
// fields the form shows and requires, and what the vendor's policy
// promises.
//
// # Loading
//
// [Load] and [LoadFile] parse the JSON strictly: unknown keys, wrong types and
// impossible values (a triage promised before the first reply, a required
// field the form does not show, a plain-HTTP endpoint off loopback) are
// errors, each naming its JSON path, collected in a *[Error].
//
// # Using
//
// [Config.Rules] gives the [report.Rules] to validate reports with, and
// [Config.Labels] the vendor's field labels in a language. [FromSecurityTxt]
// drafts a config from a security.txt and [Config.SecurityTxt] writes one.
//
// # Signing
//
// [Sign] writes a detached OpenPGP signature of a config document (served
// next to it as config.json.asc) and [CheckSignature] checks one: a widget
// built with a signer's fingerprint refuses a config without it.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/sealpost/sealpost/core/internal/strictjson"
	"github.com/sealpost/sealpost/core/report"
)

// Schema is the schema id of a config document.
const Schema = "sealpost.config/v1"

// MaxBytes bounds a config document.
const MaxBytes = 1 << 20

// Config is a vendor's configuration. The JSON names are the contract;
// examples/ holds configs reproducing two real policies.
type Config struct {
	Schema string `json:"schema" validate:"eq=sealpost.config/v1"`
	Org    Org    `json:"org"`
	Key    Key    `json:"key"`
	// Endpoint is where reports are posted; leave it out for email only:
	// the reporter then emails the sealed report to Org.SecurityEmail.
	Endpoint    Endpoint    `json:"endpoint,omitzero"`
	Fields      Fields      `json:"fields"`
	Attachments Attachments `json:"attachments"`
	Languages   []string    `json:"languages" validate:"min=1,unique,dive,language"`
	Promises    Promises    `json:"promises"`
	Bounty      Bounty      `json:"bounty"`
	Credit      Credit      `json:"credit"`
	// Guidelines are what the policy asks of reporters, one point each.
	Guidelines []Text `json:"guidelines,omitempty" validate:"max=50"`
	OutOfScope []Text `json:"out_of_scope,omitempty" validate:"max=50"`
	// OutOfScopeCategories are report categories the policy puts out of
	// scope (Comoo: physical security, social engineering): the form
	// warns a reporter who picks one, and still takes the report.
	OutOfScopeCategories []string     `json:"out_of_scope_categories,omitempty" validate:"unique,dive,category"`
	NonSecurity          *NonSecurity `json:"non_security,omitempty"`
	// Translated marks the languages whose texts are translations the
	// vendor did not write: language → a note saying so, in that language,
	// shown with the policy (for example "Vertaald door Sealpost; de
	// Engelse tekst is het beleid.").
	Translated map[string]string `json:"translated,omitempty"`
}

// Org is who receives the reports.
type Org struct {
	Name string `json:"name" validate:"required,max=200"`
	// SecurityEmail receives reports by mail: the only way in a config
	// without an endpoint (email only), and the mailto: fallback when
	// posting fails.
	SecurityEmail string `json:"security_email,omitempty" validate:"omitempty,email"`
	PolicyURL     string `json:"policy_url,omitempty" validate:"omitempty,weburl"`
	// PolicySummary is a short text shown above the form.
	PolicySummary Text   `json:"policy_summary,omitempty"`
	LegalNotice   Text   `json:"legal_notice,omitempty"`
	LegalURL      string `json:"legal_url,omitempty" validate:"omitempty,weburl"`
	ContactURL    string `json:"contact_url,omitempty" validate:"omitempty,weburl"`
}

// Key says where the vendor's OpenPGP key comes from: exactly one of URL,
// Armored or WKD. Fingerprint, when set, pins the key: any other key is
// refused.
type Key struct {
	URL         string `json:"url,omitempty" validate:"omitempty,weburl"`
	Armored     string `json:"armored,omitempty" validate:"max=262144"`
	WKD         string `json:"wkd,omitempty" validate:"omitempty,email"`
	Fingerprint string `json:"fingerprint,omitempty" validate:"omitempty,fingerprint"`
}

// Endpoint is where sealed reports are posted, and how: a Sealpost intake
// or any endpoint that answers 2xx (see core/deliver).
type Endpoint struct {
	URL string `json:"url,omitempty" validate:"omitempty,endpoint"`
	// Format is "raw" (the body is the OpenPGP message), "multipart" (form
	// field "message") or "json" ({"message": ...}). Empty means raw.
	Format string `json:"format,omitempty" validate:"omitempty,oneof=raw multipart json"`
}

// Fields says which report fields the form shows and requires. Names are
// report JSON names from [report.Requirable].
type Fields struct {
	Shown    []string `json:"shown" validate:"unique,dive,requirable"`
	Required []string `json:"required,omitempty" validate:"unique,dive,requirable"`
	// StepsOrAttachment requires written steps or at least one attachment.
	StepsOrAttachment bool `json:"steps_or_attachment,omitempty"`
	// Labels and Hints override the form's texts: language → field → text.
	Labels map[string]map[string]string `json:"labels,omitempty"`
	Hints  map[string]map[string]string `json:"hints,omitempty"`
}

// Attachments limits the files a report may carry.
type Attachments struct {
	MaxCount      int   `json:"max_count" validate:"min=0,max=20"`
	MaxFileBytes  int64 `json:"max_file_bytes,omitempty" validate:"min=0,max=2147483648"`
	MaxTotalBytes int64 `json:"max_total_bytes,omitempty" validate:"min=0,max=2147483648"`
	// Types are accepted media types ("video/*", "image/png"); empty means any.
	Types []string `json:"types,omitempty" validate:"dive,accepttype"`
}

// Promises are what the policy commits to; zero means no promise.
type Promises struct {
	ReplyWithinWorkingDays int `json:"reply_within_working_days,omitempty" validate:"min=0,max=90"`
	// ReplyWithAssessment: the first reply brings an initial assessment
	// and an expected date for resolution.
	ReplyWithAssessment     bool `json:"reply_with_assessment,omitempty"`
	TriageWithinWorkingDays int  `json:"triage_within_working_days,omitempty" validate:"min=0,max=180"`
	StatusEnquiryMinDays    int  `json:"status_enquiry_min_days,omitempty" validate:"min=0,max=90"`
	KeepInformed            bool `json:"keep_informed,omitempty"`
	NotifyWhenFixed         bool `json:"notify_when_fixed,omitempty"`
	NoLegalAction           bool `json:"no_legal_action,omitempty"`
	Confidential            bool `json:"confidential,omitempty"`
	// PersonalDataKept: the reporter's personal data is not shared with
	// third parties without their permission.
	PersonalDataKept bool `json:"personal_data_kept,omitempty"`
	// InviteToConfirmFix: the reporter may be invited to confirm the fix.
	InviteToConfirmFix bool `json:"invite_to_confirm_fix,omitempty"`
}

// Bounty says whether findings are rewarded: "none", "discretionary" or "paid".
type Bounty struct {
	Kind string `json:"kind" validate:"oneof=none discretionary paid"`
	// Notes are the policy's own words on rewards, shown with the promise.
	Notes Text `json:"notes,omitempty"`
}

// Credit says how reporters may be named.
type Credit struct {
	// Offered: the vendor names the reporter, if they wish, when it
	// publishes the fix; the form then asks whether, and under what name.
	Offered bool `json:"offered"`
	// PseudonymAllowed: a report may come without a name; left out, it
	// may. When false the form requires reporter.name (see
	// [Config.Rules]).
	PseudonymAllowed *bool `json:"pseudonym_allowed,omitempty"`
}

// Pseudonyms reports whether a report may come without a name.
func (c Credit) Pseudonyms() bool { return c.PseudonymAllowed == nil || *c.PseudonymAllowed }

// NonSecurity routes questions that are not security issues elsewhere.
type NonSecurity struct {
	Text     Text      `json:"text,omitempty"`
	Contacts []Contact `json:"contacts" validate:"min=1,max=10,dive"`
}

// Contact is a labelled link: https:, mailto: or tel:.
type Contact struct {
	Label Text   `json:"label"`
	URL   string `json:"url" validate:"required,contact"`
}

// Problem is one thing wrong in a config, at a JSON path.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error lists every problem found in a config document.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Path + ": " + p.Message
		if p.Path == "" {
			msgs[i] = p.Message
		}
	}
	return "invalid config: " + strings.Join(msgs, "; ")
}

// Load reads and checks a config document.
func Load(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, &Error{Problems: []Problem{{Message: fmt.Sprintf("larger than %d bytes", MaxBytes)}}}
	}
	var c Config
	if err := strictjson.Decode(data, &c); err != nil {
		var errs strictjson.Errors
		if !errors.As(err, &errs) {
			return nil, err
		}
		e := &Error{}
		for _, se := range errs {
			e.Problems = append(e.Problems, Problem{Path: se.Path, Message: se.Message})
		}
		return nil, e
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadFile reads and checks the config at path.
func LoadFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Rules are the report rules this config asks for.
func (c *Config) Rules() report.Rules {
	required := slices.Clone(c.Fields.Required)
	if !c.Credit.Pseudonyms() && !slices.Contains(required, "reporter.name") {
		required = append(required, "reporter.name") // no pseudonymous reports
	}
	return report.Rules{
		Required:          required,
		StepsOrAttachment: c.Fields.StepsOrAttachment,
		MaxAttachments:    c.Attachments.MaxCount,
		MaxFileBytes:      c.Attachments.MaxFileBytes,
		MaxTotalBytes:     c.Attachments.MaxTotalBytes,
		AttachmentTypes:   slices.Clone(c.Attachments.Types),
	}
}

// Labels are the vendor's field labels in lang (nil when it has none).
func (c *Config) Labels(lang string) map[string]string {
	return c.Fields.Labels[lang]
}

// Language picks the language to talk to a reporter in: the first of the
// reporter's preferred languages (e.g. from the browser, "nl-BE" matching
// "nl") that the config offers, else the config's first language.
func (c *Config) Language(preferred ...string) string {
	for _, p := range preferred {
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(p)), "-")
		if slices.Contains(c.Languages, base) {
			return base
		}
	}
	if len(c.Languages) > 0 {
		return c.Languages[0]
	}
	return "en"
}

// EmailOnly reports whether the config has no endpoint: the form seals
// the report and the reporter emails it to Org.SecurityEmail.
func (c *Config) EmailOnly() bool { return c.Endpoint.URL == "" }

// Format is the endpoint's post format, with the default filled in.
func (c *Config) Format() string {
	if c.Endpoint.Format == "" {
		return "raw"
	}
	return c.Endpoint.Format
}
