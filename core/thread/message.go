package thread

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/strictjson"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
)

// MessageSchema is the schema id of a thread message's plaintext.
const MessageSchema = "sealpost.thread/v1"

// Who wrote a message.
const (
	FromVendor   = "vendor"
	FromReporter = "reporter"
)

// Statuses a vendor can give a report, in the order a report usually goes
// through them. The intake never sees them: they travel inside the vendor's
// encrypted, signed messages.
var Statuses = []string{"received", "triaged", "need-info", "accepted", "fixed", "declined", "closed"}

// Message is the plaintext of one thread message: a small JSON document,
// signed and then encrypted. ReportID binds it to its thread, so a message
// moved to another thread is seen as out of place.
type Message struct {
	Schema   string `json:"schema"`
	ReportID string `json:"report_id"`
	From     string `json:"from"`
	// Status is set by the vendor only: one of [Statuses].
	Status string `json:"status,omitempty"`
	// InviteConfirm, with status "fixed", invites the reporter to confirm
	// the fix.
	InviteConfirm bool      `json:"invite_confirm,omitempty"`
	Text          string    `json:"text,omitempty"`
	WrittenAt     time.Time `json:"written_at"`
}

// Check says what is wrong with m, if anything, in a sentence.
func (m *Message) Check() error {
	switch {
	case m.Schema != MessageSchema:
		return fmt.Errorf("schema is %q, not %q", m.Schema, MessageSchema)
	case m.ReportID == "" || len(m.ReportID) > 200:
		return errors.New("report_id is missing or too long")
	case m.From != FromVendor && m.From != FromReporter:
		return fmt.Errorf("from is %q: it must be %q or %q", m.From, FromVendor, FromReporter)
	case m.Status != "" && m.From != FromVendor:
		return errors.New("only the vendor sets a status")
	case m.Status != "" && !slices.Contains(Statuses, m.Status):
		return fmt.Errorf("status %q is not one of %s", m.Status, strings.Join(Statuses, ", "))
	case m.InviteConfirm && m.Status != "fixed":
		return errors.New("invite_confirm goes with status fixed only")
	case m.Status == "" && strings.TrimSpace(m.Text) == "":
		return errors.New("a message needs a status or some text")
	case !utf8.ValidString(m.Text):
		return errors.New("text is not UTF-8")
	case utf8.RuneCountInString(m.Text) > MaxTextRunes:
		return fmt.Errorf("text is longer than %d characters", MaxTextRunes)
	case m.WrittenAt.IsZero():
		return errors.New("written_at is missing")
	}
	return nil
}

// Seal signs m with signer and encrypts it to the keys, armored: the body
// of a thread post. A vendor seals to the reply key and its own key (so it
// can read its replies again), plus the reporter's own key when the report
// gave one; a reporter seals to the vendor's key and its reply key.
func Seal(m *Message, to []*pgpkey.Key, signer *openpgp.Entity, o seal.Options) ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("thread: %w", err)
	}
	if signer == nil || signer.PrivateKey == nil {
		return nil, errors.New("thread: a message must be signed: give the secret key")
	}
	// One session key per encryption key: a reader refuses a message with
	// two for one key (a reporter's pgp_key may repeat the vendor's).
	to = slices.Clone(to)
	seen := map[string]bool{}
	to = slices.DeleteFunc(to, func(k *pgpkey.Key) bool {
		dup := seen[k.Encryption.Fingerprint]
		seen[k.Encryption.Fingerprint] = true
		return dup
	})
	if len(to) > MaxSessionKeys {
		return nil, fmt.Errorf("thread: a message goes to at most %d keys, not %d: no reader opens one with more", MaxSessionKeys, len(to))
	}
	plain, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	o.Armor, o.Signer = true, signer
	out, err := seal.Bytes(plain, to, o)
	if err != nil {
		return nil, err
	}
	if len(out) > MaxMessageBytes {
		return nil, fmt.Errorf("thread: the sealed message is %d bytes, over the %d an intake takes", len(out), MaxMessageBytes)
	}
	return out, nil
}

// Errors opening a message.
var (
	// ErrNotForYou: none of the keys given can decrypt it.
	ErrNotForYou = errors.New("the message is not encrypted to this key")
	// ErrTampered: it decrypts, but its integrity or signature check
	// fails, or its content is not a thread message.
	ErrTampered = errors.New("the message was changed after it was written")
)

// Opened is a decrypted message and who signed it.
type Opened struct {
	Message *Message
	// Signer is the fingerprint (upper-case hex) of the primary key among
	// the expected signers that made a valid signature; "" when the message
	// is unsigned or signed by any other key: then it must not be shown as
	// coming from the party it claims.
	Signer string
}

// maxPlain bounds a message's plaintext: the text at its longest in
// four-byte characters, escaped, with room for the other fields.
const maxPlain = MaxTextRunes*4*2 + 4096

