package report

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/internal/testkeys"
)

// now is the fixed clock of these tests.
var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

const sum0 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // SHA-256 of nothing

// validReport returns a report that passes every rule of the [fullRules].
func validReport() *Report {
	found := now.Add(-48 * time.Hour)
	return &Report{
		Schema:       Schema,
		Title:        "Stored XSS in the contact form",
		Category:     "web",
		Targets:      []string{"https://www.example.com/contact", "192.0.2.10", "10.0.0.0/8", "*.example.com", "api.example.com:8443", "[2001:db8::1]:443"},
		DiscoveredAt: &When{Time: found},
		Description:  "The message field is echoed without escaping.",
		Expected:     "The message to be shown as text.",
		Steps:        "1. Open /contact\n2. Send <b>x</b>\n3. Open the admin view",
		Impact:       "Session theft of support staff.",
		CVSS:         "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
		CWE:          "CWE-79",
		Reporter: Reporter{
			Name: "Ada", Email: "ada@example.org", PGPKey: testPublicKey, Credit: true, CreditName: "Ada L.",
		},
		PolicyAccepted: true,
		Language:       "en",
		Attachments:    []Attachment{{Name: "poc.mp4", Type: "video/mp4", Size: 0, SHA256: sum0}},
		Client:         "sealpost-test",
	}
}

var fullRules = Rules{
	Required:          Requirable,
	StepsOrAttachment: true,
	MaxAttachments:    3,
	MaxFileBytes:      100,
	MaxTotalBytes:     150,
}

func TestAValidReportPasses(t *testing.T) {
	for _, lang := range Languages {
		if err := Validate(validReport(), Options{Rules: fullRules, Language: lang, Now: clock}); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}
}

