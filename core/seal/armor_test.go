package seal

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// TestOurArmorIsGoCryptosArmor: for sizes around every line and buffer
// boundary, written in chunks of every shape, the armor is byte for byte
// what go-crypto's encoder writes (which GnuPG, Sequoia, RNP and
// OpenPGP.js read, as the interop tests check again).
func TestOurArmorIsGoCryptosArmor(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 2, 3, 47, 48, 49, 95, 96, 97, 1000, armorBuffer, armorBuffer*3/4 + 1, 1 << 20, 3<<20 + 17} {
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
	a, _ := newArmorWriter(io.Discard)
	a.w = failWriter{}
	a.Write(make([]byte, armorBuffer*2))
	if err := a.Close(); err == nil {
		t.Error("a failed write was not reported")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func BenchmarkArmor(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		a, _ := newArmorWriter(io.Discard)
		a.Write(data)
		a.Close()
	}
}
