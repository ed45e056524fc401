package widget

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/thread"
)

// The reporter's side of the thread's wire contract (core/thread, wire.go),
// in the browser: GET and POST the intake's /thread with the thread token
// in the Authorization header, which is the only place the token goes.
// (sealpost follow has its own client, in core/cmd/sealpost.)

const (
	// maxViewBytes bounds a thread as the widget reads it: the browser's
	// client copies an answer into Go whole. A longer thread is read with
	// sealpost follow.
	maxViewBytes = 4 << 20
	// threadTimeout bounds one exchange with the intake.
	threadTimeout = time.Minute
)

// threadClient reads and writes one report's thread on a Sealpost intake.
type threadClient struct {
	url, token string
	http       deliver.Doer
}

// threadError is a thread request that did not succeed: status 0 for the
// network, or the intake's answer and what it said.
type threadError struct {
	status  int
	refusal thread.Refusal
	err     error
}

func (e *threadError) Error() string {
	if e.status == 0 {
		return "the intake cannot be reached: " + e.err.Error()
	}
	return fmt.Sprintf("the intake answered %d: %s", e.status, e.refusal.Error)
}

func (e *threadError) Unwrap() error { return e.err }

// errNotAThread is an answer that does not read as the contract says.
var errNotAThread = errors.New("the intake's answer is not a thread")

// get reads the thread.
func (c *threadClient) get(ctx context.Context) (*thread.View, error) {
	data, err := c.do(ctx, http.MethodGet, nil, maxViewBytes)
	if err != nil {
		return nil, err
	}
	var v thread.View
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%w: %v", errNotAThread, err)
	}
	if v.ReportID == "" || len(v.ReportID) > 200 || v.ReceivedAt.IsZero() {
		return nil, fmt.Errorf("%w: it names no report", errNotAThread)
	}
	for i, e := range v.Entries {
		if e.From != thread.FromVendor && e.From != thread.FromReporter {
			return nil, fmt.Errorf("%w: entry %d is from %q", errNotAThread, i+1, report.Clean(e.From))
		}
	}
	return &v, nil
}

// post adds one sealed message to the thread.
func (c *threadClient) post(ctx context.Context, msg []byte) (*thread.Posted, error) {
	data, err := c.do(ctx, http.MethodPost, msg, deliver.MaxResponseBytes)
	if err != nil {
		return nil, err
	}
	var p thread.Posted
	if json.Unmarshal(data, &p) != nil || p.Seq < 1 || p.At.IsZero() {
		return nil, fmt.Errorf("%w: it does not acknowledge the message", errNotAThread)
	}
	return &p, nil
}

// do sends one request and returns the body of a 2xx answer, at most limit
// bytes; any other answer is a *threadError.
func (c *threadClient) do(ctx context.Context, method string, body []byte, limit int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, threadTimeout)
	defer cancel()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", deliver.ContentTypeRaw)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	if c.http == nil {
		return nil, &threadError{err: errors.New("no HTTP client")}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &threadError{err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, deliver.MaxResponseBytes))
		te := &threadError{status: resp.StatusCode, err: errors.New(resp.Status)}
		if json.Unmarshal(data, &te.refusal) != nil {
			te.refusal = thread.Refusal{}
		}
		te.refusal.Error = report.Clean(te.refusal.Error[:min(len(te.refusal.Error), 300)])
		return nil, te
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNotAThread, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: it is over %d bytes; read it with sealpost follow", errNotAThread, limit)
	}
	return data, nil
}

// problem says in the reporter's language what went wrong with a thread
// request and what to do; refusedAt is set when the intake refused a post
// as too soon, with the date it names.
func problem(lang, org string, err error) (msg string, refusedAt time.Time) {
	var te *threadError
	switch {
	case errors.As(err, &te) && te.status == 0:
		return text(lang, "err_network", org), time.Time{}
	case errors.As(err, &te) && te.status == http.StatusNotFound:
		return text(lang, "err_not_found", org), time.Time{}
	case errors.As(err, &te) && te.status == http.StatusTooManyRequests && te.refusal.NextEnquiryAt != nil:
		at := *te.refusal.NextEnquiryAt
		return textf(lang, "answer_refused", org, "{date}", formatDateTime(lang, at)), at
	case errors.As(err, &te) && te.status == http.StatusTooManyRequests:
		return text(lang, "err_busy", org), time.Time{}
	case errors.As(err, &te):
		msg := textf(lang, "err_server", org, "{status}", fmt.Sprint(te.status))
		if te.refusal.Error != "" {
			msg += " (" + te.refusal.Error + ")"
		}
		return msg, time.Time{}
	case errors.Is(err, errNotAThread):
		return text(lang, "err_answer", org), time.Time{}
	}
	return text(lang, "err_other", org), time.Time{}
}

// followSession is what a code opens: the reply key, to read and to sign,
// and the thread's client, which holds the token.
type followSession struct {
	code     thread.Code
	reply    *openpgp.Entity
	replyKey *pgpkey.Key
	client   *threadClient
}

// newFollowSession derives the reply key and the token from code. It is
// slow (two key pairs): call it off the UI's path.
func newFollowSession(code thread.Code, url string, doer deliver.Doer, now func() time.Time) (*followSession, error) {
	reply, err := code.ReplyKey()
	if err != nil {
		return nil, err
	}
	pub, err := code.ReplyPublicKey()
	if err != nil {
		return nil, err
	}
	set, err := pgpkey.Parse([]byte(pub), pgpkey.Options{Now: now})
	if err != nil {
		return nil, err
	}
	return &followSession{code: code, reply: reply, replyKey: set.Keys[0],
		client: &threadClient{url: url, token: code.Token(), http: doer}}, nil
}
