// Package server is Sealpost's reference receiver: it accepts sealed
// reports over HTTP, stores them durably, and optionally relays each one by
// mail to the security team as a PGP/MIME email.
//
// # API
//
//	POST /reports   body: the OpenPGP message (Content-Type application/pgp-encrypted),
//	                a form field "message" (multipart/form-data), or {"message": ...}
//	                (application/json); header Idempotency-Key.
//	                201 {"id", "sha256", "received_at"}; a retry with the same key and
//	                body answers 200 with the same receipt.
//	GET  /healthz   200 "ok"
//
// Anything that is not an encrypted OpenPGP message is refused (415) and
// stored nowhere; bodies over the limit get 413; too many requests from one
// address get 429 with Retry-After; origins outside the allow-list get no
// CORS grant (and 403). Bodies are never logged.
package server

import (
	"bytes"
	"encoding/json"
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
	"strings"
	"sync"

	"golang.org/x/time/rate"
)

// Config is the receiver's configuration (JSON).
type Config struct {
	// MaxBytes bounds a report's body (default 256 MiB).
	MaxBytes int64 `json:"max_bytes,omitempty"`
	// AllowedOrigins may post from a browser. "null" (a sandboxed iframe)
	// is allowed only when listed.
	AllowedOrigins []string `json:"allowed_origins,omitempty"`
	// RatePerMinute and Burst limit posts per client address (defaults 30
	// and 10); a negative RatePerMinute turns the limit off.
	RatePerMinute int `json:"rate_per_minute,omitempty"`
	Burst         int `json:"burst,omitempty"`
	// Relay, when set, mails each report to the security team.
	Relay *RelayConfig `json:"relay,omitempty"`
}

// LoadConfig reads a receiver config file, strictly.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(data)
}

// ParseConfig parses a receiver config, strictly: unknown keys are errors.
func ParseConfig(data []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("receiver config: %w", err)
	}
	if dec.More() {
		return nil, errors.New("receiver config: data after the JSON object")
	}
	if c.MaxBytes < 0 || c.Burst < 0 {
		return nil, errors.New("receiver config: max_bytes and burst cannot be negative")
	}
	if c.Relay != nil {
		if err := c.Relay.check(); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

func (c *Config) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return 256 << 20
}

// Receiver is the HTTP handler. Create it with [New].
type Receiver struct {
	cfg    Config
	store  *Store
	log    *slog.Logger
	mu     sync.Mutex
	limits map[string]*rate.Limiter
	// Stored is called after each new report is durably stored (the relay
	// listens here); it must not block.
	Stored func(*Stored)
}

// New returns a receiver storing into store.
func New(cfg Config, store *Store, log *slog.Logger) *Receiver {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Receiver{cfg: cfg, store: store, log: log, limits: map[string]*rate.Limiter{}}
}

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case r.URL.Path == "/healthz" && r.Method == http.MethodGet:
		io.WriteString(w, "ok\n")
	case r.URL.Path == "/reports" && r.Method == http.MethodOptions:
		rc.preflight(w, r)
	case r.URL.Path == "/reports" && r.Method == http.MethodPost:
		rc.post(w, r)
	case r.URL.Path == "/reports":
		w.Header().Set("Allow", "POST, OPTIONS")
		fail(w, http.StatusMethodNotAllowed, "POST a sealed report here")
	default:
		fail(w, http.StatusNotFound, "not found")
	}
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
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

func (rc *Receiver) allow(r *http.Request) bool {
	if rc.cfg.RatePerMinute < 0 {
		return true
	}
	perMinute, burst := rc.cfg.RatePerMinute, rc.cfg.Burst
	if perMinute == 0 {
		perMinute = 30
	}
	if burst == 0 {
		burst = 10
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	l, ok := rc.limits[host]
	if !ok {
		if len(rc.limits) > 100000 {
			clear(rc.limits) // bounded memory; a flood of addresses resets the table
		}
		l = rate.NewLimiter(rate.Limit(float64(perMinute)/60), burst)
		rc.limits[host] = l
	}
	return l.Allow()
}

func (rc *Receiver) post(w http.ResponseWriter, r *http.Request) {
	if !rc.cors(w, r) {
		fail(w, http.StatusForbidden, "this origin may not post reports")
		return
	}
	if !rc.allow(r) {
		w.Header().Set("Retry-After", "60")
		fail(w, http.StatusTooManyRequests, "too many reports from this address; try again in a minute")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		fail(w, http.StatusBadRequest, "Idempotency-Key must be at most 200 visible ASCII characters")
		return
	}
	body := http.MaxBytesReader(w, r.Body, rc.cfg.maxBytes())
	tmp, err := rc.store.Temp()
	if err != nil {
		rc.internal(w, err)
		return
	}
	removeTmp := func() { tmp.Close(); os.Remove(tmp.Name()) }
	status, err := rc.receive(r, body, tmp)
	if err != nil {
		removeTmp()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a report may be at most %d bytes", rc.cfg.maxBytes()))
			return
		}
		fail(w, status, err.Error())
		return
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		removeTmp()
		rc.internal(w, err)
		return
	}
	armored, err := Sniff(tmp)
	if err != nil {
		removeTmp()
		rc.log.Info("refused a body", "remote", r.RemoteAddr, "reason", err.Error())
		fail(w, http.StatusUnsupportedMediaType, err.Error()+"; only sealed reports are accepted")
		return
	}
	st, isNew, err := rc.store.Commit(tmp, key, armored, rc.cfg.Relay != nil)
	if errors.Is(err, ErrConflict) {
		fail(w, http.StatusConflict, err.Error())
		return
	}
	if err != nil {
		rc.internal(w, err)
		return
	}
	code := http.StatusOK
	if isNew {
		code = http.StatusCreated
		rc.log.Info("stored a report", "id", st.ID, "bytes", st.Size, "sha256", st.SHA256)
		if rc.Stored != nil {
			rc.Stored(st)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(st)
}

// receive copies the message out of the body, in whichever format it came,
// into tmp. The status is for errors.
func (rc *Receiver) receive(r *http.Request, body io.Reader, tmp *os.File) (int, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return http.StatusUnsupportedMediaType, errors.New("send Content-Type application/pgp-encrypted, multipart/form-data or application/json")
	}
	switch mt {
	case "application/pgp-encrypted", "application/octet-stream", "text/plain":
		_, err := io.Copy(tmp, body)
		return http.StatusBadRequest, err
	case "multipart/form-data":
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return http.StatusBadRequest, errors.New(`no "message" field in the form`)
			}
			if err != nil {
				return http.StatusBadRequest, err
			}
			if part.FormName() != "message" {
				continue
			}
			_, err = io.Copy(tmp, part)
			return http.StatusBadRequest, err
		}
	case "application/json":
		var doc struct {
			Message string `json:"message"`
		}
		dec := json.NewDecoder(body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return http.StatusRequestEntityTooLarge, err
			}
			return http.StatusBadRequest, errors.New(`the JSON body must be {"message": "<armored OpenPGP message>"} and nothing else`)
		}
		_, err := io.WriteString(tmp, doc.Message)
		return http.StatusBadRequest, err
	}
	return http.StatusUnsupportedMediaType, fmt.Errorf("content type %s is not accepted: send application/pgp-encrypted, multipart/form-data or application/json", mt)
}

func (rc *Receiver) internal(w http.ResponseWriter, err error) {
	rc.log.Error("storing a report failed", "err", err)
	fail(w, http.StatusInternalServerError, "the report could not be stored; try again")
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}
