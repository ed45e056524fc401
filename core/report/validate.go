package report

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/nl"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
)

// Problem is one thing wrong with a report: the JSON path of the field
// ("targets[1]", "reporter.email"), the rule it breaks ("target",
// "required") and a message for the reporter in the requested language.
type Problem struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// ValidationError lists every problem found in a report, in form order.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Field + ": " + p.Message
	}
	return "invalid report: " + strings.Join(msgs, "; ")
}

// Options tune [Validate]. The zero value validates in English against the
// zero [Rules] with the real clock.
type Options struct {
	Rules Rules
	// Language of the messages: one of [Languages]; anything else means English.
	Language string
	// Labels override field labels by JSON name ("targets": "URL or IP").
	Labels map[string]string
	// Now is the clock for "not in the future" rules; nil means time.Now.
	Now func() time.Time
}

// Validate checks a report against the fixed rules of the format and the
// vendor's [Rules]. It returns nil or a *[ValidationError] listing every
// problem, with messages in the requested language.
func Validate(r *Report, o Options) error {
	eng := engine()
	tr := eng.translator(o.Language)
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	var problems []Problem
	add := func(field, rule, key, param string) {
		problems = append(problems, Problem{Field: field, Rule: rule, Message: translate(tr, key, label(tr, o.Labels, field), param)})
	}

	ctx := context.WithValue(context.Background(), clockKey{}, now)
	err := eng.validate.StructCtx(ctx, r)
	var fieldErrs validator.ValidationErrors
	if err != nil && !errors.As(err, &fieldErrs) {
		return fmt.Errorf("report: %w", err)
	}
	for _, fe := range fieldErrs {
		field := strings.TrimPrefix(fe.Namespace(), "Report.")
		rule, key, param := fe.Tag(), fe.Tag(), fe.Param()
		switch rule {
		case "max":
			if fe.Kind() == reflect.Slice {
				key = "max_items"
			}
		case "pgpkey":
			rule = pgpKeyProblem(fe.Value().(string))
			key = rule
		case "category":
			param = strings.Join(Categories, ", ")
		case "language":
			param = strings.Join(Languages, ", ")
		case "schema":
			param = Schema
		}
		add(field, rule, key, param)
	}

	for _, f := range o.Rules.Required {
		if f == "targets" && r.Category == "physical" {
			continue
		}
		if r.isEmpty(f) {
			add(f, "required", "required", "")
		}
	}
	if o.Rules.StepsOrAttachment && r.isEmpty("steps") && len(r.Attachments) == 0 {
		add("steps", "steps_or_attachment", "steps_or_attachment", "")
	}
	attachmentProblems(r, o.Rules, o.Language, add)

	if len(problems) == 0 {
		return nil
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return fieldRank(a.Field) - fieldRank(b.Field) })
	return &ValidationError{Problems: problems}
}

func attachmentProblems(r *Report, rules Rules, lang string, add func(field, rule, key, param string)) {
	n := len(r.Attachments)
	switch {
	case n > 0 && rules.MaxAttachments == 0:
		add("attachments", "max_attachments", "no_attachments", "0")
	case n > rules.MaxAttachments:
		add("attachments", "max_attachments", "max_attachments", strconv.Itoa(rules.MaxAttachments))
	}
	var total int64
	for i, a := range r.Attachments {
		total += a.Size
		if rules.MaxFileBytes > 0 && a.Size > rules.MaxFileBytes {
			add(fmt.Sprintf("attachments[%d]", i), "max_file_size", "max_file_size", FormatSize(lang, rules.MaxFileBytes))
		}
		if isMediaType(a.Type) && !TypeAccepted(a.Type, rules.AttachmentTypes) {
			add(fmt.Sprintf("attachments[%d]", i), "attachment_type", "attachment_type", strings.Join(rules.AttachmentTypes, ", "))
		}
	}
	if rules.MaxTotalBytes > 0 && total > rules.MaxTotalBytes {
		add("attachments", "max_total_size", "max_total_size", FormatSize(lang, rules.MaxTotalBytes))
	}
}

// fieldOrder is the order fields appear in the form; problems are sorted by it.
var fieldOrder = []string{
	"schema", "title", "category", "targets", "discovered_at", "description", "expected",
	"steps", "impact", "cvss", "cwe", "reporter", "attachments", "policy_accepted",
	"language", "submitted_at", "client",
}

func fieldRank(path string) int {
	top, _, _ := strings.Cut(path, ".")
	top, _, _ = strings.Cut(top, "[")
	if i := slices.Index(fieldOrder, top); i >= 0 {
		return i
	}
	return len(fieldOrder)
}

var indexRE = regexp.MustCompile(`\[(\d+)\]`)

// label names a field for a person: "targets[1]" becomes "Target (2)".
func label(tr ut.Translator, overrides map[string]string, path string) string {
	generic := indexRE.ReplaceAllString(path, "[]")
	text, ok := overrides[generic]
	if !ok && strings.HasSuffix(generic, "[]") {
		text, ok = overrides[strings.TrimSuffix(generic, "[]")] // a list's label names its items too
	}
	if !ok {
		var err error
		if text, err = tr.T("label:" + generic); err != nil {
			text = path
		}
	}
	if m := indexRE.FindAllStringSubmatch(path, -1); m != nil {
		n, _ := strconv.Atoi(m[len(m)-1][1])
		text = fmt.Sprintf("%s (%d)", text, n+1)
	}
	return text
}

