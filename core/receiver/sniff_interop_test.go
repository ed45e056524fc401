package receiver

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/internal/testkeys"
)

// encrypters are the tools a reporter might seal with instead of the
// widget, each run with its default settings: `make deps` (.ci/deps)
// installs them. Each reads the plaintext on stdin, so that it does not
// know the length and writes partial lengths, as for a large report.
var encrypters = []struct {
	name, tool string
	v6         bool // encrypts to v6 keys (RFC 9580)
	run        func(t *testing.T, publicFile string, armored bool) *exec.Cmd
}{
	{"GnuPG", "gpg", false, func(t *testing.T, pub string, armored bool) *exec.Cmd {
		home, err := os.MkdirTemp("", "gpg") // gpg-agent's socket path must stay short
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run()
			os.RemoveAll(home)
		})
		if out, err := exec.Command("gpg", "--batch", "--homedir", home, "--import", pub).CombinedOutput(); err != nil {
			t.Fatalf("gpg --import: %v\n%s", err, out)
		}
		args := []string{"--batch", "--homedir", home, "--trust-model", "always", "--recipient", "security@example.com", "--encrypt"}
		if armored {
			args = append(args, "--armor")
		}
		return exec.Command("gpg", args...)
	}},
	{"Sequoia sq", "sq", false, func(t *testing.T, pub string, armored bool) *exec.Cmd {
		if armored {
			return exec.Command("sq", "encrypt", "--recipient-cert", pub)
		}
		return exec.Command("sq", "encrypt", "--binary", "--recipient-cert", pub)
	}},
	{"OpenPGP.js", "node", true, func(t *testing.T, pub string, armored bool) *exec.Cmd {
		format := map[bool]string{true: "armored", false: "binary"}[armored]
		dir, err := filepath.Abs("../seal/testdata/openpgpjs")
		if err != nil {
			t.Fatal(err)
		}
		return exec.Command("node", "testdata/sniff/encrypt.mjs", dir, pub, format)
	}},
}

// TestSniffAcceptsWhatOtherToolsWrite: what GnuPG, Sequoia and OpenPGP.js
// write with their default settings, armored and binary, to v4 keys of two
// families (and OpenPGP.js to a v6 key, SEIPD v2), small and large, passes.
func TestSniffAcceptsWhatOtherToolsWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("needs GnuPG, Sequoia (sq) and OpenPGP.js (node): run make deps (the full tier, make test, runs it)")
	}
	if _, err := os.Stat("../seal/testdata/openpgpjs/node_modules/openpgp"); err != nil {
		t.Fatal("OpenPGP.js is not installed: run make deps (.ci/deps)")
	}
	for _, e := range encrypters {
		if _, err := exec.LookPath(e.tool); err != nil {
			t.Fatalf("%s (%s) is not installed: run make deps (.ci/deps)", e.name, e.tool)
		}
	}
	for _, f := range testkeys.Families() {
		if f.Name != "rsa2048" && f.Name != "cv25519" && f.Name != "v6-ed25519" {
			continue
		}
		key, err := testkeys.New("Vendor Security", "security@example.com", f.Config, -24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		pub := filepath.Join(t.TempDir(), "public.asc")
		if err := os.WriteFile(pub, testkeys.Public(key), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, e := range encrypters {
			if !f.GnuPG22 && !e.v6 {
				continue // GnuPG 2.2 and sq 0.27 do not read v6 keys
			}
			for _, size := range []int{6, 200 << 10} {
				for _, armored := range []bool{true, false} {
					name := e.name + " to a " + f.Name + " key, " + map[bool]string{true: "armored", false: "binary"}[armored] +
						map[bool]string{true: ", a large message", false: ""}[size > 1000] + ", is accepted"
					t.Run(name, func(t *testing.T) {
						cmd := e.run(t, pub, armored)
						cmd.Stdin = bytes.NewReader(bytes.Repeat([]byte("report\n"), size/7+1))
						var stderr bytes.Buffer
						cmd.Stderr = &stderr
						msg, err := cmd.Output()
						if err != nil {
							t.Fatalf("%s: %v\n%s", e.tool, err, stderr.Bytes())
						}
						got, err := Sniff(bytes.NewReader(msg))
						if err != nil {
							t.Fatalf("%v\nthe message starts %q", err, msg[:min(len(msg), 120)])
						}
						if got != armored {
							t.Errorf("armored = %v, want %v", got, armored)
						}
					})
				}
			}
		}
	}
}
