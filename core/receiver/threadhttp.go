package receiver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/thread"
)

// The thread endpoints (core/thread's wire.go has the contract): /thread
// for the reporter, by thread token; /threads for the operator, by the
// operator credential. They answer errors as JSON (thread.Refusal).

const (
	noThreadForCode = "no thread for this code: check the reply code saved with the report, and that this is the intake it was sent to"
	notArmored      = "a thread message must be ASCII-armored (-----BEGIN PGP MESSAGE-----), and this one is binary: armor it (gpg --armor, sq encrypt without --binary)"
	noOperator      = "this intake has no operator credential: set threads.operator_credential_sha256 in its config"
	wrongOperator   = "wrong operator credential: send Authorization: Bearer <credential>, the credential whose SHA-256 is the intake's threads.operator_credential_sha256"
)

// serveThread answers /thread: the reporter reads the thread and writes to
// it, with the thread token as its credential (no proof of work).
func (rc *Receiver) serveThread(w http.ResponseWriter, r *http.Request) {
	if !rc.cors(w, r) {
		failJSON(w, http.StatusForbidden, "this origin may not use the thread")
		return
	}
	w.Header().Set("Access-Control-Expose-Headers", "Retry-After")
	switch r.Method {
	case http.MethodOptions:
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		w.Header().Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodGet, http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		failJSON(w, http.StatusMethodNotAllowed, "GET the thread, or POST a sealed message to it, with Authorization: Bearer <thread token>")
		return
	}
	client := clientKey(r, rc.proxies)
	if !rc.mayGuess(w, client) {
		return
	}
	token, _ := bearer(r.Header)
	id, m, err := rc.store.threadByToken(token)
	switch {
	case errors.Is(err, errUnknownToken):
		rc.guessed(w, client, http.StatusNotFound, noThreadForCode)
		return
	case err != nil:
		rc.readFailed(w, err)
		return
	}
	if r.Method == http.MethodGet {
		rc.view(w, id, m)
		return
	}
	if !rc.limiter.allow(client) {
		w.Header().Set("Retry-After", "60")
		failJSON(w, http.StatusTooManyRequests, "too many posts from this address; try again in a minute")
		return
	}
	rc.postEntry(w, r, id, m, fromReporter, client)
}

// serveOperator answers /threads and /threads/{id}: the vendor's tools
// list the threads, read one and write to it. No CORS grant: they are not
// for browsers.
func (rc *Receiver) serveOperator(w http.ResponseWriter, r *http.Request) {
	id, ok := operatorPath(r.URL.Path)
	if !ok {
		failJSON(w, http.StatusNotFound, "not found")
		return
	}
	if r.Method != http.MethodGet && (id == "" || r.Method != http.MethodPost) {
		w.Header().Set("Allow", map[bool]string{true: "GET", false: "GET, POST"}[id == ""])
		failJSON(w, http.StatusMethodNotAllowed, "GET /threads lists the threads; GET /threads/{id} reads one, POST /threads/{id} adds the vendor's message")
		return
	}
	if rc.cfg.Threads.OperatorCredentialSHA256 == "" {
		failJSON(w, http.StatusForbidden, noOperator)
		return
	}
	client := clientKey(r, rc.proxies)
	if !rc.mayGuess(w, client) {
		return
	}
	if cred, ok := bearer(r.Header); !ok || !rc.isOperator(cred) {
		rc.guessed(w, client, http.StatusUnauthorized, wrongOperator)
		return
	}
	if id == "" {
		list, err := rc.store.Threads()
		if err != nil {
			rc.readFailed(w, err)
			return
		}
		writeJSON(w, http.StatusOK, list)
		return
	}
	m, err := rc.store.threadOf(id)
	switch {
	case errors.Is(err, errNoThread):
		failJSON(w, http.StatusNotFound, errNoThread.Error())
		return
	case errors.Is(err, fs.ErrNotExist):
		failJSON(w, http.StatusNotFound, "no report with this id")
		return
	case err != nil:
		rc.readFailed(w, err)
		return
	}
	if r.Method == http.MethodGet {
		rc.view(w, id, m)
		return
	}
	rc.postEntry(w, r, id, m, fromVendor, client)
}

