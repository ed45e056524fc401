// Package deliver posts sealed reports to a vendor's endpoint and builds
// what a reporter keeps: the receipt, and the fallbacks when posting fails.
//
// # Posting
//
// A [Client] posts a sealed report in the endpoint's format ("raw",
// "multipart" or "json"), with an Idempotency-Key header so that a retry
// never files the report twice. It retries network errors, 408, 429 and 5xx
// with exponential backoff and full jitter (honouring Retry-After), never
// other 4xx, and stops at the context's deadline. Success is any 2xx
// answer: a Sealpost intake's [Receipt], whose SHA-256 the client checks
// against what it sent, or, from any other endpoint (a ticketing system,
// a form back-end, a webhook), an answer without one, for which the
// client makes the receipt itself ([Receipt.ByClient]: the idempotency
// key as id, the SHA-256 of what it sent, its own clock). Failure is an
// *[Error] that says what the reporter can do next.
//
// When a Sealpost intake refuses a post with a proof-of-work challenge
// (428, or 403/409 for a stale solution), the client solves it over the
// sealed bytes' SHA-256 and posts again at once; [Client.PostWork] keeps the
// solution with the sealed report for a later resend.
//
// It uses net/http only, so the same code runs natively and in the browser.
//
// # Fallbacks
//
// [Mailto] builds a mailto: link to the vendor's security address (the
// way in of an email-only config, and the fallback when posting fails),
// and [Summary] the receipt a reporter keeps.
package deliver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
	"github.com/sealpost/sealpost/core/internal/wasmhash"
	"github.com/sealpost/sealpost/core/internal/web"
	"github.com/sealpost/sealpost/core/thread"
)

// Formats a vendor endpoint may take.
const (
	FormatRaw       = "raw"
	FormatMultipart = "multipart"
	FormatJSON      = "json"
)

// ContentTypeRaw is the Content-Type of a raw post.
const ContentTypeRaw = "application/pgp-encrypted"

// MaxResponseBytes bounds the receiver's answer.
const MaxResponseBytes = 64 << 10

// Receipt is the receiver's answer to a stored report, or, from an
// endpoint that gives none, the client's own record of the post.
type Receipt struct {
	ID         string    `json:"id"`
	SHA256     string    `json:"sha256"`
	ReceivedAt time.Time `json:"received_at"`
	// ByClient is set when the endpoint answered 2xx without a Sealpost
	// receipt and the client made this one: ID is the idempotency key,
	// SHA256 that of the bytes sent, ReceivedAt the client's clock. Never
	// read from an answer.
	ByClient bool `json:"-"`
	// Status is the endpoint's HTTP status.
	Status int `json:"-"`
}

// Error is a failed delivery: what happened, whether trying again later may
// help, and what the reporter can do now.
type Error struct {
	Status    int  // the last HTTP status, 0 for a network error
	Temporary bool // the server may accept the report later
	Attempts  int
	Err       error
	// challenge is the proof of work the endpoint asked for with its refusal.
	challenge string
}

