package main

import (
	"testing"

	"github.com/sealpost/sealpost/core/thread"
)

// An intake's answer is outside input: parseView never panics, and what
// it accepts names a report and only entries from the two sides, numbered
// upwards, no more than an intake keeps.
func FuzzParseView(f *testing.F) {
	f.Add([]byte(`{"report_id":"r-1","received_at":"2026-11-23T12:00:00Z","entries":[{"seq":1,"from":"vendor","at":"2026-11-23T13:00:00Z","message":"x"}]}`))
	f.Add([]byte(`{"report_id":"r-1","received_at":"2026-11-23T12:00:00Z","entries":[],"next_enquiry_at":"2026-11-30T12:00:00Z","enquiry_interval_days":7}`))
	f.Add([]byte(`{"report_id":"r 1\u001b","entries":[{"from":"intake"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseView(data)
		if err != nil {
			return
		}
		if v.ReportID == "" {
			t.Error("accepted a view with no report id")
		}
		if len(v.Entries) > thread.MaxEntries {
			t.Errorf("accepted %d entries", len(v.Entries))
		}
		for i, e := range v.Entries {
			if e.From != thread.FromVendor && e.From != thread.FromReporter {
				t.Errorf("accepted an entry from %q", e.From)
			}
			if e.Seq < 1 || i > 0 && e.Seq <= v.Entries[i-1].Seq {
				t.Errorf("accepted entry %d numbered %d", i+1, e.Seq)
			}
		}
	})
}