// ruleCases break one rule each. Every message key must be reached by one.
var ruleCases = []struct {
	name  string
	rules Rules
	edit  func(r *Report)
	field string
	rule  string
	key   string // message key, when it differs from rule
}{
	{"a required description is missing", fullRules, func(r *Report) { r.Description = "  " }, "description", "required", ""},
	{"a required reporter email is missing", fullRules, func(r *Report) { r.Reporter.Email = "" }, "reporter.email", "required", ""},
	{"a too long title is refused", fullRules, func(r *Report) { r.Title = strings.Repeat("é", 201) }, "title", "max", ""},
	{"more than fifty targets are refused", fullRules, func(r *Report) { r.Targets = slices.Repeat([]string{"192.0.2.1"}, 51) }, "targets", "max", "max_items"},
	{"a negative attachment size is refused", fullRules, func(r *Report) { r.Attachments[0].Size = -1 }, "attachments[0].size", "min", ""},
	{"a title with a line break is refused", fullRules, func(r *Report) { r.Title = "a\r\nBcc: x@example.org" }, "title", "singleline", ""},
	{"a description with a terminal escape is refused", fullRules, func(r *Report) { r.Description = "ok \x1b[2J" }, "description", "text", ""},
	{"an unknown category is refused", fullRules, func(r *Report) { r.Category = "misc" }, "category", "category", ""},
	{"a target that is a sentence is refused", fullRules, func(r *Report) { r.Targets[1] = "the login page" }, "targets[1]", "target", ""},
	{"a discovery in the future is refused", fullRules, func(r *Report) { r.DiscoveredAt = &When{Time: now.Add(time.Hour)} }, "discovered_at", "notfuture", ""},
	{"a CVSS vector missing metrics is refused", fullRules, func(r *Report) { r.CVSS = "CVSS:3.1/AV:N" }, "cvss", "cvss", ""},
	{"a CVSS v2 vector is refused", fullRules, func(r *Report) { r.CVSS = "AV:N/AC:L/Au:N/C:P/I:P/A:P" }, "cvss", "cvss", ""},
	{"a CWE without its prefix is refused", fullRules, func(r *Report) { r.CWE = "79" }, "cwe", "cwe", ""},
	{"a malformed email is refused", fullRules, func(r *Report) { r.Reporter.Email = "ada@" }, "reporter.email", "email", ""},
	{"a public key that is not OpenPGP is refused", fullRules, func(r *Report) { r.Reporter.PGPKey = "ssh-ed25519 AAAA" }, "reporter.pgp_key", "pgpkey", ""},
	{"a DSA key with 32768-bit parameters is refused by its size, before any signature is checked", fullRules, func(r *Report) { r.Reporter.PGPKey = string(testkeys.Huge(17, 32768)) }, "reporter.pgp_key", "pgpkey", ""},
	{"a key whose ElGamal subkey has an 8192-bit prime is refused by its size", fullRules, func(r *Report) { r.Reporter.PGPKey = string(must(testkeys.ElGamalSubkey(8192))) }, "reporter.pgp_key", "pgpkey", ""},
	{"a private key is refused", fullRules, func(r *Report) { r.Reporter.PGPKey = testPrivateKey }, "reporter.pgp_key", "pgpkey_private", ""},
	{"an unaccepted policy is refused", fullRules, func(r *Report) { r.PolicyAccepted = false }, "policy_accepted", "accepted", ""},
	{"an unsupported language is refused", fullRules, func(r *Report) { r.Language = "it" }, "language", "language", ""},
	{"another schema is refused", fullRules, func(r *Report) { r.Schema = "sealpost.report/v0" }, "schema", "schema", ""},
	{"an attachment type that is not a media type is refused", fullRules, func(r *Report) { r.Attachments[0].Type = "mp4" }, "attachments[0].type", "mediatype", ""},
	{"an attachment hash that is not SHA-256 is refused", fullRules, func(r *Report) { r.Attachments[0].SHA256 = "abc" }, "attachments[0].sha256", "sha256", ""},
	{"an attachment without a name is refused", fullRules, func(r *Report) { r.Attachments[0].Name = "" }, "attachments[0].name", "required", ""},
	{"no steps and no attachment is refused when either is needed", Rules{StepsOrAttachment: true}, func(r *Report) { r.Steps, r.Attachments = "", nil }, "steps", "steps_or_attachment", ""},
	{"too many attachments are refused", fullRules, func(r *Report) { r.Attachments = slices.Repeat(r.Attachments, 4) }, "attachments", "max_attachments", ""},
	{"any attachment is refused when none are allowed", Rules{}, func(r *Report) {}, "attachments", "max_attachments", "no_attachments"},
	{"a file of a type the vendor does not accept is refused", Rules{MaxAttachments: 1, AttachmentTypes: []string{"video/*", "text/plain"}}, func(r *Report) { r.Attachments[0].Type = "application/x-msdownload" }, "attachments[0]", "attachment_type", ""},
	{"a file over the per-file limit is refused", fullRules, func(r *Report) { r.Attachments[0].Size = 101 }, "attachments[0]", "max_file_size", ""},
	{"files over the total limit are refused", fullRules, func(r *Report) {
		a := r.Attachments[0]
		a.Size = 80
		r.Attachments = []Attachment{a, a}
	}, "attachments", "max_total_size", ""},
}

func TestEveryRuleInEveryLanguage(t *testing.T) {
	reached := map[string]bool{}
	for _, c := range ruleCases {
		key := c.key
		if key == "" {
			key = c.rule
		}
		reached[key] = true
		english := ""
		for _, lang := range Languages {
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				r := validReport()
				c.edit(r)
				err := Validate(r, Options{Rules: c.rules, Language: lang, Now: clock})
				var verr *ValidationError
				if !errors.As(err, &verr) {
					t.Fatalf("got %v, want a *ValidationError", err)
				}
				i := slices.IndexFunc(verr.Problems, func(p Problem) bool { return p.Field == c.field && p.Rule == c.rule })
				if i < 0 {
					t.Fatalf("no %s problem on %s in %+v", c.rule, c.field, verr.Problems)
				}
				msg := verr.Problems[i].Message
				if msg == "" || strings.ContainsAny(msg, "{}") {
					t.Errorf("message %q is empty or has an unfilled placeholder", msg)
				}
				if lang == "en" {
					english = msg
				} else if msg == english {
					t.Errorf("message %q is the English one", msg)
				}
			})
		}
	}
	for _, lang := range Languages {
		for key := range messages[lang] {
			if !reached[key] {
				t.Errorf("no case reaches the %s message %q", lang, key)
			}
		}
		if len(messages[lang]) != len(messages["en"]) || len(labels[lang]) != len(labels["en"]) {
			t.Errorf("%s has %d messages and %d labels, English %d and %d", lang, len(messages[lang]), len(labels[lang]), len(messages["en"]), len(labels["en"]))
		}
	}
}

