package receiver

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/emersion/go-message"
)

// The relay's mails, written as streams: a report is never held whole in
// memory. Every line ends in CRLF and is at most [maxMailLine] octets
// (RFC 5321, 4.5.3.1.6), so a mail server has no reason to refuse or
// rewrap it; go-smtp's DATA writer adds the dot-stuffing.

// maxMailLine is RFC 5321's limit on a line, without its CRLF.
const maxMailLine = 998

// DefaultMaxMailBytes is the largest mail the relay sends unless
// RelayConfig.MaxMailBytes says otherwise: under Postfix's default
// message_size_limit (10,240,000 bytes), so a default mail server takes it.
const DefaultMaxMailBytes = 10_000_000

// WriteMail writes the RFC 3156 email for a stored report to w:
// multipart/encrypted with the version part and the armored message, which
// Thunderbird, GpgOL, Mailvelope and `gpg` open. A binary report (.pgp) is
// armored on the way; an armored one (.asc) is copied as it is, line
// endings made CRLF. The subject says nothing about the report. It fails,
// having written nothing, when an armored report has a line a mail cannot
// carry (longer than 998 octets, or with bytes other than printable ASCII):
// the relay mails a notice for such a report instead.
func WriteMail(w io.Writer, st *Stored, from, to string) error {
	m, err := newReportMail(st, from, to)
	if err != nil {
		return err
	}
	return m.write(w)
}

// MailSize is the size in bytes of the mail [WriteMail] writes for st.
func MailSize(st *Stored, from, to string) (int64, error) {
	m, err := newReportMail(st, from, to)
	if err != nil {
		return 0, err
	}
	return m.size, nil
}

// ErrUnmailable reports an armored report whose lines a mail cannot
// carry; the relay mails a notice for it instead.
var ErrUnmailable = errors.New("the stored file has a line longer than 998 octets or bytes other than printable ASCII, which a mail cannot carry")

// outMail is one mail the relay sends: the report itself or a notice.
type outMail struct {
	messageID string
	size      int64
	notice    string // why the report went as a notice; "" for the report
	write     func(io.Writer) error
}

// reportMail is the PGP/MIME mail of one report.
type reportMail struct {
	st       *Stored
	from, to *mail.Address
	armored  bool  // stored armored: copied line by line; else armored here
	bodySize int64 // the armored message's bytes in the mail
	size     int64
}

func newReportMail(st *Stored, from, to string) (*reportMail, error) {
	fromAddr, toAddr, err := parseAddresses(from, to)
	if err != nil {
		return nil, err
	}
	m := &reportMail{st: st, from: fromAddr, to: toAddr, armored: filepath.Ext(st.Path) == ".asc"}
	if m.armored {
		f, err := os.Open(st.Path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		lw := newMailLines(io.Discard)
		if _, err := io.Copy(lw, f); err != nil {
			return nil, err
		}
		if err := lw.Close(); err != nil {
			return nil, err
		}
		m.bodySize = lw.n
	} else {
		m.bodySize = armoredSize(st.Size)
	}
	var skeleton counter
	if err := m.writeParts(&skeleton, false); err != nil {
		return nil, err
	}
	m.size = skeleton.n + m.bodySize
	return m, nil
}

func parseAddresses(from, to string) (*mail.Address, *mail.Address, error) {
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, nil, fmt.Errorf("relay from address: %w", err)
	}
	toAddr, err := mail.ParseAddress(to)
	if err != nil {
		return nil, nil, fmt.Errorf("relay to address: %w", err)
	}
	return fromAddr, toAddr, nil
}

func (m *reportMail) out() *outMail {
	return &outMail{messageID: m.messageID(), size: m.size, write: m.write}
}

// messageID is the same for every attempt at one report, so a mailbox
// that got a mail whose acceptance the relay never recorded can tell the
// second copy is the same message.
func (m *reportMail) messageID() string {
	return m.st.ID + "." + m.st.SHA256[:min(16, len(m.st.SHA256))] + "@" + idDomain(m.from.Address)
}

