// Package receiver is Sealpost's intake, the one part of Sealpost that faces
// anyone on the internet: it accepts sealed reports over HTTP, stores them
// durably and, when configured, relays each one by mail to the security
// team as a PGP/MIME email. It keeps the conversation between a reporter
// and the vendor that follows a report sent with a reply code (a thread,
// core/thread). It only ever sees ciphertext and times.
//
// [New] returns an [http.Handler] that a vendor can mount in its own Go
// server; [Run] serves it with every limit set (timeouts, connections per
// address, the relay, start-up reconciliation), as `sealpost serve` does.
// It is native only: the widget's wasm never links it.
//
// # API
//
//	POST /reports   body: the OpenPGP message (Content-Type application/pgp-encrypted),
//	                a form with one field "message" (multipart/form-data), or
//	                {"message": ...} (application/json); header Idempotency-Key.
//	                201 {"id", "sha256", "received_at"}; a retry with the same key and
//	                body answers 200 with the same receipt; another body, 409.
//	GET  /healthz   200 {"status": "ok", "outbox": N, "failed": [...]}
//	GET  /challenge 200 {"challenge", ...}: a proof-of-work challenge (pow.go); a post
//	                then carries its solution in Sealpost-Proof-Of-Work, or gets 428
//	POST /reports   with Sealpost-Thread: <token hash> (64 lower-case hex, else 400)
//	                also opens the report's thread before the 201; a retry naming
//	                another thread (or none, when the first named one) gets 409
//	GET  /thread    Authorization: Bearer <thread token>: 200 thread.View
//	POST /thread    the same, body one armored OpenPGP message: 201 thread.Posted;
//	                too soon after the reporter's last message (threads.enquiry_interval_days)
//	                429 thread.Refusal with next_enquiry_at and Retry-After
//	GET  /threads       Authorization: Bearer <operator credential>: 200 [thread.Summary]
//	GET  /threads/{id}  the same: 200 thread.View
//	POST /threads/{id}  the same, the vendor's message: 201 thread.Posted
//
// A token that opens no thread, malformed or not, gets 404; a wrong
// operator credential 401; either, ten times from one address, 429 until
// a minute has passed per further try. Without
// threads.operator_credential_sha256 the operator endpoints answer 403.
// The thread endpoints answer errors as JSON (thread.Refusal); /thread
// has the same CORS grant as /reports, the operator endpoints none.
//
// A body that is not exactly one encrypted OpenPGP message ([Sniff]) is
// refused with 415 and stored nowhere; bodies over the limit get 413, slower
// than the minimum upload rate 408, too many requests from one address 429,
// a busy or full intake 503 with Retry-After; origins outside the
// allow-list get no CORS grant (and 403). Bodies and tokens are never logged.
package receiver

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
	"github.com/sealpost/sealpost/core/thread"
)

// Receiver is the HTTP handler. Create it with [New].
type Receiver struct {
	cfg       Config
	store     *Store
	log       *slog.Logger
	limiter   *limiter
	uploads   chan struct{}
	mu        sync.Mutex
	uploading map[string]int // uploads in progress per client
	proxies   []*net.IPNet
	work      *work    // nil: no proof of work asked
	guesses   *limiter // wrong thread tokens and operator credentials, per client
	now       func() time.Time
	// Stored is called after each new report is durably stored (the relay
	// listens here); it must not block.
	Stored func(*Stored)
}

