package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
)

// JSON returns report.json: the report with its computed fields, indented.
// HTML characters in user text are escaped (\u003c), so no text in
// report.json can be taken for markup.
func (r *Report) JSON() ([]byte, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// WriteText writes the report as plain text, as a security engineer reads it
// after decrypting. User text is indented under fixed headings, so it cannot
// forge a heading, and control characters (terminal escapes included) and
// bidirectional overrides are shown as U+FFFD, so it cannot drive the
// reader's terminal or disguise itself.
func (r *Report) WriteText(w io.Writer) error {
	r.Normalize()
	t := &textWriter{}
	title := r.Title
	if title == "" {
		title = "(untitled)"
	}
	heading := "Vulnerability report: " + clean(title, false)
	t.line(heading)
	t.line(strings.Repeat("=", min(len([]rune(heading)), 78)))
	t.line("")
	t.field("Category", r.Category)
	if len(r.Targets) > 0 {
		t.line("Targets:")
		for _, target := range r.Targets {
			t.line("  - " + clean(target, false))
		}
	}
	if w := r.DiscoveredAt; w != nil && !w.IsZero() {
		found := w.String() // a date stays a date
		if !w.DateOnly {
			found = formatTime(&w.Time)
		}
		t.field("Found", found)
	}
	if r.CVSS != "" {
		sev := r.CVSS
		if r.CVSSRating != "" {
			sev = fmt.Sprintf("%.1f %s (%s)", r.CVSSScore, r.CVSSRating, r.CVSS)
		}
		t.field("Severity", sev)
	}
	t.field("Weakness", r.CWE)
	t.section("What I saw", r.Description)
	t.section("What I expected", r.Expected)
	t.section("Steps to reproduce", r.Steps)
	t.section("Impact", r.Impact)

	t.heading("Reporter")
	rep := r.Reporter
	name := rep.Name
	if name == "" {
		name = "(not given)"
	}
	t.field("Name", name)
	t.field("Email", rep.Email)
	switch {
	case rep.Credit && rep.CreditName != "":
		t.field("Credit", "yes, as "+rep.CreditName)
	case rep.Credit:
		t.field("Credit", "yes")
	default:
		t.field("Credit", "no")
	}
	if rep.PGPKey != "" {
		t.field("Public key", "included in report.json (reporter.pgp_key)")
	}
	if r.ReplyKey != "" {
		t.field("Replies", "the reporter follows this report with a reply code: answer with sealpost reply (report.json has the reply key)")
	}

	if len(r.Attachments) > 0 {
		t.heading("Attachments")
		for i, a := range r.Attachments {
			t.line(fmt.Sprintf("%d. %s (%s, %s)", i+1, clean(a.Name, false), clean(a.Type, false), FormatBytes(a.Size)))
			t.line("   sha256 " + clean(a.SHA256, false))
		}
	}

	t.heading("Submission")
	accepted := "no"
	if r.PolicyAccepted {
		accepted = "yes"
	}
	t.field("Policy accepted", accepted)
	t.field("Submitted", formatTime(r.SubmittedAt))
	t.field("Language", r.Language)
	t.field("Client", r.Client)
	t.field("Format", r.Schema)
	_, err := w.Write(t.buf.Bytes())
	return err
}

type textWriter struct{ buf bytes.Buffer }

func (t *textWriter) line(s string) { t.buf.WriteString(s + "\n") }

func (t *textWriter) field(name, value string) {
	if value == "" {
		return
	}
	t.line(fmt.Sprintf("%-16s %s", name+":", clean(value, false)))
}

func (t *textWriter) heading(name string) {
	t.line("")
	t.line(name)
	t.line(strings.Repeat("-", len([]rune(name))))
}

func (t *textWriter) section(name, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	t.heading(name)
	for l := range strings.Lines(clean(text, true)) {
		t.line(strings.TrimRight("    "+strings.TrimRight(l, "\n"), " "))
	}
}

// clean replaces control characters and bidirectional overrides (which can
// make text read differently from what it is) with U+FFFD, keeping line breaks and
// tabs when multiline, and normalises CRLF to LF.
func clean(s string, multiline bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if multiline && (r == '\n' || r == '\t') {
			return r
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return '\uFFFD'
		}
		return r
	}, s)
}

func formatTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
