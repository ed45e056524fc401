package wasmhash

import (
	"crypto/sha256"
	"encoding/binary"
	"runtime"
)

// Prefix64 returns the first 8 bytes, big-endian, of the SHA-256 of msg,
// which must be at most 55 bytes (one block once padded). It allocates
// nothing: the proof-of-work solver calls it millions of times. In wasm it
// runs this package's unrolled compression on one padded block; natively,
// crypto/sha256 (the CPU's SHA instructions).
func Prefix64(msg []byte) uint64 {
	if runtime.GOARCH != "wasm" {
		sum := sha256.Sum256(msg)
		return binary.BigEndian.Uint64(sum[:8])
	}
	return prefix64Unrolled(msg)
}

func prefix64Unrolled(msg []byte) uint64 {
	if len(msg) > 55 {
		panic("wasmhash: Prefix64 takes at most 55 bytes")
	}
	var block [64]byte
	copy(block[:], msg)
	block[len(msg)] = 0x80
	binary.BigEndian.PutUint64(block[56:], uint64(len(msg))*8)
	h := [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
	blockSHA256(&h, block[:])
	return uint64(h[0])<<32 | uint64(h[1])
}
