package config

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/securitytxt"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestAConfigIsDraftedFromASecurityTxt(t *testing.T) {
	data, err := os.ReadFile("../securitytxt/testdata/example.txt")
	if err != nil {
		t.Fatal(err)
	}
	f, err := securitytxt.Parse(strings.NewReader(string(data)), now)
	if err != nil {
		t.Fatal(err)
	}
	c, notes, err := FromSecurityTxt(f, "Example", "https://example.com/sealpost/reports")
	if err != nil {
		t.Fatal(err)
	}
	if c.Org.SecurityEmail != "security@example.com" || c.Org.ContactURL != "https://example.com/security/report" ||
		c.Key.URL != "https://example.com/.well-known/pgp-key.txt" || c.Key.Fingerprint != "5F2DE5521C63A801AB59CCB603D49DE44B29100F" ||
		c.Org.PolicyURL != "https://example.com/disclosure-policy" || !slices.Equal(c.Languages, []string{"nl", "en", "fr"}) {
		t.Errorf("draft %+v", c)
	}
	if len(notes) == 0 {
		t.Error("no notes on what to review")
	}
}

func TestAFingerprintAloneMeansWKD(t *testing.T) {
	f, _ := securitytxt.Parse(strings.NewReader("Contact: mailto:sec@example.org\nExpires: 2027-01-01T00:00:00Z\nEncryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f\nPreferred-Languages: it, es\n"), now)
	c, notes, err := FromSecurityTxt(f, "Example", "https://example.org/reports")
	if err != nil {
		t.Fatal(err)
	}
	if c.Key.WKD != "sec@example.org" || c.Key.URL != "" || !slices.Equal(c.Languages, []string{"es"}) {
		t.Errorf("key %+v languages %v", c.Key, c.Languages)
	}
	if !strings.Contains(strings.Join(notes, "\n"), `language "it" is not offered`) {
		t.Errorf("notes %v", notes)
	}
}

func TestADraftWithoutAKeyIsRefused(t *testing.T) {
	f, _ := securitytxt.Parse(strings.NewReader("Contact: https://example.org/contact\nExpires: 2027-01-01T00:00:00Z\n"), now)
	_, _, err := FromSecurityTxt(f, "Example", "https://example.org/reports")
	if err == nil || !strings.Contains(err.Error(), "key: say where the key comes from") {
		t.Errorf("got %v", err)
	}
}

func TestTheGeneratedSecurityTxtSaysWhatTheConfigSays(t *testing.T) {
	c, err := LoadFile("examples/comoo.json")
	if err != nil {
		t.Fatal(err)
	}
	c.Key.Fingerprint = "5F2D E552 1C63 A801 AB59  CCB6 03D4 9DE4 4B29 100F"
	out := c.SecurityTxt(now.AddDate(0, 6, 0), "https://www.comoo.be/.well-known/security.txt").Format()
	f, err := securitytxt.Parse(strings.NewReader(string(out)), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Problems) != 0 {
		t.Errorf("generated file has problems %v:\n%s", f.Problems, out)
	}
	back, _, err := FromSecurityTxt(f, c.Org.Name, c.Endpoint.URL)
	if err != nil {
		t.Fatal(err)
	}
	if back.Org.SecurityEmail != c.Org.SecurityEmail || back.Key.URL != c.Key.URL || back.Key.Fingerprint != NormalizeFingerprint(c.Key.Fingerprint) ||
		back.Org.PolicyURL != c.Org.PolicyURL || !slices.Equal(back.Languages, c.Languages) {
		t.Errorf("security.txt lost facts:\n%s", out)
	}
}
