package seal

import (
	"bytes"
	"io"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
)

// BenchmarkPaddingOverhead reports the largest padding cost, in percent
// of the plaintext, over every plaintext length from 64 KiB to 200 MB
// (PaddedLength at each; make bench prints it as padding_overhead_max_pct),
// and confirms it with a real seal: a report whose entity is one byte past
// a Padmé step, decrypted, is padded to exactly PaddedLength.
func BenchmarkPaddingOverhead(b *testing.B) {
	var worst float64
	var worstAt int64
	for b.Loop() {
		worst, worstAt = 0, 0
		for n := int64(MinPaddedBytes); n <= 200_000_000; n++ {
			if pct := float64(PaddedLength(n)-n) / float64(n) * 100; pct > worst {
				worst, worstAt = pct, n
			}
		}
	}
	b.ReportMetric(worst, "overhead-max-pct")
	b.ReportMetric(float64(worstAt), "at-bytes")

	// The real seal: an attachment sized so that the entity is just past
	// 1 MiB, the worst case at that size (within the 4 bytes base64 moves
	// by).
	v := newVendor(b, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	base, _ := sampleReport()
	r, files := withFile(base, 700_000)
	size := 700_000 + int(1<<20-mimeLengthB(b, r, files))*57/78 - 300
	for r, files = withFile(base, size); mimeLengthB(b, r, files) <= 1<<20; size++ {
		r, files = withFile(base, size)
	}
	var sealed bytes.Buffer
	if err := Report(&sealed, r, []io.Reader{bytes.NewReader(files[0])}, []*pgpkey.Key{v.public}, Options{Now: clock}); err != nil {
		b.Fatal(err)
	}
	plain, err := Decrypt(&sealed, v.secret)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, plain)
	if err != nil {
		b.Fatal(err)
	}
	entity := mimeLengthB(b, r, files)
	if n != PaddedLength(entity) {
		b.Fatalf("a sealed entity of %d bytes decrypted to %d, want %d", entity, n, PaddedLength(entity))
	}
	b.ReportMetric(float64(n-entity)/float64(entity)*100, "seal-overhead-pct")
	b.ReportMetric(float64(entity), "seal-entity-bytes")
}

func mimeLengthB(b *testing.B, r *report.Report, files [][]byte) int64 {
	b.Helper()
	n := &padWriter{w: io.Discard}
	if err := report.WriteMIME(n, r, []io.Reader{bytes.NewReader(files[0])}); err != nil {
		b.Fatal(err)
	}
	return n.n
}
