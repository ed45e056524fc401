package receiver

import (
	"bytes"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// vendor is a demo key pair for the tests.
type vendor struct {
	key    *pgpkey.Key
	secret openpgp.EntityList
}

func newVendor(t testing.TB) vendor {
	t.Helper()
	pub, sec, err := pgpkey.DemoKey("Receiver Test", "security@example.com", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(pub, pgpkey.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := seal.ReadSecretKeys(sec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return vendor{set.Keys[0], secret}
}

// sealed returns a sealed report whose title is title.
func (v vendor) sealed(t testing.TB, title string, armored bool) []byte {
	t.Helper()
	r := &report.Report{Schema: report.Schema, Title: title, Targets: []string{"https://example.com/"}, Description: "marker-" + title, PolicyAccepted: true}
	var buf bytes.Buffer
	if err := seal.Report(&buf, r, nil, []*pgpkey.Key{v.key}, seal.Options{Armor: armored, Now: clock}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// title decrypts a stored message and returns its report's title.
func (v vendor) title(t testing.TB, msg []byte) string {
	t.Helper()
	plain, err := seal.Decrypt(bytes.NewReader(msg), v.secret)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(plain)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("Vulnerability report: "))
	if i < 0 {
		t.Fatalf("no title in %q", data[:min(len(data), 200)])
	}
	line, _, _ := bytes.Cut(data[i+len("Vulnerability report: "):], []byte("\n"))
	return string(bytes.TrimSpace(line))
}

// sealedWith returns a sealed report with the given title and description.
func (v vendor) sealedWith(t testing.TB, title, description string) []byte {
	t.Helper()
	r := &report.Report{Schema: report.Schema, Title: title, Targets: []string{"https://example.com/"}, Description: description, PolicyAccepted: true}
	var buf bytes.Buffer
	if err := seal.Report(&buf, r, nil, []*pgpkey.Key{v.key}, seal.Options{Now: clock}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newTestServer serves a receiver on store over loopback and returns its URL.
func newTestServer(t testing.TB, cfg Config, store *Store) string {
	t.Helper()
	srv := httptest.NewServer(New(cfg, store, nil))
	t.Cleanup(srv.Close)
	return srv.URL
}

// fullDiskStore is a store on a 256 KiB tmpfs, for the full-disk tests. It
// needs mount(8) as root: the full tier (make test, as CI runs it) has both;
// under -short, or not as root, the test is skipped.
func fullDiskStore(t *testing.T) (string, *Store) {
	t.Helper()
	if testing.Short() {
		t.Skip("mounts a tmpfs with mount(8), as root: the full tier, make test, runs it")
	}
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root (CI runs as root)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	store, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, store
}
