// Package thread is the conversation after a report: the reply code a
// reporter keeps, the keys and token derived from it, the messages both sides
// exchange through the intake, and the policy's deadlines.
//
// # The code and what comes from it
//
// When a report is sealed, the client makes a [Code] (130 random bits, typed
// as seven groups of four). From it alone, deterministically:
//
//   - the reply key ([Code.ReplyKey]): an OpenPGP key pair whose public half
//     goes into the sealed report.json (reply_key). The vendor encrypts its
//     replies to it; the reporter signs its messages with it. Only the code
//     recreates its secret half: lose the code and the replies are unreadable.
//   - the thread token ([Code.Token]): what the reporter shows the intake to
//     read and add to the thread. The intake keeps only [TokenHash], which
//     the client sends with the report; it never sees the code or the key.
//
// # Messages
//
// A thread message is a small JSON document ([Message]) signed by its author
// and encrypted ([Seal]): a vendor's to the reply key and its own key (and
// the reporter's own key when the report gave one), a reporter's to the
// vendor's key and the reply key. The intake stores ciphertext and the time
// each entry arrived, nothing else: statuses travel inside the vendor's
// messages. [Timeline] opens a thread and marks every entry that is not
// signed by its author's key, changed, moved from another thread, or a copy
// of an earlier entry; [Status] is the vendor's latest by the time signed
// inside its messages, so the intake cannot roll it back by reordering.
//
// # Deadlines
//
// [Deadlines] computes a policy's promises (reply, triage, in working days)
// for one report; [NextEnquiry] is when a reporter may write again unasked,
// the rule the intake enforces.
package thread
