package receiver

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
)

// ProofOfWork asks every post to carry a solved challenge bound to the
// SHA-256 of the exact message it posts (core/internal/pow has the
// format). A config file without "proof_of_work" gets
// [DefaultProofOfWork]; "difficulty": 0 turns it off. A Config built in Go
// with a nil ProofOfWork has it off: set it to turn it on.
type ProofOfWork struct {
	// Difficulty is the expected number of SHA-256 evaluations a solution
	// costs (default 500,000: about half a second in a browser); 0 turns
	// the proof of work off.
	Difficulty int `json:"difficulty"`
	// Expiry is how long a challenge may be solved and used (default 10m).
	Expiry Duration `json:"expiry,omitzero"`
	// KeyEnv names the environment variable holding the key that signs
	// challenges (64 hex digits): for intakes behind one load balancer.
	// Without it (and without Key), the key is made on first start and
	// kept in the store as pow-key (mode 0600).
	KeyEnv string `json:"key_env,omitempty"`
	// Key, when set by a Go program, signs challenges (at least 32 bytes).
	Key []byte `json:"-"`
}

// DefaultProofOfWork is the proof of work of a config that does not
// mention it.
func DefaultProofOfWork() *ProofOfWork {
	return &ProofOfWork{Difficulty: pow.DefaultDifficulty}
}

const (
	defaultWorkExpiry = 10 * time.Minute
	// maxUsedSolutions bounds the solutions remembered until they expire.
	// When it is full of live ones, posts get 503 (never a forgotten
	// solution, which would let a replay through).
	maxUsedSolutions = 100_000
)

// checkWork sets the default proof of work on a parsed config that has
// none, and checks the one it has.
func (c *Config) checkWork() error {
	if c.ProofOfWork == nil {
		c.ProofOfWork = DefaultProofOfWork()
	}
	p := c.ProofOfWork
	if p.Difficulty < 0 || p.Difficulty > pow.MaxDifficulty {
		return fmt.Errorf("receiver config: proof_of_work.difficulty is the expected number of SHA-256 evaluations, from 0 (off) to %d", pow.MaxDifficulty)
	}
	if p.KeyEnv != "" {
		if _, err := p.envKey(); err != nil {
			return err
		}
	}
	return nil
}

func (p *ProofOfWork) envKey() ([]byte, error) {
	key, err := hex.DecodeString(os.Getenv(p.KeyEnv))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("receiver config: proof_of_work.key_env: $%s must hold at least 64 hex digits (make them with: openssl rand -hex 32)", p.KeyEnv)
	}
	return key, nil
}

// work issues and checks proofs of work. A nil *work asks for none.
type work struct {
	difficulty uint64
	expiry     time.Duration
	key        []byte
	now        func() time.Time
	epoch      [4]byte // the first bytes of every challenge id this process issues
	mu         sync.Mutex
	used       map[[16]byte]usedSolution
}

// usedSolution is a solution already spent: only a retry of the same
// report under the same idempotency key may carry it again (the store
// answers that retry with the first receipt, storing nothing).
type usedSolution struct {
	expires time.Time
	body    [32]byte
	key     string
}

// newWork returns the proof of work p asks for, with its key; nil when p
// is nil or off. A key that can be neither read nor made is logged, and
// the intake then signs with a key that lives as long as the process.
func newWork(p *ProofOfWork, store *Store, log *slog.Logger) *work {
	if p == nil || p.Difficulty <= 0 {
		return nil
	}
	w := &work{difficulty: uint64(p.Difficulty), expiry: p.Expiry.or(defaultWorkExpiry), now: time.Now, used: map[[16]byte]usedSolution{}}
	rand.Read(w.epoch[:])
	var err error
	switch {
	case len(p.Key) > 0:
		w.key = p.Key
		if len(p.Key) < 32 {
			err = errors.New("the proof-of-work key is shorter than 32 bytes")
		}
	case p.KeyEnv != "":
		w.key, err = p.envKey()
	case store != nil:
		w.key, err = store.workKey()
	default:
		err = errors.New("no store to keep a proof-of-work key in")
	}
	if err != nil || len(w.key) < 32 {
		log.Error("proof of work: using a key that lasts as long as this process; challenges issued before a restart will be refused", "err", err)
		w.key = make([]byte, 32)
		rand.Read(w.key)
	}
	return w
}

// workKey reads the store's proof-of-work key, making it on first use.
func (s *Store) workKey() ([]byte, error) {
	path := filepath.Join(s.dir, "pow-key")
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, 32)
		rand.Read(key)
		f, cerr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(cerr, fs.ErrExist) {
			return s.workKey() // another process made it meanwhile
		}
		if cerr != nil {
			return nil, cerr
		}
		_, err = f.Write(key)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = syncDir(s.dir)
		}
		if err != nil {
			os.Remove(path)
		}
		return key, err
	}
	if err == nil && len(key) != 32 {
		err = fmt.Errorf("%s is not a proof-of-work key (32 bytes): remove it to make a new one", path)
	}
	return key, err
}

func (w *work) challenge() pow.Challenge {
	var id [16]byte
	copy(id[:], w.epoch[:])
	rand.Read(id[4:])
	c, _ := pow.NewChallenge(w.key, w.difficulty, w.now().Add(w.expiry), id)
	return c
}

