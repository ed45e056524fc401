package seal

import (
	"bytes"
	"io"
	"math/bits"
)

// MinPaddedBytes is the least plaintext a sealed report has: every report
// without attachments, and most with small ones, seals to one length.
const MinPaddedBytes = 64 << 10

// PaddedLength is the length a sealed report's plaintext of n bytes (its
// MIME entity) is padded to: [MinPaddedBytes] at least, and above that the
// Padmé length of n (Nikitin et al., "Reducing Metadata Leakage from
// Encrypted Files and Communication with PURBs", PETS 2019): n rounded up
// so that only its top floor(log2 E)+1 bits may be set, where E =
// floor(log2 n). That leaves O(log log n) bits of the length to an
// observer, at a cost of less than 1/32 (3.1%) above 64 KiB (Padmé's
// bound over all lengths is 12%).
func PaddedLength(n int64) int64 {
	if n <= MinPaddedBytes {
		return MinPaddedBytes
	}
	e := bits.Len64(uint64(n)) - 1 // floor(log2 n)
	s := bits.Len64(uint64(e))     // floor(log2 e) + 1
	mask := int64(1)<<(e-s) - 1
	if padded := (n + mask) &^ mask; padded >= n {
		return padded
	}
	return n // beyond int64: no report is that large
}

// The padding is the MIME entity's epilogue: the bytes after its closing
// boundary line, which RFC 2046 (5.1.1) says readers ignore. Measured on
// 2026-12-02 against the other places (core/README.md, "Padding"): GnuPG
// 2.2, Sequoia sq 0.27, RNP 0.16 and OpenPGP.js 6.3.2 decrypt it without a
// word, and MIME readers (go-message, Python's email, munpack, ripmime)
// show no extra part; an OpenPGP padding packet makes sq 0.27 fail, a MIME
// part is shown as an attachment, and a header or report.json cannot hold
// megabytes. It is written last, once the entity's length is known, so
// sealing stays streaming.
//
// paddingLine is what the epilogue is made of: lines of 76 spaces.
var paddingLine = []byte("                                                                            \r\n")

// padWriter counts the plaintext written through it.
type padWriter struct {
	w io.Writer
	n int64
}

func (p *padWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.n += int64(n)
	return n, err
}

// pad writes the epilogue that brings p's plaintext to [PaddedLength].
func (p *padWriter) pad() error {
	left := PaddedLength(p.n) - p.n
	chunk := bytes.Repeat(paddingLine, 840) // 64 KiB, in whole lines
	for left > 0 {
		k := min(left, int64(len(chunk)))
		if _, err := p.Write(chunk[:k]); err != nil {
			return err
		}
		left -= k
	}
	return nil
}
