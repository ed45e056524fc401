package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWhenKeepsWhatWasGiven(t *testing.T) {
	for _, c := range []struct {
		name, in string
		dateOnly bool
		utc      string
	}{
		{"a date stays a date", "2026-11-20", true, "2026-11-20T00:00:00Z"},
		{"a date and time in UTC", "2026-11-20T14:30:00Z", false, "2026-11-20T14:30:00Z"},
		{"a date and time keeps its offset", "2026-11-20T14:30:00+01:00", false, "2026-11-20T13:30:00Z"},
		{"fractions of a second are kept", "2026-11-20T14:30:00.25Z", false, "2026-11-20T14:30:00.25Z"},
		{"the first day that is read", "1970-01-01", true, "1970-01-01T00:00:00Z"},
		{"the last day that is read", "9999-12-31", true, "9999-12-31T00:00:00Z"},
		{"nine digits of a second", "2026-11-20T14:30:00.123456789Z", false, "2026-11-20T14:30:00.123456789Z"},
		{"the largest offset", "2026-11-20T14:30:00-23:59", false, "2026-11-21T14:29:00Z"},
		{"a leap day", "2028-02-29", true, "2028-02-29T00:00:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := ParseWhen(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if w.DateOnly != c.dateOnly || w.UTC().Format(time.RFC3339Nano) != c.utc || w.String() != c.in {
				t.Errorf("got %v (date only %v, %s)", w, w.DateOnly, w.UTC().Format(time.RFC3339Nano))
			}
			js, err := json.Marshal(struct{ W *When }{&w})
			if err != nil || string(js) != `{"W":"`+c.in+`"}` {
				t.Fatalf("JSON: %s, %v", js, err)
			}
			var back struct{ W *When }
			if err := json.Unmarshal(js, &back); err != nil || !back.W.Equal(w.Time) || back.W.DateOnly != w.DateOnly || back.W.String() != c.in {
				t.Errorf("JSON round trip: %v, %v", back.W, err)
			}
		})
	}
}

// What Go's parser takes beyond RFC 3339, and years a report cannot keep
// (the zero time would read as no date at all), are refused.
func TestParseWhenReadsOnlyRFC3339From1970(t *testing.T) {
	for _, in := range []string{"0000-01-01", "0001-01-01", "0001-01-01T00:00:00Z", "1969-12-31", "1970-01-01T00:30:00+01:00",
		"9999-12-31T23:59:59-01:00", "2026-11-20T14:30:00+24:00", "2026-11-20T14:30:00+01:60", "2026-11-20T14:30:00,5Z",
		"2026-11-20T14:30:00.1234567891Z"} {
		if w, err := ParseWhen(in); err == nil {
			t.Errorf("ParseWhen(%q) = %v", in, w)
		} else if !strings.HasPrefix(err.Error(), whenHint) {
			t.Errorf("ParseWhen(%q): %v", in, err)
		}
	}
}

func TestParseWhenSaysWhatToWrite(t *testing.T) {
	for _, in := range []string{"", "yesterday", "2026-11-20T14:30", "2026-11-20 14:30:00Z", "20/11/2026", "2026-13-01", "2026-02-29", "2026-11-20T24:00:00Z", " 2026-11-20", "+2026-11-20"} {
		if _, err := ParseWhen(in); err == nil || !strings.HasPrefix(err.Error(), whenHint+", not ") {
			t.Errorf("ParseWhen(%q): %v", in, err)
		}
	}
	if _, err := ParseWhen(strings.Repeat("9", 41)); err == nil || !strings.HasSuffix(err.Error(), `"…`) {
		t.Errorf("a long value is not cut short in the message: %v", err)
	}
}

