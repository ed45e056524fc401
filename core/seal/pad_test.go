package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
)

func TestPaddedLength(t *testing.T) {
	for _, c := range []struct {
		name   string
		n, out int64
	}{
		{"nothing is padded to 64 KiB", 0, MinPaddedBytes},
		{"a short report is padded to 64 KiB", 1800, MinPaddedBytes},
		{"64 KiB is padded to nothing more (the limit)", MinPaddedBytes, MinPaddedBytes},
		{"a byte past 64 KiB gets Padmé's 2 KiB steps", MinPaddedBytes + 1, MinPaddedBytes + 2048},
		{"a Padmé length stays as it is", MinPaddedBytes + 2048, MinPaddedBytes + 2048},
		{"a byte past 1 MiB gets 32 KiB steps", 1<<20 + 1, 1<<20 + 32<<10},
		{"5 MB gets 128 KiB steps", 5_000_000, 39 * 128 << 10},
		{"200 MB gets 4 MiB steps", 200_000_000, 48 * 4 << 20},
		{"a length past int64 is left as it is", math.MaxInt64, math.MaxInt64},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := PaddedLength(c.n); got != c.out {
				t.Errorf("PaddedLength(%d) = %d, want %d", c.n, got, c.out)
			}
		})
	}
}

// TestPaddingCostsLessThanAThirtySecond sweeps lengths from 64 KiB to
// 256 MiB: each is padded up, never down, never by more than 1/32 (Padmé's
// bound at these lengths; 12% over all), and a longer plaintext is never
// padded to less than a shorter one.
func TestPaddingCostsLessThanAThirtySecond(t *testing.T) {
	step := int64(1)
	if testing.Short() {
		step = 97
	}
	prev := int64(0)
	for n := int64(MinPaddedBytes + 1); n <= 256<<20; n += step {
		p := PaddedLength(n)
		if p < n || p < prev || float64(p-n) >= float64(n)/32 {
			t.Fatalf("PaddedLength(%d) = %d (after %d)", n, p, prev)
		}
		prev = p
		if n > 8<<20 && step < 4099 {
			step = 4099 // past 8 MiB, every 4099th length: the steps are 256 KiB and more
		}
	}
}

// TestThePaddingEndsAtItsLength: the padding writer brings what was
// written to the padded length exactly, at the 64 KiB limit and past it.
func TestThePaddingEndsAtItsLength(t *testing.T) {
	for _, n := range []int64{0, 1, MinPaddedBytes - 1, MinPaddedBytes, MinPaddedBytes + 1, 3 << 20} {
		var out bytes.Buffer
		p := &padWriter{w: &out}
		p.Write(bytes.Repeat([]byte("x"), int(n)))
		if err := p.pad(); err != nil {
			t.Fatal(err)
		}
		if int64(out.Len()) != PaddedLength(n) || p.n != PaddedLength(n) {
			t.Errorf("%d bytes padded to %d (counted %d), want %d", n, out.Len(), p.n, PaddedLength(n))
		}
		if strings.Trim(out.String()[n:], " \r\n") != "" {
			t.Errorf("the padding of %d bytes holds more than spaces and line ends", n)
		}
	}
}

// mimeLength is the length of r's MIME entity, unpadded.
func mimeLength(t *testing.T, r *report.Report, files [][]byte) int64 {
	t.Helper()
	var bodies []io.Reader
	for _, f := range files {
		bodies = append(bodies, bytes.NewReader(f))
	}
	n := &padWriter{w: io.Discard}
	if err := report.WriteMIME(n, r, bodies); err != nil {
		t.Fatal(err)
	}
	return n.n
}

func sealLength(t *testing.T, v vendor, r *report.Report, files [][]byte, armored bool) int {
	t.Helper()
	var bodies []io.Reader
	for _, f := range files {
		bodies = append(bodies, bytes.NewReader(f))
	}
	var out bytes.Buffer
	if err := Report(&out, r, bodies, []*pgpkey.Key{v.public}, Options{Armor: armored, Now: clock}); err != nil {
		t.Fatal(err)
	}
	return out.Len()
}

