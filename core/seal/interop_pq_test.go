//go:build !js

package seal

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/pgpkey"
)

// needTools skips in the quick tier and fails when a tool is missing.
func needTools(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs GnuPG, sq, RNP and node: the full tier runs it")
	}
	if _, err := os.Stat("testdata/openpgpjs/node_modules/openpgp"); err != nil {
		t.Fatal("OpenPGP.js is not installed: run make deps (.ci/deps)")
	}
	for _, d := range decrypters {
		if _, err := exec.LookPath(d.tool); err != nil {
			t.Fatalf("%s (%s) is not installed: run make deps (.ci/deps)", d.name, d.tool)
		}
	}
}

func family(t *testing.T, name string) testkeys.Family {
	for _, f := range testkeys.Families() {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("testkeys has no %s family", name)
	return testkeys.Family{}
}

// TestWhoDecryptsPostQuantum is the measurement behind
// pgpkey.PQDecrypters: a report sealed to a v4 key with an
// ML-KEM-768+X25519 subkey, or to a v6 ML-DSA-65+Ed25519 key, opens in
// Sealpost, and none of GnuPG, sq, RNP and OpenPGP.js decrypts it. When
// one of them learns to, this test fails: update PQDecrypters, the
// warning `key inspect` prints, and core/README.md.
func TestWhoDecryptsPostQuantum(t *testing.T) {
	needTools(t)
	for _, name := range []string{"v4-mlkem768", "v6-mldsa65"} {
		e, err := testkeys.New("Vendor Security", "security@example.com", family(t, name).Config, -time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		set, err := pgpkey.Parse(testkeys.Public(e), pgpkey.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(set.Keys[0].Warnings, " "), pgpkey.PQDecrypters) {
			t.Errorf("%s: the key's warnings do not say who can decrypt: %q", name, set.Keys[0].Warnings)
		}
		dir := t.TempDir()
		secretFile := filepath.Join(dir, "secret.asc")
		os.WriteFile(secretFile, testkeys.Secret(e), 0o600)
		r, bodies := sampleReport([]byte("notes\n"))
		var sealed bytes.Buffer
		if err := Report(&sealed, r, bodies, set.Keys, Options{Armor: true, Now: clock}); err != nil {
			t.Fatal(err)
		}
		msgFile := filepath.Join(dir, "report.asc")
		os.WriteFile(msgFile, sealed.Bytes(), 0o644)
		secret, err := ReadSecretKeys(testkeys.Secret(e), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name+"/Sealpost opens it", func(t *testing.T) {
			if _, err := Open(bytes.NewReader(sealed.Bytes()), secret, filepath.Join(t.TempDir(), "r")); err != nil {
				t.Error(err)
			}
		})
		for _, d := range decrypters {
			t.Run(name+"/"+d.name+" cannot decrypt it", func(t *testing.T) {
				if d.tool == "gpg" && name == "v6-mldsa65" {
					// GnuPG 2.2 cannot import it (decrypters' GnuPG fails the test then).
					home := shortTempDir(t)
					t.Cleanup(func() { exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
					if out, err := exec.Command("gpg", "--batch", "--homedir", home, "--import", secretFile).CombinedOutput(); err == nil {
						t.Errorf("GnuPG imports a v6 ML-DSA key now: see whether it decrypts, and update pgpkey.PQDecrypters\n%s", out)
					}
					return
				}
				if plain, err := d.run(t, secretFile, msgFile); err == nil {
					t.Errorf("%s decrypted a message to an ML-KEM key (%d bytes): update pgpkey.PQDecrypters and core/README.md", d.name, len(plain))
				} else {
					t.Logf("%s: %s", d.name, lastLine(err.Error()))
				}
			})
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestPaddedReportsDecryptWithoutAWord: each tool decrypts a padded
// report (a short one, so most of its plaintext is padding) with nothing
// on standard error but what it says for any message.
func TestPaddedReportsDecryptWithoutAWord(t *testing.T) {
	needTools(t)
	e, err := testkeys.New("Vendor Security", "security@example.com", family(t, "cv25519").Config, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(testkeys.Public(e), pgpkey.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret.asc")
	os.WriteFile(secretFile, testkeys.Secret(e), 0o600)
	home := shortTempDir(t)
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
	if out, err := exec.Command("gpg", "--batch", "--homedir", home, "--import", secretFile).CombinedOutput(); err != nil {
		t.Fatalf("gpg --import: %v\n%s", err, out)
	}
	plainFile := filepath.Join(dir, "plain")
	for _, armored := range []bool{true, false} {
		r, bodies := sampleReport([]byte("notes\n"))
		var sealed bytes.Buffer
		if err := Report(&sealed, r, bodies, set.Keys, Options{Armor: armored, Now: clock}); err != nil {
			t.Fatal(err)
		}
		msgFile := filepath.Join(dir, map[bool]string{true: "report.asc", false: "report.pgp"}[armored])
		os.WriteFile(msgFile, sealed.Bytes(), 0o644)
		// RNP 0.16 says "premature end of armored input" of every armored
		// message over about 32 KB, GnuPG's and sq's too (measured): not of
		// the padding.
		rnpSays := ""
		if armored {
			rnpSays = "premature end of armored input"
		}
		for _, c := range []struct {
			name string
			cmd  *exec.Cmd
			ok   string // what the tool always says on standard error, else nothing
		}{
			{"GnuPG", exec.Command("gpg", "--batch", "--homedir", home, "--status-fd", "2", "--decrypt", msgFile), "GOODMDC"},
			{"Sequoia sq", exec.Command("sq", "decrypt", "--recipient-key", secretFile, msgFile), "Encrypted using AES-256"},
			{"RNP", exec.Command("rnp", "--keyfile", secretFile, "--decrypt", msgFile, "--output", plainFile, "--overwrite"), rnpSays},
			{"OpenPGP.js", exec.Command("node", "testdata/openpgpjs/decrypt.mjs", secretFile, msgFile), ""},
		} {
			t.Run(c.name+map[bool]string{true: ", armored", false: ", binary"}[armored], func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				c.cmd.Stdout, c.cmd.Stderr = &stdout, &stderr
				if err := c.cmd.Run(); err != nil {
					t.Fatalf("%v\n%s", err, stderr.Bytes())
				}
				plain := stdout.Bytes()
				if c.name == "RNP" {
					plain, _ = os.ReadFile(plainFile)
				}
				if len(plain) < MinPaddedBytes {
					t.Errorf("decrypted %d bytes, want the padded %d", len(plain), MinPaddedBytes)
				}
				checkPlaintext(t, plain, r, [][]byte{[]byte("notes\n")})
				says := strings.ToLower(stderr.String())
				if !strings.Contains(stderr.String(), c.ok) || strings.Contains(says, "warn") || strings.Contains(says, "error") ||
					c.ok == "" && stderr.Len() > 0 || strings.Contains(says, "badmdc") ||
					c.name == "RNP" && len(strings.Split(strings.TrimSpace(stderr.String()), "\n")) > 1 {
					t.Errorf("standard error:\n%s", stderr.Bytes())
				}
			})
		}
	}
}

// TestWhyNotAnOpenPGPPaddingPacket is the measurement that ruled out
// RFC 9580's padding packet (tag 21) inside the encrypted data: GnuPG 2.2
// skips it, but Sequoia sq 0.27 refuses the whole message.
func TestWhyNotAnOpenPGPPaddingPacket(t *testing.T) {
	needTools(t)
	e, err := testkeys.New("Vendor Security", "security@example.com", family(t, "cv25519").Config, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret.asc")
	os.WriteFile(secretFile, testkeys.Secret(e), 0o600)
	// PKESK, then SEIPD v1 holding a literal data packet and a padding packet.
	var msg bytes.Buffer
	config := &packet.Config{DefaultCipher: packet.CipherAES256, Time: clock}
	key := make([]byte, 32)
	rand.Read(key)
	enc, _ := e.EncryptionKey(clock())
	if err := packet.SerializeEncryptedKeyAEAD(&msg, enc.PublicKey, packet.CipherAES256, false, key, config); err != nil {
		t.Fatal(err)
	}
	contents, err := packet.SerializeSymmetricallyEncrypted(&msg, packet.CipherAES256, false, packet.CipherSuite{}, key, config)
	if err != nil {
		t.Fatal(err)
	}
	lit, _ := packet.SerializeLiteral(nopCloser{contents}, true, "", 0)
	io.WriteString(lit, "report\n")
	lit.Close()
	if err := packet.Padding(1000).SerializePadding(contents, rand.Reader); err != nil {
		t.Fatal(err)
	}
	contents.Close()
	msgFile := filepath.Join(dir, "padded.pgp")
	os.WriteFile(msgFile, msg.Bytes(), 0o644)
	for _, d := range decrypters {
		t.Run(d.name, func(t *testing.T) {
			plain, err := d.run(t, secretFile, msgFile)
			refuses := d.name == "Sequoia sq"
			if (err != nil) != refuses || err == nil && string(plain) != "report\n" {
				t.Errorf("refused: %v, want %v (%q)", err, refuses, plain)
			}
		})
	}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
