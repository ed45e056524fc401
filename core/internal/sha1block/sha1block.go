// Package sha1block is SHA-1 for the MDC of the messages the browser seals.
// Go compiled to wasm runs crypto/sha1's generic code at about 130 MB/s;
// this one, its rounds unrolled (block.go, written by gen.go), runs at
// about 370 MB/s there (BenchmarkSHA1 under GOOS=js). Natively New is
// crypto/sha1's, which uses the CPU's SHA instructions.
package sha1block

import (
	"crypto/sha1"
	"encoding/binary"
	"hash"
	"runtime"
)

//go:generate go run gen.go

// New returns a SHA-1 hash: this package's in wasm, crypto/sha1's elsewhere.
func New() hash.Hash {
	if runtime.GOARCH == "wasm" {
		return NewUnrolled()
	}
	return sha1.New()
}

// NewUnrolled returns this package's SHA-1 on every platform (tests
// compare it with crypto/sha1).
func NewUnrolled() hash.Hash {
	d := new(digest)
	d.Reset()
	return d
}

type digest struct {
	h   [5]uint32
	x   [sha1.BlockSize]byte
	nx  int
	len uint64
}

func (d *digest) Reset() {
	d.h = [5]uint32{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}
	d.nx, d.len = 0, 0
}

func (d *digest) Size() int      { return sha1.Size }
func (d *digest) BlockSize() int { return sha1.BlockSize }

func (d *digest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nx > 0 {
		k := copy(d.x[d.nx:], p)
		d.nx += k
		p = p[k:]
		if d.nx < sha1.BlockSize {
			return n, nil
		}
		block(&d.h, d.x[:])
		d.nx = 0
	}
	if whole := len(p) &^ (sha1.BlockSize - 1); whole > 0 {
		block(&d.h, p[:whole])
		p = p[whole:]
	}
	d.nx = copy(d.x[:], p)
	return n, nil
}

// Sum appends the hash of what was written to b; d is left as it was.
func (d *digest) Sum(b []byte) []byte {
	c := *d
	var pad [sha1.BlockSize + 8]byte
	pad[0] = 0x80
	k := (55 - c.len) % 64 // zero bytes so that the length ends a block
	binary.BigEndian.PutUint64(pad[1+k:], c.len*8)
	c.Write(pad[:1+k+8])
	for _, v := range c.h {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}
