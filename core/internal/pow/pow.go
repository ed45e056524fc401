// Package pow is Sealpost's proof of work: SHA-256 hashcash bound to the
// SHA-256 of the exact sealed bytes being posted. The intake
// (core/receiver) issues and checks challenges; the Go delivery client
// (core/deliver) and the widget solve them. It compiles for GOOS=js and
// adds only its own few functions to the widget's wasm (SHA-256 comes from
// [wasmhash]).
//
// # Format
//
// A challenge is one token, signed by the intake with HMAC-SHA256 so that
// it keeps no state until a solution comes back:
//
//	1.sha256.<difficulty>.<expires>.<id>.<mac>
//
// difficulty is the expected number of SHA-256 evaluations (decimal, no
// leading zeros), expires a Unix time in seconds, id 16 random bytes and
// mac the HMAC-SHA256 of "sealpost-pow-1." and the token up to its last
// dot, both base64url without padding.
//
// A solution is the challenge, a dot, [Puzzles] nonces as 16 lower-case
// hex digits each, a dot, and the SHA-256 of the body it was solved for
// (64 lower-case hex digits), so that the intake checks the work before it
// reads a byte of the body, and the body's hash after. Nonce i solves
// puzzle i when the first 8 bytes of
//
//	SHA-256(seed || byte(i) || nonce as 8 bytes big-endian)
//	seed = SHA-256("sealpost-pow-1\x00" || challenge || "\x00" || SHA-256(body))
//
// read as a big-endian integer are below 2^64 / ceil(difficulty / Puzzles).
// Solving several smaller puzzles instead of one evens out luck: the time
// to solve varies about 1/sqrt(Puzzles) as much.
package pow

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/internal/wasmhash"
)

// Algorithm is the only function a challenge may name.
const Algorithm = "sha256"

// Puzzles is how many nonces a solution carries.
const Puzzles = 8

// MaxDifficulty bounds a challenge's difficulty (2^40 evaluations: days
// of a CPU core), so that no value overflows or asks for the impossible.
const MaxDifficulty = 1 << 40

// MaxLen bounds a solution's length; parsers refuse anything longer.
const MaxLen = 384

const version = "1"

// Errors for what a solution can get wrong. Each says what to do next.
var (
	ErrMalformed  = errors.New("the proof of work is malformed; fetch a new challenge and solve it")
	ErrSignature  = errors.New("the challenge was not issued by this intake; fetch a new one")
	ErrExpired    = errors.New("the challenge has expired; fetch a new one and solve it again")
	ErrEasy       = errors.New("the challenge is easier than this intake asks now; fetch a new one")
	ErrNotSolved  = errors.New("the proof of work does not solve the challenge for these bytes: it was made for another body, or does not do enough work")
	ErrDifficulty = errors.New("the difficulty must be between 1 and 2^40")
)

// Challenge is a parsed challenge token.
type Challenge struct {
	Difficulty uint64
	Expires    time.Time
	ID         [16]byte
	MAC        [32]byte
}

// NewChallenge returns a challenge with the given difficulty, expiry and
// id, signed with key.
func NewChallenge(key []byte, difficulty uint64, expires time.Time, id [16]byte) (Challenge, error) {
	if difficulty < 1 || difficulty > MaxDifficulty {
		return Challenge{}, ErrDifficulty
	}
	c := Challenge{Difficulty: difficulty, Expires: time.Unix(expires.Unix(), 0), ID: id}
	c.MAC = c.mac(key)
	return c, nil
}

func (c Challenge) unsigned() string {
	return version + "." + Algorithm + "." + strconv.FormatUint(c.Difficulty, 10) + "." +
		strconv.FormatInt(c.Expires.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(c.ID[:])
}

func (c Challenge) mac(key []byte) (sum [32]byte) {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("sealpost-pow-1."))
	m.Write([]byte(c.unsigned()))
	copy(sum[:], m.Sum(nil))
	return sum
}

// String is the challenge's token.
func (c Challenge) String() string {
	return c.unsigned() + "." + base64.RawURLEncoding.EncodeToString(c.MAC[:])
}

