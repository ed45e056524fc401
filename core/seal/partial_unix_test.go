//go:build unix

package seal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
)

// TestOpenRemovesTheFoldersOfAKilledOpen runs only where a process's
// liveness can be told (partial_unix.go): under wasm every process seems
// to run, and every .partial folder is kept.
func TestOpenRemovesTheFoldersOfAKilledOpen(t *testing.T) {
	dead := 1<<22 - 1
	for processRuns(dead) {
		dead--
	}
	parent := t.TempDir()
	stale := filepath.Join(parent, fmt.Sprintf("%s%d-0123456789ab", partialPrefix, dead))
	running := filepath.Join(parent, fmt.Sprintf("%s%d-0123456789ab", partialPrefix, os.Getppid()))
	other := filepath.Join(parent, ".report.partial-0123456789ab")
	for _, d := range []string{stale, running, other} {
		if err := os.MkdirAll(filepath.Join(d, "attachments"), 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "report.json"), []byte("{}"), 0o600)
	}
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	r, bodies := sampleReport([]byte("x"))
	var sealed bytes.Buffer
	if err := Report(&sealed, r, bodies, []*pgpkey.Key{v.public}, Options{Now: clock}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(&sealed, v.secret, filepath.Join(parent, "report")); err != nil {
		t.Fatal(err)
	}
	for d, kept := range map[string]bool{stale: false, running: true, other: true} {
		if _, err := os.Stat(d); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", filepath.Base(d), err == nil, kept)
		}
	}
}
