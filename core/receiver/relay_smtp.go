package receiver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// send mails m over one SMTP connection, all of it within send_timeout.
// A failure before MAIL FROM (connecting, greeting, TLS, authentication)
// is an *errServer; later ones concern this mail.
func (rl *Relay) send(ctx context.Context, m *outMail) error {
	c := rl.Config
	timeout := c.SendTimeout.or(defaultSendTimeout)
	deadline := time.Now().Add(timeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	dialer := net.Dialer{Timeout: min(30*time.Second, timeout)}
	raw, err := dialer.DialContext(ctx, "tcp", c.SMTPAddr)
	if err != nil {
		return &errServer{fmt.Errorf("connecting to %s: %w", c.SMTPAddr, err)}
	}
	defer raw.Close()
	// go-smtp sets a deadline per command and clears it after; the
	// bounded conn keeps every deadline within this mail's, and the
	// context closes the connection when the relay stops.
	conn := &boundedConn{Conn: raw, limit: deadline}
	if err := raw.SetDeadline(deadline); err != nil {
		return &errServer{err}
	}
	defer context.AfterFunc(ctx, func() { raw.Close() })()

	host, _, _ := net.SplitHostPort(c.SMTPAddr)
	tlsConfig := &tls.Config{ServerName: host, InsecureSkipVerify: c.InsecureSkipVerify}
	var client *smtp.Client
	switch c.TLS {
	case "tls":
		client = smtp.NewClient(tls.Client(conn, tlsConfig))
	case "starttls":
		if client, err = smtp.NewClientStartTLS(conn, tlsConfig); err != nil {
			return &errServer{fmt.Errorf("starting TLS with %s: %w", c.SMTPAddr, err)}
		}
	default:
		client = smtp.NewClient(conn)
	}
	defer client.Close()
	client.CommandTimeout, client.SubmissionTimeout = timeout, timeout
	if err := client.Hello("localhost"); err != nil {
		return &errServer{fmt.Errorf("greeting %s: %w", c.SMTPAddr, err)}
	}
	if c.Username != "" {
		if err := client.Auth(sasl.NewPlainClient("", c.Username, os.Getenv(c.PasswordEnv))); err != nil {
			return &errServer{fmt.Errorf("smtp auth: %w", err)}
		}
	}

	from, to, err := parseAddresses(c.From, c.To)
	if err != nil {
		return &errServer{err}
	}
	opts := &smtp.MailOptions{Size: m.size, UTF8: !ascii(from.Address + to.Address)}
	if err := client.Mail(from.Address, opts); err != nil {
		return envelopeError(err, false)
	}
	if err := client.Rcpt(to.Address, nil); err != nil {
		// A 552 here is, in practice, the mailbox being full (5.2.2): the
		// same for every report.
		return envelopeError(err, true)
	}
	w, err := client.Data()
	if err != nil {
		return envelopeError(err, false)
	}
	if err := m.write(w); err != nil {
		return fmt.Errorf("sending: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("sending: %w", err)
	}
	client.Quit() // the server has the mail: how it says goodbye does not matter
	return nil
}

// boundedConn keeps every deadline set on it at or before limit.
type boundedConn struct {
	net.Conn
	limit time.Time
}

func (c *boundedConn) clamp(t time.Time) time.Time {
	if t.IsZero() || t.After(c.limit) {
		return c.limit
	}
	return t
}

func (c *boundedConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.clamp(t)) }
func (c *boundedConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.clamp(t)) }
func (c *boundedConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.clamp(t)) }

// errEnvelope marks a 5xx reply to MAIL FROM, RCPT TO or DATA that is not
// about the mail's size: a refusal of the relay's sender, recipient or
// credentials, the same for every report, so it is a configuration to fix
// and not a reason to give up on a report.
type errEnvelope struct{ err *smtp.SMTPError }

func (e *errEnvelope) Error() string {
	return "the mail server refuses the relay's sender, recipient or login (check relay from, to and username): " + smtpReply(e.err)
}
func (e *errEnvelope) Unwrap() error { return e.err }

func envelopeError(err error, rcpt bool) error {
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code/100 != 5 {
		return fmt.Errorf("sending: %w", err)
	}
	aboutSize := sizeRefusal(se)
	if rcpt {
		aboutSize = sizeCode(se)
	}
	if !aboutSize {
		return &errEnvelope{se}
	}
	return fmt.Errorf("sending: %w", err)
}

// sizeRefusal tells a refusal of the mail's size (RFC 3463 X.3.4, X.2.3;
// RFC 1870's 552), which concerns this mail only. At RCPT TO only the
// enhanced codes count (sizeCode): a bare 552 there is a full mailbox.
func sizeRefusal(se *smtp.SMTPError) bool {
	return se.Code == 552 || sizeCode(se)
}

// sizeCode is an enhanced status code about the mail's size: X.3.4
// (too big for the system) or X.2.3 (too big for the mailbox's policy).
func sizeCode(se *smtp.SMTPError) bool {
	e := se.EnhancedCode
	return e[1] == 3 && e[2] == 4 || e[1] == 2 && e[2] == 3
}

// permanentRefusal tells whether err is the server refusing the mail for good (a
// 5xx reply to it), with a short reason to record.
func permanentRefusal(err error) (string, bool) {
	var env *errEnvelope
	var se *smtp.SMTPError
	if errors.As(err, &env) || !errors.As(err, &se) || se.Code/100 != 5 {
		return "", false
	}
	return "the mail server refused it: " + smtpReply(se), true
}

// maxReason bounds a reply kept in a failure record or a log.
const maxReason = 200

// smtpReply is a server's reply as a short line of printable ASCII: its
// code, enhanced code and text, control characters and anything else
// replaced, at most maxReason bytes.
func smtpReply(se *smtp.SMTPError) string {
	s := fmt.Sprintf("%03d", se.Code)
	if e := se.EnhancedCode; e[0] > 0 {
		s += fmt.Sprintf(" %d.%d.%d", e[0], e[1], e[2])
	}
	if se.Message != "" {
		s += " " + se.Message
	}
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < ' ' || r > '~':
			return '?'
		}
		return r
	}, s)), " ")
	if len(s) > maxReason {
		s = s[:maxReason-3] + "..."
	}
	return s
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
