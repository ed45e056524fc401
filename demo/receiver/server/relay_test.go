//go:build !js

package server

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
	"testing"
	"time"

	"github.com/emersion/go-message"

	"github.com/sealpost/sealpost/core/deliver"
)

// mailpitBinary is the SMTP server the relay is tested against: Mailpit,
// installed by `make deps` into bin/tools (or named by SEALPOST_MAILPIT).
func mailpitBinary(t *testing.T) string {
	if p := os.Getenv("SEALPOST_MAILPIT"); p != "" {
		return p
	}
	p, _ := filepath.Abs("../../../bin/tools/mailpit")
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
	mr := ent.MultipartReader()
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
	store2.queue(idFor("x"))
	if err := (&Relay{Config: plain, Store: store2}).Pass(context.Background()); err == nil {
		t.Error("sent without STARTTLS to a server that requires it")
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