// operatorPath reads /threads (id "") or /threads/{id}; the id is checked
// against the store later.
func operatorPath(path string) (id string, ok bool) {
	if path == "/threads" {
		return "", true
	}
	id, ok = strings.CutPrefix(path, "/threads/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}

// view answers the thread, streamed one message at a time: a full thread
// may hold max_entries × max_message_bytes.
func (rc *Receiver) view(w http.ResponseWriter, id string, m threadMeta) {
	list, err := rc.store.entries(id)
	if err != nil {
		rc.readFailed(w, err)
		return
	}
	head := thread.View{ReportID: id, ReceivedAt: m.ReceivedAt, EnquiryIntervalDays: rc.cfg.Threads.EnquiryIntervalDays}
	if next := nextEnquiry(m.ReceivedAt, list, rc.cfg.Threads.enquiryInterval()); rc.now().Before(next) {
		head.NextEnquiryAt = &next
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if err := writeView(w, head, list); err != nil {
		rc.log.Error("sending a thread failed", "id", id, "err", err)
		panic(http.ErrAbortHandler) // the client sees a broken answer, not a short one
	}
}

// writeView writes head as json.Marshal would with list as its entries,
// reading one message at a time.
func writeView(w io.Writer, head thread.View, list []entryInfo) error {
	head.Entries = []thread.Entry{}
	data, err := json.Marshal(head)
	if err != nil {
		return err
	}
	const marker = `"entries":[`
	pre, post, ok := bytes.Cut(data, []byte(marker+"]"))
	if !ok {
		return errors.New("thread.View has no entries field")
	}
	if _, err := w.Write(pre); err != nil {
		return err
	}
	if _, err := io.WriteString(w, marker); err != nil {
		return err
	}
	for i, e := range list {
		msg, err := os.ReadFile(e.path)
		if err != nil {
			return err
		}
		entry, err := json.Marshal(thread.Entry{Seq: e.Seq, From: e.From, At: e.At, Message: string(msg)})
		if err != nil {
			return err
		}
		if i > 0 {
			entry = append([]byte{','}, entry...)
		}
		if _, err := w.Write(entry); err != nil {
			return err
		}
	}
	_, err = w.Write(append(append([]byte{']'}, post...), '\n'))
	return err
}

// postEntry takes one armored message from from into thread id, under the
// same body limits as a report's and the thread's policy (admitEntry).
func (rc *Receiver) postEntry(w http.ResponseWriter, r *http.Request, id string, m threadMeta, from, client string) {
	wd := rc.threadWording()
	list, err := rc.store.entries(id)
	if err != nil {
		rc.readFailed(w, err)
		return
	}
	// Refused before the body is read; checked again under the lock.
	if err := rc.admitEntry(from, m.ReceivedAt, list, rc.now()); err != nil {
		rc.refuseEntry(w, err)
		return
	}
	release, ok := rc.admit(client)
	if !ok {
		w.Header().Set("Retry-After", "10")
		failJSON(w, http.StatusServiceUnavailable, "the intake is busy; try again in a few seconds")
		return
	}
	defer release()
	body := io.Reader(http.MaxBytesReader(w, r.Body, wd.max))
	if rate := rc.cfg.Limits.minRate(); rate > 0 {
		body = newPacedReader(body, http.NewResponseController(w), rate, rc.cfg.Limits.UploadWindow.or(defaultUploadWindow))
	}
	tmp, err := rc.store.Temp()
	if err != nil {
		rc.storageFailedAs(w, err, wd)
		return
	}
	err = rc.receive(r, body, &storageWriter{tmp})
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err == nil {
		var armored bool
		if armored, err = Sniff(tmp); err == nil && !armored {
			err = &refusal{http.StatusUnsupportedMediaType, notArmored}
		}
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		rc.refuseAs(w, r, err, wd)
		return
	}
	at := rc.now().UTC().Truncate(time.Millisecond)
	posted, err := rc.store.addEntry(id, from, tmp, at, func(list []entryInfo) error {
		return rc.admitEntry(from, m.ReceivedAt, list, at)
	})
	if err != nil {
		rc.refuseEntry(w, err)
		return
	}
	rc.log.Info("stored a thread message", "id", id, "seq", posted.Seq, "from", from)
	writeJSON(w, http.StatusCreated, posted)
}

// refuseEntry answers a message the thread's policy or the store refused.
func (rc *Receiver) refuseEntry(w http.ResponseWriter, err error) {
	var soon *tooSoon
	var refused *refusal
	switch {
	case errors.As(err, &soon):
		w.Header().Set("Retry-After", retryAfter(soon.next.Sub(rc.now())))
		next := soon.next.UTC()
		writeJSON(w, http.StatusTooManyRequests, thread.Refusal{Error: soon.Error(), NextEnquiryAt: &next})
	case errors.As(err, &refused):
		failJSON(w, refused.status, refused.msg)
	default:
		rc.storageFailedAs(w, err, rc.threadWording())
	}
}

// readFailed answers 503 when the store cannot be read.
func (rc *Receiver) readFailed(w http.ResponseWriter, err error) {
	rc.log.Error("reading a thread failed", "err", err)
	w.Header().Set("Retry-After", "60")
	failJSON(w, http.StatusServiceUnavailable, "the thread cannot be read now; try again later")
}
