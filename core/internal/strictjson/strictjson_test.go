package strictjson

import (
	"fmt"
	"strings"
	"testing"
)

type doc struct {
	Name string            `json:"name"`
	Tags map[string]inner  `json:"tags"`
	List []inner           `json:"list"`
	More map[string]string `json:"more"`
}

type inner struct {
	A int `json:"a"`
}

// unknown is a document with n unknown keys at its top.
func unknown(n int) string {
	var b strings.Builder
	b.WriteString(`{"name":"x"`)
	for i := range n {
		fmt.Fprintf(&b, `,"k%04d":1`, i)
	}
	return b.String() + "}"
}

func TestProblemsAreBounded(t *testing.T) {
	for _, c := range []struct {
		keys, want int
		more       string
	}{
		{MaxProblems, MaxProblems, ""},
		{MaxProblems + 1, MaxProblems + 1, "and 1 more problems of the same kinds"},
		{100000, MaxProblems + 1, "and 99950 more problems of the same kinds"},
	} {
		var v doc
		err := Decode([]byte(unknown(c.keys)), &v)
		errs, ok := err.(Errors)
		if !ok || len(errs) != c.want {
			t.Fatalf("%d unknown keys: %d problems, want %d", c.keys, len(errs), c.want)
		}
		if last := errs[len(errs)-1]; (c.more != "") != (last.Message == c.more) {
			t.Errorf("%d unknown keys: the last problem is %q, want %q", c.keys, last.Message, c.more)
		}
		if errs[0].Path != "k0000" {
			t.Errorf("the first problem is at %q, want k0000: problems come in key order", errs[0].Path)
		}
	}
}

func TestLongKeysAreCut(t *testing.T) {
	long := strings.Repeat("é", 10000)
	for _, in := range []string{`{"` + long + `":1}`, `{"tags":{"` + long + `":{"b":1}}}`} {
		var v doc
		err := Decode([]byte(in), &v)
		if err == nil {
			t.Fatal("an unknown key is accepted")
		}
		if n := len([]rune(err.Error())); n > 120 {
			t.Errorf("the problem is %d characters long: %.200s", n, err)
		}
	}
	var v doc
	if err := Decode([]byte(`{"`+strings.Repeat("a", 40)+`":1}`), &v); err == nil || !strings.Contains(err.Error(), strings.Repeat("a", 40)+`"`) {
		t.Errorf("a key of 40 characters is not named whole: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(unknown(3)))
	f.Add([]byte(`{"tags":{"x":{"a":"no"}},"list":[{"a":1},{"z":2}],"more":{"k":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v doc
		err := Decode(data, &v)
		if errs, ok := err.(Errors); ok && len(errs) > MaxProblems+1 {
			t.Fatalf("%d problems", len(errs))
		}
	})
}

// TestWrongTypesAreNamedWithTheirIndexes: the path of a wrong type names
// every list index, on every Go (encoding/json before 1.27 leaves them
// out).
func TestWrongTypesAreNamedWithTheirIndexes(t *testing.T) {
	for in, want := range map[string]string{
		`{"list":[{"a":1},{"a":2},{"a":"three"}]}`: "list[2].a",
		`{"list":[{"a":1.5}]}`:                     "list[0].a",
		`{"tags":{"x":{"a":true}}}`:                "tags.x.a",
		`{"name":["x"]}`:                           "name",
		`{"more":{"k":1}}`:                         "more.k",
	} {
		var v doc
		err := Decode([]byte(in), &v)
		errs, ok := err.(Errors)
		if !ok || len(errs) != 1 || errs[0].Path != want || !strings.HasPrefix(errs[0].Message, "wrong type") {
			t.Errorf("%s: %v, want one wrong type at %s", in, err, want)
		}
	}
}
