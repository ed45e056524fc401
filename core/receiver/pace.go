package receiver

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// errTooSlow reports a body that arrived slower than the minimum rate.
var errTooSlow = errors.New("the upload was slower than the minimum rate")

// pacedReader enforces a minimum upload rate: each window must bring
// rate × window bytes, or the connection's read deadline passes and the
// read fails. A trickling client holds a connection one window at most.
type pacedReader struct {
	r       io.Reader
	rc      *http.ResponseController
	quota   int64
	window  time.Duration
	got     int64
	started bool
}

func newPacedReader(r io.Reader, rc *http.ResponseController, rate int, window time.Duration) *pacedReader {
	return &pacedReader{r: r, rc: rc, quota: int64(float64(rate) * window.Seconds()), window: window}
}

func (p *pacedReader) Read(b []byte) (int, error) {
	if !p.started {
		p.started = true
		p.rc.SetReadDeadline(time.Now().Add(p.window))
	}
	n, err := p.r.Read(b)
	p.got += int64(n)
	if p.got >= p.quota {
		p.got = 0
		p.rc.SetReadDeadline(time.Now().Add(p.window))
	}
	if err != nil && !errors.Is(err, io.EOF) && isTimeout(err) {
		return n, errTooSlow
	}
	if errors.Is(err, io.EOF) {
		p.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
