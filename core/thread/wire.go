package thread

import (
	"net/url"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/seal"
)

// The thread's wire contract, between the intake (core/receiver) and its
// clients (the widget, sealpost follow and sealpost reply):
//
//	POST /reports        Sealpost-Thread: <TokenHash>   opens the report's thread
//	GET  /thread         Authorization: Bearer <token>   the reporter reads it
//	POST /thread         Authorization: Bearer <token>   the reporter adds a message
//	GET  /threads        Authorization: Bearer <operator credential>   every thread, as [Summary]
//	GET  /threads/{id}   Authorization: Bearer <operator credential>
//	POST /threads/{id}   Authorization: Bearer <operator credential>
//
// A posted message is one armored OpenPGP message (PKESKs then one SEIPD,
// as a report), at most [MaxMessageBytes]. Reads answer a [View].
const (
	// HeaderThread carries a report's [TokenHash] with the report.
	HeaderThread = "Sealpost-Thread"
	// MaxMessageBytes bounds one armored thread message.
	MaxMessageBytes = 256 << 10
	// MaxTextRunes bounds the text a person writes in one message.
	MaxTextRunes = 20000
	// MaxSessionKeys bounds the session-key packets before a message's
	// encrypted data: [seal.MaxSessionKeys], the bound every sealed message
	// is opened with. A sealer writes one per recipient; a reader may
	// spend a private-key operation on each that names its key, so [Open]
	// refuses a message with more (and the intake does not store it).
	MaxSessionKeys = seal.MaxSessionKeys
	// MaxEntries bounds the entries of one thread: no intake keeps more
	// (its threads.max_entries is at most this), and a client refuses a
	// [View] with more.
	MaxEntries = 100_000
)

// View is a thread as the intake returns it: the report's id and receipt
// time, and every entry in order. The intake sees only ciphertext and times.
type View struct {
	ReportID   string    `json:"report_id"`
	ReceivedAt time.Time `json:"received_at"`
	Entries    []Entry   `json:"entries"`
	// EnquiryIntervalDays is how long a reporter waits between messages
	// the vendor has not asked for (0: no wait).
	EnquiryIntervalDays int `json:"enquiry_interval_days,omitempty"`
	// NextEnquiryAt, when set, is the earliest time the reporter may post;
	// absent means now.
	NextEnquiryAt *time.Time `json:"next_enquiry_at,omitempty"`
}

// Entry is one message in a thread. From is "vendor" or "reporter" as the
// intake saw it post (by credential); only the signature inside Message
// proves who wrote it.
type Entry struct {
	Seq     int       `json:"seq"`
	From    string    `json:"from"`
	At      time.Time `json:"at"`
	Message string    `json:"message"`
}

// Summary is one thread in the operator's list (GET /threads).
type Summary struct {
	ReportID   string    `json:"report_id"`
	ReceivedAt time.Time `json:"received_at"`
	Entries    int       `json:"entries"`
	// LastAt and LastFrom describe the newest entry; absent when none.
	LastAt   *time.Time `json:"last_at,omitempty"`
	LastFrom string     `json:"last_from,omitempty"`
}

// Posted is the intake's answer to a new message.
type Posted struct {
	Seq int       `json:"seq"`
	At  time.Time `json:"at"`
}

// Refusal is the body of an intake's error answer on the thread endpoints;
// a 429 for an enquiry too soon carries NextEnquiryAt.
type Refusal struct {
	Error         string     `json:"error"`
	NextEnquiryAt *time.Time `json:"next_enquiry_at,omitempty"`
}

// URL is the reporter's thread endpoint beside a Sealpost intake's report
// endpoint (https://x/api/reports → https://x/api/thread), or "" when the
// endpoint is not an intake's (it does not end in /reports).
func URL(reportEndpoint string) string {
	u, err := url.Parse(reportEndpoint)
	if err != nil || !strings.HasSuffix(u.Path, "/reports") || u.RawQuery != "" {
		return ""
	}
	u.Path = strings.TrimSuffix(u.Path, "reports") + "thread"
	u.RawPath = ""
	return u.String()
}

// OperatorURL is the vendor's endpoint for one thread on the intake at
// server (its base URL, e.g. https://intake.example.com).
func OperatorURL(server, reportID string) string {
	return strings.TrimRight(server, "/") + "/threads/" + url.PathEscape(reportID)
}
