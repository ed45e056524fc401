// Package wasmhash is SHA-1 and SHA-256 for the browser program. Go
// compiled to wasm runs crypto/sha1's and crypto/sha256's generic code at
// about 130 and 90 MB/s (Node); these, their rounds unrolled (block_*.go,
// written by gen.go), run at about 350 and 165 MB/s there (BenchmarkHash
// under GOOS=js). The widget hashes each attachment when it is chosen, each
// sealed report to check its receipt, and everything it seals for the MDC.
// Natively NewSHA1 and NewSHA256 are crypto/sha1's and crypto/sha256's,
// which use the CPU's SHA instructions.
package wasmhash

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"runtime"
)

//go:generate go run gen.go

// NewSHA1 returns a SHA-1 hash: this package's in wasm, crypto/sha1's
// elsewhere.
func NewSHA1() hash.Hash {
	if runtime.GOARCH == "wasm" {
		return unrolledSHA1()
	}
	return sha1.New()
}

// NewSHA256 returns a SHA-256 hash: this package's in wasm,
// crypto/sha256's elsewhere.
func NewSHA256() hash.Hash {
	if runtime.GOARCH == "wasm" {
		return unrolledSHA256()
	}
	return sha256.New()
}

func unrolledSHA1() hash.Hash {
	return newDigest(sha1.Size, []uint32{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0},
		func(h []uint32, p []byte) { blockSHA1((*[5]uint32)(h), p) })
}

func unrolledSHA256() hash.Hash {
	return newDigest(sha256.Size, []uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19},
		func(h []uint32, p []byte) { blockSHA256((*[8]uint32)(h), p) })
}

// digest is the Merkle–Damgård frame both hashes share: 64-byte blocks,
// padded with 0x80, zeros and the bit length, big-endian words.
type digest struct {
	size  int
	iv, h []uint32
	block func(h []uint32, p []byte)
	x     [64]byte
	nx    int
	len   uint64
}

func newDigest(size int, iv []uint32, block func(h []uint32, p []byte)) *digest {
	d := &digest{size: size, iv: iv, h: make([]uint32, len(iv)), block: block}
	d.Reset()
	return d
}

func (d *digest) Reset() {
	copy(d.h, d.iv)
	d.nx, d.len = 0, 0
}

func (d *digest) Size() int      { return d.size }
func (d *digest) BlockSize() int { return len(d.x) }

func (d *digest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nx > 0 {
		k := copy(d.x[d.nx:], p)
		d.nx += k
		p = p[k:]
		if d.nx < len(d.x) {
			return n, nil
		}
		d.block(d.h, d.x[:])
		d.nx = 0
	}
	if whole := len(p) &^ (len(d.x) - 1); whole > 0 {
		d.block(d.h, p[:whole])
		p = p[whole:]
	}
	d.nx = copy(d.x[:], p)
	return n, nil
}

// Sum appends the hash of what was written to b; d is left as it was.
func (d *digest) Sum(b []byte) []byte {
	c := *d
	c.h = append([]uint32(nil), d.h...)
	var pad [64 + 8]byte
	pad[0] = 0x80
	k := (55 - c.len) % 64 // zero bytes so that the length ends a block
	binary.BigEndian.PutUint64(pad[1+k:], c.len*8)
	c.Write(pad[:1+k+8])
	for _, v := range c.h {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}