func TestMessagesNameTheFieldInTheReportersLanguage(t *testing.T) {
	r := validReport()
	r.Targets[1] = "nope nope"
	err := Validate(r, Options{Rules: fullRules, Language: "nl", Now: clock})
	want := "Doel (2) moet een URL, IP-adres, hostnaam of CIDR-bereik zijn, zoals https://example.com/login of 192.0.2.10."
	if err == nil || err.(*ValidationError).Problems[0].Message != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestVendorLabelsReplaceTheDefaultOnes(t *testing.T) {
	r := validReport()
	r.Targets = nil
	err := Validate(r, Options{Rules: Rules{Required: []string{"targets"}, MaxAttachments: 1}, Labels: map[string]string{"targets": "URL or IP address"}, Now: clock})
	want := "URL or IP address is required."
	if err == nil || err.(*ValidationError).Problems[0].Message != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestAPhysicalReportNeedsNoTarget(t *testing.T) {
	r := validReport()
	r.Category, r.Targets = "physical", nil
	if err := Validate(r, Options{Rules: fullRules, Now: clock}); err != nil {
		t.Error(err)
	}
}

func TestProblemsComeInFormOrder(t *testing.T) {
	r := &Report{Schema: Schema}
	err := Validate(r, Options{Rules: Rules{Required: []string{"description", "targets"}}, Now: clock}).(*ValidationError)
	var fields []string
	for _, p := range err.Problems {
		fields = append(fields, p.Field)
	}
	if want := []string{"targets", "description", "policy_accepted"}; !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
}

func TestUnknownLanguagesFallBackToEnglish(t *testing.T) {
	r := validReport()
	r.PolicyAccepted = false
	err := Validate(r, Options{Rules: fullRules, Language: "xx", Now: clock}).(*ValidationError)
	if got := err.Problems[0].Message; got != messages["en"]["accepted"] {
		t.Errorf("got %q", got)
	}
}

func TestTargets(t *testing.T) {
	good := []string{
		"https://example.com", "http://example.com:8080/a?b=c#d", "ftp://192.0.2.1/x", "https://[2001:db8::1]/",
		"192.0.2.1", "2001:db8::1", "10.0.0.0/8", "2001:db8::/32", "example.com", "example.com.", "*.example.com",
		"localhost", "example.com:443", "192.0.2.1:22", "[2001:db8::1]:22", "xn--bcher-kva.example",
	}
	bad := []string{
		"", " example.com", "example.com ", "https://", "https:///path", "not a host", "exa_mple.com", "-example.com",
		"example.com:", "192.0.2.1/33", "javascript:alert(1)", "https://exa mple.com/", "<script>alert(1)</script>",
		"*.*.example.com", strings.Repeat("a", 64) + ".com",
	}
	for _, s := range good {
		if !IsTarget(s) {
			t.Errorf("IsTarget(%q) = false, want true", s)
		}
	}
	for _, s := range bad {
		if IsTarget(s) {
			t.Errorf("IsTarget(%q) = true, want false", s)
		}
	}
}

func TestCVSSScoresAreComputed(t *testing.T) {
	for _, c := range []struct {
		vector string
		score  float64
		rating string
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical"},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "medium"},
		{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, "low"},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, "none"},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "critical"},
		{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 6.8, "medium"},
	} {
		got, err := ScoreCVSS(c.vector)
		if err != nil || got.Score != c.score || got.Rating != c.rating {
			t.Errorf("ScoreCVSS(%s) = %+v, %v; want %.1f %s", c.vector, got, err, c.score, c.rating)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1 kB", 1024: "1 KiB", 1500000: "1.5 MB", 100 << 20: "100 MiB",
		200<<20 + 1: "209.7 MB", 2e9: "2 GB", 2 << 30: "2 GiB", 209715200: "200 MiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{{"fr", 1500000, "1,5 Mo"}, {"fr", 200 << 20, "200 Mio"}, {"fr", 12, "12 o"}, {"de", 1500000, "1,5 MB"}, {"nl", 100 << 20, "100 MiB"}, {"es", 2500, "2,5 kB"}} {
		if got := FormatSize(c.lang, c.n); got != c.want {
			t.Errorf("FormatSize(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
