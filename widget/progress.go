package widget

import (
	"io"

	"github.com/sealpost/sealpost/core/report"
)

// withProgress wraps r in a progressReader, which still checks itself when
// r does (see report.CheckedBody).
// yield, when set, lets the browser run every yieldEvery bytes read, so
// the page never waits long for the sealer (see [Platform].Yield).
func withProgress(r io.Reader, yield func(), progress func(n int64)) io.Reader {
	p := &progressReader{r: r, yield: yield, report: progress}
	if c, ok := r.(report.CheckedBody); ok {
		return checkedProgress{p, c.CheckedSHA256()}
	}
	return p
}

type checkedProgress struct {
	*progressReader
	sha256 string
}

func (c checkedProgress) CheckedSHA256() string { return c.sha256 }

// progressReader reports how many bytes went through, at most once per
// MiB (and at the end), so that a 100 MB video makes 100 updates.
type progressReader struct {
	r                  io.Reader
	yield              func()
	report             func(n int64)
	pending, unyielded int64
}

const yieldEvery = 128 << 10

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.unyielded += int64(n)
	if p.unyielded >= yieldEvery && p.yield != nil {
		p.yield()
		p.unyielded = 0
	}
	p.pending += int64(n)
	if p.pending >= 1<<20 || err != nil && p.pending > 0 {
		p.report(p.pending)
		p.pending = 0
	}
	return n, err
}
