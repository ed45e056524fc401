// Package pgpkey loads a vendor's OpenPGP public key from whatever shape it
// is published in, and decides, with a reason, whether Sealpost may encrypt
// to it.
//
// # Loading
//
// [Parse] accepts armored keys (LF or CRLF, a UTF-8 BOM, indented, inside an
// HTML or Markdown page, with a missing or wrong CRC as RFC 9580 allows),
// binary keys, several blocks or keyrings in one file, and .zip archives of
// .asc/.gpg/.key/.pub files. [Fetch] and [LookupWKD] get a key over HTTPS
// with time and size bounds.
//
// # Deciding
//
// Every key found is judged at the [Options] clock: a key is usable when it
// is a public key, not revoked, not expired, not weak (RSA, DSA and ElGamal
// under 2048 bits), not too large to check quickly (RSA over 16384 bits, DSA
// and ElGamal over 4096: refused before any signature is checked, see
// [CheckSizes]), has a valid encryption-capable key and matches the
// fingerprint pin when one is given. Usable keys are in [Set.Keys]; every
// other one is in [Set.Skipped] with a [*KeyError] whose sentinel
// ([ErrExpired], [ErrRevoked], ...) says why. When no key is usable, Parse
// returns the most telling of those errors.
//
// Private key material is refused outright ([ErrPrivateKey]): a published
// private key must be revoked, never used.
package pgpkey

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// MaxBytes bounds a key file, an archive, or a fetched response.
const MaxBytes = 1 << 20

// MinRSABits is the smallest RSA, DSA or ElGamal key accepted.
const MinRSABits = 2048

// Sentinel errors; every refusal wraps one of them.
var (
	ErrEmpty           = errors.New("empty input")
	ErrNotOpenPGP      = errors.New("not OpenPGP")
	ErrPrivateKey      = errors.New("private key")
	ErrNoEncryptionKey = errors.New("cannot encrypt")
	ErrExpired         = errors.New("expired")
	ErrRevoked         = errors.New("revoked")
	ErrWeak            = errors.New("too weak")
	ErrPinMismatch     = errors.New("fingerprint mismatch")
	ErrTooLarge        = errors.New("too large")
	ErrUnreadable      = errors.New("unreadable")
)

// KeyError is the refusal of one key: which key, which sentinel, and a
// sentence for a person that says what to do.
type KeyError struct {
	Fingerprint string // upper-case hex; empty when the key could not be read
	Err         error  // one of the sentinels
	Detail      string // e.g. "expired on 2024-08-01"
}