// New returns a receiver storing into store. cfg must have passed
// [ParseConfig] (or be a literal whose zero fields take the defaults).
func New(cfg Config, store *Store, log *slog.Logger) *Receiver {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	proxies, _ := parseCIDRs(cfg.TrustedProxies)
	rc := &Receiver{
		cfg: cfg, store: store, log: log, proxies: proxies, now: time.Now,
		limiter: newLimiter(cfg.RatePerMinute, cfg.Burst, maxLimiterEntries),
		guesses: newLimiter(guessPerMinute, guessBurst, maxLimiterEntries),
		work:    newWork(cfg.ProofOfWork, store, log),
		uploads: make(chan struct{}, cfg.Limits.maxUploads()), uploading: map[string]int{},
	}
	rc.guesses.now = func() time.Time { return rc.now() }
	return rc
}

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	ctl := http.NewResponseController(w)
	ctl.SetWriteDeadline(time.Now().Add(rc.cfg.Limits.WriteTimeout.or(defaultWriteTimeout)))
	// A body must arrive in time on every path, read or not: the server
	// drains up to 256 KiB of an unread one before it answers. An upload
	// extends this window by window as its bytes come (pacedReader).
	upload := r.Method == http.MethodPost && (r.URL.Path == "/reports" || r.URL.Path == "/thread" || strings.HasPrefix(r.URL.Path, "/threads/"))
	if !upload || rc.cfg.Limits.minRate() > 0 {
		ctl.SetReadDeadline(time.Now().Add(rc.cfg.Limits.UploadWindow.or(defaultUploadWindow)))
	}
	switch {
	case r.URL.Path == "/challenge" && r.Method == http.MethodGet:
		rc.serveChallenge(w, r)
	case r.URL.Path == "/healthz" && r.Method == http.MethodGet:
		rc.health(w)
	case r.URL.Path == "/reports" && r.Method == http.MethodOptions:
		rc.preflight(w, r)
	case r.URL.Path == "/reports" && r.Method == http.MethodPost:
		rc.post(w, r)
	case r.URL.Path == "/reports":
		w.Header().Set("Allow", "POST, OPTIONS")
		fail(w, http.StatusMethodNotAllowed, "POST a sealed report here")
	case r.URL.Path == "/thread":
		rc.serveThread(w, r)
	case r.URL.Path == "/threads" || strings.HasPrefix(r.URL.Path, "/threads/"):
		rc.serveOperator(w, r)
	default:
		fail(w, http.StatusNotFound, "not found")
	}
}

// health says the intake is up, how many reports wait for the relay and
// which ones the mail server refused for good.
func (rc *Receiver) health(w http.ResponseWriter) {
	outbox, err := rc.store.Outbox()
	failed, ferr := rc.store.Failures()
	if err != nil || ferr != nil {
		rc.log.Error("health: reading the store", "err", errors.Join(err, ferr))
		w.Header().Set("Retry-After", "60")
		fail(w, http.StatusServiceUnavailable, "the store cannot be read")
		return
	}
	if failed == nil {
		failed = []Failure{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "outbox": len(outbox), "failed": failed})
}

// cors grants the request's origin when it is allowed; it reports whether
// the request may go on (no Origin, as from curl, or an allowed one).
func (rc *Receiver) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	w.Header().Add("Vary", "Origin")
	if !slices.Contains(rc.cfg.AllowedOrigins, origin) {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	return true
}

