package thread

import "time"

// AddWorkingDays is t moved n working days on (Monday to Friday, in t's
// location; public holidays are not known and count as working days). A
// promise "within 5 working days" of a report received on Friday afternoon
// is due the next Friday at the same time.
func AddWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// Deadline is one promise of the vendor's policy for one report.
type Deadline struct {
	Name    string    `json:"name"` // "reply" or "triage"
	Due     time.Time `json:"due"`
	Met     bool      `json:"met"`
	MetAt   time.Time `json:"met_at,omitzero"`
	Overdue bool      `json:"overdue"`
}

// Deadlines are the reply and triage promises (in working days; 0 means no
// promise) for a report received at received, judged at now against the
// thread so far: the reply is met by the first verified vendor message,
// triage by the first verified status past "received". An entry the
// intake labels the vendor's that does not open as the vendor's meets
// neither.
func Deadlines(received time.Time, replyDays, triageDays int, items []Item, now time.Time) []Deadline {
	var replied, triaged time.Time
	for _, it := range items {
		if it.From != FromVendor || !it.Verified {
			continue
		}
		if replied.IsZero() {
			replied = it.At
		}
		if triaged.IsZero() && it.Message.Status != "" && it.Message.Status != "received" {
			triaged = it.At
		}
	}
	var out []Deadline
	add := func(name string, days int, met time.Time) {
		if days <= 0 {
			return
		}
		d := Deadline{Name: name, Due: AddWorkingDays(received, days), Met: !met.IsZero(), MetAt: met}
		d.Overdue = (d.Met && d.MetAt.After(d.Due)) || (!d.Met && now.After(d.Due))
		out = append(out, d)
	}
	add("reply", replyDays, replied)
	add("triage", triageDays, triaged)
	return out
}

// NextEnquiry is when a reporter may write again unasked, the rule the
// intake enforces: a reporter may always answer the vendor (a vendor entry
// after its own last one); otherwise it waits interval after its last
// activity, its last entry or the report's receipt. entries are oldest
// first; the zero time means now.
func NextEnquiry(receivedAt time.Time, entries []Entry, interval time.Duration) time.Time {
	if interval <= 0 {
		return time.Time{}
	}
	last := receivedAt
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.From == FromVendor {
			return time.Time{} // the vendor wrote since the reporter did
		}
		if e.From == FromReporter {
			if e.At.After(last) {
				last = e.At
			}
			break
		}
	}
	return last.Add(interval)
}
