package receiver

import (
	"bytes"
	"testing"
)

// BenchmarkSniff: the speed of the check over a 64 MiB message (one PKESK,
// then a SEIPD in 1 MiB partial lengths of random-looking bytes), armored
// in 64-character lines with a checksum as GnuPG and core/seal write it,
// and binary. MB/s is of the body as sent.
func BenchmarkSniff(b *testing.B) {
	v := newVendor(b)
	esk := splitPackets(b, v.sealed(b, "a", false))[0]
	bin := cat(esk, seipdOf(64<<20))
	bodies := []struct {
		name string
		body []byte
	}{
		{"armored 64 MiB", armorText(bin, 64, "\n", true, true)},
		{"binary 64 MiB", bin},
	}
	for _, tt := range bodies {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.body)))
			for b.Loop() {
				if _, err := Sniff(bytes.NewReader(tt.body)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// seipdOf is a SEIPD v1 packet of n bytes of pseudorandom contents, in
// 1 MiB partial lengths: framed right, though no key opens it.
func seipdOf(n int) []byte {
	body := make([]byte, n)
	body[0] = 1
	x := uint32(2463534242)
	for i := 1; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		body[i] = byte(x)
	}
	out := []byte{0xc0 | tagSEIPD}
	for len(body) > 1<<20 {
		out = append(append(out, 0xe0|20), body[:1<<20]...)
		body = body[1<<20:]
	}
	return append(out, packetOf(0, body)[1:]...)
}
