package receiver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxCredential bounds a bearer credential: a thread token is 43
// characters, an operator's credential what its operator chose.
const maxCredential = 512

// bearer returns the credential of the request's one Authorization
// header, "Bearer <credential>" (RFC 6750, 2.1: the scheme in any case,
// the credential a b64token), or false.
func bearer(h http.Header) (string, bool) {
	values := h.Values("Authorization")
	if len(values) != 1 {
		return "", false
	}
	scheme, cred, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimLeft(cred, " ")
	if cred == "" || len(cred) > maxCredential {
		return "", false
	}
	// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
	body := strings.TrimRight(cred, "=")
	if body == "" {
		return "", false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			return "", false
		}
	}
	return cred, true
}

// isOperator reports whether cred is the operator credential whose
// SHA-256 the config holds, comparing in constant time.
func (rc *Receiver) isOperator(cred string) bool {
	sum := sha256.Sum256([]byte(cred))
	got := hex.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(rc.cfg.Threads.OperatorCredentialSHA256)) == 1
}

// mayGuess answers 429 and returns false when client has used up its
// wrong credentials (ten, then one a minute): a token cannot be guessed,
// and this keeps anyone from trying.
func (rc *Receiver) mayGuess(w http.ResponseWriter, client string) bool {
	wait := rc.guesses.wait(client)
	if wait <= 0 {
		return true
	}
	tooManyGuesses(w, wait)
	return false
}

// guessed counts a wrong credential from client and answers code with msg,
// or 429 when that was one too many.
func (rc *Receiver) guessed(w http.ResponseWriter, client string, code int, msg string) {
	if !rc.guesses.allow(client) {
		tooManyGuesses(w, rc.guesses.wait(client))
		return
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sealpost intake"`)
	}
	failJSON(w, code, msg)
}

func tooManyGuesses(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", retryAfter(wait))
	failJSON(w, http.StatusTooManyRequests, "too many wrong reply codes or credentials from this address; try again in a few minutes")
}

// retryAfter is a Retry-After value: whole seconds, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(max(1, int64(math.Ceil(d.Seconds()))), 10)
}