// Signed reports whether key signed c.
func (c Challenge) Signed(key []byte) bool {
	want := c.mac(key)
	return hmac.Equal(want[:], c.MAC[:])
}

// ParseChallenge reads a challenge token, strictly: only the form
// [Challenge.String] writes is accepted.
func ParseChallenge(s string) (Challenge, error) {
	var c Challenge
	if len(s) > MaxLen {
		return c, ErrMalformed
	}
	f := strings.Split(s, ".")
	if len(f) != 6 || f[0] != version || f[1] != Algorithm {
		return c, ErrMalformed
	}
	d, ok := canonicalUint(f[2])
	if !ok || d < 1 || d > MaxDifficulty {
		return c, ErrMalformed
	}
	e, ok := canonicalUint(f[3])
	if !ok || e > math.MaxInt64/2 {
		return c, ErrMalformed
	}
	if !decode64(c.ID[:], f[4]) || !decode64(c.MAC[:], f[5]) {
		return c, ErrMalformed
	}
	c.Difficulty, c.Expires = d, time.Unix(int64(e), 0)
	return c, nil
}

// canonicalUint reads a decimal with no sign and no leading zeros.
func canonicalUint(s string) (uint64, bool) {
	if s == "" || len(s) > 19 || s[0] == '0' && len(s) > 1 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil
}

func decode64(dst []byte, s string) bool {
	if base64.RawURLEncoding.EncodedLen(len(dst)) != len(s) {
		return false
	}
	n, err := base64.RawURLEncoding.Strict().Decode(dst, []byte(s))
	return err == nil && n == len(dst)
}

// Solution is a challenge with its nonces, and the SHA-256 of the body
// they were found for.
type Solution struct {
	Challenge Challenge
	Nonces    [Puzzles]uint64
	Body      [32]byte
}

// String is the solution as it travels in the request's header.
func (s Solution) String() string {
	var raw [8 * Puzzles]byte
	for i, n := range s.Nonces {
		binary.BigEndian.PutUint64(raw[8*i:], n)
	}
	return s.Challenge.String() + "." + hex.EncodeToString(raw[:]) + "." + hex.EncodeToString(s.Body[:])
}

// ParseSolution reads a solution, strictly.
func ParseSolution(s string) (Solution, error) {
	var sol Solution
	if len(s) > MaxLen {
		return sol, ErrMalformed
	}
	j := strings.LastIndexByte(s, '.')
	if j < 0 || len(s)-j-1 != 64 || !lowerHex(s[j+1:]) {
		return sol, ErrMalformed
	}
	if _, err := hex.Decode(sol.Body[:], []byte(s[j+1:])); err != nil {
		return sol, ErrMalformed
	}
	s = s[:j]
	i := strings.LastIndexByte(s, '.')
	if i < 0 || len(s)-i-1 != 16*Puzzles {
		return sol, ErrMalformed
	}
	c, err := ParseChallenge(s[:i])
	if err != nil {
		return sol, err
	}
	nonces := s[i+1:]
	if !lowerHex(nonces) {
		return sol, ErrMalformed
	}
	raw, err := hex.DecodeString(nonces)
	if err != nil {
		return sol, ErrMalformed
	}
	sol.Challenge = c
	for j := range sol.Nonces {
		sol.Nonces[j] = binary.BigEndian.Uint64(raw[8*j:])
	}
	return sol, nil
}

func lowerHex(s string) bool { return strings.Trim(s, "0123456789abcdef") == "" }

// target is the bound each puzzle's hash must be below.
func target(difficulty uint64) uint64 {
	per := max((difficulty+Puzzles-1)/Puzzles, 1)
	if per == 1 {
		return math.MaxUint64
	}
	return math.MaxUint64 / per
}

// puzzle is the 41 bytes hashed for one try: seed, puzzle number, nonce.
type puzzle [32 + 1 + 8]byte

// seed binds the puzzles to the challenge and the body.
func seed(c Challenge, body [32]byte) (s [32]byte) {
	h := sha256.New()
	h.Write([]byte("sealpost-pow-1\x00"))
	h.Write([]byte(c.String()))
	h.Write([]byte{0})
	h.Write(body[:])
	h.Sum(s[:0])
	return s
}

