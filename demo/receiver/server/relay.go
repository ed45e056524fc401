package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// RelayConfig mails every stored report to the security team.
type RelayConfig struct {
	SMTPAddr string `json:"smtp_addr"` // host:port
	From     string `json:"from"`
	To       string `json:"to"`
	// TLS is "starttls" (required), "tls" (implicit, port 465) or "none"
	// (loopback test servers only).
	TLS      string `json:"tls"`
	Username string `json:"username,omitempty"`
	// PasswordEnv names the environment variable holding the password, so
	// it is never in a file or on a command line.
	PasswordEnv string `json:"password_env,omitempty"`
	// InsecureSkipVerify accepts any server certificate: tests only.
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
}

func (c *RelayConfig) check() error {
	if c.SMTPAddr == "" || c.From == "" || c.To == "" {
		return errors.New("receiver config: relay needs smtp_addr, from and to")
	}
	for _, a := range []string{c.From, c.To} {
		if _, err := mail.ParseAddress(a); err != nil {
			return fmt.Errorf("receiver config: relay address %q: %v", a, err)
		}
	}
	switch c.TLS {
	case "starttls", "tls", "none":
	default:
		return fmt.Errorf(`receiver config: relay tls must be "starttls", "tls" or "none", not %q`, c.TLS)
	}
	return nil
}

// Relay sends queued reports from a store's outbox by SMTP, retrying with
// backoff until each is accepted; the outbox is on disk, so reports wait
// through a mail server outage and a receiver restart.
type Relay struct {
	Config RelayConfig
	Store  *Store
	Log    *slog.Logger
	// Wake, when sent to, starts a pass at once (the receiver sends on
	// each new report).
	Wake chan struct{}
	// MaxDelay caps the wait between attempts (default 5 minutes).
	MaxDelay time.Duration
}

// Run relays until ctx ends.
func (rl *Relay) Run(ctx context.Context) {
	delay := time.Second
	maxDelay := rl.MaxDelay
	if maxDelay == 0 {
		maxDelay = 5 * time.Minute
	}
	for {
		err := rl.Pass(ctx)
		wait := 30 * time.Second
		if err != nil {
			rl.log().Warn("relay: mail not sent; will retry", "err", err, "in", delay)
			wait = delay
			delay = min(delay*2, maxDelay)
		} else {
			delay = time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-rl.Wake:
		case <-time.After(wait):
		}
	}
}

func (rl *Relay) log() *slog.Logger {
	if rl.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return rl.Log
}

// Pass sends every report in the outbox once, stopping at the first failure.
func (rl *Relay) Pass(ctx context.Context) error {
	ids, err := rl.Store.Outbox()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		st, err := rl.Store.Get(id)
		if err != nil {
			return fmt.Errorf("report %s: %w", id, err)
		}
		msg, err := PGPMIME(st, rl.Config.From, rl.Config.To)
		if err != nil {
			return err
		}
		if err := rl.send(msg); err != nil {
			return err
		}
		if err := rl.Store.Relayed(id); err != nil {
			return err
		}
		rl.log().Info("relay: mailed a report", "id", id, "to", rl.Config.To)
	}
	return nil
}

func (rl *Relay) send(msg []byte) error {
	c := rl.Config
	tlsConfig := &tls.Config{InsecureSkipVerify: c.InsecureSkipVerify}
	var client *smtp.Client
	var err error
	switch c.TLS {
	case "tls":
		client, err = smtp.DialTLS(c.SMTPAddr, tlsConfig)
	case "starttls":
		client, err = smtp.DialStartTLS(c.SMTPAddr, tlsConfig)
	default:
		client, err = smtp.Dial(c.SMTPAddr)
	}
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", c.SMTPAddr, err)
	}
	defer client.Close()
	if c.Username != "" {
		if err := client.Auth(sasl.NewPlainClient("", c.Username, os.Getenv(c.PasswordEnv))); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	from, _ := mail.ParseAddress(c.From)
	to, _ := mail.ParseAddress(c.To)
	if err := client.SendMail(from.Address, []string{to.Address}, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("sending: %w", err)
	}
	return client.Quit()
}

// PGPMIME builds the RFC 3156 email for a stored report: multipart/encrypted
// with the version part and the armored message, which Thunderbird, GpgOL,
// Mailvelope and `gpg` open. The subject says nothing about the report.
func PGPMIME(st *Stored, from, to string) ([]byte, error) {
	data, err := os.ReadFile(st.Path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN PGP MESSAGE-----")) {
		var buf bytes.Buffer
		w, err := armor.Encode(&buf, "PGP MESSAGE", nil)
		if err != nil {
			return nil, err
		}
		w.Write(data)
		w.Close()
		buf.WriteByte('\n')
		data = buf.Bytes()
	}
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, err
	}
	toAddr, err := mail.ParseAddress(to)
	if err != nil {
		return nil, err
	}
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Name: fromAddr.Name, Address: fromAddr.Address}})
	h.SetAddressList("To", []*gomail.Address{{Name: toAddr.Name, Address: toAddr.Address}})
	h.SetSubject("Encrypted vulnerability report " + st.ID)
	h.SetDate(st.ReceivedAt)
	h.Set("X-Sealpost-Report-Id", st.ID)
	h.Set("X-Sealpost-Sha256", st.SHA256)
	if err := h.GenerateMessageID(); err != nil {
		return nil, err
	}
	h.SetContentType("multipart/encrypted", map[string]string{"protocol": "application/pgp-encrypted"})
	var out bytes.Buffer
	mw, err := message.CreateWriter(&out, h.Header)
	if err != nil {
		return nil, err
	}
	var vh message.Header
	vh.SetContentType("application/pgp-encrypted", nil)
	vh.Set("Content-Description", "PGP/MIME version identification")
	pw, err := mw.CreatePart(vh)
	if err != nil {
		return nil, err
	}
	io.WriteString(pw, "Version: 1\r\n")
	pw.Close()
	var dh message.Header
	dh.SetContentType("application/octet-stream", map[string]string{"name": "encrypted.asc"})
	dh.SetContentDisposition("inline", map[string]string{"filename": "encrypted.asc"})
	dh.Set("Content-Description", "OpenPGP encrypted message")
	pw, err = mw.CreatePart(dh)
	if err != nil {
		return nil, err
	}
	pw.Write(data)
	pw.Close()
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
