//go:build !js

package seal

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
)

// decrypters are the tools security teams open reports with. Each takes the
// vendor's armored secret key file and the message file and returns the
// plaintext. `make deps` (.ci/deps) installs them.
var decrypters = []struct {
	name    string
	tool    string
	rfc9580 bool // reads v6 keys and SEIPDv2
	// brainpool is false for Debian's sq 0.27, built on Nettle, which has no
	// brainpool curves ("No key to decrypt message" for such keys).
	brainpool bool
	run       func(t *testing.T, secretFile, msgFile string) ([]byte, error)
}{
	{"GnuPG", "gpg", false, true, func(t *testing.T, secret, msg string) ([]byte, error) {
		home := shortTempDir(t)
		t.Cleanup(func() { exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
		if out, err := exec.Command("gpg", "--batch", "--homedir", home, "--import", secret).CombinedOutput(); err != nil {
			t.Fatalf("gpg --import: %v\n%s", err, out)
		}
		return output(exec.Command("gpg", "--batch", "--homedir", home, "--decrypt", msg))
	}},
	{"Sequoia sq", "sq", false, false, func(t *testing.T, secret, msg string) ([]byte, error) {
		return output(exec.Command("sq", "decrypt", "--recipient-key", secret, msg))
	}},
	{"RNP", "rnp", false, true, func(t *testing.T, secret, msg string) ([]byte, error) {
		out := filepath.Join(t.TempDir(), "plain")
		if _, err := output(exec.Command("rnp", "--keyfile", secret, "--decrypt", msg, "--output", out)); err != nil {
			return nil, err
		}
		return os.ReadFile(out)
	}},
	{"OpenPGP.js", "node", true, true, func(t *testing.T, secret, msg string) ([]byte, error) {
		return output(exec.Command("node", "testdata/openpgpjs/decrypt.mjs", secret, msg))
	}},
}

func output(cmd *exec.Cmd) ([]byte, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, &toolError{cmd.Args[0], err, stderr.String()}
	}
	return out, nil
}

type toolError struct {
	tool   string
	err    error
	stderr string
}

func (e *toolError) Error() string { return e.tool + ": " + e.err.Error() + "\n" + e.stderr }

// shortTempDir keeps gpg-agent's socket path under the 108-byte limit.
func shortTempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// TestSecurityTeamsToolsDecryptWhatWeSeal seals a report with attachments to
// keys of several families and has GnuPG, Sequoia, RNP and OpenPGP.js
// decrypt it; the plaintext MIME must carry every field and byte.
func TestSecurityTeamsToolsDecryptWhatWeSeal(t *testing.T) {
	if testing.Short() {
		t.Skip("needs GnuPG, Sequoia (sq), RNP and OpenPGP.js (node): run make deps (the full tier, make test, runs it)")
	}
	if _, err := os.Stat("testdata/openpgpjs/node_modules/openpgp"); err != nil {
		t.Fatal("OpenPGP.js is not installed: run make deps (.ci/deps)")
	}
	for _, d := range decrypters {
		if _, err := exec.LookPath(d.tool); err != nil {
			t.Fatalf("%s (%s) is not installed: run make deps (.ci/deps)", d.name, d.tool)
		}
	}
	families := map[string]bool{"rsa2048": true, "cv25519": true, "nistp256": true, "brainpoolp256": true, "v6-ed25519": true}
	for _, f := range testkeys.Families() {
		if !families[f.Name] {
			continue
		}
		e, err := testkeys.New("Vendor Security", "security@example.com", f.Config, -24*60*60*1e9)
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

		video := bytes.Repeat([]byte{0x00, 0x1a, 0x45, 0xdf, 0xa3, '\r', '\n'}, 30000)
		r, bodies := sampleReport(video, []byte("notes\r\n"))
		for _, armored := range []bool{true, false} {
			var sealed bytes.Buffer
			if err := Report(&sealed, r, bodies, []*pgpkey.Key{set.Keys[0]}, Options{Armor: armored, Now: clock}); err != nil {
				t.Fatal(err)
			}
			for _, b := range bodies {
				b.(*bytes.Reader).Seek(0, io.SeekStart)
			}
			msgFile := filepath.Join(dir, map[bool]string{true: "report.asc", false: "report.pgp"}[armored])
			os.WriteFile(msgFile, sealed.Bytes(), 0o644)
			for _, d := range decrypters {
				if !f.GnuPG22 && !d.rfc9580 {
					continue // v6 keys: only RFC 9580 tools can read them (pgpkey warns)
				}
				if strings.HasPrefix(f.Name, "brainpool") && !d.brainpool {
					continue
				}
				t.Run(f.Name+"/"+d.name+"/"+msgFile[len(dir)+1:], func(t *testing.T) {
					plain, err := d.run(t, secretFile, msgFile)
					if err != nil {
						t.Fatal(err)
					}
					checkPlaintext(t, plain, r, [][]byte{video, []byte("notes\r\n")})
				})
			}
		}
	}
}

// checkPlaintext parses a decrypted MIME entity and compares it with what
// was sealed.
func checkPlaintext(t *testing.T, plain []byte, want *report.Report, files [][]byte) {
	t.Helper()
	m, err := report.ReadMIME(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if subject, _ := m.Header.Subject(); !strings.HasPrefix(subject, report.SubjectPrefix) {
		t.Errorf("subject %q", subject)
	}
	var parts [][]byte
	for {
		a, err := m.NextAttachment()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(a.Body)
		parts = append(parts, body)
	}
	if len(parts) != len(files) {
		t.Fatalf("%d attachments, want %d", len(parts), len(files))
	}
	w := *want
	w.Normalize()
	if !reflect.DeepEqual(m.Report, &w) {
		t.Errorf("report.json:\n got %+v\nwant %+v", m.Report, &w)
	}
	if !bytes.Contains(m.Text, []byte(want.Description)) {
		t.Errorf("text part lacks the description")
	}
	for i, f := range files {
		if !bytes.Equal(parts[i], f) {
			t.Errorf("attachment %d differs (%d bytes, want %d)", i, len(parts[i]), len(f))
		}
	}
}