func newPuzzle(seed [32]byte, i int) *puzzle {
	var p puzzle
	copy(p[:], seed[:])
	p[32] = byte(i)
	return &p
}

func (p *puzzle) try(nonce uint64) uint64 {
	binary.BigEndian.PutUint64(p[33:], nonce)
	return wasmhash.Prefix64(p[:])
}

// SliceTries is how many hashes [Solve] computes between calls to its
// pause function: about 5 ms in a browser's wasm, 1 ms natively.
const SliceTries = 4096

// Solve finds the nonces for c over the SHA-256 of the body. It calls pause
// (when not nil) every [SliceTries] hashes, so that a browser can paint and
// take input, and stops with pause's error or the context's.
func Solve(ctx context.Context, c Challenge, body [32]byte, pause func() error) (Solution, error) {
	sol := Solution{Challenge: c, Body: body}
	t, sd := target(c.Difficulty), seed(c, body)
	for i := range Puzzles {
		p := newPuzzle(sd, i)
		for n := uint64(0); ; n++ {
			if p.try(n) < t {
				sol.Nonces[i] = n
				break
			}
			if n%SliceTries == SliceTries-1 {
				if err := ctx.Err(); err != nil {
					return sol, err
				}
				if pause != nil {
					if err := pause(); err != nil {
						return sol, err
					}
				}
			}
		}
	}
	return sol, nil
}

// Verify checks a solution as the intake must: signed with key, not
// expired at now, at least minDifficulty, and solving its puzzles for the
// body's SHA-256. It costs Puzzles + 2 SHA-256 evaluations and an HMAC. It
// does not remember solutions: the caller refuses a second use.
func Verify(key []byte, s Solution, body [32]byte, minDifficulty uint64, now time.Time) error {
	if err := s.Challenge.Check(key, minDifficulty, now); err != nil {
		return err
	}
	t, sd := target(s.Challenge.Difficulty), seed(s.Challenge, body)
	for i, n := range s.Nonces {
		if newPuzzle(sd, i).try(n) >= t {
			return ErrNotSolved
		}
	}
	return nil
}

// Check is what can be checked before the body has arrived: the
// signature, the expiry and the difficulty.
func (c Challenge) Check(key []byte, minDifficulty uint64, now time.Time) error {
	if !c.Signed(key) {
		return ErrSignature
	}
	if !now.Before(c.Expires) {
		return ErrExpired
	}
	if c.Difficulty < minDifficulty {
		return ErrEasy
	}
	return nil
}

// DefaultDifficulty is the intake's difficulty unless its config says
// otherwise: a median of 0.44 s in Chromium on a 2-core Xeon, 58 ms of
// native Go (core/receiver's README has the figures).
const DefaultDifficulty = 500_000

// The HTTP contract: the client sends its solution in Header; the intake
// sends a fresh challenge in ChallengeHeader with every refusal a new
// solution would fix (428, 403, 409), and GET /challenge answers
// [ChallengeResponse].
const (
	Header          = "Sealpost-Proof-Of-Work"
	ChallengeHeader = "Sealpost-Challenge"
)

// ChallengeResponse is GET /challenge's JSON answer; only Challenge counts,
// the other fields repeat what the token says, for people reading it.
type ChallengeResponse struct {
	Challenge  string    `json:"challenge"`
	Algorithm  string    `json:"algorithm"`
	Difficulty uint64    `json:"difficulty"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// NewChallengeResponse describes c.
func NewChallengeResponse(c Challenge) ChallengeResponse {
	return ChallengeResponse{Challenge: c.String(), Algorithm: Algorithm, Difficulty: c.Difficulty, ExpiresAt: c.Expires.UTC()}
}

// ParseChallengeResponse reads GET /challenge's answer (at most 4 KiB).
func ParseChallengeResponse(data []byte) (Challenge, error) {
	var r ChallengeResponse
	if len(data) > 4<<10 || json.Unmarshal(data, &r) != nil {
		return Challenge{}, ErrMalformed
	}
	return ParseChallenge(r.Challenge)
}
