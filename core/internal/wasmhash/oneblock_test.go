package wasmhash

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"
)

func TestPrefix64IsTheStandardHash(t *testing.T) {
	src := data(55)
	for n := range len(src) + 1 {
		sum := sha256.Sum256(src[:n])
		want := binary.BigEndian.Uint64(sum[:8])
		if got := prefix64Unrolled(src[:n]); got != want {
			t.Fatalf("unrolled, %d bytes: %x, want %x", n, got, want)
		}
		if got := Prefix64(src[:n]); got != want {
			t.Fatalf("%d bytes: %x, want %x", n, got, want)
		}
	}
}

func BenchmarkPrefix64(b *testing.B) {
	msg := data(41)
	for b.Loop() {
		msg[40]++
		Prefix64(msg)
	}
}
