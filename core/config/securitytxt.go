package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/securitytxt"
)

// FromSecurityTxt drafts a config from a vendor's security.txt: Contact
// gives the security address and contact page, Encryption the key (an https
// URL, or an openpgp4fpr: fingerprint pin, looked up by WKD when no URL is
// given), Policy the policy link, Preferred-Languages the form's languages.
// name is the organisation's name and endpoint where reports are posted
// ("" for email only, to the Contact address).
// Defaults fill the rest (targets and description required, five
// attachments of up to 100 MiB, no bounty); notes say what to review.
func FromSecurityTxt(f *securitytxt.File, name, endpoint string) (c *Config, notes []string, err error) {
	c = &Config{
		Schema: Schema,
		Org:    Org{Name: name},
		Fields: Fields{
			Shown:    []string{"title", "category", "targets", "discovered_at", "description", "expected", "steps", "impact", "cvss", "cwe", "reporter.name", "reporter.email", "reporter.pgp_key"},
			Required: []string{"targets", "description"},
		},
		Attachments: Attachments{MaxCount: 5, MaxFileBytes: 100 << 20, MaxTotalBytes: 200 << 20},
		Bounty:      Bounty{Kind: "none"},
		Credit:      Credit{Offered: true},
	}
	if endpoint != "" {
		c.Endpoint = Endpoint{URL: endpoint, Format: "raw"}
	}
	for _, contact := range f.Contact {
		u, err := url.Parse(contact)
		if err != nil {
			continue
		}
		switch {
		case u.Scheme == "mailto" && c.Org.SecurityEmail == "":
			c.Org.SecurityEmail = strings.SplitN(u.Opaque, "?", 2)[0]
		case u.Scheme == "https" && c.Org.ContactURL == "":
			c.Org.ContactURL = contact
		}
	}
	for _, enc := range f.Encryption {
		switch {
		case strings.HasPrefix(strings.ToLower(enc), "openpgp4fpr:"):
			c.Key.Fingerprint = NormalizeFingerprint(enc[len("openpgp4fpr:"):])
		case strings.HasPrefix(enc, "https://") && c.Key.URL == "":
			c.Key.URL = enc
		default:
			notes = append(notes, fmt.Sprintf("Encryption %q is not used: only https:// and openpgp4fpr: are", enc))
		}
	}
	if c.Key.URL == "" && c.Key.Fingerprint != "" && c.Org.SecurityEmail != "" {
		c.Key.WKD = c.Org.SecurityEmail
		notes = append(notes, "the key will be looked up by WKD for "+c.Org.SecurityEmail+" and pinned to its fingerprint")
	}
	if len(f.Policy) > 0 {
		c.Org.PolicyURL = f.Policy[0]
	}
	for _, l := range f.PreferredLanguages {
		base, _, _ := strings.Cut(strings.ToLower(l), "-")
		if slices.Contains(report.Languages, base) && !slices.Contains(c.Languages, base) {
			c.Languages = append(c.Languages, base)
		} else if !slices.Contains(report.Languages, base) {
			notes = append(notes, fmt.Sprintf("language %q is not offered by the form (it offers %s)", l, strings.Join(report.Languages, ", ")))
		}
	}
	if len(c.Languages) == 0 {
		c.Languages = []string{"en"}
	}
	notes = append(notes, "review fields, attachments, promises, bounty and credit: security.txt does not say them")
	if err := c.Check(); err != nil {
		return c, notes, err
	}
	return c, notes, nil
}

// SecurityTxt writes the security.txt that matches this config, expiring at
// expires; canonical, when not empty, is the URL the file is served at.
func (c *Config) SecurityTxt(expires time.Time, canonical string) *securitytxt.File {
	f := &securitytxt.File{
		Comments: []string{fmt.Sprintf("Security contact for %s. Encrypted reports: use the form at the Policy link.", c.Org.Name)},
		Expires:  expires.UTC().Truncate(time.Second),
	}
	if c.Org.SecurityEmail != "" {
		f.Contact = append(f.Contact, "mailto:"+c.Org.SecurityEmail)
	}
	if c.Org.ContactURL != "" {
		f.Contact = append(f.Contact, c.Org.ContactURL)
	}
	if c.Key.URL != "" {
		f.Encryption = append(f.Encryption, c.Key.URL)
	}
	if c.Key.Fingerprint != "" {
		f.Encryption = append(f.Encryption, "openpgp4fpr:"+strings.ToLower(NormalizeFingerprint(c.Key.Fingerprint)))
	}
	if c.Org.PolicyURL != "" {
		f.Policy = []string{c.Org.PolicyURL}
	}
	f.PreferredLanguages = slices.Clone(c.Languages)
	if canonical != "" {
		f.Canonical = []string{canonical}
	}
	return f
}
