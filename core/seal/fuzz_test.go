package seal

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
)

// FuzzOpen feeds damaged and hostile messages (a compressed one among the
// seeds) to Open: it must fail cleanly, leaving no folder, or succeed with
// a report whose attachments match report.json.
func FuzzOpen(f *testing.F) {
	v := newVendor(f, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	r, bodies := sampleReport([]byte("attachment bytes"))
	for _, armored := range []bool{true, false} {
		var sealed bytes.Buffer
		if err := Report(&sealed, r, bodies, []*pgpkey.Key{v.public}, Options{Armor: armored, Now: clock}); err != nil {
			f.Fatal(err)
		}
		bodies[0].(*bytes.Reader).Seek(0, io.SeekStart)
		f.Add(sealed.Bytes())
	}
	var compressed bytes.Buffer
	compressedMessage(f, &compressed, v, bomb(64<<10))
	f.Add(compressed.Bytes())
	f.Fuzz(func(t *testing.T, msg []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "r")
		opened, err := Open(bytes.NewReader(msg), v.secret, dir)
		if err != nil {
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Fatalf("a failed open left %v", entries)
			}
			return
		}
		if len(opened.Attachments) != len(opened.Report.Attachments) {
			t.Fatalf("%d files for %d attachments", len(opened.Attachments), len(opened.Report.Attachments))
		}
	})
}

// FuzzUnpack feeds arbitrary plaintext to the MIME unpacker, as a message
// from a buggy or hostile client would arrive: no panic, no file outside
// the folder, and an error that says it is not a report.
func FuzzUnpack(f *testing.F) {
	r, bodies := sampleReport([]byte("a"), []byte("b"))
	var entity bytes.Buffer
	if err := report.WriteMIME(&entity, r, bodies); err != nil {
		f.Fatal(err)
	}
	f.Add(entity.Bytes())
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, plain []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "r")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := unpack(bytes.NewReader(plain), dir)
		if err != nil && !errors.Is(err, ErrNotAReport) && !errors.Is(err, ErrTampered) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 1 {
			t.Fatalf("files outside the folder: %v", entries)
		}
	})
}

// FuzzDiskName checks that any name in report.json becomes a file name
// that stays in its folder, shows nothing hidden, and takes a " (99999)"
// suffix within 255 bytes.
func FuzzDiskName(f *testing.F) {
	for _, s := range []string{"poc.mp4", "../../.bashrc", "CON.txt", "a\x1b[2J\u202e.txt", strings.Repeat("é", 200) + ".mp4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := diskName(name)
		stem, _ := splitName(got)
		switch {
		case got == "" || len(got) > maxNameBytes-suffixRoom || !utf8.ValidString(got):
			t.Fatalf("diskName(%q) = %q: %d bytes", name, got, len(got))
		case strings.ContainsAny(got, "/\\") || strings.HasPrefix(got, ".") || strings.HasSuffix(got, ".") || strings.HasSuffix(got, " "):
			t.Fatalf("diskName(%q) = %q", name, got)
		case got != report.Clean(got) || isDeviceName(stem):
			t.Fatalf("diskName(%q) = %q", name, got)
		}
	})
}
