package sha256block

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

func data(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*13 + i>>7)
	}
	return b
}

// TestUnrolledIsSHA256 compares with crypto/sha256 for every length around
// the block and padding boundaries, written in pieces of every shape, and
// checks that Sum leaves the hash going.
func TestUnrolledIsSHA256(t *testing.T) {
	src := data(300)
	for n := range len(src) + 1 {
		want := sha256.Sum256(src[:n])
		for _, piece := range []int{1, 3, 63, 64, 65, 300} {
			h := NewUnrolled()
			for p := src[:n]; len(p) > 0; p = p[min(piece, len(p)):] {
				h.Write(p[:min(piece, len(p))])
			}
			if got := h.Sum([]byte("x")); !bytes.Equal(got, append([]byte("x"), want[:]...)) {
				t.Fatalf("%d bytes in pieces of %d: %x, want %x", n, piece, got[1:], want)
			}
			h.Write([]byte("more"))
			if more := sha256.Sum256(append(append([]byte{}, src[:n]...), "more"...)); !bytes.Equal(h.Sum(nil), more[:]) {
				t.Fatalf("%d bytes: Sum changed the hash's state", n)
			}
		}
	}
	h := NewUnrolled()
	h.Write(src)
	h.Reset()
	if empty := sha256.Sum256(nil); !bytes.Equal(h.Sum(nil), empty[:]) || h.Size() != sha256.Size || h.BlockSize() != sha256.BlockSize {
		t.Error("Reset, Size or BlockSize is not crypto/sha256's")
	}
}

func FuzzUnrolledIsSHA256(f *testing.F) {
	f.Add([]byte("abc"), uint8(1))
	f.Add(data(200), uint8(64))
	f.Fuzz(func(t *testing.T, in []byte, piece uint8) {
		h := NewUnrolled()
		step := int(piece) + 1
		for p := in; len(p) > 0; p = p[min(step, len(p)):] {
			h.Write(p[:min(step, len(p))])
		}
		if want := sha256.Sum256(in); !bytes.Equal(h.Sum(nil), want[:]) {
			t.Fatalf("%x", in)
		}
	})
}

func BenchmarkSHA256(b *testing.B) {
	for _, c := range []struct {
		name string
		new  func() interface{ Write([]byte) (int, error) }
	}{
		{"unrolled", func() interface{ Write([]byte) (int, error) } { return NewUnrolled() }},
		{"crypto-sha256", func() interface{ Write([]byte) (int, error) } { return sha256.New() }},
	} {
		b.Run(c.name, func(b *testing.B) {
			buf := data(1 << 20)
			h := c.new()
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				h.Write(buf)
			}
		})
	}
}
