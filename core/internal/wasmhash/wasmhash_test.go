package wasmhash

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"hash"
	"testing"
)

// hashes pairs each unrolled hash with the standard library's.
var hashes = []struct {
	name      string
	ours, std func() hash.Hash
}{
	{"SHA-1", unrolledSHA1, sha1.New},
	{"SHA-256", unrolledSHA256, sha256.New},
}

func data(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*13 + i>>7)
	}
	return b
}

func sum(h hash.Hash, p []byte) []byte {
	h.Write(p)
	return h.Sum(nil)
}

// TestUnrolledIsTheStandardHash compares with the standard library for
// every length around the block and padding boundaries, written in pieces
// of every shape, and checks that Sum leaves the hash going and that Reset
// starts it again.
func TestUnrolledIsTheStandardHash(t *testing.T) {
	src := data(300)
	for _, c := range hashes {
		for n := range len(src) + 1 {
			want := sum(c.std(), src[:n])
			for _, piece := range []int{1, 3, 63, 64, 65, 300} {
				h := c.ours()
				for p := src[:n]; len(p) > 0; p = p[min(piece, len(p)):] {
					h.Write(p[:min(piece, len(p))])
				}
				if got := h.Sum([]byte("x")); !bytes.Equal(got, append([]byte("x"), want...)) {
					t.Fatalf("%s of %d bytes in pieces of %d: %x, want %x", c.name, n, piece, got[1:], want)
				}
				h.Write([]byte("more"))
				if more := sum(c.std(), append(append([]byte{}, src[:n]...), "more"...)); !bytes.Equal(h.Sum(nil), more) {
					t.Fatalf("%s of %d bytes: Sum changed the hash's state", c.name, n)
				}
			}
		}
		h, std := c.ours(), c.std()
		h.Write(src)
		h.Reset()
		if !bytes.Equal(h.Sum(nil), std.Sum(nil)) || h.Size() != std.Size() || h.BlockSize() != std.BlockSize() {
			t.Errorf("%s: Reset, Size or BlockSize is not the standard library's", c.name)
		}
	}
}

func FuzzUnrolledIsTheStandardHash(f *testing.F) {
	f.Add([]byte("abc"), uint8(1))
	f.Add(data(200), uint8(64))
	f.Fuzz(func(t *testing.T, in []byte, piece uint8) {
		for _, c := range hashes {
			h := c.ours()
			step := int(piece) + 1
			for p := in; len(p) > 0; p = p[min(step, len(p)):] {
				h.Write(p[:min(step, len(p))])
			}
			if want := sum(c.std(), in); !bytes.Equal(h.Sum(nil), want) {
				t.Fatalf("%s of %x", c.name, in)
			}
		}
	})
}

func BenchmarkHash(b *testing.B) {
	buf := data(1 << 20)
	for _, c := range hashes {
		for _, v := range []struct {
			name string
			new  func() hash.Hash
		}{{"unrolled", c.ours}, {"stdlib", c.std}} {
			b.Run(c.name+"/"+v.name, func(b *testing.B) {
				h := v.new()
				b.SetBytes(int64(len(buf)))
				for b.Loop() {
					h.Write(buf)
				}
			})
		}
	}
}
