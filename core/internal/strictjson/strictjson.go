// Package strictjson decodes JSON documents that come from outside (reports,
// vendor configs) and names the JSON path of every problem it finds.
//
// encoding/json's DisallowUnknownFields stops at the first unknown key and does
// not say where it is; a vendor editing a config needs "fields.requird: unknown
// key". [Decode] therefore walks the document against the target type first and
// reports every unknown key with its path, then decodes, turning type errors
// into path-named errors too.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Error is one problem in a JSON document, located by its path
// ("endpoint.format", "targets[2]"); the path is empty for the document itself.
type Error struct {
	Path    string
	Message string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// Errors is the list of problems in one document, in document order of paths.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Decode decodes one JSON value from data into v, a pointer to a struct.
// Unknown keys, wrong types, trailing data and syntax errors are returned as
// [Errors]. Keys are matched exactly (encoding/json alone would also accept
// "Title" for "title").
func Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic("strictjson: Decode needs a non-nil pointer")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Errors{{Message: "empty document: expected a JSON object"}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return Errors{{Message: syntaxMessage(data, err)}}
	}
	if _, err := dec.Token(); err == nil {
		return Errors{{Message: "unexpected data after the JSON value"}}
	}
	w := &walker{}
	w.walk(doc, rv.Type().Elem(), "")
	if len(w.errs) > 0 {
		if w.more > 0 {
			w.errs = append(w.errs, &Error{Message: fmt.Sprintf("and %d more problems of the same kinds", w.more)})
		}
		return w.errs
	}
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// encoding/json's Field leaves out list indexes before Go 1.27
			// ("attachments.size"): the path is found here instead, the
			// same on every Go.
			path := te.Field
			if p, ok := mismatch(doc, rv.Type().Elem(), ""); ok {
				path = p
			}
			return Errors{{Path: path, Message: fmt.Sprintf("wrong type: want %s, got %s", typeName(te.Type), te.Value)}}
		}
		return Errors{{Message: err.Error()}}
	}
	return nil
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// MaxProblems bounds the problems Decode lists: a document of a million
// unknown keys gets MaxProblems of them and a count of the rest, not a
// million lines.
const MaxProblems = 50

// walker collects the problems of one document, up to MaxProblems; more
// counts the rest.
type walker struct {
	errs Errors
	more int
}

func (w *walker) add(path, msg string) {
	if len(w.errs) >= MaxProblems {
		w.more++
		return
	}
	w.errs = append(w.errs, &Error{Path: path, Message: msg})
}

// walk reports keys in doc that t has no field for. Type mismatches are left
// to json.Unmarshal, which names their path itself.
func (w *walker) walk(doc any, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		// A type that decodes itself (config.Text, time.Time) is tried
		// here, where its path is known: encoding/json does not say where
		// an UnmarshalJSON failed.
		data, err := json.Marshal(doc)
		if err != nil {
			return
		}
		if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(data); err != nil {
			msg := err.Error()
			if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
				msg = fmt.Sprintf("wrong type: want %s, got %s", typeName(te.Type), te.Value)
			}
			w.add(path, msg)
		}
		return
	}
	switch d := doc.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			fields := jsonFields(t)
			keys := make([]string, 0, len(d))
			for k := range d {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				ft, ok := fields[k]
				if !ok {
					w.add(join(path, short(k)), fmt.Sprintf("unknown key %q", short(k)))
					continue
				}
				w.walk(d[k], ft, join(path, k))
			}
		case reflect.Map:
			for _, k := range slices.Sorted(maps.Keys(d)) {
				w.walk(d[k], t.Elem(), join(path, short(k)))
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, v := range d {
				w.walk(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// mismatch finds the first value in doc, in key order, that t cannot hold
// by its JSON kind: a string for a number, a fraction for a whole number,
// an object for a list. Types that decode themselves are walk's.
func mismatch(doc any, t reflect.Type, path string) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if doc == nil || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshaler) {
		return "", false
	}
	switch d := doc.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			fields := jsonFields(t)
			for _, k := range slices.Sorted(maps.Keys(d)) {
				if ft, ok := fields[k]; ok {
					if p, bad := mismatch(d[k], ft, join(path, k)); bad {
						return p, true
					}
				}
			}
			return "", false
		case reflect.Map:
			for _, k := range slices.Sorted(maps.Keys(d)) {
				if p, bad := mismatch(d[k], t.Elem(), join(path, short(k))); bad {
					return p, true
				}
			}
			return "", false
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, v := range d {
				if p, bad := mismatch(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); bad {
					return p, true
				}
			}
			return "", false
		}
	case string:
		if t.Kind() == reflect.String || reflect.PointerTo(t).Implements(textUnmarshaler) {
			return "", false
		}
	case json.Number:
		switch t.Kind() {
		case reflect.Float32, reflect.Float64:
			return "", false
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if _, err := d.Int64(); err == nil {
				return "", false
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if _, err := strconv.ParseUint(d.String(), 10, 64); err == nil {
				return "", false
			}
		}
	case bool:
		if t.Kind() == reflect.Bool {
			return "", false
		}
	}
	return path, true
}

// short is a key from the document as a path or message shows it: at
// most 40 characters, the cut marked "…" (the document is the sender's).
func short(key string) string {
	if r := []rune(key); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return key
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonFields maps the JSON names of t's exported fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

// typeNamer is a type that says how it is written in JSON, for the
// wrong-type message (config.Text: a string or an object).
type typeNamer interface{ JSONType() string }

func typeName(t reflect.Type) string {
	if n, ok := reflect.Zero(t).Interface().(typeNamer); ok {
		return n.JSONType()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// syntaxMessage turns a decoding error into "line L, column C: ...".
func syntaxMessage(data []byte, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return "the JSON document ends too early"
		}
		return "not valid JSON: " + err.Error()
	}
	off := min(max(int(se.Offset)-1, 0), len(data)) // Offset is just past the bad byte
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("not valid JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(se.Error(), "json: "))
}