func (e *KeyError) Error() string {
	key := "key"
	if e.Fingerprint != "" {
		key += " " + e.Fingerprint
	}
	msg := fmt.Sprintf("%s refused (%s)", key, e.Err)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func (e *KeyError) Unwrap() error { return e.Err }

// Options tune [Parse]. The zero value uses the real clock and no pin.
type Options struct {
	// Now is the clock keys are judged at; nil means time.Now.
	Now func() time.Time
	// Pin, when set, is the only primary-key fingerprint accepted (hex,
	// spaces and colons ignored).
	Pin string
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Key is a usable vendor key and what a person should know about it.
type Key struct {
	Entity      *openpgp.Entity `json:"-"`
	Fingerprint string          `json:"fingerprint"`
	Version     int             `json:"version"`
	UserIDs     []string        `json:"user_ids"`
	Algorithm   string          `json:"algorithm"`
	Created     time.Time       `json:"created"`
	Expires     time.Time       `json:"expires,omitzero"`
	// Encryption is the subkey (or primary key) that sealing will use.
	Encryption Subkey `json:"encryption"`
	// SEIPDv2 reports that the key advertises AEAD encrypted data (v6 keys).
	SEIPDv2  bool     `json:"seipdv2"`
	Warnings []string `json:"warnings,omitempty"`
}

// Subkey describes the key material messages are encrypted to.
type Subkey struct {
	Fingerprint string    `json:"fingerprint"`
	Algorithm   string    `json:"algorithm"`
	Created     time.Time `json:"created"`
	Expires     time.Time `json:"expires,omitzero"`
}

// Set is what [Parse] found: the usable keys and the refused ones.
type Set struct {
	Keys    []*Key      `json:"keys"`
	Skipped []*KeyError `json:"-"`
}

// Entities are the usable keys, for go-crypto.
func (s *Set) Entities() openpgp.EntityList {
	el := make(openpgp.EntityList, len(s.Keys))
	for i, k := range s.Keys {
		el[i] = k.Entity
	}
	return el
}

// Parse finds every OpenPGP key in data and judges each. It returns an
// error when no key is usable: the refusal of the only key, or of the most
// telling one.
func Parse(data []byte, o Options) (*Set, error) {
	blobs, bad, err := extract(data)
	if err != nil {
		return nil, err
	}
	set := &Set{Skipped: bad}
	for _, blob := range blobs {
		// Sizes first: go-crypto checks signatures as it reads a key.
		keys := scanKeys(blob)
		if len(keys) == 0 {
			readEntities(blob, o, set)
		}
		for _, k := range keys {
			if k.err != nil {
				set.Skipped = append(set.Skipped, k.err)
				continue
			}
			readEntities(blob[k.start:k.end], o, set)
		}
	}
	pin := normalize(o.Pin)
	if pin != "" {
		set.Keys = slices.DeleteFunc(set.Keys, func(k *Key) bool {
			if k.Fingerprint == pin {
				return false
			}
			set.Skipped = append(set.Skipped, &KeyError{Fingerprint: k.Fingerprint, Err: ErrPinMismatch,
				Detail: "it is not the pinned key " + pin + "; if the vendor rotated its key, update the pin, otherwise someone may have swapped the key"})
			return true
		})
	}
	if len(set.Keys) == 0 {
		return set, set.reason()
	}
	return set, nil
}

// reason picks the refusal to report when no key is usable: a private key
// first (it must be acted on), then the pin, then the first key's reason.
func (s *Set) reason() error {
	for _, sentinel := range []error{ErrPrivateKey, ErrPinMismatch} {
		for _, e := range s.Skipped {
			if errors.Is(e, sentinel) {
				return e
			}
		}
	}
	if len(s.Skipped) > 0 {
		return s.Skipped[0]
	}
	return &KeyError{Err: ErrNotOpenPGP, Detail: "no key found in the input"}
}

// readEntities reads every entity in one binary blob, one at a time, so that
// one bad key does not hide the others.
func readEntities(blob []byte, o Options, set *Set) {
	packets := packet.NewReader(bytes.NewReader(blob))
	for {
		e, err := openpgp.ReadEntity(packets)
		if err == io.EOF {
			return
		}
		if err != nil {
			if isPrivatePacketError(blob) {
				set.Skipped = append(set.Skipped, privateKeyError(""))
			} else {
				set.Skipped = append(set.Skipped, &KeyError{Err: ErrUnreadable, Detail: "it cannot be read: " + err.Error()})
			}
			if skipToNextKey(packets) != nil {
				return
			}
			continue
		}
		k, kerr := judge(e, o.now())
		if kerr != nil {
			set.Skipped = append(set.Skipped, kerr)
			continue
		}
		set.Keys = append(set.Keys, k)
	}
}

func privateKeyError(fpr string) *KeyError {
	return &KeyError{Fingerprint: fpr, Err: ErrPrivateKey,
		Detail: "this is secret key material: never publish or share it; revoke it, make a new key pair, and give Sealpost only the public key"}
}

// isPrivatePacketError reports whether blob starts with a secret-key packet
// (tags 5 and 7), which go-crypto may fail to read without a passphrase.
func isPrivatePacketError(blob []byte) bool {
	if len(blob) == 0 || blob[0]&0x80 == 0 {
		return false
	}
	tag := (blob[0] & 0x3f) >> 2 // old format
	if blob[0]&0x40 != 0 {
		tag = blob[0] & 0x3f // new format
	}
	return tag == 5 || tag == 7
}

// skipToNextKey drops packets up to the next primary key.
func skipToNextKey(packets *packet.Reader) error {
	for {
		p, err := packets.Next()
		if err != nil {
			var unsupported pgperrors.UnsupportedError
			if errors.As(err, &unsupported) {
				continue
			}
			return err
		}
		switch k := p.(type) {
		case *packet.PublicKey:
			if !k.IsSubkey {
				packets.Unread(p)
				return nil
			}
		case *packet.PrivateKey:
			if !k.IsSubkey {
				packets.Unread(p)
				return nil
			}
		}
	}
}

// judge decides whether e may be encrypted to at now.
func judge(e *openpgp.Entity, now time.Time) (*Key, *KeyError) {
	pk := e.PrimaryKey
	fpr := fmt.Sprintf("%X", pk.Fingerprint)
	fail := func(err error, format string, args ...any) (*Key, *KeyError) {
		return nil, &KeyError{Fingerprint: fpr, Err: err, Detail: fmt.Sprintf(format, args...)}
	}
	if e.PrivateKey != nil {
		return nil, privateKeyError(fpr)
	}
	if r := revocation(e.Revocations, now); r != nil {
		return fail(ErrRevoked, "%s; ask the vendor for its current key", revocationText(r))
	}
	sig, id := e.PrimarySelfSignature()
	if sig == nil {
		return fail(ErrUnreadable, "it has no valid self-signature")
	}
	if id != nil && id.Revoked(now) {
		return fail(ErrRevoked, "its user ID %q is revoked; ask the vendor for its current key", id.Name)
	}
	if pk.CreationTime.After(now) {
		return fail(ErrUnreadable, "it was created in the future (%s); check the clock", pk.CreationTime.UTC().Format(time.DateOnly))
	}
	expires := expiry(pk, sig)
	if !expires.IsZero() && now.After(expires) {
		return fail(ErrExpired, "it expired on %s; ask the vendor for a current key", expires.UTC().Format(time.DateOnly))
	}
	if sig.SigExpired(now) {
		return fail(ErrExpired, "its self-signature expired; ask the vendor for a current key")
	}
	if weak, why := isWeak(pk); weak {
		return fail(ErrWeak, "the primary key is %s; ask the vendor for a key of at least %d bits or a Curve25519 key", why, MinRSABits)
	}
	enc, ok := e.EncryptionKey(now)
	if !ok {
		return nil, noEncryptionKey(e, fpr, now)
	}
	if weak, why := isWeak(enc.PublicKey); weak {
		return fail(ErrWeak, "its encryption key is %s; ask the vendor for a key of at least %d bits or a Curve25519 key", why, MinRSABits)
	}
	k := &Key{
		Entity:      e,
		Fingerprint: fpr,
		Version:     pk.Version,
		Algorithm:   AlgorithmName(pk),
		Created:     pk.CreationTime.UTC(),
		Expires:     expires,
		SEIPDv2:     sig.SEIPDv2,
		Encryption: Subkey{
			Fingerprint: fmt.Sprintf("%X", enc.PublicKey.Fingerprint),
			Algorithm:   AlgorithmName(enc.PublicKey),
			Created:     enc.PublicKey.CreationTime.UTC(),
			Expires:     expiry(enc.PublicKey, enc.SelfSignature),
		},
	}
	for _, id := range e.Identities {
		k.UserIDs = append(k.UserIDs, id.Name)
	}
	slices.Sort(k.UserIDs)
	k.Warnings = warnings(k, now)
	return k, nil
}

// noEncryptionKey explains why e has no key to encrypt to: all expired, all
// revoked, or sign-only.
func noEncryptionKey(e *openpgp.Entity, fpr string, now time.Time) *KeyError {
	var latest time.Time
	var revokedOnly = len(e.Subkeys) > 0
	capable := 0
	for _, sk := range e.Subkeys {
		if !sk.Sig.FlagsValid || !(sk.Sig.FlagEncryptCommunications || sk.Sig.FlagEncryptStorage) || !sk.PublicKey.PubKeyAlgo.CanEncrypt() {
			continue
		}
		capable++
		if !sk.Revoked(now) {
			revokedOnly = false
		}
		if t := expiry(sk.PublicKey, sk.Sig); !t.IsZero() && now.After(t) && t.After(latest) {
			latest = t
		}
	}
	switch {
	case capable == 0:
		return &KeyError{Fingerprint: fpr, Err: ErrNoEncryptionKey, Detail: "it is sign-only (no subkey may encrypt); ask the vendor for its encryption key"}
	case revokedOnly:
		return &KeyError{Fingerprint: fpr, Err: ErrRevoked, Detail: "every encryption subkey is revoked; ask the vendor for its current key"}
	case !latest.IsZero():
		return &KeyError{Fingerprint: fpr, Err: ErrExpired, Detail: fmt.Sprintf("its encryption subkey expired on %s; ask the vendor for a current key", latest.UTC().Format(time.DateOnly))}
	}
	return &KeyError{Fingerprint: fpr, Err: ErrNoEncryptionKey, Detail: "no encryption subkey is valid for communications; ask the vendor for its encryption key"}
}

func revocation(sigs []*packet.Signature, now time.Time) *packet.Signature {
	for _, s := range sigs {
		if s.RevocationReason != nil && *s.RevocationReason == packet.KeyCompromised || !s.SigExpired(now) {
			return s
		}
	}
	return nil
}

func revocationText(s *packet.Signature) string {
	text := "it was revoked on " + s.CreationTime.UTC().Format(time.DateOnly)
	if s.RevocationReason != nil {
		switch *s.RevocationReason {
		case packet.KeyCompromised:
			text += " because it was compromised"
		case packet.KeySuperseded:
			text += " because it was superseded"
		case packet.KeyRetired:
			text += " because it was retired"
		}
	}
	if s.RevocationReasonText != "" {
		text += fmt.Sprintf(" (%q)", s.RevocationReasonText)
	}
	return text
}

func expiry(pk *packet.PublicKey, sig *packet.Signature) time.Time {
	if sig == nil || sig.KeyLifetimeSecs == nil || *sig.KeyLifetimeSecs == 0 {
		return time.Time{}
	}
	return pk.CreationTime.Add(time.Duration(*sig.KeyLifetimeSecs) * time.Second).UTC()
}

func isWeak(pk *packet.PublicKey) (bool, string) {
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly,
		packet.PubKeyAlgoDSA, packet.PubKeyAlgoElGamal:
		bits, err := pk.BitLength()
		if err != nil || int(bits) < MinRSABits {
			return true, AlgorithmName(pk)
		}
	}
	return false, ""
}

// rfc9580Only are algorithms that GnuPG 2.2 and RNP 0.16 cannot read.
var rfc9580Only = []packet.PublicKeyAlgorithm{packet.PubKeyAlgoX25519, packet.PubKeyAlgoX448, packet.PubKeyAlgoEd25519, packet.PubKeyAlgoEd448}

func warnings(k *Key, now time.Time) []string {
	var w []string
	for _, t := range []time.Time{k.Expires, k.Encryption.Expires} {
		if !t.IsZero() && t.Sub(now) < 30*24*time.Hour {
			w = append(w, fmt.Sprintf("the key expires on %s, within 30 days; ask the vendor to extend it", t.Format(time.DateOnly)))
			break
		}
	}
	pk := k.Entity.PrimaryKey
	enc, _ := k.Entity.EncryptionKey(now)
	switch {
	case enc.PublicKey != nil && PostQuantum(enc.PublicKey):
		w = append(w, fmt.Sprintf("a post-quantum key (it encrypts with %s): %s; a vendor using them cannot read what is sealed to it", AlgorithmName(enc.PublicKey), PQDecrypters))
	case k.Version == 6:
		w = append(w, "a v6 (RFC 9580) key: GnuPG 2.2, RNP 0.16 and Sequoia 0.27 cannot read it; a vendor using them cannot decrypt")
	case slices.Contains(rfc9580Only, pk.PubKeyAlgo) || enc.PublicKey != nil && slices.Contains(rfc9580Only, enc.PublicKey.PubKeyAlgo):
		w = append(w, fmt.Sprintf("uses an RFC 9580 algorithm (%s): GnuPG 2.2 and RNP 0.16 cannot read it", rfc9580Names(pk, enc.PublicKey)))
	}
	return w
}

// rfc9580Names names the key's algorithms that only RFC 9580 tools read.
func rfc9580Names(keys ...*packet.PublicKey) string {
	var names []string
	for _, k := range keys {
		if k != nil && slices.Contains(rfc9580Only, k.PubKeyAlgo) && !slices.Contains(names, AlgorithmName(k)) {
			names = append(names, AlgorithmName(k))
		}
	}
	return strings.Join(names, ", ")
}

// normalize turns a fingerprint as people write it into upper-case hex.
func normalize(fpr string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", ":", "", "\t", "").Replace(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(fpr)), "0x")))
}
