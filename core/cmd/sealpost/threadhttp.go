package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/internal/strictjson"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/thread"
)

// The thread's wire contract is core/thread's (wire.go); this is its
// client for the command line: the reporter's side (sealpost follow,
// /thread with the thread token) and the vendor's (sealpost reply and
// open --thread, /threads/{id} with the operator credential).

const (
	// maxViewBytes bounds a thread as the intake sends it: its default
	// limits (500 messages of 256 KiB, armored, JSON-escaped) come to
	// about 130 MB.
	maxViewBytes = 192 << 20
	// threadTimeout bounds one exchange with the intake.
	threadTimeout = 2 * time.Minute
)

// threadClient reads and writes one thread at url, showing bearer.
type threadClient struct {
	url    string
	bearer string
}

// intakeError is an answer other than success: its status and what the
// intake said (thread.Refusal), cleaned for a terminal.
type intakeError struct {
	status  string
	code    int
	refusal thread.Refusal
}

func (e *intakeError) Error() string {
	if e.refusal.Error == "" {
		return "the intake answered " + report.Clean(e.status)
	}
	return "the intake answered " + report.Clean(e.status) + ": " + report.Clean(e.refusal.Error)
}

// get reads the thread.
func (c *threadClient) get(ctx context.Context) (*thread.View, error) {
	resp, err := c.do(ctx, http.MethodGet, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxViewBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the intake's answer: %w", err)
	}
	if len(data) > maxViewBytes {
		return nil, fmt.Errorf("the intake's answer is over %d bytes: this is not a thread", maxViewBytes)
	}
	return parseView(data)
}

// post adds one sealed message to the thread.
func (c *threadClient) post(ctx context.Context, msg []byte) (*thread.Posted, error) {
	resp, err := c.do(ctx, http.MethodPost, msg)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, deliver.MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the intake's answer: %w", err)
	}
	var p thread.Posted
	if len(data) > deliver.MaxResponseBytes || strictjson.Decode(data, &p) != nil || p.Seq < 1 || p.At.IsZero() {
		return nil, errors.New("the intake's answer does not acknowledge the message: look at the thread before you send it again")
	}
	return &p, nil
}

// do sends one request and returns a 2xx answer; any other is an
// *intakeError.
func (c *threadClient) do(ctx context.Context, method string, body []byte) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, threadTimeout)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url, rd)
	if err != nil {
		cancel()
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", deliver.ContentTypeRaw)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.bearer)
	resp, err := threadHTTP.Do(req)
	if err != nil {
		cancel()
		return nil, cleanError(fmt.Errorf("the intake cannot be reached, try again later: %w", err))
	}
	resp.Body = cancelOnClose{resp.Body, cancel}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 3 {
		to := resp.Header.Get("Location")
		return nil, cleanError(fmt.Errorf("the intake answered %s, a redirect to %.200q, which is not followed with the credential: give --server as the intake's own address", resp.Status, to))
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, deliver.MaxResponseBytes))
	ie := &intakeError{status: resp.Status, code: resp.StatusCode}
	if json.Unmarshal(data, &ie.refusal) != nil {
		// Not the intake's JSON: a proxy's page, perhaps. One line of it.
		text, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
		ie.refusal = thread.Refusal{Error: text[:min(len(text), 200)]}
	}
	return nil, ie
}

// threadHTTP is the client of the thread endpoints. It follows no
// redirect: the API never answers one, and Go's client would send the
// Authorization header on to any port and scheme of the same host, and to
// its subdomains (to http, in the clear).
var threadHTTP = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// parseView reads a thread.View from outside, strictly, in memory about
// the answer's size and time linear in it: no unknown key, at most
// thread.MaxEntries entries, each from one of the two sides and numbered
// upwards, decoded one at a time and refused at the first fault.
// (strictjson, which names unknown keys by first decoding the whole
// document into a generic tree, took 14 GB and four minutes for the
// 192 MiB answer `{"entries":[{},{},…]}`.)
func parseView(data []byte) (*thread.View, error) {
	var doc struct {
		thread.View
		Entries viewEntries `json:"entries"` // in place of the View's own
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&doc)
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = errors.New("there is data after the thread")
		}
	}
	if err != nil {
		return nil, cleanError(fmt.Errorf("the intake's answer is not a thread: %w", err))
	}
	v := &doc.View
	v.Entries = doc.Entries
	if v.ReportID == "" || len(v.ReportID) > 200 || strings.ContainsFunc(v.ReportID, func(c rune) bool { return c <= ' ' || c >= 0x7f }) {
		return nil, errors.New("the intake's answer is not a thread: it names no usable report id")
	}
	return v, nil
}

// viewEntries is a View's entries as parseView reads them.
type viewEntries []thread.Entry

func (es *viewEntries) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return errors.New("its entries are not a list")
	}
	for dec.More() {
		n := len(*es) + 1
		if n > thread.MaxEntries {
			return fmt.Errorf("it has more than %d entries, the most an intake keeps", thread.MaxEntries)
		}
		var e thread.Entry
		if err := dec.Decode(&e); err != nil {
			return fmt.Errorf("entry %d: %w", n, err)
		}
		switch {
		case e.From != thread.FromVendor && e.From != thread.FromReporter:
			return fmt.Errorf("entry %d is from %q", n, report.Clean(e.From))
		case e.Seq < 1 || n > 1 && e.Seq <= (*es)[n-2].Seq:
			return fmt.Errorf("entry %d is numbered %d, out of order", n, e.Seq)
		}
		*es = append(*es, e)
	}
	_, err := dec.Token()
	return err
}

// intakeBase is the intake's base URL from --server: https://intake.example,
// or its report endpoint https://intake.example/reports.
func intakeBase(server string) (string, error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", usageError("--server must be the intake's URL, like https://intake.example.com (or its report endpoint, https://intake.example.com/reports), not %q", server)
	}
	base := strings.TrimRight(u.String(), "/")
	return strings.TrimSuffix(base, "/reports"), nil
}

// reporterURL is the reporter's thread endpoint on the intake at server.
func reporterURL(server string) (string, error) {
	if u := thread.URL(server); u != "" {
		return u, nil
	}
	base, err := intakeBase(server)
	if err != nil {
		return "", err
	}
	return base + "/thread", nil
}

// when is how a time from the thread is shown.
func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