func (m *reportMail) write(w io.Writer) error { return m.writeParts(w, true) }

// writeParts writes the mail, or with body false everything but the
// armored message, which is how [newReportMail] measures it.
func (m *reportMail) writeParts(w io.Writer, body bool) error {
	h := mailHeader(m.st, m.from, m.to, "Encrypted vulnerability report "+m.st.ID, m.messageID())
	h.SetContentType("multipart/encrypted", map[string]string{"protocol": "application/pgp-encrypted"})
	mw, err := message.CreateWriter(w, h)
	if err != nil {
		return err
	}
	var vh message.Header
	vh.SetContentType("application/pgp-encrypted", nil)
	vh.Set("Content-Description", "PGP/MIME version identification")
	pw, err := mw.CreatePart(vh)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(pw, "Version: 1\r\n"); err != nil {
		return err
	}
	if err := pw.Close(); err != nil {
		return err
	}
	var dh message.Header
	dh.SetContentType("application/octet-stream", map[string]string{"name": "encrypted.asc"})
	dh.SetContentDisposition("inline", map[string]string{"filename": "encrypted.asc"})
	dh.Set("Content-Description", "OpenPGP encrypted message")
	pw, err = mw.CreatePart(dh)
	if err != nil {
		return err
	}
	if body {
		if err := m.writeBody(pw); err != nil {
			return err
		}
	}
	if err := pw.Close(); err != nil {
		return err
	}
	return mw.Close()
}

