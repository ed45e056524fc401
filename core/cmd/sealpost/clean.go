package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/sealpost/sealpost/core/report"
)

// cleanedError is an error whose text may quote what came out of a message
// or a key (a JSON key, a MIME header line, a file name): its text is
// printed through report.Clean, as report.txt's fields are, and its chain
// is kept for errors.Is.
type cleanedError struct{ err error }

func (c cleanedError) Error() string { return report.Clean(c.err.Error()) }
func (c cleanedError) Unwrap() error { return c.err }

// cleanError wraps err, unless it is nil or an exit status, whose message
// the command wrote itself.
func cleanError(err error) error {
	var ee *exitError
	if err == nil || errors.As(err, &ee) {
		return err
	}
	return cleanedError{err}
}

// cleanText is [report.Clean] for text of several lines (a thread
// message): line breaks and tabs are kept, and every other control,
// bidirectional override and invisible character becomes U+FFFD.
func cleanText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, line := range lines {
		cells := strings.Split(line, "\t")
		for j, c := range cells {
			cells[j] = report.Clean(c)
		}
		lines[i] = strings.Join(cells, "\t")
	}
	return strings.Join(lines, "\n")
}

// writeJSON writes v as indented JSON whose strings hold no character a
// terminal acts on: encoding/json escapes C0 controls but passes C1
// controls (U+009B is CSI), bidirectional overrides and invisible
// characters through, so they are written as \u escapes, which every
// JSON reader reads back as the same text.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	for _, r := range string(data) {
		if r < 0x7f || !(unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029') {
			b.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	b.WriteByte('\n')
	_, err = w.Write(b.Bytes())
	return err
}
