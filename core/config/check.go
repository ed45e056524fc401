package config

import (
	"fmt"
	"mime"
	"net"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/sealpost/sealpost/core/report"
)

// Check reports every impossible value in c as a *[Error]. [Load] calls it;
// call it again after changing a config in code.
func (c *Config) Check() error {
	var problems []Problem
	add := func(path, format string, args ...any) {
		problems = append(problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if err := checker().Struct(c); err != nil {
		verrs, ok := err.(validator.ValidationErrors)
		if !ok {
			return err
		}
		for _, fe := range verrs {
			add(jsonPath(fe.Namespace()), "%s", ruleMessage(fe))
		}
	}

	k := c.Key
	switch n := countSet(k.URL, k.Armored, k.WKD); {
	case n == 0:
		add("key", "say where the key comes from: set one of url, armored or wkd")
	case n > 1:
		add("key", "set only one of url, armored or wkd (found %d)", n)
	}
	if u, err := url.Parse(k.URL); k.URL != "" && err == nil && u.Scheme == "http" {
		add("key.url", "must be an https:// URL: a key is fetched only over HTTPS")
	}
	if strings.TrimSpace(k.Armored) != "" && !looksArmored(k.Armored) {
		add("key.armored", "is not an armored key (no -----BEGIN PGP PUBLIC KEY BLOCK----- line, or bytes that are not text): "+
			"give the .asc file's text; sealpost init --key FILE writes it from a .asc, .gpg or .zip file")
	}

	if e := c.Endpoint; e.URL == "" {
		if c.Org.SecurityEmail == "" {
			add("endpoint.url", "say where reports go: set endpoint.url (a receiver), or leave it out and set org.security_email (email only: the reporter emails the sealed report)")
		}
		if e.Format != "" {
			add("endpoint.format", "there is no endpoint.url to post to: set one, or leave out endpoint for email only")
		}
	}

	for i, f := range c.Fields.Required {
		if !slices.Contains(c.Fields.Shown, f) {
			add(fmt.Sprintf("fields.required[%d]", i), "%q is required but not shown; add it to fields.shown", f)
		}
	}
	if c.Fields.StepsOrAttachment {
		if !slices.Contains(c.Fields.Shown, "steps") {
			add("fields.steps_or_attachment", `needs "steps" in fields.shown`)
		}
		if c.Attachments.MaxCount == 0 {
			add("fields.steps_or_attachment", "needs attachments.max_count above 0; to insist on written steps, require \"steps\" instead")
		}
	}
	c.checkTexts(add)
	if !c.Credit.Pseudonyms() && !slices.Contains(c.Fields.Shown, "reporter.name") {
		add("credit.pseudonym_allowed", `false means the reporter must give a name: add "reporter.name" to fields.shown`)
	}
	for name, texts := range map[string]map[string]map[string]string{"labels": c.Fields.Labels, "hints": c.Fields.Hints} {
		for lang, byField := range texts {
			path := "fields." + name + "." + lang
			if !slices.Contains(c.Languages, lang) {
				add(path, "language %q is not in languages %v", lang, c.Languages)
			}
			for field, text := range byField {
				if !slices.Contains(report.Requirable, field) {
					add(path+"."+field, "not a report field; use one of %s", strings.Join(report.Requirable, ", "))
				}
				if text == "" || len(text) > 500 {
					add(path+"."+field, "must be 1 to 500 characters")
				}
			}
		}
	}

	a := c.Attachments
	if a.MaxCount > 0 && a.MaxFileBytes == 0 {
		add("attachments.max_file_bytes", "set a per-file limit when attachments are allowed (e.g. 104857600 for 100 MiB)")
	}
	if a.MaxTotalBytes > 0 && a.MaxFileBytes > a.MaxTotalBytes {
		add("attachments.max_file_bytes", "is larger than max_total_bytes (%d > %d)", a.MaxFileBytes, a.MaxTotalBytes)
	}
	p := c.Promises
	if p.TriageWithinWorkingDays > 0 && p.ReplyWithinWorkingDays > p.TriageWithinWorkingDays {
		add("promises.triage_within_working_days", "triage (%d days) cannot come before the first reply (%d days)", p.TriageWithinWorkingDays, p.ReplyWithinWorkingDays)
	}
	if len(problems) == 0 {
		return nil
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	return &Error{Problems: problems}
}

// looksArmored reports whether an inline key is armored text: valid UTF-8,
// with no U+FFFD (what binary bytes become when they pass through JSON as
// a string), and a -----BEGIN PGP ...----- line. Whether the key in it can
// be used is core/pgpkey's to judge (sealpost config check does).
func looksArmored(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, utf8.RuneError) && strings.Contains(s, "-----BEGIN PGP ")
}

func countSet(values ...string) int {
	n := 0
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			n++
		}
	}
	return n
}

