package thread

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// Item is one entry of a thread as a reader sees it after opening it.
type Item struct {
	Entry
	// Message is nil when the entry could not be opened; Problem says why.
	Message *Message
	// Verified: the message is signed by the party the entry says wrote it
	// (the vendor's key for the vendor, the reply key for the reporter).
	Verified bool
	// Problem, when not empty, is shown instead of, or beside, the message:
	// "not signed by the vendor's key", "changed after it was written", ...
	Problem string
}

// Timeline opens every entry of v. keys decrypt (the reply key for a
// reporter, the vendor's secret keys for the vendor); vendor and reporter
// are the keys each party signs with. An entry that cannot be opened or
// whose signature is not its author's is kept with its Problem set: a
// reader is shown that something is wrong, never a forged message as real.
// So is a copy of an earlier entry's message (the intake can repeat a
// message it cannot read): it is shown once, where it first came.
func Timeline(v *View, keys, vendor, reporter openpgp.EntityList) []Item {
	items := make([]Item, 0, len(v.Entries))
	first := map[string]int{} // a message's content → the seq it came with first
	for _, e := range v.Entries {
		it := Item{Entry: e}
		signers := vendor
		if e.From == FromReporter {
			signers = reporter
		}
		o, err := Open([]byte(e.Message), keys, signers)
		var seen int
		if err == nil {
			content, _ := json.Marshal(o.Message)
			if seen = first[string(content)]; seen == 0 {
				first[string(content)] = max(e.Seq, 1)
			}
		}
		switch {
		case errors.Is(err, ErrNotForYou):
			it.Problem = "not encrypted to your key"
		case err != nil:
			it.Problem = "changed after it was written: " + err.Error()
		case o.Message.From != e.From:
			it.Problem = fmt.Sprintf("says it is from the %s but was posted as the %s", o.Message.From, e.From)
		case o.Message.ReportID != v.ReportID:
			it.Problem = "belongs to another report's thread"
		case seen != 0:
			it.Problem = fmt.Sprintf("a copy of message #%d: the same signed message again, repeated by the intake or sent twice", seen)
		case o.Signer == "" && e.From == FromVendor:
			it.Message = o.Message
			it.Problem = "not signed by the vendor's key: it may not come from the vendor"
		case o.Signer == "":
			it.Message = o.Message
			it.Problem = "not signed by the reply key"
		default:
			it.Message, it.Verified = o.Message, true
		}
		items = append(items, it)
	}
	return items
}

// Status is the latest status the vendor gave in a verified message, and
// when the intake took that message; "received" at the report's receipt
// when it gave none. Latest is by the time signed inside each message
// (of two written in the same second, the later in the thread): the
// intake orders the entries, and an older status it moves to the end
// does not roll the status back.
func Status(v *View, items []Item) (string, time.Time) {
	status, at := "received", v.ReceivedAt
	var written time.Time
	for _, it := range items {
		if it.Verified && it.From == FromVendor && it.Message.Status != "" && !it.Message.WrittenAt.Before(written) {
			status, at, written = it.Message.Status, it.At, it.Message.WrittenAt
		}
	}
	return status, at
}