// writeBody streams the stored file into the mail: armored ones line by
// line, binary ones through go-crypto's armor writer (64-column lines and
// the CRC-24 line GnuPG wants; seal's faster writer is not exported).
func (m *reportMail) writeBody(w io.Writer) error {
	f, err := os.Open(m.st.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	lw := newMailLines(w)
	if m.armored {
		if _, err := io.Copy(lw, f); err != nil {
			return err
		}
	} else {
		aw, err := armor.Encode(lw, "PGP MESSAGE", nil)
		if err != nil {
			return err
		}
		n, err := io.Copy(aw, f)
		if err != nil {
			return err
		}
		if n != m.st.Size {
			return fmt.Errorf("report %s changed on disk while it was mailed (%d bytes, not %d)", m.st.ID, n, m.st.Size)
		}
		if err := aw.Close(); err != nil {
			return err
		}
	}
	if err := lw.Close(); err != nil {
		return err
	}
	if lw.n != m.bodySize {
		return fmt.Errorf("report %s changed on disk while it was mailed", m.st.ID)
	}
	return nil
}

// armoredSize is the size of go-crypto's armor (no headers, CRC line) of n
// bytes, its lines ended by CRLF, plus the CRLF after the END line.
func armoredSize(n int64) int64 {
	b64 := (n + 2) / 3 * 4
	lines := max(1, (b64+63)/64)
	const begin, end = int64(len("-----BEGIN PGP MESSAGE-----") + 2 + 2), int64(2 + len("=XXXX") + 2 + len("-----END PGP MESSAGE-----") + 2)
	return begin + b64 + 2*(lines-1) + end
}

func mailHeader(st *Stored, from, to *mail.Address, subject, messageID string) message.Header {
	var h message.Header
	h.Set("From", from.String())
	h.Set("To", to.String())
	h.Set("Subject", subject)
	h.Set("Date", st.ReceivedAt.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	h.Set("Message-Id", "<"+messageID+">")
	h.Set("X-Sealpost-Report-Id", st.ID)
	h.Set("X-Sealpost-Sha256", st.SHA256)
	return h
}

// idDomain is the right side of a Message-Id: the sender's domain when it
// is plain ASCII, so the id is unique to this intake.
func idDomain(addr string) string {
	_, domain, _ := strings.Cut(addr, "@")
	if domain == "" || len(domain) > 200 || strings.Trim(domain, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != "" {
		return "sealpost.invalid"
	}
	return domain
}

// noticeMail is what the relay sends instead of a report it cannot mail:
// where the report waits and how to open it, never part of the report.
func noticeMail(st *Stored, from, to, why string) (*outMail, error) {
	fromAddr, toAddr, err := parseAddresses(from, to)
	if err != nil {
		return nil, err
	}
	messageID := "notice." + st.ID + "." + st.SHA256[:min(16, len(st.SHA256))] + "@" + idDomain(fromAddr.Address)
	write := func(w io.Writer) error {
		h := mailHeader(st, fromAddr, toAddr, "Encrypted vulnerability report "+st.ID+" waits in the store", messageID)
		h.Set("X-Sealpost-Notice", why)
		h.SetContentType("text/plain", map[string]string{"charset": "us-ascii"})
		mw, err := message.CreateWriter(w, h)
		if err != nil {
			return err
		}
		lw := newMailLines(mw)
		if _, err := io.WriteString(lw, noticeText(st, why)); err != nil {
			return err
		}
		if err := lw.Close(); err != nil {
			return err
		}
		return mw.Close()
	}
	var c counter
	if err := write(&c); err != nil {
		return nil, err
	}
	return &outMail{messageID: messageID, size: c.n, notice: why, write: write}, nil
}

func noticeText(st *Stored, why string) string {
	file := "reports/" + filepath.Base(st.Path)
	return fmt.Sprintf(`A vulnerability report reached your Sealpost intake, but it is not
attached to this mail:
  %s.

Nothing was cut or dropped: the report waits, encrypted and unchanged,
in the intake's store.

  Report:    %s
  File:      STORE/%s
  Size:      %d bytes
  SHA-256:   %s
  Received:  %s

To read it, on a machine with the store (or a copy of it) and the
security team's secret key:

  sealpost inbox --store STORE --secret-key KEY
  sealpost open --secret-key KEY --out DIR STORE/%s

STORE is the folder the intake runs with (sealpost serve --store), KEY
the secret key file, and DIR a new folder for the opened report.
`, why, st.ID, file, st.Size, st.SHA256, st.ReceivedAt.UTC().Format("2006-01-02 15:04:05 UTC"), file)
}

// mailLines writes text as mail lines: every line break (CRLF, LF or a
// lone CR) becomes CRLF, the last line is ended, and a line longer than
// [maxMailLine] octets or with a byte other than printable ASCII or tab is
// refused with [ErrUnmailable]. It counts what it writes in n. Linear in
// its input, with a fixed buffer.
type mailLines struct {
	w   io.Writer
	n   int64
	col int
	cr  bool
	buf []byte
	err error
}

func newMailLines(w io.Writer) *mailLines {
	return &mailLines{w: w, buf: make([]byte, 0, 32<<10)}
}

func (l *mailLines) Write(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	for _, b := range p {
		switch {
		case b == '\n' && l.cr:
			l.cr = false
			continue
		case b == '\r' || b == '\n':
			l.cr = b == '\r'
			l.buf = append(l.buf, '\r', '\n')
			l.col = 0
		case (b < ' ' && b != '\t') || b > '~':
			l.err = ErrUnmailable
			return 0, l.err
		default:
			l.cr = false
			if l.col++; l.col > maxMailLine {
				l.err = ErrUnmailable
				return 0, l.err
			}
			l.buf = append(l.buf, b)
		}
		if len(l.buf) >= cap(l.buf)-2 {
			if err := l.flush(); err != nil {
				return 0, err
			}
		}
	}
	return len(p), nil
}

// Close ends the last line and writes what is buffered.
func (l *mailLines) Close() error {
	if l.err != nil {
		return l.err
	}
	if l.col > 0 {
		l.buf = append(l.buf, '\r', '\n')
		l.col = 0
	}
	return l.flush()
}

func (l *mailLines) flush() error {
	n, err := l.w.Write(l.buf)
	l.n += int64(n)
	l.buf = l.buf[:0]
	if err != nil {
		l.err = err
	}
	return err
}

// counter counts the bytes written to it.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