func (rc *Receiver) preflight(w http.ResponseWriter, r *http.Request) {
	if !rc.cors(w, r) {
		fail(w, http.StatusForbidden, "this origin may not post reports")
		return
	}
	w.Header().Set("Access-Control-Allow-Methods", "POST")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key, "+pow.Header+", "+thread.HeaderThread)
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

func (rc *Receiver) post(w http.ResponseWriter, r *http.Request) {
	if !rc.cors(w, r) {
		fail(w, http.StatusForbidden, "this origin may not post reports")
		return
	}
	if !rc.limiter.allow(clientKey(r, rc.proxies)) {
		w.Header().Set("Retry-After", "60")
		fail(w, http.StatusTooManyRequests, "too many reports from this address; try again in a minute")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		fail(w, http.StatusBadRequest, "Idempotency-Key must be at most 200 visible ASCII characters")
		return
	}
	tokenHash, ok := threadHeader(r.Header)
	if !ok {
		fail(w, http.StatusBadRequest, thread.HeaderThread+" must be the thread token's SHA-256 in 64 lower-case hex digits, once")
		return
	}
	work, ok := rc.work.begin(w, r, key)
	if !ok {
		return
	}
	release, ok := rc.admit(clientKey(r, rc.proxies))
	if !ok {
		w.Header().Set("Retry-After", "10")
		fail(w, http.StatusServiceUnavailable, "the intake is busy; try again in a few seconds")
		return
	}
	defer release()
	body := io.Reader(http.MaxBytesReader(w, r.Body, rc.cfg.maxBytes()))
	if rate := rc.cfg.Limits.minRate(); rate > 0 {
		body = newPacedReader(body, http.NewResponseController(w), rate, rc.cfg.Limits.UploadWindow.or(defaultUploadWindow))
	}
	tmp, err := rc.store.Temp()
	if err != nil {
		rc.storageFailed(w, err)
		return
	}
	removeTmp := func() { tmp.Close(); os.Remove(tmp.Name()) }
	if err := rc.receive(r, body, work.writer(&storageWriter{tmp})); err != nil {
		removeTmp()
		rc.refuse(w, r, err)
		return
	}
	if !rc.work.finish(w, work, key) {
		removeTmp()
		return
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		removeTmp()
		rc.storageFailed(w, err)
		return
	}
	armored, err := Sniff(tmp)
	if err != nil {
		removeTmp()
		rc.refuse(w, r, err)
		return
	}
	// The receipt's time, and the thread's received_at, are this clock's.
	at := rc.now()
	if err := os.Chtimes(tmp.Name(), at, at); err != nil {
		removeTmp()
		rc.storageFailed(w, err)
		return
	}
	st, isNew, err := rc.store.Commit(tmp, key, armored, rc.cfg.Relay != nil, tokenHash)
	if errors.Is(err, ErrConflict) {
		fail(w, http.StatusConflict, err.Error())
		return
	}
	if err != nil {
		rc.storageFailed(w, err)
		return
	}
	code := http.StatusOK
	if isNew {
		code = http.StatusCreated
		rc.log.Info("stored a report", "id", st.ID, "bytes", st.Size, "sha256", st.SHA256, "thread", tokenHash != "")
		if rc.Stored != nil {
			rc.Stored(st)
		}
	}
	writeJSON(w, code, st)
}

// admit takes one of the upload slots, and one of the client's own
// (max_uploads_per_address), or reports that none is free.
func (rc *Receiver) admit(client string) (release func(), ok bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if hook := rc.cfg.onAdmit; hook != nil {
		defer func() { hook(ok) }()
	}
	if rc.uploading[client] >= rc.cfg.Limits.uploadsPerAddress() {
		return nil, false
	}
	select {
	case rc.uploads <- struct{}{}:
	default:
		return nil, false
	}
	rc.uploading[client]++
	return func() {
		<-rc.uploads
		rc.mu.Lock()
		if rc.uploading[client]--; rc.uploading[client] <= 0 {
			delete(rc.uploading, client)
		}
		rc.mu.Unlock()
	}, true
}

// threadHeader returns the Sealpost-Thread header's token hash, "" when
// there is none, or false when it is malformed or repeated.
func threadHeader(h http.Header) (string, bool) {
	values, present := h[http.CanonicalHeaderKey(thread.HeaderThread)]
	switch {
	case !present:
		return "", true
	case len(values) != 1 || !thread.ValidTokenHash(values[0]):
		return "", false
	}
	return values[0], true
}

// wording is how an endpoint words its refusals: plain text about a
// report on /reports, JSON (thread.Refusal) about a message on the thread
// endpoints.
type wording struct {
	fail func(w http.ResponseWriter, code int, msg string)
	noun string
	max  int64
}

func (rc *Receiver) reportWording() wording { return wording{fail, "report", rc.cfg.maxBytes()} }

func (rc *Receiver) threadWording() wording {
	return wording{failJSON, "message", rc.cfg.Threads.maxMessageBytes()}
}

// refuse answers a report that could not be taken.
func (rc *Receiver) refuse(w http.ResponseWriter, r *http.Request, err error) {
	rc.refuseAs(w, r, err, rc.reportWording())
}

// refuseAs answers a body that could not be taken, saying why without
// echoing it or naming anything on the server.
func (rc *Receiver) refuseAs(w http.ResponseWriter, r *http.Request, err error, wd wording) {
	var tooBig *http.MaxBytesError
	var storage *storageError
	var refused *refusal
	var ne net.Error
	switch {
	case errors.As(err, &storage):
		rc.storageFailedAs(w, storage.err, wd)
	case errors.As(err, &tooBig):
		wd.fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a %s may be at most %d bytes", wd.noun, wd.max))
	case errors.Is(err, ErrNotOpenPGP):
		rc.log.Info("refused a body", "remote", r.RemoteAddr, "reason", err.Error())
		wd.fail(w, http.StatusUnsupportedMediaType, err.Error()+"; only sealed "+wd.noun+"s are accepted")
	case errors.As(err, &refused):
		wd.fail(w, refused.status, refused.msg)
	case errors.Is(err, errTooSlow) || errors.As(err, &ne) && ne.Timeout():
		w.Header().Set("Connection", "close")
		wd.fail(w, http.StatusRequestTimeout, "the upload was too slow; try again")
	default:
		w.Header().Set("Connection", "close")
		wd.fail(w, http.StatusBadRequest, "the upload broke off; try again")
	}
}

// storageFailed answers a report that could not be stored.
func (rc *Receiver) storageFailed(w http.ResponseWriter, err error) {
	rc.storageFailedAs(w, err, rc.reportWording())
}

// storageFailedAs answers 503 with Retry-After: a full disk or another
// storage failure is temporary for the client, whose report or message
// stays with it.
func (rc *Receiver) storageFailedAs(w http.ResponseWriter, err error, wd wording) {
	rc.log.Error("storing a "+wd.noun+" failed", "err", err)
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		w.Header().Set("Retry-After", "300")
		wd.fail(w, http.StatusServiceUnavailable, "the intake is out of storage; your "+wd.noun+" was not stored: try again later")
		return
	}
	w.Header().Set("Retry-After", "60")
	wd.fail(w, http.StatusServiceUnavailable, "the "+wd.noun+" could not be stored now; try again later")
}

