// Package sha256block is SHA-256 for the browser program: the widget
// hashes each attachment when it is chosen and each sealed report to check
// its receipt. Go compiled to wasm runs crypto/sha256's generic code at
// about 35 MB/s; this one, its rounds unrolled (block.go, written by
// gen.go), runs faster there (BenchmarkSHA256 under GOOS=js). Natively New
// is crypto/sha256's, which uses the CPU's SHA instructions.
package sha256block

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"runtime"
)

//go:generate go run gen.go

// New returns a SHA-256 hash: this package's in wasm, crypto/sha256's
// elsewhere.
func New() hash.Hash {
	if runtime.GOARCH == "wasm" {
		return NewUnrolled()
	}
	return sha256.New()
}

// NewUnrolled returns this package's SHA-256 on every platform (tests
// compare it with crypto/sha256).
func NewUnrolled() hash.Hash {
	d := new(digest)
	d.Reset()
	return d
}

type digest struct {
	h   [8]uint32
	x   [sha256.BlockSize]byte
	nx  int
	len uint64
}

func (d *digest) Reset() {
	d.h = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
	d.nx, d.len = 0, 0
}

func (d *digest) Size() int      { return sha256.Size }
func (d *digest) BlockSize() int { return sha256.BlockSize }

func (d *digest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nx > 0 {
		k := copy(d.x[d.nx:], p)
		d.nx += k
		p = p[k:]
		if d.nx < sha256.BlockSize {
			return n, nil
		}
		block(&d.h, d.x[:])
		d.nx = 0
	}
	if whole := len(p) &^ (sha256.BlockSize - 1); whole > 0 {
		block(&d.h, p[:whole])
		p = p[whole:]
	}
	d.nx = copy(d.x[:], p)
	return n, nil
}

// Sum appends the hash of what was written to b; d is left as it was.
func (d *digest) Sum(b []byte) []byte {
	c := *d
	var pad [sha256.BlockSize + 8]byte
	pad[0] = 0x80
	k := (55 - c.len) % 64 // zero bytes so that the length ends a block
	binary.BigEndian.PutUint64(pad[1+k:], c.len*8)
	c.Write(pad[:1+k+8])
	for _, v := range c.h {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}