// serveChallenge answers GET /challenge.
func (rc *Receiver) serveChallenge(w http.ResponseWriter, r *http.Request) {
	if !rc.cors(w, r) {
		fail(w, http.StatusForbidden, "this origin may not post reports")
		return
	}
	if rc.work == nil {
		fail(w, http.StatusNotFound, "this intake asks for no proof of work: post reports without one")
		return
	}
	writeJSON(w, http.StatusOK, pow.NewChallengeResponse(rc.work.challenge()))
}

// workTicket is a post's checked challenge, hashing the message as it is
// received.
type workTicket struct {
	sol pow.Solution
	sum hash.Hash
}

// begin checks what can be checked before the body is read: a solution
// is present, well-formed, signed here, not expired, hard enough and not
// spent. It answers the request itself (428, 403, 409) when it returns
// false. With no proof of work asked, it returns nil, true.
func (wk *work) begin(w http.ResponseWriter, r *http.Request, key string) (*workTicket, bool) {
	if wk == nil {
		return nil, true
	}
	header := r.Header.Get(pow.Header)
	if header == "" {
		wk.refuse(w, http.StatusPreconditionRequired, "this intake asks for a proof of work: GET /challenge, solve it over the SHA-256 of the message, and send the solution in the "+pow.Header+" header")
		return nil, false
	}
	// The whole check but the body's hash, before a byte of the body is
	// read: a solution that does no work costs the intake no disk.
	sol, err := pow.ParseSolution(header)
	if err == nil {
		err = pow.Verify(wk.key, sol, sol.Body, wk.difficulty, wk.now())
	}
	if err == nil && [4]byte(sol.Challenge.ID[:4]) != wk.epoch {
		// Spent solutions are remembered in this process only: a
		// challenge it did not issue (before a restart, or by another
		// intake sharing the key) may have been spent already.
		err = errOtherProcess
	}
	if err == nil {
		err = wk.spent(sol.Challenge, [32]byte{}, key, false)
	}
	if err != nil {
		wk.refuseErr(w, err)
		return nil, false
	}
	return &workTicket{sol: sol, sum: sha256.New()}, true
}

// errOtherProcess is a challenge this intake process did not issue.
var errOtherProcess = errors.New("this challenge was issued before the intake restarted, or by another intake; fetch a new one and solve it")

// errSpent is a solution used for another report.
var errSpent = errors.New("this proof of work was used already; fetch a new challenge and solve it for this report")

// spent refuses a solution already used, unless for the same report
// under the same idempotency key; with record, it remembers this use.
func (wk *work) spent(c pow.Challenge, body [32]byte, key string, record bool) error {
	wk.mu.Lock()
	defer wk.mu.Unlock()
	if u, ok := wk.used[c.ID]; ok {
		if key == "" || u.key != key || record && u.body != body {
			return errSpent
		}
		return nil
	}
	if !record {
		return nil
	}
	if len(wk.used) >= maxUsedSolutions {
		now := wk.now()
		for id, u := range wk.used {
			if !now.Before(u.expires) {
				delete(wk.used, id)
			}
		}
		if len(wk.used) >= maxUsedSolutions {
			return errWorkFull
		}
	}
	wk.used[c.ID] = usedSolution{expires: c.Expires, body: body, key: key}
	return nil
}

var errWorkFull = errors.New("too many reports at once; try again in a minute")

// writer returns w, hashing what goes through it when a proof of work is
// asked: the message's bytes as stored, whatever the body's format.
func (t *workTicket) writer(w io.Writer) io.Writer {
	if t == nil {
		return w
	}
	return &hashingWriter{w, t.sum}
}

type hashingWriter struct {
	w   io.Writer
	sum hash.Hash
}

func (h *hashingWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.sum.Write(p[:n])
	return n, err
}

// finish checks the solution against the message received and spends it.
// It answers the request itself when it returns false; the caller removes
// the body.
func (wk *work) finish(w http.ResponseWriter, t *workTicket, key string) bool {
	if t == nil {
		return true
	}
	// Only the body's hash is left to check. The expiry is not checked
	// again: it was good when the upload began, which may take longer
	// than a challenge lives.
	var body [32]byte
	t.sum.Sum(body[:0])
	err := pow.ErrNotSolved
	if body == t.sol.Body {
		err = wk.spent(t.sol.Challenge, body, key, true)
	}
	if err != nil {
		wk.refuseErr(w, err)
		return false
	}
	return true
}

func (wk *work) refuseErr(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, errWorkFull):
		w.Header().Set("Retry-After", "60")
		fail(w, http.StatusServiceUnavailable, err.Error())
	case errors.Is(err, errSpent):
		wk.refuse(w, http.StatusConflict, err.Error())
	default:
		wk.refuse(w, http.StatusForbidden, err.Error())
	}
}

// refuse answers with a fresh challenge, which a client may solve and
// post again with.
func (wk *work) refuse(w http.ResponseWriter, code int, msg string) {
	w.Header().Set(pow.ChallengeHeader, wk.challenge().String())
	w.Header().Set("Access-Control-Expose-Headers", pow.ChallengeHeader)
	fail(w, code, msg)
}