func TestWhenRefusesToWriteAYearItCannotWrite(t *testing.T) {
	for _, w := range []When{Day(10000, 1, 1), {Time: time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC)}} {
		if _, err := w.MarshalJSON(); err == nil {
			t.Errorf("%v: written", w.Time)
		}
	}
	for _, w := range []When{Day(9999, 12, 31), Day(0, 1, 1)} {
		if _, err := w.MarshalJSON(); err != nil {
			t.Errorf("%v: %v", w.Time, err)
		}
	}
}

// A date is in the future only once it has begun nowhere on Earth: the
// 21st begins at 10:00 UTC on the 20th in UTC+14, and times may run
// clockSkew ahead.
func TestADateIsInTheFutureOnlyWhereItHasNotBegunAnywhere(t *testing.T) {
	limit := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC).Add(-clockSkew)
	for _, c := range []struct {
		name string
		when When
		now  time.Time
		ok   bool
	}{
		{"the next day, the moment it begins in UTC+14", Day(2026, 11, 21), limit, true},
		{"the next day, just before it begins anywhere", Day(2026, 11, 21), limit.Add(-time.Nanosecond), false},
		{"the day after that", Day(2026, 11, 22), limit, false},
		{"today", Day(2026, 11, 20), limit, true},
		{"a moment at the clock's skew", When{Time: limit.Add(clockSkew)}, limit, true},
		{"a moment past the clock's skew", When{Time: limit.Add(clockSkew + time.Nanosecond)}, limit, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := validReport()
			r.DiscoveredAt = &c.when
			err := Validate(r, Options{Rules: fullRules, Now: func() time.Time { return c.now }})
			var verr *ValidationError
			refused := errors.As(err, &verr) && verr.Problems[0].Rule == "notfuture"
			if err != nil && !refused {
				t.Fatal(err)
			}
			if refused == c.ok {
				t.Errorf("refused: %v, want %v", refused, !c.ok)
			}
		})
	}
}

// TestDateOnlyDiscoveredAt: a date-only discovered_at reads, validates,
// and is written as a date in report.json, the text and the MIME entity.
func TestDateOnlyDiscoveredAt(t *testing.T) {
	r, err := Parse(strings.NewReader(`{"schema":"sealpost.report/v1","targets":["example.com"],"discovered_at":"2026-11-20","description":"x","policy_accepted":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(r, Options{Rules: Rules{Required: []string{"discovered_at"}}, Now: clock}); err != nil {
		t.Fatal(err)
	}
	js, err := r.JSON()
	if err != nil || !bytes.Contains(js, []byte(`"discovered_at": "2026-11-20",`)) {
		t.Errorf("report.json: %s, %v", js, err)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil || !strings.Contains(text.String(), "\nFound:           2026-11-20\n") {
		t.Errorf("text: %s, %v", text.String(), err)
	}
	var mime bytes.Buffer
	if err := WriteMIME(&mime, r, nil); err != nil {
		t.Fatal(err)
	}
	m, err := ReadMIME(&mime)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Report.DiscoveredAt; got == nil || !got.DateOnly || got.String() != "2026-11-20" || !strings.Contains(strings.ReplaceAll(string(m.Text), "\r\n", "\n"), "\nFound:           2026-11-20\n") {
		t.Errorf("the MIME entity carries %v and the text\n%s", got, m.Text)
	}
}

// FuzzParseWhen: what ParseWhen accepts writes back as it read it, and
// reads back as the same When.
func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"2026-11-20", "2026-11-20T14:30:00Z", "2026-11-20T14:30:00.123456789-07:00", "0000-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59", "0001-01-01", "yesterday"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWhen(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), whenHint) {
				t.Fatalf("an error that does not say what to write: %v", err)
			}
			return
		}
		text, err := w.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText of %q: %v", s, err)
		}
		back, err := ParseWhen(string(text))
		if err != nil || back.DateOnly != w.DateOnly || !back.Equal(w.Time) || back.String() != string(text) {
			t.Fatalf("%q wrote %q, which reads back as %v, %v", s, text, back, err)
		}
	})
}
