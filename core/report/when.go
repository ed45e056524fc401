package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// When is the day, or the moment, something happened. A reporter who knows
// only the day gives a date ("2026-11-20"), one who knows the time an RFC
// 3339 date and time ("2026-11-20T14:30:00Z"); which of the two was given
// is kept, so a date stays a date in report.json and in the text.
//
// Time is the moment; for a date, the day's midnight in UTC (make one with
// [Day]). DateOnly says that only the day is known: its day is Time's
// calendar day in Time's own location. A report leaves it unset with a
// nil *When.
//
// Only When's text and JSON forms keep DateOnly; the methods it takes from
// the embedded time.Time (Format, MarshalBinary, ...) see Time alone.
type When struct {
	time.Time
	DateOnly bool
}

// Day returns the date year-month-day, with no time of day.
func Day(year int, month time.Month, day int) When {
	return When{Time: time.Date(year, month, day, 0, 0, 0, 0, time.UTC), DateOnly: true}
}

// whenHint says what a [When] is written as; the messages of [ParseWhen]
// and [Parse] begin with it.
const whenHint = "write a date like 2026-11-20 or a date and time like 2026-11-20T14:30:00Z"

// ParseWhen reads a date ("2026-11-20") or an RFC 3339 date and time
// ("2026-11-20T14:30:00Z", "2026-11-20T15:30:00+01:00"). Its error says
// what to write instead.
//
// Only what RFC 3339 writes is read, from 1970 to 9999 (in UTC too): an
// offset of at most 23:59, a fraction after a "." of at most 9 digits.
// Go's parser alone also takes "+24:00" and "00,5", and year 1, which
// a report would then lose as the zero time.
func ParseWhen(s string) (When, error) {
	var w When
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		w = When{Time: t, DateOnly: true}
	} else if t, err := time.Parse(time.RFC3339, s); err == nil && rfc3339Time.MatchString(s) {
		w = When{Time: t}
	} else {
		return When{}, fmt.Errorf("%s, not %s", whenHint, quoteShort(s))
	}
	if y, u := w.Year(), w.UTC().Year(); y < 1970 || u < 1970 || y > 9999 || u > 9999 {
		return When{}, fmt.Errorf("%s, from 1970 on, not %s", whenHint, quoteShort(s))
	}
	return w, nil
}

// rfc3339Time is the shape of an RFC 3339 date and time (section 5.6),
// upper or lower case T and Z as time.Parse takes them.
var rfc3339Time = regexp.MustCompile(`^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

// String is the date ("2026-11-20") or the RFC 3339 date and time, in
// Time's own location.
func (w When) String() string {
	if w.DateOnly {
		return w.Format(time.DateOnly)
	}
	return w.Format(time.RFC3339Nano)
}

// AppendText appends [When.String]'s text to b; it refuses a year outside
// 0 to 9999, which neither form can write.
func (w When) AppendText(b []byte) ([]byte, error) {
	if y := w.Year(); y < 0 || y > 9999 {
		return b, fmt.Errorf("report: the year %d cannot be written as a date: it must be 0 to 9999", y)
	}
	return append(b, w.String()...), nil
}

// MarshalText writes the date or the date and time; see [When.String].
func (w When) MarshalText() ([]byte, error) { return w.AppendText(nil) }

// UnmarshalText reads what [ParseWhen] reads.
func (w *When) UnmarshalText(text []byte) error {
	v, err := ParseWhen(string(text))
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// MarshalJSON writes the date or the date and time as a JSON string.
func (w When) MarshalJSON() ([]byte, error) {
	text, err := w.MarshalText()
	if err != nil {
		return nil, err
	}
	return json.Marshal(string(text))
}

// UnmarshalJSON reads a JSON string that [ParseWhen] reads.
func (w *When) UnmarshalJSON(data []byte) error {
	if !bytes.HasPrefix(data, []byte(`"`)) {
		return errors.New(whenHint + ", not " + quoteShort(string(data)))
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return errors.New(whenHint + ", not " + quoteShort(string(data)))
	}
	return w.UnmarshalText([]byte(s))
}

// dayStartsAnywhere is how far ahead of UTC the earliest time zone is
// (UTC+14, Kiribati's Line Islands): a date is "today" somewhere until 14
// hours before its midnight in UTC.
const dayStartsAnywhere = 14 * time.Hour

// after reports whether w lies after now: a moment when it is after now, a
// date when that day has begun nowhere on Earth at now.
func (w When) after(now time.Time) bool {
	if !w.DateOnly {
		return w.Time.After(now)
	}
	y, m, d := w.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Add(-dayStartsAnywhere).After(now)
}

// quoteShort quotes s for a message (control and invisible characters
// escaped), cut to its first 40 characters.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 40 {
		return fmt.Sprintf("%q…", string(r[:40]))
	}
	return fmt.Sprintf("%q", s)
}
