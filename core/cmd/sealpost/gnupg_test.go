package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sealpost/sealpost/core/thread"
)

// A reporter who would rather use GnuPG: the reply key that follow
// --export-key writes imports into GnuPG, which then decrypts the
// vendor's reply as sealpost reply posted it (the intake's stored file is
// byte-identical to the post) and checks its signature.
func TestGnuPGReadsAReplyWithTheExportedReplyKey(t *testing.T) {
	if testing.Short() {
		t.Skip("needs GnuPG: run make deps (the full tier, make test, runs it)")
	}
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Fatal("GnuPG (gpg) is not installed: run make deps (.ci/deps)")
	}
	c := newConversation(t)
	c.reply(t, "need-info", "Which firmware version did you test?")

	keyFile := c.path("reply-key.asc")
	mustRun(t, "", "follow", "--export-key", "--code-file", c.codeFile, "--out", keyFile)
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the exported key: %v, %v; want mode 0600", st, err)
	}
	mustFail(t, 1, "already exists: nothing is overwritten", "", "follow", "--export-key", "--code-file", c.codeFile, "--out", keyFile)

	home := gnupgHome(t)
	for _, key := range []string{keyFile, c.vendorPub} {
		if out, err := exec.Command("gpg", "--batch", "--homedir", home, "--import", key).CombinedOutput(); err != nil {
			t.Fatalf("gpg --import %s: %v\n%s", key, err, out)
		}
	}
	var stderr bytes.Buffer
	cmd := exec.Command("gpg", "--batch", "--homedir", home, "--decrypt", filepath.Join(c.storeDir, "threads", c.id, "000001.vendor.asc"))
	cmd.Stderr = &stderr
	plain, err := cmd.Output()
	if err != nil {
		t.Fatalf("gpg --decrypt: %v\n%s", err, stderr.String())
	}
	var m thread.Message
	if err := json.Unmarshal(plain, &m); err != nil {
		t.Fatalf("gpg's plaintext is not a thread message: %v\n%s", err, plain)
	}
	if m.Text != "Which firmware version did you test?" || m.Status != "need-info" || m.ReportID != c.id || m.From != thread.FromVendor {
		t.Errorf("gpg decrypted %+v", m)
	}
	if !bytes.Contains(stderr.Bytes(), []byte(`Good signature from "Vendor Security`)) {
		t.Errorf("gpg does not find the vendor's signature good:\n%s", stderr.String())
	}
}

// gnupgHome is an empty GNUPGHOME whose agent socket path stays under
// the 108-byte limit (t.TempDir's paths can be longer).
func gnupgHome(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", dir, "--kill", "all").Run()
		os.RemoveAll(dir)
	})
	return dir
}
