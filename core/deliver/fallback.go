package deliver

import (
	"fmt"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/config"
)

// MaxMailtoLength is the longest mailto: link that carries a sealed report
// in its body; a longer message goes as an attachment the link asks for.
// The limits it stays under, from the lowest:
//   - Gmail as the browser's mailto: handler: "around 1620 characters
//     usually worked" (measured with Firefox, superruub.wordpress.com,
//     2013-05-30, "Mailto protocol character limit");
//   - Firefox on Windows: 2008 (measured, stackoverflow.com/q/4473959);
//   - Chromium on Windows: 2046, then the link is dropped without a word
//     (chrome/browser/platform_util_win.cc, kMaxUrlLength 2048 with the
//     two quotes it adds; crbug.com/727909); the same 2046 for Outlook
//     and Windows Live Mail behind any browser (the 2013 measurement);
//   - Internet Explorer's 2083 for any URL, whence Mozilla's "2K is safe"
//     (uriloader/exthandler/win/nsOSHelperAppService.cpp).
//
// Thunderbird and Apple Mail take far longer links. Measured: the
// smallest valid report, sealed to a Curve25519 key, was 2434 bytes of
// armor, a 2945-character link, before sealed reports were padded, and is
// far longer since (TestEvenTheSmallestReportIsAttached logs it): every
// report the widget seals goes as an attachment, and the link's body
// carries the message only when a message is that short.
const MaxMailtoLength = 1600

// MailSubject is the subject of an email that carries a sealed report: it
// names only the report's short id (the first eight characters of its
// idempotency key), nothing from the report.
func MailSubject(shortID string) string {
	return "Encrypted vulnerability report " + shortID
}

// Mailto builds the mailto: link that sends a sealed report to the vendor's
// security address. armored is the sealed report in ASCII armor; filename is
// the name the reporter downloaded it under. When the message does not fit
// in a link, the body asks for the file to be attached and attach is true.
func Mailto(to, subject string, armored []byte, filename string) (link string, attach bool) {
	build := func(body string) string {
		return "mailto:" + escape(to, "@") + "?subject=" + escape(subject, "") + "&body=" + escape(body, "")
	}
	body := "This vulnerability report is encrypted to your OpenPGP key with Sealpost.\r\n\r\n" +
		strings.ReplaceAll(string(armored), "\n", "\r\n")
	if link := build(body); len(link) <= MaxMailtoLength {
		return link, false
	}
	return MailtoAttached(to, subject, filename, ""), true
}

// MailtoAttached builds the mailto: link for a sealed report too long for
// a link. Its body tells the vendor, in English, that the report is the
// attached file, and reminds the reporter, who sees the body in their mail
// program before sending, to attach it: note is that reminder in the
// reporter's language (the widget's catalogue); "" gives it in English.
func MailtoAttached(to, subject, filename, note string) string {
	if note == "" {
		note = fmt.Sprintf("(Reporter: attach the file %s you downloaded before sending.)", filename)
	}
	return "mailto:" + escape(to, "@") + "?subject=" + escape(subject, "") + "&body=" +
		escape(fmt.Sprintf("This vulnerability report is encrypted to your OpenPGP key with Sealpost.\r\n"+
			"It is too long for a link: it is attached as %s.\r\n\r\n%s", filename, note), "")
}

// escape percent-encodes s for a mailto: URI (RFC 6068), keeping only
// unreserved characters and those in keep.
func escape(s, keep string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~"+keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Summary is the receipt a reporter keeps: proof of what was sent, to whom,
// and what the vendor promised.
type Summary struct {
	ReportID       string    `json:"report_id"`
	ReceivedAt     time.Time `json:"received_at"`
	Vendor         string    `json:"vendor"`
	KeyFingerprint string    `json:"key_fingerprint"`
	SHA256         string    `json:"sha256"`
	// Promises are what the vendor's policy promises, in sentences in the
	// reporter's language: the caller's words (the widget's catalogue),
	// listed under "What happens next".
	Promises []string `json:"promises"`
	// ByClient is set when the endpoint gave no receipt of its own and
	// this one was made by the client (in the widget: in the browser).
	ByClient bool `json:"by_client,omitempty"`
	// Email, when set, is the address the reporter emails the sealed
	// report to (an email-only config): nothing was sent by the form, and
	// ReceivedAt is when the report was sealed.
	Email string `json:"email,omitempty"`
}

// NewSummary combines the receiver's receipt and the fingerprint of the key
// the report was sealed to; the caller adds the vendor's promises.
func NewSummary(r *Receipt, keyFingerprint string, cfg *config.Config) *Summary {
	return &Summary{
		ReportID: r.ID, ReceivedAt: r.ReceivedAt.UTC(), Vendor: cfg.Org.Name,
		KeyFingerprint: keyFingerprint, SHA256: r.SHA256, ByClient: r.ByClient,
	}
}

// EmailSummary is the receipt of a report sealed for an email-only config:
// its id (the idempotency key), when it was sealed, the SHA-256 of the
// sealed report the reporter emails, and the address.
func EmailSummary(id, sha256 string, sealedAt time.Time, keyFingerprint string, cfg *config.Config) *Summary {
	return &Summary{
		ReportID: id, ReceivedAt: sealedAt.UTC().Truncate(time.Second), Vendor: cfg.Org.Name, KeyFingerprint: keyFingerprint,
		SHA256: sha256, ByClient: true, Email: cfg.Org.SecurityEmail,
	}
}

// Text is the summary as a reporter saves or prints it.
func (s *Summary) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sealpost receipt\n\n")
	fmt.Fprintf(&b, "Report ID:        %s\n", s.ReportID)
	switch {
	case s.Email != "":
		fmt.Fprintf(&b, "Sealed:           %s\n", s.ReceivedAt.Format(time.RFC3339))
		fmt.Fprintf(&b, "Email it to:      %s\n", s.Email)
	case s.ByClient:
		fmt.Fprintf(&b, "Sent:             %s (the vendor's server gave no receipt: this one was made by the sender)\n", s.ReceivedAt.Format(time.RFC3339))
	default:
		fmt.Fprintf(&b, "Received:         %s\n", s.ReceivedAt.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "Vendor:           %s\n", s.Vendor)
	fmt.Fprintf(&b, "Sealed to key:    %s\n", s.KeyFingerprint)
	fmt.Fprintf(&b, "Ciphertext SHA-256: %s\n", s.SHA256)
	if len(s.Promises) > 0 {
		b.WriteString("\nWhat happens next:\n")
		for _, p := range s.Promises {
			b.WriteString("  - " + p + "\n")
		}
	}
	b.WriteString("\nOnly the vendor's key can read the report. The SHA-256 identifies exactly what was sent.\n")
	return b.String()
}
