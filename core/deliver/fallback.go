package deliver

import (
	"fmt"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/config"
)

// MaxMailtoLength is the longest mailto: link handed to a mail program;
// longer ones are cut or refused by common browsers and mail clients.
const MaxMailtoLength = 2000

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
	return MailtoAttached(to, subject, filename), true
}

// MailtoAttached builds the mailto: link for a sealed report too long for
// a link: its body asks the reporter to attach the file they downloaded.
func MailtoAttached(to, subject, filename string) string {
	return "mailto:" + escape(to, "@") + "?subject=" + escape(subject, "") + "&body=" +
		escape(fmt.Sprintf("This vulnerability report is encrypted to your OpenPGP key with Sealpost.\r\n"+
			"It is too long for a link: it is attached as %s.\r\n\r\n"+
			"(Reporter: attach the file %s you downloaded before sending.)", filename, filename), "")
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
	Promises       []string  `json:"promises"`
}

// NewSummary combines the receiver's receipt, the fingerprint of the key the
// report was sealed to and the vendor's promises.
func NewSummary(r *Receipt, keyFingerprint string, cfg *config.Config) *Summary {
	return &Summary{
		ReportID: r.ID, ReceivedAt: r.ReceivedAt.UTC(), Vendor: cfg.Org.Name,
		KeyFingerprint: keyFingerprint, SHA256: r.SHA256, Promises: Promises(cfg),
	}
}

// Promises says in sentences what the vendor's policy promises.
func Promises(cfg *config.Config) []string {
	var out []string
	p, org := cfg.Promises, cfg.Org.Name
	if p.ReplyWithinWorkingDays > 0 {
		out = append(out, fmt.Sprintf("%s will reply within %d working days.", org, p.ReplyWithinWorkingDays))
	}
	if p.TriageWithinWorkingDays > 0 {
		out = append(out, fmt.Sprintf("%s aims to triage the report within %d working days.", org, p.TriageWithinWorkingDays))
	}
	if p.StatusEnquiryMinDays > 0 {
		out = append(out, fmt.Sprintf("Ask about its status at most once every %d days.", p.StatusEnquiryMinDays))
	}
	if p.KeepInformed {
		out = append(out, fmt.Sprintf("%s will keep you informed of its progress.", org))
	}
	if p.NotifyWhenFixed {
		out = append(out, fmt.Sprintf("%s will tell you when it is fixed.", org))
	}
	if p.NoLegalAction {
		out = append(out, fmt.Sprintf("%s will take no legal action against you if you followed the policy.", org))
	}
	if p.Confidential {
		out = append(out, fmt.Sprintf("%s treats the report confidentially.", org))
	}
	switch cfg.Bounty.Kind {
	case "none":
		out = append(out, fmt.Sprintf("%s pays no bounty.", org))
	case "discretionary":
		out = append(out, fmt.Sprintf("%s may consider a reward, at its discretion.", org))
	case "paid":
		out = append(out, fmt.Sprintf("%s pays bounties for valid reports.", org))
	}
	if cfg.Credit.Offered {
		out = append(out, "You will be credited if you wish.")
	}
	return out
}

// Text is the summary as a reporter saves or prints it.
func (s *Summary) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sealpost receipt\n\n")
	fmt.Fprintf(&b, "Report ID:        %s\n", s.ReportID)
	fmt.Fprintf(&b, "Received:         %s\n", s.ReceivedAt.Format(time.RFC3339))
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
