package thread

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A reply code is 26 random characters of Crockford's base32 (130 bits)
// and 2 check characters, written in seven groups of four:
//
//	7K3M-QX2A-9FHD-R0TB-C6WN-E4JP-VS8G
//
// Case, spaces and hyphens do not matter when it is typed back; O reads as 0
// and I and L as 1, as Crockford's alphabet intends.
const (
	codeSecretChars = 26
	codeCheckChars  = 2
	codeChars       = codeSecretChars + codeCheckChars
	alphabet        = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// ErrCodeFormat and ErrCodeCheck are the two ways a typed code is wrong:
// not the shape of a code at all, or a code with a typo in it.
var (
	ErrCodeFormat = errors.New("a reply code is 28 letters and digits in groups of four, like 7K3M-QX2A-9FHD-R0TB-C6WN-E4JP-VS8G")
	ErrCodeCheck  = errors.New("this reply code has a typo: its last two characters do not match the rest; check each group against the saved code")
)

// Code is a report's reply code: the one secret from which the reply key
// and the thread token are derived. Its String form is what a person keeps.
type Code struct {
	secret string // the 26 secret characters, canonical (upper case)
}

// NewCode makes a fresh code from rand (nil means crypto/rand).
func NewCode(r io.Reader) (Code, error) {
	if r == nil {
		r = rand.Reader
	}
	// 26 characters of 5 bits each: draw a byte per character and keep its
	// low 5 bits, which are uniform because 256 is a multiple of 32.
	var b [codeSecretChars]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return Code{}, fmt.Errorf("thread: making a reply code: %w", err)
	}
	s := make([]byte, codeSecretChars)
	for i, v := range b {
		s[i] = alphabet[v&31]
	}
	return Code{secret: string(s)}, nil
}

// ParseCode reads a code as a person typed or pasted it.
func ParseCode(typed string) (Code, error) {
	var s []byte
	for _, c := range strings.ToUpper(typed) {
		switch {
		case c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == 'O':
			c = '0'
		case c == 'I' || c == 'L':
			c = '1'
		}
		if c > 127 || strings.IndexByte(alphabet, byte(c)) < 0 || len(s) >= codeChars {
			return Code{}, ErrCodeFormat
		}
		s = append(s, byte(c))
	}
	if len(s) != codeChars {
		return Code{}, ErrCodeFormat
	}
	secret := string(s[:codeSecretChars])
	if check(secret) != string(s[codeSecretChars:]) {
		return Code{}, ErrCodeCheck
	}
	return Code{secret: secret}, nil
}

// check is the two check characters: 10 bits of SHA-256 over the secret.
func check(secret string) string {
	sum := sha256.Sum256([]byte("sealpost reply code check\x00" + secret))
	v := int(sum[0])<<2 | int(sum[1]>>6)
	return string([]byte{alphabet[v>>5], alphabet[v&31]})
}

// String is the code in seven groups of four, as shown to the reporter.
func (c Code) String() string {
	if c.secret == "" {
		return ""
	}
	full := c.secret + check(c.secret)
	var b strings.Builder
	for i := 0; i < len(full); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(full[i : i+4])
	}
	return b.String()
}

// IsZero reports a code that was never made.
func (c Code) IsZero() bool { return c.secret == "" }

// derive is HKDF-SHA256 over the code, one output per purpose.
func (c Code) derive(purpose string, n int) []byte {
	if c.secret == "" {
		panic("thread: derive from a zero Code")
	}
	out, err := hkdf.Key(sha256.New, []byte(c.secret), []byte("sealpost.reply/v1"), purpose, n)
	if err != nil {
		panic(err) // only for n beyond 255 hash lengths
	}
	return out
}

// Token is the thread token: what the reporter shows the intake to read and
// add to the thread (43 characters of unpadded base64url, 256 bits). It
// reveals nothing of the reply key.
func (c Code) Token() string {
	return base64.RawURLEncoding.EncodeToString(c.derive("thread token", 32))
}

// TokenLen is the length of every token.
const TokenLen = 43

// TokenHash is what the intake keeps of a token: its SHA-256, lower-case hex.
// The widget sends it with the report, so the intake never holds a token.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ValidTokenHash reports whether s has the shape of a [TokenHash].
func ValidTokenHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// ValidToken reports whether s has the shape of a [Code.Token].
func ValidToken(s string) bool {
	if len(s) != TokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