// Open decrypts an armored thread message with keys (secret) and checks its
// signature against signers (public, or the same entities). It fails with
// [ErrNotForYou] or [ErrTampered] (wrapped, with the detail).
func Open(armored []byte, keys, signers openpgp.EntityList) (*Opened, error) {
	if len(armored) > MaxMessageBytes {
		return nil, fmt.Errorf("%w: it is over %d bytes", ErrTampered, MaxMessageBytes)
	}
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil || block.Type != "PGP MESSAGE" {
		return nil, fmt.Errorf("%w: it is not an armored OpenPGP message", ErrTampered)
	}
	body, err := io.ReadAll(block.Body) // smaller than armored
	if err != nil {
		return nil, fmt.Errorf("%w: its armor is broken: %v", ErrTampered, err)
	}
	if err := checkSessionKeys(body); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	// Signers only verify: a signer entity that carries its secret key (the
	// vendor's own, in tests) must not decrypt on the reader's behalf.
	ring := slices.Clone(keys)
	for _, s := range signers {
		ring = append(ring, publicOnly(s))
	}
	md, err := openpgp.ReadMessage(bytes.NewReader(body), ring, nil, readPolicy())
	if err != nil {
		if errors.Is(err, pgperrors.ErrKeyIncorrect) {
			return nil, ErrNotForYou
		}
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	if !md.IsEncrypted {
		return nil, fmt.Errorf("%w: it is not encrypted", ErrTampered)
	}
	plain, err := io.ReadAll(io.LimitReader(md.UnverifiedBody, maxPlain+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	if len(plain) > maxPlain {
		return nil, fmt.Errorf("%w: its content is over %d bytes", ErrTampered, maxPlain)
	}
	var m Message
	if err := strictjson.Decode(plain, &m); err != nil {
		return nil, fmt.Errorf("%w: it is not a thread message: %v", ErrTampered, err)
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	o := &Opened{Message: &m}
	if md.IsSigned {
		if md.SignatureError != nil {
			return nil, fmt.Errorf("%w: its signature does not verify: %v", ErrTampered, md.SignatureError)
		}
		if md.SignedBy != nil && md.Signature != nil {
			fp := md.SignedBy.Entity.PrimaryKey.Fingerprint
			for _, s := range signers {
				if bytes.Equal(s.PrimaryKey.Fingerprint, fp) {
					o.Signer = fmt.Sprintf("%X", fp)
				}
			}
		}
	}
	return o, nil
}

// maxInflated bounds what any one compressed packet of a message may
// inflate to: the plaintext at its longest, with room for the packets
// around it (one-pass signature, literal data header, signature).
const maxInflated = maxPlain + 64<<10

// readPolicy is how [Open] reads a message: go-crypto's defaults, and no
// compressed packet inflated past maxInflated. The LimitReader on the
// plaintext is not enough: to find the signature, go-crypto reads every
// packet after the literal data, inflating them as it goes (4 KB of
// message, 1 GiB of padding packets behind the text, took it a quarter
// of a second; nested compression multiplies that without end).
func readPolicy() *packet.Config {
	limit := int64(maxInflated)
	return &packet.Config{MaxDecompressedMessageSize: &limit}
}

// maxAnonymous bounds the session keys that name no key (a sender hiding
// its recipients, gpg --throw-keyids): a reader tries each of its keys on
// every one of them.
const maxAnonymous = 4

// checkSessionKeys refuses a message whose session-key packets would have
// a reader try its private keys for nothing: more than [MaxSessionKeys] of
// them, two that name the same key (a sealer writes one per recipient), or
// more than maxAnonymous that name none, or any other packet among them
// (ReadMessage skips it and reads on). With these, a reader spends at
// most one private-key operation per key it holds, plus maxAnonymous per
// key. Packets go-crypto's reader skips itself (unknown types, session
// keys of algorithms it does not support, markers) are skipped here too:
// ReadMessage never tries them. A malformed body is left to ReadMessage
// to report.
func checkSessionKeys(body []byte) error {
	pr := packet.NewReader(bytes.NewReader(body))
	named := map[uint64]bool{}
	n, anonymous := 0, 0
	for {
		p, err := pr.Next()
		if err != nil {
			return nil
		}
		switch p := p.(type) {
		case *packet.EncryptedKey:
			switch {
			case p.KeyId == 0:
				anonymous++
			case named[p.KeyId]:
				return fmt.Errorf("two of its session keys name the key %016X, where a sealer writes one per recipient", p.KeyId)
			}
			named[p.KeyId] = true
		case *packet.SymmetricKeyEncrypted:
		case *packet.SymmetricallyEncrypted, *packet.AEADEncrypted:
			return nil // the encrypted data: ReadMessage reads no further session keys
		case *packet.LiteralData, *packet.Compressed, *packet.OnePassSignature:
			return nil // not encrypted: ReadMessage reads it, Open refuses it
		default:
			// ReadMessage would skip it and go on reading session keys.
			return fmt.Errorf("it has a %s packet among its session keys", strings.TrimPrefix(fmt.Sprintf("%T", p), "*packet."))
		}
		if n++; n > MaxSessionKeys {
			return fmt.Errorf("it has more than %d session keys, where a sealer writes one per recipient", MaxSessionKeys)
		}
		if anonymous > maxAnonymous {
			return fmt.Errorf("more than %d of its session keys name no key", maxAnonymous)
		}
	}
}

// publicOnly is e without its secret key material.
func publicOnly(e *openpgp.Entity) *openpgp.Entity {
	c := *e
	c.PrivateKey = nil
	c.Subkeys = slices.Clone(e.Subkeys)
	for i := range c.Subkeys {
		c.Subkeys[i].PrivateKey = nil
	}
	return &c
}