// aboutAllAttachments names the messages that speak of the attachments as a
// whole, with no field label.
var aboutAllAttachments = map[string]bool{"max_attachments": true, "max_total_size": true}

func translate(tr ut.Translator, key, label, param string) string {
	params := []string{label, param}
	if aboutAllAttachments[key] {
		params = []string{param}
	}
	msg, err := tr.T(key, params...)
	if err != nil {
		panic(fmt.Sprintf("report: no %s message for rule %q: %v", tr.Locale(), key, err))
	}
	return msg
}

// FormatBytes writes a byte count for people, in English: 1500000 is
// "1.5 MB" (see [FormatSize]).
func FormatBytes(n int64) string { return FormatSize("en", n) }

// FormatSize writes a byte count for people reading lang, in decimal
// units to one decimal place (1500000 is "1.5 MB", "1,5 Mo" in French),
// unless it is a whole number of binary units and not of decimal ones, as
// a limit in a config often is: 209715200 is "200 MiB", not "209.7 MB".
func FormatSize(lang string, n int64) string {
	byteUnit, comma := "B", slices.Contains([]string{"nl", "fr", "de", "es"}, lang)
	if lang == "fr" {
		byteUnit = "o"
	}
	if n < 1000 {
		return fmt.Sprintf("%d %s", n, byteUnit)
	}
	div, exp := int64(1000), 0
	for m := n / 1000; m >= 1000; m /= 1000 {
		div *= 1000
		exp++
	}
	if bin := int64(1) << (10 * (exp + 1)); n%div != 0 && n >= bin && n%bin == 0 {
		return fmt.Sprintf("%d %si%s", n/bin, "KMGTP"[exp:exp+1], byteUnit)
	}
	s := strings.TrimSuffix(strconv.FormatFloat(float64(n)/float64(div), 'f', 1, 64), ".0")
	if comma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + "kMGTPE"[exp:exp+1] + byteUnit
}

type clockKey struct{}

type validationEngine struct {
	validate *validator.Validate
	uni      *ut.UniversalTranslator
}

func (e *validationEngine) translator(lang string) ut.Translator {
	if tr, ok := e.uni.GetTranslator(lang); ok && slices.Contains(Languages, lang) {
		return tr
	}
	tr, _ := e.uni.GetTranslator("en")
	return tr
}

// engine builds the one validator and translator set, once.
var engine = sync.OnceValue(func() *validationEngine {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	str := func(ok func(string) bool) validator.Func {
		return func(fl validator.FieldLevel) bool { return ok(fl.Field().String()) }
	}
	custom := map[string]validator.Func{
		"schema":     str(func(s string) bool { return s == Schema }),
		"singleline": str(isSingleLine),
		"text":       str(isText),
		"category":   str(func(s string) bool { return slices.Contains(Categories, s) }),
		"target":     str(IsTarget),
		"cvss":       str(func(s string) bool { _, err := ScoreCVSS(s); return err == nil }),
		"cwe":        str(cweRE.MatchString),
		"pgpkey":     str(func(s string) bool { return pgpKeyProblem(s) == "" }),
		"language":   str(isLanguage),
		"mediatype":  str(isMediaType),
		"sha256":     str(sha256RE.MatchString),
		"accepted":   func(fl validator.FieldLevel) bool { return fl.Field().Bool() },
	}
	for tag, fn := range custom {
		if err := v.RegisterValidation(tag, fn, true); err != nil {
			panic(fmt.Sprintf("report: registering rule %q: %v", tag, err))
		}
	}
	notFuture := func(ctx context.Context, fl validator.FieldLevel) bool {
		now := ctx.Value(clockKey{}).(func() time.Time)
		limit := now().Add(clockSkew)
		switch t := fl.Field().Interface().(type) {
		case time.Time:
			return !t.After(limit)
		case When:
			return !t.after(limit)
		}
		return false
	}
	if err := v.RegisterValidationCtx("notfuture", notFuture); err != nil {
		panic(fmt.Sprintf("report: registering rule notfuture: %v", err))
	}

	locs := map[string]locales.Translator{"en": en.New(), "nl": nl.New(), "fr": fr.New(), "de": de.New(), "es": es.New()}
	uni := ut.New(locs["en"], locs["en"], locs["nl"], locs["fr"], locs["de"], locs["es"])
	for _, lang := range Languages {
		tr, _ := uni.GetTranslator(lang)
		for key, text := range messages[lang] {
			if err := tr.Add(key, text, false); err != nil {
				panic(fmt.Sprintf("report: %s message %q: %v", lang, key, err))
			}
		}
		for field, text := range labels[lang] {
			if err := tr.Add("label:"+field, text, false); err != nil {
				panic(fmt.Sprintf("report: %s label %q: %v", lang, field, err))
			}
		}
	}
	return &validationEngine{validate: v, uni: uni}
})

// FieldLabel is a field's label in lang (English when lang is not one of
// [Languages]), by JSON path ("reporter.email"); a form uses it so that its
// labels and its messages name a field the same way.
func FieldLabel(lang, field string) string {
	return label(engine().translator(lang), nil, field)
}
