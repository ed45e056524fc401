//go:build !js

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// wireLog records every exchange with the intake, both ways.
type wireLog struct {
	mu        sync.Mutex
	exchanges []*exchange
}

type exchange struct {
	method, uri string
	reqHeader   http.Header
	reqBody     []byte
	status      int
	respHeader  http.Header
	respBody    []byte
}

// wrap records what h is sent and answers.
func (l *wireLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		e := &exchange{method: r.Method, uri: r.RequestURI, reqHeader: r.Header.Clone(), reqBody: body,
			status: rec.status, respHeader: w.Header().Clone(), respBody: rec.body.Bytes()}
		l.mu.Lock()
		l.exchanges = append(l.exchanges, e)
		l.mu.Unlock()
	})
}

func (l *wireLog) all() []*exchange {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*exchange(nil), l.exchanges...)
}

// find returns the exchanges of method on path with status (0: any).
func (l *wireLog) find(method, path string, status int) []*exchange {
	var out []*exchange
	for _, e := range l.all() {
		p, _, _ := strings.Cut(e.uri, "?")
		if e.method == method && (p == path || strings.TrimPrefix(p, "/") == strings.TrimPrefix(path, "/")) && (status == 0 || e.status == status) {
			out = append(out, e)
		}
	}
	return out
}

func (l *wireLog) summaries() []string {
	var out []string
	for _, e := range l.all() {
		out = append(out, e.summary())
	}
	return out
}

func (e *exchange) summary() string { return fmt.Sprintf("%s %s → %d", e.method, e.uri, e.status) }

// text is the exchange as text: request line, headers and body, response
// status, headers and body; without the request's Authorization header
// unless withAuth.
func (e *exchange) text(withAuth bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", e.method, e.uri)
	for k, vs := range e.reqHeader {
		if k == "Authorization" && !withAuth {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(vs, ", "))
	}
	b.Write(e.reqBody)
	fmt.Fprintf(&b, "\n%d\n", e.status)
	for k, vs := range e.respHeader {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(vs, ", "))
	}
	b.Write(e.respBody)
	return b.String()
}

// recordingWriter keeps a copy of what a handler answers.
type recordingWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.wrote = true
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *recordingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withoutAuthorization is a captured browser request without its
// Authorization header line.
func withoutAuthorization(req string) string {
	var keep []string
	for _, line := range strings.Split(req, "\n") {
		if !strings.HasPrefix(strings.ToLower(line), "authorization:") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}
