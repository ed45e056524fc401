package thread

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"

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
	// seal.Encrypt writes one session key per encryption key (a
	// reporter's pgp_key may repeat the vendor's), to at most
	// MaxSessionKeys keys: what a reader opens.
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
// signature against signers (public, or the same entities: they only
// verify). It fails with [ErrNotForYou] or [ErrTampered] (wrapped, with
// the detail).
//
// The message is read by [seal.DecryptSigned], with the policy every
// sealed message is opened with: its session keys bounded (at most
// [MaxSessionKeys], one per key), integrity protection required, a
// compressed message (RNP and Sequoia compress by default) inflated no
// further than maxPlain and the packets around it, nothing but one
// signature, the literal data and its signature inside, the signature's
// hash and key checked.
func Open(armored []byte, keys, signers openpgp.EntityList) (*Opened, error) {
	if len(armored) > MaxMessageBytes {
		return nil, fmt.Errorf("%w: it is over %d bytes", ErrTampered, MaxMessageBytes)
	}
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil || block.Type != "PGP MESSAGE" {
		return nil, fmt.Errorf("%w: it is not an armored OpenPGP message", ErrTampered)
	}
	plain, signer, err := seal.DecryptSigned(block.Body, keys, signers, maxPlain)
	switch {
	case errors.Is(err, seal.ErrNoSecretKey):
		return nil, ErrNotForYou
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	var m Message
	if err := strictjson.Decode(plain, &m); err != nil {
		return nil, fmt.Errorf("%w: it is not a thread message: %v", ErrTampered, err)
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	o := &Opened{Message: &m}
	if signer != nil {
		o.Signer = fmt.Sprintf("%X", signer.PrimaryKey.Fingerprint)
	}
	return o, nil
}