// withFile returns a copy of r with one attachment of size random-looking
// bytes, and its bytes.
func withFile(r *report.Report, size int) (*report.Report, [][]byte) {
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	sum := sha256.Sum256(data)
	c := *r
	c.Attachments = []report.Attachment{{Name: "poc.webm", Type: "video/webm", Size: int64(size), SHA256: hex.EncodeToString(sum[:])}}
	return &c, [][]byte{data}
}

// TestReportsOfNearlyOneLengthSealToOneLength: two text-only reports a few
// hundred bytes apart, and two 5 MB reports a few KB apart, seal to
// ciphertexts of one length (armored and binary) though their plaintexts
// differ; a 5 MB report and a text-only one do not. The key is X25519,
// whose session-key packet has one length (an RSA one is a byte shorter
// one time in 256, whatever the plaintext).
func TestReportsOfNearlyOneLengthSealToOneLength(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	short, _ := sampleReport()
	longer := *short
	longer.Description += " " + strings.Repeat("The search form also leaks the table names. ", 8)
	big, bigFiles := withFile(short, 5_000_000)
	bigger, biggerFiles := withFile(short, 5_004_000)
	for _, c := range []struct {
		name   string
		a, b   *report.Report
		af, bf [][]byte
		same   bool
	}{
		{"two text-only reports a few hundred bytes apart", short, &longer, nil, nil, true},
		{"two 5 MB reports a few KB apart", big, bigger, bigFiles, biggerFiles, true},
		{"a text-only report and a 5 MB one", short, big, nil, bigFiles, false},
	} {
		for _, armored := range []bool{false, true} {
			t.Run(c.name+map[bool]string{true: ", armored", false: ", binary"}[armored], func(t *testing.T) {
				ma, mb := mimeLength(t, c.a, c.af), mimeLength(t, c.b, c.bf)
				if ma == mb || ma-mb > 10000 && c.same || mb-ma > 10000 && c.same {
					t.Fatalf("the plaintexts are %d and %d bytes: not a few hundred or thousand apart", ma, mb)
				}
				la, lb := sealLength(t, v, c.a, c.af, armored), sealLength(t, v, c.b, c.bf, armored)
				if (la == lb) != c.same {
					t.Errorf("plaintexts of %d and %d bytes sealed to %d and %d bytes", ma, mb, la, lb)
				}
			})
		}
	}
}

// TestOpenLeavesNoPadding: the plaintext is the MIME entity and its
// padding to the padded length, and the opened folder holds nothing of
// the padding.
func TestOpenLeavesNoPadding(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	r, files := withFile(func() *report.Report { r, _ := sampleReport(); return r }(), 300_000)
	var mime bytes.Buffer
	if err := report.WriteMIME(&mime, r, []io.Reader{bytes.NewReader(files[0])}); err != nil {
		t.Fatal(err)
	}
	var sealed bytes.Buffer
	if err := Report(&sealed, r, []io.Reader{bytes.NewReader(files[0])}, []*pgpkey.Key{v.public}, Options{Now: clock}); err != nil {
		t.Fatal(err)
	}
	plain, err := Decrypt(bytes.NewReader(sealed.Bytes()), v.secret)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(plain)
	if err != nil {
		t.Fatal(err)
	}
	// The entity (its boundary is random, its length is not), then spaces.
	entity, padding := got[:min(len(got), mime.Len())], got[min(len(got), mime.Len()):]
	if int64(len(got)) != PaddedLength(int64(mime.Len())) || !bytes.HasSuffix(entity, []byte("--\r\n")) ||
		len(padding) == 0 || len(bytes.Trim(padding, " \r\n")) != 0 {
		t.Fatalf("plaintext of %d bytes for an entity of %d, padded to %d", len(got), mime.Len(), PaddedLength(int64(mime.Len())))
	}
	dir := filepath.Join(t.TempDir(), "report")
	if _, err := Open(bytes.NewReader(sealed.Bytes()), v.secret, dir); err != nil {
		t.Fatal(err)
	}
	var names []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		names = append(names, filepath.ToSlash(rel))
		data, _ := os.ReadFile(path)
		if bytes.Contains(data, paddingLine[:40]) {
			t.Errorf("%s holds the padding", rel)
		}
		return nil
	})
	if strings.Join(names, " ") != "attachments/poc.webm report.json report.txt" {
		t.Errorf("the folder holds %q", names)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "attachments", "poc.webm")); !bytes.Equal(data, files[0]) {
		t.Error("the attachment differs")
	}
}
