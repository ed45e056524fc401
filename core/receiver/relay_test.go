//go:build !js

package receiver

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-smtp"

	"github.com/sealpost/sealpost/core/deliver"
)

// mailpitBinary is the SMTP server the relay is tested against: Mailpit,
// installed by `make deps` into bin/tools (or named by SEALPOST_MAILPIT).
func mailpitBinary(t *testing.T) string {
	if testing.Short() {
		t.Skip("needs Mailpit: run make deps (the full tier, make test, runs it)")
	}
	if p := os.Getenv("SEALPOST_MAILPIT"); p != "" {
		return p
	}
	p, _ := filepath.Abs("../../bin/tools/mailpit")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Mailpit is not installed at %s: run make deps (.ci/deps)", p)
	}
	return p
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startMailpit(t *testing.T, smtpAddr, httpAddr string) {
	cmd := exec.Command(mailpitBinary(t), "--smtp", smtpAddr, "--listen", httpAddr, "--database", filepath.Join(t.TempDir(), "mail.db"), "--quiet", "--disable-version-check")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, httpAddr, smtpAddr)
}

// TestTheRelayMailsEveryReportThroughAnOutage posts a report while the mail
// server is down, then starts it: the report waits in the outbox and arrives
// as a PGP/MIME email that decrypts to the report.
func TestTheRelayMailsEveryReportThroughAnOutage(t *testing.T) {
	v := newVendor(t)
	smtpAddr, httpAddr := freePort(t), freePort(t)
	relayCfg := RelayConfig{SMTPAddr: smtpAddr, From: "Sealpost <sealpost@example.com>", To: "security@example.com", TLS: "none"}
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	url, _ := startWith(t, Config{RatePerMinute: -1, Relay: &relayCfg}, store)
	relay := &Relay{Config: relayCfg, Store: store}

	msg := v.sealed(t, "relayed through an outage", false)
	receipt, err := (&deliver.Client{Endpoint: url + "/reports"}).Post(context.Background(), bytes.NewReader(msg), int64(len(msg)), "k1")
	if err != nil {
		t.Fatal(err)
	}
	if err := relay.Pass(context.Background()); err == nil {
		t.Fatal("the relay sent mail with the mail server down")
	}
	if ids, _ := store.Outbox(); len(ids) != 1 || ids[0] != receipt.ID {
		t.Fatalf("outbox %v, want the report waiting", ids)
	}

	startMailpit(t, smtpAddr, httpAddr)
	if err := relay.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ids, _ := store.Outbox(); len(ids) != 0 {
		t.Fatalf("outbox %v after delivery", ids)
	}

	var list struct {
		Messages []struct{ ID string } `json:"messages"`
	}
	getJSON(t, "http://"+httpAddr+"/api/v1/messages", &list)
	if len(list.Messages) != 1 {
		t.Fatalf("%d messages in the mailbox", len(list.Messages))
	}
	raw := get(t, "http://"+httpAddr+"/api/v1/message/"+list.Messages[0].ID+"/raw")
	ent, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, _ := ent.Header.ContentType()
	if mt != "multipart/encrypted" || params["protocol"] != "application/pgp-encrypted" {
		t.Fatalf("content type %s %v", mt, params)
	}
	if subject := ent.Header.Get("Subject"); subject != "Encrypted vulnerability report "+receipt.ID {
		t.Errorf("subject %q", subject)
	}
	parts := mailParts(t, ent)
	if len(parts) != 2 || !bytes.Contains(parts[0], []byte("Version: 1")) {
		t.Fatalf("%d parts; first %q", len(parts), parts[0])
	}
	if title := v.title(t, parts[1]); title != "relayed through an outage" {
		t.Errorf("decrypted title %q", title)
	}
}

func startWith(t testing.TB, cfg Config, store *Store) (string, *Store) {
	srv := &http.Server{Handler: New(cfg, store, nil)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String(), store
}

func get(t *testing.T, url string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	b, _ := io.ReadAll(resp.Body)
	return b
}

func getJSON(t *testing.T, url string, v any) {
	if err := json.Unmarshal(get(t, url), v); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", url, err))
	}
}

