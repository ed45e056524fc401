package receiver

import (
	"fmt"
	"net/http"
	"time"

	"github.com/sealpost/sealpost/core/thread"
)

// Threads configures the conversation that follows a report sent with a
// reply code (the wire contract is core/thread's). The zero value takes
// every default: 256 KiB messages, 500 of them per thread, no wait between
// a reporter's messages, and no operator endpoints.
type Threads struct {
	// MaxMessageBytes bounds one armored message (default
	// thread.MaxMessageBytes, 256 KiB; at most 16 MiB).
	MaxMessageBytes int64 `json:"max_message_bytes,omitempty"`
	// MaxEntries bounds the messages one thread keeps, both sides
	// together (default 500; at most 100,000).
	MaxEntries int `json:"max_entries,omitempty"`
	// EnquiryIntervalDays is how long a reporter waits between messages
	// the vendor has not asked for (default 0: no wait). A message that
	// answers one of the vendor's is taken at once.
	EnquiryIntervalDays int `json:"enquiry_interval_days,omitempty"`
	// OperatorCredentialSHA256 is the SHA-256, in lower-case hex, of the
	// credential the vendor's tools show the operator endpoints
	// (/threads). Unset, those endpoints answer 403.
	OperatorCredentialSHA256 string `json:"operator_credential_sha256,omitempty"`
}

const (
	defaultMaxEntries      = 500
	maxMaxEntries          = thread.MaxEntries // six-digit entry names (threadstore.go)
	maxThreadMessageBytes  = 16 << 20
	maxEnquiryIntervalDays = 3650
	// Wrong thread tokens and operator credentials, per client address:
	// ten, then one more a minute (ten in ten minutes).
	guessBurst     = 10
	guessPerMinute = 1
)

func (t Threads) maxMessageBytes() int64 {
	if t.MaxMessageBytes > 0 {
		return t.MaxMessageBytes
	}
	return thread.MaxMessageBytes
}

func (t Threads) maxEntries() int {
	if t.MaxEntries > 0 {
		return t.MaxEntries
	}
	return defaultMaxEntries
}

func (t Threads) enquiryInterval() time.Duration {
	return time.Duration(max(t.EnquiryIntervalDays, 0)) * 24 * time.Hour
}

// check validates a parsed threads block, naming the key at fault.
func (t *Threads) check() error {
	switch {
	case t.MaxMessageBytes < 0 || t.MaxMessageBytes > maxThreadMessageBytes:
		return fmt.Errorf("receiver config: threads.max_message_bytes is a size in bytes, from 1 to %d (default %d)", maxThreadMessageBytes, thread.MaxMessageBytes)
	case t.MaxEntries < 0 || t.MaxEntries > maxMaxEntries:
		return fmt.Errorf("receiver config: threads.max_entries is a number of messages, from 1 to %d (default %d)", maxMaxEntries, defaultMaxEntries)
	case t.EnquiryIntervalDays < 0 || t.EnquiryIntervalDays > maxEnquiryIntervalDays:
		return fmt.Errorf("receiver config: threads.enquiry_interval_days is a number of days, from 0 (no wait) to %d", maxEnquiryIntervalDays)
	case t.OperatorCredentialSHA256 != "" && !thread.ValidTokenHash(t.OperatorCredentialSHA256):
		return fmt.Errorf(`receiver config: threads.operator_credential_sha256 must be the SHA-256 of the operator credential in 64 lower-case hex digits (printf %%s "$CREDENTIAL" | sha256sum)`)
	}
	return nil
}

// nextEnquiry is thread.NextEnquiry over the stored entries.
func nextEnquiry(receivedAt time.Time, entries []entryInfo, interval time.Duration) time.Time {
	list := make([]thread.Entry, len(entries))
	for i, e := range entries {
		list[i] = thread.Entry{Seq: e.Seq, From: e.From, At: e.At}
	}
	return thread.NextEnquiry(receivedAt, list, interval)
}

// tooSoon refuses a reporter's message before its next enquiry time.
type tooSoon struct {
	next time.Time
	days int
}

func (e *tooSoon) Error() string {
	return fmt.Sprintf("you can write again on %s at %s UTC: a reporter may write once every %d days, "+
		"unless the vendor has written since; an answer to the vendor's message is taken at once",
		e.next.UTC().Format("2 January 2006"), e.next.UTC().Format("15:04"), e.days)
}

// admitEntry is the thread's policy for one more message from from, at
// now, given its entries so far: a full thread takes none, and a reporter
// waits out the enquiry interval.
func (rc *Receiver) admitEntry(from string, receivedAt time.Time, entries []entryInfo, now time.Time) error {
	if limit := rc.cfg.Threads.maxEntries(); len(entries) >= limit {
		return &refusal{http.StatusConflict, fmt.Sprintf("this thread is full: it holds %d messages, the most this intake keeps (threads.max_entries in its config)", limit)}
	}
	if from != fromReporter {
		return nil
	}
	if next := nextEnquiry(receivedAt, entries, rc.cfg.Threads.enquiryInterval()); now.Before(next) {
		return &tooSoon{next: next, days: rc.cfg.Threads.EnquiryIntervalDays}
	}
	return nil
}