func (e *Error) Error() string {
	next := "the report was refused; your sealed report is kept: send it to the vendor by email, or download it"
	if e.Temporary {
		next = "the vendor's server is not reachable now; your sealed report is kept: retry later, send it by email, or download it"
	}
	return fmt.Sprintf("delivery failed after %d attempt(s): %v; %s", e.Attempts, e.Err, next)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrReceipt reports a 2xx answer that does not acknowledge what was sent.
var ErrReceipt = errors.New("the receiver's answer does not acknowledge this report")

// Doer sends HTTP requests: an *http.Client, or the browser's client in the
// widget. It is the core's one exported name for its HTTP client:
// core/pgpkey's Fetch, LookupWKD and Load take a Doer too.
type Doer = web.Doer

// Client posts sealed reports. Its zero value is not usable: set Endpoint.
type Client struct {
	Endpoint string
	Format   string // FormatRaw when empty
	HTTP     Doer   // http.DefaultClient when nil (natively)
	// Attempts is how many times a post is tried (default 5).
	Attempts int
	// BaseDelay and MaxDelay shape the backoff (defaults 500 ms and 30 s).
	BaseDelay, MaxDelay time.Duration
	// Sleep waits between attempts; nil means a timer. Tests inject it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a random duration in [0, d); nil means crypto/rand.
	Jitter func(d time.Duration) time.Duration
	// Challenge, when set, is the URL of the endpoint's proof-of-work
	// challenge ([ChallengeURL]): a post without a current solution fetches
	// and solves it first, so that the body is uploaded once. When it
	// cannot be fetched, the post goes without.
	Challenge string
	// ThreadHash, when set, is the report's thread token hash
	// ([thread.TokenHash]), sent in the Sealpost-Thread header so that a
	// Sealpost intake opens the report's thread. Set it per report (Post
	// on a copy of the client): every retry of a report must carry the same.
	ThreadHash string
	// Pause, when set, is called between slices of a proof of work
	// (work.go), so that a browser stays responsive; its error stops it.
	Pause func() error
	// Now is the clock of a receipt the client makes; nil means time.Now.
	Now func() time.Time
}

// NewIdempotencyKey returns a random key for one report; keep it with the
// sealed report so that every retry, even after a reload, carries it.
func NewIdempotencyKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Post sends the size bytes of sealed (read afresh for each attempt) to the
// endpoint under the idempotency key, and returns the receiver's receipt.
// When the endpoint asks for a proof of work, Post solves it ([Client.PostWork]).
func (c *Client) Post(ctx context.Context, sealed io.ReaderAt, size int64, key string) (*Receipt, error) {
	return c.PostWork(ctx, sealed, size, key, nil)
}

// PostWork is [Client.Post] with a proof of work kept with the sealed
// report: it sends work's solution unless it has expired, and when the
// endpoint refuses the post with a challenge (a Sealpost intake's 428, or
// 403 or 409 for a stale solution) it solves that challenge over the
// sealed bytes' SHA-256, stores the solution in work and posts again at
// once. work may be nil.
func (c *Client) PostWork(ctx context.Context, sealed io.ReaderAt, size int64, key string, work *Work) (*Receipt, error) {
	if work == nil {
		work = &Work{}
	}
	// The receipt's SHA-256 is checked against ours, hashed while the
	// first attempt uploads: in the browser, hashing a 137 MB message
	// takes seconds that the upload hides.
	type hashed struct {
		sum string
		err error
	}
	hashing := make(chan hashed, 1)
	go func() {
		sum, err := Hash(sealed, size)
		hashing <- hashed{sum, err}
	}()
	ourSum := sync.OnceValue(func() hashed { return <-hashing })
	solved := 0
	if c.Challenge != "" && work.current() == "" {
		if ch := c.fetchChallenge(ctx); ch != "" {
			ours := ourSum()
			if err := c.solve(ctx, ch, ours.sum, ours.err, work); err != nil {
				return nil, &Error{Err: fmt.Errorf("solving the endpoint's proof of work: %w", err)}
			}
			solved++
		}
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	var last *Error
	for attempt := 1; attempt <= attempts; attempt++ {
		receipt, wait, err := c.try(ctx, sectionBody{io.NewSectionReader(sealed, 0, size)}, key, work.current())
		if err == nil {
			ours := ourSum()
			if ours.err != nil {
				return nil, &Error{Status: receipt.Status, Attempts: attempt, Err: fmt.Errorf("reading the sealed report to check the receipt: %w", ours.err)}
			}
			if receipt.ByClient {
				receipt.ID, receipt.SHA256, receipt.ReceivedAt = key, ours.sum, c.now().UTC().Truncate(time.Second)
			}
			if receipt.SHA256 != ours.sum {
				return nil, &Error{Status: receipt.Status, Attempts: attempt, Err: fmt.Errorf("%w: it stored sha256 %s, we sent %s", ErrReceipt, receipt.SHA256, ours.sum)}
			}
			return receipt, nil
		}
		last = err
		last.Attempts = attempt
		if err.challenge != "" && solved < maxSolves {
			// A challenge answered is not a failed attempt.
			solved++
			ours := ourSum()
			if serr := c.solve(ctx, err.challenge, ours.sum, ours.err, work); serr != nil {
				last.Err = fmt.Errorf("%v (then, solving its proof of work: %w)", last.Err, serr)
				break
			}
			attempt--
			continue
		}
		if !err.Temporary || attempt == attempts {
			break
		}
		if werr := c.sleep(ctx, c.backoff(attempt, wait)); werr != nil {
			last.Err = fmt.Errorf("%v (then: %w)", last.Err, werr)
			break
		}
	}
	return nil, last
}

// sectionBody is a request body read from a section of the sealed report.
// It is a ReadCloser, so the request keeps it as it is, and a Doer can see
// what it reads (Outer): the browser's sends the sealed Blob itself
// instead of copying it through Go.
type sectionBody struct{ *io.SectionReader }

func (sectionBody) Close() error { return nil }

func (c *Client) try(ctx context.Context, body io.Reader, key, solution string) (*Receipt, time.Duration, *Error) {
	req, err := c.request(ctx, body, key)
	if err != nil {
		return nil, 0, &Error{Err: err}
	}
	if solution != "" {
		req.Header.Set(pow.Header, solution)
	}
	client := web.Or(c.HTTP)
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, &Error{Temporary: ctx.Err() == nil, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, 0, &Error{Status: resp.StatusCode, Temporary: true, Err: err}
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		r, err := answerReceipt(data)
		if err != nil {
			return nil, 0, &Error{Status: code, Err: err}
		}
		r.Status = code
		return r, 0, nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return nil, retryAfter(resp.Header.Get("Retry-After"), time.Now()), &Error{Status: code, Temporary: true, Err: statusError(resp, data)}
	default:
		return nil, 0, &Error{Status: code, Err: statusError(resp, data), challenge: challengeIn(resp)}
	}
}

func (c *Client) request(ctx context.Context, body io.Reader, key string) (*http.Request, error) {
	var contentType string
	switch c.Format {
	case "", FormatRaw:
		contentType = ContentTypeRaw
	case FormatMultipart:
		src := body // body becomes the pipe below; the goroutine reads src
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		contentType = mw.FormDataContentType()
		go func() {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="message"; filename="report.asc"`)
			h.Set("Content-Type", ContentTypeRaw)
			part, err := mw.CreatePart(h)
			if err == nil {
				_, err = io.Copy(part, src)
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		body = pr
	case FormatJSON:
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN PGP MESSAGE-----")) {
			return nil, errors.New(`the json format carries an armored message: seal with armor for this endpoint`)
		}
		js, err := json.Marshal(map[string]string{"message": string(data)})
		if err != nil {
			return nil, err
		}
		body, contentType = bytes.NewReader(js), "application/json"
	default:
		return nil, fmt.Errorf("unknown endpoint format %q: use raw, multipart or json", c.Format)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Idempotency-Key", key)
	if c.ThreadHash != "" {
		req.Header.Set(thread.HeaderThread, c.ThreadHash)
	}
	return req, nil
}

// answerReceipt reads a 2xx answer's body: a Sealpost receipt when it
// starts with a JSON object naming a "sha256" (then read strictly, as a
// whole: a receiver that stored other bytes must not pass), and otherwise
// no receipt at all (an empty 204, a ticket system's own JSON, HTML),
// which the client makes itself (ByClient; the caller fills it in).
func answerReceipt(data []byte) (*Receipt, error) {
	var probe map[string]json.RawMessage
	if json.NewDecoder(bytes.NewReader(data)).Decode(&probe) != nil || probe["sha256"] == nil {
		return &Receipt{ByClient: true}, nil
	}
	return ParseReceipt(data)
}

// Hash is the SHA-256, in hex, of the size bytes of sealed: what a
// receipt's sha256 names. In the browser it runs the hash unrolled for
// wasm (core/internal/wasmhash).
func Hash(sealed io.ReaderAt, size int64) (string, error) {
	h := wasmhash.NewSHA256()
	if _, err := io.Copy(h, io.NewSectionReader(sealed, 0, size)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// ParseReceipt reads a Sealpost receiver's 201 answer, strictly.
func ParseReceipt(data []byte) (*Receipt, error) {
	if len(data) > MaxResponseBytes {
		return nil, fmt.Errorf("%w: an answer of more than %d bytes", ErrReceipt, MaxResponseBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Receipt
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrReceipt, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrReceipt)
	}
	if r.ID == "" || len(r.ID) > 200 || strings.ContainsFunc(r.ID, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		return nil, fmt.Errorf("%w: no usable id", ErrReceipt)
	}
	if len(r.SHA256) != 64 || strings.Trim(r.SHA256, "0123456789abcdef") != "" {
		return nil, fmt.Errorf("%w: sha256 %q is not a lower-case SHA-256", ErrReceipt, r.SHA256)
	}
	if r.ReceivedAt.IsZero() {
		return nil, fmt.Errorf("%w: no received_at", ErrReceipt)
	}
	return &r, nil
}

func statusError(resp *http.Response, body []byte) error {
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 || strings.ContainsFunc(msg, func(c rune) bool { return c < 0x20 && c != '\n' }) {
		msg = ""
	}
	if msg != "" {
		return fmt.Errorf("the server answered %s: %s", resp.Status, msg)
	}
	return fmt.Errorf("the server answered %s", resp.Status)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// backoff is the wait before the next attempt: full jitter over
// BaseDelay·2^(attempt-1), capped at MaxDelay, but never less than the
// server's Retry-After (itself capped at MaxDelay).
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	base, maxDelay := c.BaseDelay, c.MaxDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if maxDelay <= 0 {
		maxDelay = 30 * time.Second
	}
	ceiling := min(base<<min(attempt-1, 20), maxDelay)
	d := c.jitter(ceiling)
	return max(d, min(retryAfter, maxDelay))
}

func (c *Client) jitter(d time.Duration) time.Duration {
	if c.Jitter != nil {
		return c.Jitter(d)
	}
	if d <= 0 {
		return 0
	}
	n, err := rand.Int(rand.Reader, big.NewInt(int64(d)))
	if err != nil {
		return d / 2
	}
	return time.Duration(n.Int64())
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