// TestTheRelayUsesSTARTTLSAndAuth sends through a server that requires
// STARTTLS and authentication.
func TestTheRelayUsesSTARTTLSAndAuth(t *testing.T) {
	v := newVendor(t)
	dir := t.TempDir()
	certFile, keyFile := selfSignedCert(t, dir)
	smtpAddr, httpAddr := freePort(t), freePort(t)
	cmd := exec.Command(mailpitBinary(t), "--smtp", smtpAddr, "--listen", httpAddr, "--database", filepath.Join(dir, "mail.db"),
		"--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls", "--smtp-auth-accept-any",
		"--quiet", "--disable-version-check")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, httpAddr, smtpAddr)

	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_SMTP_PASSWORD", "s3cret")
	cfg := RelayConfig{SMTPAddr: smtpAddr, From: "sealpost@example.com", To: "security@example.com", TLS: "starttls",
		Username: "sealpost", PasswordEnv: "TEST_SMTP_PASSWORD", InsecureSkipVerify: true}
	url, _ := startWith(t, Config{RatePerMinute: -1, Relay: &cfg}, store)
	msg := v.sealed(t, "over starttls", true)
	if _, err := (&deliver.Client{Endpoint: url + "/reports"}).Post(context.Background(), bytes.NewReader(msg), int64(len(msg)), "k"); err != nil {
		t.Fatal(err)
	}
	if err := (&Relay{Config: cfg, Store: store}).Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	plain := cfg
	plain.TLS = "none"
	store2, _ := OpenStore(t.TempDir())
	id := putReport(t, store2, "x", v.sealed(t, "in the clear?", true), true).ID
	if err := (&Relay{Config: plain, Store: store2}).Pass(context.Background()); err == nil {
		t.Error("sent without STARTTLS to a server that requires it")
	}
	// The server refuses the session, not the report: it waits for a
	// fixed configuration, and is not recorded as refused.
	if ids, _ := store2.Outbox(); len(ids) != 1 || ids[0] != id {
		t.Errorf("outbox %v, want the report still waiting", ids)
	}
	if failures, _ := store2.Failures(); len(failures) != 0 {
		t.Errorf("failures %v, want none", failures)
	}
	var list struct {
		Messages []struct{ ID string } `json:"messages"`
	}
	getJSON(t, "http://"+httpAddr+"/api/v1/messages", &list)
	if len(list.Messages) != 1 {
		t.Fatalf("%d messages", len(list.Messages))
	}
}

