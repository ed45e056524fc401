package report

import (
	"strings"
	"unicode"
)

// Clean makes text that came out of a message (a title, a file name, the
// text of an error that quotes what a parser read) safe to print on a
// terminal: it is what report.txt does to a one-line field (control
// characters, C1 controls such as U+009B CSI included, line breaks, and
// bidirectional overrides and isolates become U+FFFD), and every other
// invisible format character (zero-width spaces and joiners, soft hyphens,
// tag characters: Unicode category Cf) becomes U+FFFD too. Invalid UTF-8
// becomes U+FFFD.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return '\uFFFD'
		}
		return r
	}, clean(s, false))
}