// jsonPath turns validator's "Config.fields.required[0]" into "fields.required[0]".
func jsonPath(namespace string) string {
	_, path, _ := strings.Cut(namespace, ".")
	return path
}

func ruleMessage(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "eq":
		return fmt.Sprintf("must be %q", fe.Param())
	case "min":
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("needs at least %s entries", fe.Param())
		}
		return fmt.Sprintf("must be at least %s", fe.Param())
	case "max":
		switch fe.Kind() {
		case reflect.Slice:
			return fmt.Sprintf("at most %s entries", fe.Param())
		case reflect.String:
			return fmt.Sprintf("at most %s characters", fe.Param())
		}
		return fmt.Sprintf("must be at most %s", fe.Param())
	case "unique":
		return "lists a value twice"
	case "oneof":
		return fmt.Sprintf("must be one of: %s", strings.ReplaceAll(fe.Param(), " ", ", "))
	case "email":
		return "is not an email address"
	case "weburl":
		return "must be an absolute https:// or http:// URL"
	case "endpoint":
		return "must be an https:// URL (plain http:// only on localhost or a loopback address)"
	case "fingerprint":
		return "must be a key fingerprint: 40 (v4) or 64 (v6) hexadecimal characters"
	case "language":
		return fmt.Sprintf("must be one of: %s", strings.Join(report.Languages, ", "))
	case "category":
		return fmt.Sprintf("must be one of: %s", strings.Join(report.Categories, ", "))
	case "requirable":
		return fmt.Sprintf("not a report field; use one of %s", strings.Join(report.Requirable, ", "))
	case "accepttype":
		return `must be a media type such as "video/mp4" or "video/*"`
	case "contact":
		return "must be an https:, mailto: or tel: link"
	}
	return "breaks rule " + fe.Tag()
}

var (
	fingerprintRE = regexp.MustCompile(`^([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$`)
	acceptTypeRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]*/(\*|[a-zA-Z0-9][a-zA-Z0-9.+-]*)$`)
)

// NormalizeFingerprint removes spaces and colons and upper-cases a fingerprint.
func NormalizeFingerprint(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", ":", "").Replace(s))
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

func isEndpoint(s string) bool {
	if !isWebURL(s) {
		return false
	}
	u, _ := url.Parse(s)
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

func isContact(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return u.Host != ""
	case "mailto", "tel":
		return u.Opaque != ""
	}
	return false
}

var checker = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	str := func(ok func(string) bool) validator.Func {
		return func(fl validator.FieldLevel) bool { return ok(fl.Field().String()) }
	}
	for tag, fn := range map[string]validator.Func{
		"weburl":      str(isWebURL),
		"endpoint":    str(isEndpoint),
		"fingerprint": str(func(s string) bool { return fingerprintRE.MatchString(NormalizeFingerprint(s)) }),
		"language":    str(func(s string) bool { return slices.Contains(report.Languages, s) }),
		"requirable":  str(func(s string) bool { return slices.Contains(report.Requirable, s) }),
		"category":    str(func(s string) bool { return slices.Contains(report.Categories, s) }),
		"accepttype": str(func(s string) bool {
			mt, _, err := mime.ParseMediaType(s)
			return err == nil && acceptTypeRE.MatchString(mt)
		}),
		"contact": str(isContact),
	} {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(fmt.Sprintf("config: registering rule %q: %v", tag, err))
		}
	}
	return v
})
