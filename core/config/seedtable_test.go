package config

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEverySeedRowNamesATestThatExists: each row of the seed table in
// examples/README.md names at least one test, and each test it names is a
// test function in the repository (a subtest, TestX/name, a row of
// widget/seeds_test.go).
func TestEverySeedRowNamesATestThatExists(t *testing.T) {
	readme, err := os.ReadFile("examples/README.md")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{}
	var seeds string
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range regexp.MustCompile(`(?m)^func (Test\w+)\(`).FindAllSubmatch(data, -1) {
			tests[string(m[1])] = true
		}
		if strings.HasSuffix(path, filepath.Join("widget", "seeds_test.go")) {
			seeds = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	sc := bufio.NewScanner(strings.NewReader(string(readme)))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| The policy says") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		names := regexp.MustCompile("`(Test[\\w/]+)`").FindAllStringSubmatch(cells[len(cells)-1], -1)
		if len(names) == 0 {
			t.Errorf("row names no test: %s", line)
		}
		for _, n := range names {
			fn, sub, _ := strings.Cut(n[1], "/")
			if !tests[fn] {
				t.Errorf("%s: no such test in the repository", n[1])
			}
			if sub != "" && !strings.Contains(seeds, `name: "`+sub+`"`) {
				t.Errorf("%s: no such row in widget/seeds_test.go", n[1])
			}
		}
		rows++
	}
	if rows < 30 {
		t.Errorf("only %d rows in the seed table", rows)
	}
}
