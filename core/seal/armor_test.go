package seal

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/sealpost/sealpost/core/internal/crc24"
)

// TestOurArmorIsGoCryptosArmor: for sizes around every line and buffer
// boundary, written in chunks of every shape, the armor is byte for byte
// what go-crypto's encoder writes (which GnuPG, Sequoia, RNP and
// OpenPGP.js read, as the interop tests check again).
func TestOurArmorIsGoCryptosArmor(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 2, 3, 47, 48, 49, 95, 96, 97, 1000, 64 << 10, (64<<10)*3/4 + 1, 1 << 20, 3<<20 + 17} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		var want bytes.Buffer
		w, _ := armor.Encode(&want, "PGP MESSAGE", nil)
		w.Write(data)
		w.Close()

		for _, chunk := range []int{1, 7, 48, 4096, 1 << 20} {
			var got bytes.Buffer
			a, err := newArmorWriter(&got)
			if err != nil {
				t.Fatal(err)
			}
			for p := data; len(p) > 0; {
				k := min(chunk, len(p))
				if _, err := a.Write(p[:k]); err != nil {
					t.Fatal(err)
				}
				p = p[k:]
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("size %d in chunks of %d: armor differs from go-crypto's", size, chunk)
			}
		}
	}
}

func TestArmorWriteErrorsStick(t *testing.T) {
	w := &failAfter{n: 1} // the header goes through, then nothing
	a, err := newArmorWriter(w)
	if err != nil {
		t.Fatal(err)
	}
	a.Write(make([]byte, (64<<10)*2))
	if _, err := a.Write([]byte("x")); err == nil {
		t.Error("a write after a failed one succeeded")
	}
	if err := a.Close(); err == nil {
		t.Error("a failed write was not reported")
	}
}

// failAfter fails every write after the first n.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.ErrShortWrite
	}
	f.n--
	return len(p), nil
}

func BenchmarkArmor(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		a, _ := newArmorWriter(io.Discard)
		a.Write(data)
		a.Close()
	}
}

func BenchmarkCRC24(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		crc24.Update(crc24.Init, data)
	}
}

// TestCRC24 checks the sliced CRC-24 against RFC 4880's bit-at-a-time
// reference, for every length around its 8-byte steps, continued across
// calls at every split.
func TestCRC24(t *testing.T) {
	ref := func(data []byte) uint32 {
		crc := uint32(crc24.Init)
		for _, b := range data {
			crc ^= uint32(b) << 16
			for range 8 {
				crc <<= 1
				if crc&0x1000000 != 0 {
					crc ^= 0x1864cfb
				}
			}
		}
		return crc & 0xffffff
	}
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 67)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for n := range len(data) + 1 {
		want := ref(data[:n])
		for split := range n + 1 {
			if got := crc24.Update(crc24.Update(crc24.Init, data[:split]), data[split:n]); got != want {
				t.Fatalf("length %d split at %d: crc24 %06x, want %06x", n, split, got, want)
			}
		}
	}
	if got := ref([]byte("123456789")); got != 0x21cf02 {
		t.Errorf("the reference gives %06x for the check string, want 21cf02", got)
	}
}
