//go:build !js

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestEveryLinkInTheDocsResolves: each relative link of the project's
// Markdown names a file of the checkout and, after a #, a heading of it
// (as GitHub makes its anchors).
func TestEveryLinkInTheDocsResolves(t *testing.T) {
	if !hasAnchor("# x\n## The conversation (`thread`)\n", "the-conversation-thread") || hasAnchor("## Other\n", "the-go-toolchains") {
		t.Fatal("hasAnchor does not make GitHub's anchors")
	}
	out, err := exec.Command("git", "-C", "../..", "ls-files", "--cached", "--others", "--exclude-standard", "*.md").Output()
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, file := range strings.Fields(string(out)) {
		if strings.Contains(file, "/testdata/") || strings.Contains(file, "node_modules/") {
			continue
		}
		data, err := os.ReadFile(filepath.Join("../..", file))
		if err != nil {
			continue // listed, then removed
		}
		for _, m := range link.FindAllStringSubmatch(stripCode(string(data)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			resolved := filepath.Join("../..", file)
			if path != "" {
				resolved = filepath.Join("../..", filepath.Dir(file), path)
			}
			if _, err := os.Stat(resolved); err != nil {
				t.Errorf("%s: the link %s names no file", file, target)
				continue
			}
			if anchor == "" || !strings.HasSuffix(resolved, ".md") {
				continue
			}
			doc, _ := os.ReadFile(resolved)
			if !hasAnchor(string(doc), anchor) {
				t.Errorf("%s: the link %s names no heading of %s", file, target, filepath.Base(resolved))
			}
		}
	}
}

// stripCode drops fenced blocks and inline code, where brackets are code.
func stripCode(md string) string {
	var b strings.Builder
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			b.WriteString(regexp.MustCompile("`[^`]*`").ReplaceAllString(line, "") + "\n")
		}
	}
	return b.String()
}

// hasAnchor reports whether a Markdown document has a heading whose
// GitHub anchor is anchor: lower case, spaces to hyphens, punctuation
// other than hyphens and underscores dropped.
func hasAnchor(md, anchor string) bool {
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		heading := strings.TrimSpace(strings.TrimLeft(line, "#"))
		slug := strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				return unicode.ToLower(r)
			}
			return -1
		}, heading)
		if slug == anchor {
			return true
		}
	}
	return false
}