// storageError marks a failure to write the store, as opposed to one
// reading the client's body.
type storageError struct{ err error }

func (e *storageError) Error() string { return "storage: " + e.err.Error() }
func (e *storageError) Unwrap() error { return e.err }

type storageWriter struct{ f *os.File }

func (w *storageWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = &storageError{err}
	}
	return n, err
}

// refusal is a request refused with a status and a message for the client.
type refusal struct {
	status int
	msg    string
}

func (e *refusal) Error() string { return e.msg }

// receive copies the message out of the body, in whichever format it came,
// into w, streaming: no format holds the body in memory.
func (rc *Receiver) receive(r *http.Request, body io.Reader, w io.Writer) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return &refusal{http.StatusUnsupportedMediaType, "send Content-Type application/pgp-encrypted, multipart/form-data or application/json"}
	}
	switch mt {
	case "application/pgp-encrypted", "application/octet-stream", "text/plain":
		_, err := io.Copy(w, body)
		return err
	case "multipart/form-data":
		return copyFormMessage(w, body, params["boundary"])
	case "application/json":
		return copyJSONMessage(w, body)
	}
	return &refusal{http.StatusUnsupportedMediaType, "this content type is not accepted: send application/pgp-encrypted, multipart/form-data or application/json"}
}

// copyFormMessage copies the form's one field, "message", to w, as sent:
// a part's Content-Transfer-Encoding is not decoded (the stored bytes are
// the bytes whose SHA-256 the client holds), so a quoted-printable or
// base64 part is refused by [Sniff]. A form with any other field is
// refused: nothing rides along in the clear. The parts' headers may take
// maxFormHeaderBytes, not the 10 MiB mime/multipart would hold in memory.
func copyFormMessage(w io.Writer, body io.Reader, boundary string) error {
	if boundary == "" {
		return &refusal{http.StatusBadRequest, "the multipart body has no boundary"}
	}
	budget := &headerBudget{r: body, left: maxFormHeaderBytes}
	mr := multipart.NewReader(budget, boundary)
	onlyMessage := &refusal{http.StatusBadRequest, `the form must have one field, "message", and nothing else`}
	part, err := mr.NextRawPart()
	if err == io.EOF || err == nil && part.FormName() != "message" {
		return onlyMessage
	}
	if err != nil {
		return formError(err)
	}
	budget.left = -1 // the message itself is bounded by max_bytes
	if _, err := io.Copy(w, part); err != nil {
		return formError(err)
	}
	budget.left = maxFormHeaderBytes
	if _, err = mr.NextRawPart(); err != io.EOF {
		if err == nil {
			return onlyMessage
		}
		return formError(err)
	}
	return nil
}

// maxFormHeaderBytes bounds what a form may hold around its message: the
// preamble, the part's headers, the closing boundary.
const maxFormHeaderBytes = 16 << 10

var errFormHeaders = &refusal{http.StatusBadRequest, "the form's part headers are too long"}

// headerBudget lets left bytes through, then fails; -1 is no bound.
type headerBudget struct {
	r    io.Reader
	left int
}

func (b *headerBudget) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, errFormHeaders
	}
	if b.left > 0 && len(p) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	if b.left > 0 {
		b.left -= n
	}
	return n, err
}

// formError keeps transport and storage errors and turns the multipart
// reader's own complaints into a plain refusal.
func formError(err error) error {
	var tooBig *http.MaxBytesError
	var storage *storageError
	var ne net.Error
	var refused *refusal
	if errors.As(err, &tooBig) || errors.As(err, &storage) || errors.As(err, &ne) || errors.As(err, &refused) ||
		errors.Is(err, errTooSlow) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	return &refusal{http.StatusBadRequest, "the multipart body is malformed"}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := jsonMarshal(v)
	if err != nil {
		fail(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(code)
	w.Write(data)
}

// failJSON answers an error on the thread endpoints, as thread.Refusal.
func failJSON(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, thread.Refusal{Error: msg})
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}
