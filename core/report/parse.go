package report

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/internal/strictjson"
)

// Parse reads one report.json document, strictly: unknown keys, wrong
// types, values a field cannot hold (a discovered_at that is neither a date
// nor a date and time) and trailing data are refused. Its refusal is a
// *[ValidationError] whose problems have the rule "json", the JSON path of
// the value ("discovered_at", "attachments[2].size"; "" for the document as
// a whole) and an English message saying what to write. Parse does not
// validate; call [Validate]. Computed fields (cvss_score, cvss_rating) are
// recomputed, never trusted.
func Parse(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxJSONBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading report: %w", err)
	}
	if len(data) > MaxJSONBytes {
		return nil, &ValidationError{Problems: []Problem{{Rule: "json",
			Message: fmt.Sprintf("larger than %d bytes; attachments belong beside report.json, not inside it", MaxJSONBytes)}}}
	}
	var rep Report
	if err := strictjson.Decode(data, &rep); err != nil {
		return nil, &ValidationError{Problems: decodeProblems(data, err)}
	}
	rep.Normalize()
	return &rep, nil
}

// timeHints say what the time fields are written as, in place of
// time.Time's "parsing time ... as ..." or of a type error that calls a
// [When] an object.
var timeHints = map[reflect.Type]string{
	reflect.TypeFor[*When]():      whenHint,
	reflect.TypeFor[*time.Time](): "write a date and time like 2026-11-20T14:30:00Z",
}

// decodeProblems turns strictjson's errors into problems that name the
// JSON path as [Validate] does ("attachments[2].size") and say what to
// write.
func decodeProblems(data []byte, err error) []Problem {
	var errs strictjson.Errors
	if !errors.As(err, &errs) {
		return []Problem{{Rule: "json", Message: err.Error()}}
	}
	problems := make([]Problem, 0, len(errs))
	for _, e := range errs {
		path, msg := e.Path, e.Message
		if path != "" {
			var lacking reflect.Type
			var key string
			if path, lacking, key = resolvePath(path); lacking != nil {
				msg += "; " + suggestKey(lacking, key)
			}
		}
		if f, ok := fieldNamed(reflect.TypeFor[Report](), path); ok {
			if hint := timeHints[f.Type]; hint != "" && !strings.HasPrefix(msg, hint) {
				msg = hint
			}
		}
		problems = append(problems, Problem{Field: path, Rule: "json", Message: msg})
	}
	return problems
}

// resolvePath writes a strictjson path against the report's types as
// [Validate] writes paths: "attachments.2.size" (encoding/json's form)
// becomes "attachments[2].size". When a key in it is not a field, it
// returns the path unchanged, the type that lacks the key, and the key.
func resolvePath(path string) (clean string, lacking reflect.Type, key string) {
	t := reflect.TypeFor[Report]()
	var b strings.Builder
	parts := strings.Split(path, ".")
	for i, part := range parts {
		t = deref(t)
		if t.Kind() == reflect.Slice && isIndex(part) {
			b.WriteString("[" + part + "]")
			t = t.Elem()
			continue
		}
		name, indexes := splitIndexes(part)
		f, ok := fieldNamed(t, name)
		if !ok {
			return path, t, strings.Join(parts[i:], ".")
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(name)
		t = f.Type
		for _, ix := range indexes {
			if t = deref(t); t.Kind() != reflect.Slice {
				return path, nil, ""
			}
			b.WriteString("[" + ix + "]")
			t = t.Elem()
		}
	}
	return b.String(), nil, ""
}

// splitIndexes splits "attachments[0]" into "attachments" and ["0"].
func splitIndexes(part string) (string, []string) {
	var indexes []string
	for strings.HasSuffix(part, "]") {
		i := strings.LastIndexByte(part, '[')
		if i < 0 || !isIndex(part[i+1:len(part)-1]) {
			break
		}
		indexes = append([]string{part[i+1 : len(part)-1]}, indexes...)
		part = part[:i]
	}
	return part, indexes
}

func isIndex(s string) bool {
	return s != "" && len(s) <= 9 && strings.Trim(s, "0123456789") == ""
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// fieldNamed is t's field with the JSON name name, when t is a struct.
func fieldNamed(t reflect.Type, name string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for f := range t.Fields() {
		if jsonName(f) == name && name != "" && name != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// suggestKey says which key was meant, when one is close to key, or lists
// the keys t has.
func suggestKey(t reflect.Type, key string) string {
	if t.Kind() != reflect.Struct {
		return "remove it"
	}
	var names []string
	best, bestDist := "", 3
	for f := range t.Fields() {
		name := jsonName(f)
		names = append(names, name)
		if d := keyDistance(key, name); d < bestDist {
			best, bestDist = name, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "remove it, or use one of: " + strings.Join(names, ", ")
}

// keyDistance is the edit distance between a key and a field name, 0 when
// they differ only in case, and large for keys far longer than any name
// (so that a hostile key costs nothing).
func keyDistance(key, name string) int {
	if strings.EqualFold(key, name) {
		return 0
	}
	if len(key) > 2*len(name)+2 {
		return len(key)
	}
	prev := make([]int, len(name)+1)
	cur := make([]int, len(name)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(key); i++ {
		cur[0] = i
		for j := 1; j <= len(name); j++ {
			cost := 1
			if key[i-1] == name[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(name)]
}
