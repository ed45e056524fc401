//go:build !js

package seal

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
)

// TestDecryptSignedReadsWhatOtherToolsSign has GnuPG, Sequoia and RNP sign
// and encrypt a message, each as it does by default and with the
// compression it offers, and DecryptSigned open it and name its signer. A
// vendor or a reporter may write a thread message with them, compressed:
// RNP compresses by default, Sequoia pads inside a compressed packet, and
// GnuPG compresses when the recipient's key allows it (go-crypto's keys,
// as here, list no compression).
func TestDecryptSignedReadsWhatOtherToolsSign(t *testing.T) {
	if testing.Short() {
		t.Skip("needs GnuPG, Sequoia (sq) and RNP: run make deps (the full tier, make test, runs it)")
	}
	for _, tool := range []string{"gpg", "sq", "rnp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run make deps (.ci/deps)", tool)
		}
	}
	cv := packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}
	v, s := newVendor(t, cv), newSigner(t, "Signer", cv)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	recipient := write("recipient.asc", testkeys.Public(v.secret[0]))
	signerKey := write("signer-secret.asc", testkeys.Secret(s.secret))
	text := []byte("{\"schema\": \"sealpost.thread/v1\", \"text\": \"a reply\"}\n")
	in := write("message.json", text)

	gpgHome := shortTempDir(t)
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", gpgHome, "--kill", "all").Run() })
	if out, err := exec.Command("gpg", "--batch", "--homedir", gpgHome, "--import", signerKey, recipient).CombinedOutput(); err != nil {
		t.Fatalf("gpg --import: %v\n%s", err, out)
	}
	gpg := func(extra ...string) func(out string) *exec.Cmd {
		return func(out string) *exec.Cmd {
			args := append([]string{"--batch", "--homedir", gpgHome, "--trust-model", "always", "-u", "signer@example.com", "-r", "security@example.com", "--output", out}, extra...)
			return exec.Command("gpg", append(args, "--sign", "--encrypt", in)...)
		}
	}
	sq := func(compression string) func(out string) *exec.Cmd {
		return func(out string) *exec.Cmd {
			return exec.Command("sq", "encrypt", "--recipient-cert", recipient, "--signer-key", signerKey, "--compression", compression, "--output", out, in)
		}
	}
	rnpHome := t.TempDir()
	for _, key := range []string{signerKey, recipient} {
		if out, err := exec.Command("rnpkeys", "--homedir", rnpHome, "--import", key).CombinedOutput(); err != nil {
			t.Fatalf("rnpkeys --import: %v\n%s", err, out)
		}
	}
	rnp := func(extra ...string) func(out string) *exec.Cmd {
		return func(out string) *exec.Cmd {
			args := append([]string{"--homedir", rnpHome, "-u", "signer@example.com", "-r", "security@example.com", "--output", out}, extra...)
			return exec.Command("rnp", append(args, "--sign", "--encrypt", in)...)
		}
	}
	for _, c := range []struct {
		name string
		cmd  func(out string) *exec.Cmd
	}{
		{"GnuPG, as it does by default", gpg()},
		{"GnuPG, compressing with ZLIB", gpg("--compress-algo", "zlib")},
		{"GnuPG, compressing with ZIP", gpg("--compress-algo", "zip")},
		{"GnuPG, compressing with BZip2", gpg("--compress-algo", "bzip2")},
		{"GnuPG, in text mode", gpg("--textmode", "--armor")},
		{"Sequoia, padding as it does by default", sq("pad")},
		{"Sequoia, compressing with ZLIB", sq("zlib")},
		{"Sequoia, not compressing", sq("none")},
		{"RNP, as it does by default", rnp()},
		{"RNP, compressing with BZip2", rnp("--bzip")},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "message.pgp")
			if o, err := c.cmd(out).CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, o)
			}
			msg, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			plain, by, err := DecryptSigned(bytes.NewReader(msg), v.secret, openpgp.EntityList{s.public}, signedLimit)
			if err != nil || !bytes.Equal(bytes.ReplaceAll(plain, []byte("\r\n"), []byte("\n")), text) || by != s.public {
				t.Fatalf("%q, signed by %v, %v; want the text, signed by the signer", plain, by, err)
			}
		})
	}
}