func waitFor(t *testing.T, httpAddr, smtpAddr string) {
	for range 100 {
		if resp, err := http.Get("http://" + httpAddr + "/api/v1/messages"); err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", smtpAddr); err == nil {
				c.Close()
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("Mailpit did not start")
}

func selfSignedCert(t *testing.T, dir string) (string, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile
}

// TestTheRelayNeverStallsOnABadReport is the queue's promise, against
// Mailpit behind a mail server with a 200 KB size limit: a report over the
// relay's max_mail_bytes and one the server refuses for good, both first
// in the outbox, then ten honest reports. All ten arrive, the oversize one
// arrives as a notice, the refused one is listed as failed and stays in
// the store, and every line Mailpit got is within RFC 5321's 998 octets.
//
// Mailpit v1.27.11 has no message size limit (its EHLO says SIZE 0, and
// no flag sets one), so sizeLimitedFront plays the mail server that has
// one, as a Postfix with message_size_limit in front of a mailbox would,
// and hands what it accepts to Mailpit.
func TestTheRelayNeverStallsOnABadReport(t *testing.T) {
	v := newVendor(t)
	mailpitSMTP, httpAddr := freePort(t), freePort(t)
	startMailpit(t, mailpitSMTP, httpAddr)
	front := sizeLimitedFront(t, 200_000, mailpitSMTP)

	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	first := "r-~"
	for i := range 10 {
		title := fmt.Sprintf("honest report %d", i)
		st := putReport(t, store, fmt.Sprintf("honest-%d", i), v.sealed(t, title, i%2 == 0), i%2 == 0)
		titles[st.ID] = title
		first = min(first, st.ID)
	}
	// 600 KB armors to about 810 KB: over max_mail_bytes, so a notice.
	oversize := putReport(t, store, keyBefore("oversize", first), randomBytes(600_000), false)
	// 250 KB armors to about 340 KB: under max_mail_bytes, over the
	// server's limit, so refused for good.
	refused := putReport(t, store, keyBefore("refused", first), randomBytes(250_000), false)
	if ids, _ := store.Outbox(); len(ids) != 12 || ids[0] > first || ids[1] > first {
		t.Fatalf("outbox %v: the bad reports should come first", ids)
	}

	relay := &Relay{
		Config: RelayConfig{SMTPAddr: front, From: "Sealpost <sealpost@example.com>", To: "security@example.com", TLS: "none", MaxMailBytes: 400_000},
		Store:  store, Wake: make(chan struct{}, 1), MinDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { relay.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	relay.Poke()

	eventually(t, "the outbox to empty", func() bool {
		ids, _ := store.Outbox()
		return len(ids) == 0
	})
	failures, err := store.Failures()
	if err != nil || len(failures) != 1 || failures[0].ID != refused.ID || !strings.Contains(failures[0].Reason, "552") {
		t.Fatalf("failures %+v (%v), want %s refused with a 552", failures, err, refused.ID)
	}
	t.Logf("recorded refusal: %q", failures[0].Reason)
	if _, err := store.Get(refused.ID); err != nil {
		t.Errorf("the refused report is no longer in the store: %v", err)
	}

	var list struct {
		Messages []struct{ ID string } `json:"messages"`
	}
	getJSON(t, "http://"+httpAddr+"/api/v1/messages", &list)
	if len(list.Messages) != 11 {
		t.Fatalf("%d messages in the mailbox, want 10 reports and a notice", len(list.Messages))
	}
	var notices int
	for _, m := range list.Messages {
		raw := get(t, "http://"+httpAddr+"/api/v1/message/"+m.ID+"/raw")
		for i, line := range bytes.Split(raw, []byte("\n")) {
			if n := len(bytes.TrimSuffix(line, []byte("\r"))); n > maxMailLine {
				t.Errorf("message %s line %d has %d octets", m.ID, i+1, n)
			}
		}
		ent, err := message.Read(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		id := ent.Header.Get("X-Sealpost-Report-Id")
		switch mt, _, _ := ent.Header.ContentType(); {
		case id == oversize.ID && mt == "text/plain":
			notices++
			body, _ := io.ReadAll(ent.Body)
			for _, want := range []string{oversize.ID, oversize.SHA256, "600000 bytes", "sealpost open --secret-key KEY", "max_mail_bytes"} {
				if !bytes.Contains(body, []byte(want)) {
					t.Errorf("the notice does not say %q:\n%s", want, body)
				}
			}
		case titles[id] != "" && mt == "multipart/encrypted":
			parts := mimeParts(t, ent)
			if got := v.title(t, parts[1]); got != titles[id] {
				t.Errorf("report %s decrypts to %q, want %q", id, got, titles[id])
			}
			delete(titles, id)
		default:
			t.Errorf("unexpected mail: %s for report %q", mt, id)
		}
	}
	if notices != 1 || len(titles) != 0 {
		t.Errorf("%d notices; reports never mailed: %v", notices, titles)
	}
}

func mimeParts(t *testing.T, ent *message.Entity) [][]byte {
	t.Helper()
	parts := mailParts(t, ent)
	if len(parts) != 2 {
		t.Fatalf("%d parts", len(parts))
	}
	return parts
}

// sizeLimitedFront is a mail server that refuses mail over limit bytes
// (go-smtp: it says SIZE in EHLO and answers a larger MAIL FROM with
// "552 5.3.4 Max message size exceeded") and hands the rest to next.
func sizeLimitedFront(t *testing.T, limit int64, next string) string {
	be := smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &forwardSession{next: next}, nil
	})
	s := smtp.NewServer(be)
	s.Domain, s.MaxMessageBytes, s.AllowInsecureAuth = "localhost", limit, true
	return serveSMTP(t, s)
}

type forwardSession struct {
	next, from string
	to         []string
}

func (s *forwardSession) Reset()        { s.from, s.to = "", nil }
func (s *forwardSession) Logout() error { return nil }
func (s *forwardSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *forwardSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *forwardSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	c, err := smtp.Dial(s.next) // Mailpit, on the loopback: no TLS
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail(s.from, s.to, bytes.NewReader(data)); err != nil {
		return err
	}
	return c.Quit()
}

// keyBefore finds an idempotency key, prefix-N, whose report id sorts
// before id (ids are hashes: about one key in eleven does for the first
// of ten).
func keyBefore(prefix, id string) string {
	for i := 0; ; i++ {
		if k := fmt.Sprintf("%s-%d", prefix, i); idFor(k) < id {
			return k
		}
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// mailParts returns the bodies of a multipart mail's parts.
func mailParts(t *testing.T, ent *message.Entity) [][]byte {
	t.Helper()
	mr := ent.MultipartReader()
	if mr == nil {
		t.Fatal("not multipart")
	}
	var parts [][]byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		parts = append(parts, b)
	}
	return parts
}
