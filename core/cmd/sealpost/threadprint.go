package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/thread"
)

// shownThread is a thread as sealpost follow and sealpost open --thread
// print it: their JSON output, and what the text output is made of.
type shownThread struct {
	ReportID   string    `json:"report_id"`
	ReceivedAt time.Time `json:"received_at"`
	// Status is the latest the vendor gave in a message signed by its key
	// (or in any of its messages, when VendorSignaturesChecked is false).
	Status   string    `json:"status"`
	StatusAt time.Time `json:"status_at"`
	// The signatures of a side whose key was not given are not checked:
	// its messages are shown, marked "not checked".
	VendorSignaturesChecked   bool              `json:"vendor_signatures_checked"`
	ReporterSignaturesChecked bool              `json:"reporter_signatures_checked"`
	Deadlines                 []thread.Deadline `json:"deadlines,omitempty"`
	// NextEnquiryAt is when the reporter may write again unasked, as the
	// intake said (absent: now). For the reporter only.
	NextEnquiryAt *time.Time     `json:"next_enquiry_at,omitempty"`
	Messages      []shownMessage `json:"messages"`
	Problems      int            `json:"problems"`

	viewer string // who reads: thread.FromReporter or thread.FromVendor
}

// shownMessage is one entry of a thread, opened.
type shownMessage struct {
	Seq  int    `json:"seq"`
	From string `json:"from"` // as the intake saw it post
	// At is when the intake took it; WrittenAt what its author says.
	At            time.Time  `json:"at"`
	WrittenAt     *time.Time `json:"written_at,omitempty"`
	Status        string     `json:"status,omitempty"`
	InviteConfirm bool       `json:"invite_confirm,omitempty"`
	Text          string     `json:"text,omitempty"`
	// Signature is "verified" (signed by the key of the side it is from),
	// "not checked" (that side's key was not given) or "not verified".
	Signature string `json:"signature"`
	// Problem says what is wrong with it: not signed by its author's key,
	// changed after it was written, moved from another thread.
	Problem string `json:"problem,omitempty"`
}

// threadReader opens a thread for one side.
type threadReader struct {
	viewer string
	// keys decrypt: the reply key for the reporter, the vendor's secret
	// keys for the vendor.
	keys openpgp.EntityList
	// vendor and reporter verify each side's messages; nil when that
	// side's key is not known, and its signatures are not checked.
	vendor, reporter openpgp.EntityList
	// promises, when set, are the policy's (in working days).
	promises              bool
	replyDays, triageDays int
	now                   time.Time
}

func (r threadReader) show(v *thread.View) *shownThread {
	items := thread.Timeline(v, r.keys, r.vendor, r.reporter)
	unchecked := make([]bool, len(items))
	for i := range items {
		it := &items[i]
		side := r.vendor
		if it.From == thread.FromReporter {
			side = r.reporter
		}
		// Opened, but no signer to check against: Timeline calls it
		// unsigned; it is unchecked. It counts, with the caveat shown.
		if side == nil && it.Message != nil && !it.Verified {
			it.Verified, it.Problem, unchecked[i] = true, "", true
		}
	}
	s := &shownThread{
		ReportID: v.ReportID, ReceivedAt: v.ReceivedAt,
		VendorSignaturesChecked: r.vendor != nil, ReporterSignaturesChecked: r.reporter != nil,
		Messages: []shownMessage{}, viewer: r.viewer,
	}
	s.Status, s.StatusAt = thread.Status(v, items)
	if r.promises {
		s.Deadlines = thread.Deadlines(v.ReceivedAt, r.replyDays, r.triageDays, items, r.now)
	}
	if r.viewer == thread.FromReporter {
		s.NextEnquiryAt = v.NextEnquiryAt
	}
	for i, it := range items {
		m := shownMessage{Seq: it.Seq, From: it.From, At: it.At, Problem: it.Problem}
		if it.Message != nil {
			written := it.Message.WrittenAt
			m.WrittenAt, m.Status, m.InviteConfirm, m.Text = &written, it.Message.Status, it.Message.InviteConfirm, it.Message.Text
		}
		switch {
		case unchecked[i]:
			m.Signature = "not checked"
		case it.Verified:
			m.Signature = "verified"
		default:
			m.Signature = "not verified"
		}
		if m.Problem != "" {
			s.Problems++
		}
		s.Messages = append(s.Messages, m)
	}
	return s
}

// side names a side of the thread for s's reader.
func (s *shownThread) side(from string) string {
	if from == s.viewer {
		return "you (the " + from + ")"
	}
	return "the " + from
}

// writeText prints the thread for a person. Everything that came out of
// a message is cleaned first: a message is text anyone may have written.
func (s *shownThread) writeText(w io.Writer) {
	fmt.Fprintf(w, "report:   %s, received %s\n", s.ReportID, when(s.ReceivedAt))
	status := s.Status
	if s.Status != "received" || !s.StatusAt.Equal(s.ReceivedAt) {
		status += ", since " + when(s.StatusAt)
	}
	fmt.Fprintf(w, "status:   %s\n", status)
	for _, d := range s.Deadlines {
		verdict := "not yet"
		switch {
		case d.Met && d.Overdue:
			verdict = "kept late, on " + when(d.MetAt) + ": OVERDUE"
		case d.Met:
			verdict = "kept, on " + when(d.MetAt)
		case d.Overdue:
			verdict = "OVERDUE"
		}
		fmt.Fprintf(w, "%-9s promised by %s: %s\n", d.Name+":", when(d.Due), verdict)
	}
	if s.viewer == thread.FromReporter {
		if s.NextEnquiryAt == nil {
			fmt.Fprintf(w, "write:    you may write to the vendor now (sealpost follow --write)\n")
		} else {
			fmt.Fprintf(w, "write:    you can write again on %s, or at once when the vendor writes\n", when(*s.NextEnquiryAt))
		}
	}
	if !s.VendorSignaturesChecked {
		fmt.Fprintf(w, "warning:  the vendor's signatures were not checked: give its key (--key, or --config) to know that its messages, and the status, come from the vendor\n")
	}
	if !s.ReporterSignaturesChecked {
		fmt.Fprintf(w, "warning:  the reporter's signatures were not checked: give the report (--report) to check them against its reply key\n")
	}
	if s.Problems > 0 {
		fmt.Fprintf(w, "PROBLEMS: %d message(s) below are not what they claim to be: read their PROBLEM line\n", s.Problems)
	}
	if len(s.Messages) == 0 {
		fmt.Fprintf(w, "\nno messages yet\n")
	}
	for _, m := range s.Messages {
		head := fmt.Sprintf("#%d  %s, from %s", m.Seq, when(m.At), s.side(m.From))
		if m.Status != "" {
			head += ", status " + report.Clean(m.Status)
		}
		if m.InviteConfirm {
			head += ", invites the reporter to confirm the fix"
		}
		fmt.Fprintf(w, "\n%s  [signature %s]\n", head, m.Signature)
		if m.Problem != "" {
			fmt.Fprintf(w, "    PROBLEM: %s\n", report.Clean(m.Problem))
		}
		if m.Text != "" {
			for line := range strings.SplitSeq(cleanText(m.Text), "\n") {
				fmt.Fprintf(w, "    %s\n", line)
			}
		}
	}
}
