package seal

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// signedOverhead is the room a signed message's packets take around its
// literal data (the one-pass signature, the literal data header, the
// signature: an SLH-DSA one is 30 KB), counted in what a compressed packet
// may inflate to.
const signedOverhead = 64 << 10

// DecryptSigned decrypts a signed message, armored or binary, as [Encrypt]
// writes it with [Options.Signer] (a thread message, see core/thread): a
// one-pass signature, the literal data and its signature, inside the
// encryption. It returns the plaintext, read whole, since a signature is
// known good only at its end, and at most limit bytes of it. signer is the
// entity among signers whose key made the signature, or nil when the
// message is unsigned or signed by a key not among signers: then it must
// not be shown as coming from anyone in particular.
//
// keys decrypt; signers only verify, so an entity among them that carries
// its secret key decrypts nothing. The session keys are checked as for
// [Decrypt], and the message is read with the same policy, a sender taken
// as hostile:
//   - integrity protection required, checked before anything is returned;
//   - one compressed packet is allowed around the rest (GnuPG compresses
//     by default), inflated to at most limit and the packets' room;
//     compression within compression is refused;
//   - at most one one-pass signature, then the literal data, then its
//     signature, then nothing: anything else is refused, not skipped;
//   - a signature by a key among signers must verify with a hash that is
//     not too weak (SHA-1, MD5, RIPEMD-160), by a key neither revoked nor
//     expired, and neither it nor the key's self-signatures may be dated
//     after the clock.
//
// Errors wrap [ErrNotEncrypted], [ErrNoSecretKey] (no key of keys
// decrypts it) or [ErrTampered] (integrity, structure, size or signature).
func DecryptSigned(r io.Reader, keys, signers openpgp.EntityList, limit int64) (plaintext []byte, signer *openpgp.Entity, err error) {
	data, err := decrypted(r, keys)
	if err != nil {
		return nil, nil, err
	}
	m, err := readSigned(data, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	// Close checks the MDC or the last AEAD tag: the packets were read to
	// their end, and nothing is trusted before it passes.
	if err := data.Close(); err != nil {
		return nil, nil, fmt.Errorf("%w (%v)", ErrTampered, err)
	}
	if m.ops == nil {
		return m.plain, nil, nil
	}
	if signer, err = verify(signers, m, openPolicy()); err != nil {
		return nil, nil, fmt.Errorf("%w: its signature does not verify: %v", ErrTampered, err)
	}
	return m.plain, signer, nil
}

// signed is what readSigned found inside the encryption.
type signed struct {
	ops     *packet.OnePassSignature // nil when unsigned
	literal *packet.LiteralData
	plain   []byte
	sig     *packet.Signature
}

// readSigned reads the decrypted packets: [compressed] [one-pass
// signature] literal data [signature], and nothing after.
func readSigned(data io.Reader, limit int64) (*signed, error) {
	var m signed
	in := data
	p, err := packet.Read(in)
	if c, ok := p.(*packet.Compressed); ok && err == nil {
		inflated := limit + signedOverhead
		in = c.LimitedBodyReader(&inflated)
		p, err = packet.Read(in)
		if _, ok := p.(*packet.Compressed); ok && err == nil {
			return nil, errors.New("it is compressed twice")
		}
	}
	if err != nil {
		return nil, tooLarge(err, limit)
	}
	if ops, ok := p.(*packet.OnePassSignature); ok {
		if !ops.IsLast {
			return nil, errors.New("it is signed more than once")
		}
		m.ops = ops
		if p, err = packet.Read(in); err != nil {
			return nil, tooLarge(err, limit)
		}
	}
	lit, ok := p.(*packet.LiteralData)
	if !ok {
		return nil, fmt.Errorf("it holds a %s packet where its literal data belongs", packetName(p))
	}
	m.literal = lit
	if m.plain, err = io.ReadAll(io.LimitReader(lit.Body, limit+1)); err != nil {
		return nil, tooLarge(err, limit)
	}
	if int64(len(m.plain)) > limit {
		return nil, fmt.Errorf("its content is over %d bytes", limit)
	}
	if m.ops != nil {
		if p, err = packet.Read(in); err != nil {
			return nil, tooLarge(err, limit)
		}
		if m.sig, ok = p.(*packet.Signature); !ok {
			return nil, fmt.Errorf("its literal data is followed by a %s packet, not its signature", packetName(p))
		}
	}
	for in != nil {
		p, err := packet.Read(in)
		switch {
		case err == io.EOF && in != data:
			in = data // the compressed packet's end; nothing may follow it either
		case err == io.EOF:
			in = nil
		case err != nil:
			return nil, tooLarge(err, limit)
		default:
			return nil, fmt.Errorf("a %s packet follows its message", packetName(p))
		}
	}
	return &m, nil
}

// tooLarge says so when err is a compressed packet inflating past its
// bound.
func tooLarge(err error, limit int64) error {
	if errors.Is(err, pgperrors.ErrMessageTooLarge) {
		return fmt.Errorf("its content is over %d bytes, inflated", limit)
	}
	return err
}

// packetName is p's type without its package: "UserId", "Padding".
func packetName(p packet.Packet) string {
	return strings.TrimPrefix(strings.TrimPrefix(fmt.Sprintf("%T", p), "*"), "packet.")
}

// verify checks m's signature against the keys of signers, returning the
// entity that made it, or nil when none of them did.
func verify(signers openpgp.EntityList, m *signed, config *packet.Config) (*openpgp.Entity, error) {
	ops, sig := m.ops, m.sig
	if sig.SigType != ops.SigType || sig.Hash != ops.Hash || sig.IssuerKeyId != nil && *sig.IssuerKeyId != ops.KeyId {
		return nil, errors.New("it does not match the one-pass signature before the text")
	}
	if sig.SigType != packet.SigTypeBinary && sig.SigType != packet.SigTypeText {
		return nil, fmt.Errorf("it is of type %#x, not a signature of a text or a file", sig.SigType)
	}
	keys := signers.KeysByIdUsage(ops.KeyId, packet.KeyFlagSign)
	if len(keys) == 0 {
		return nil, nil
	}
	if config.RejectMessageHashAlgorithm(sig.Hash) {
		return nil, fmt.Errorf("it uses %s, too weak a hash to trust", sig.Hash)
	}
	if sig.Version == 5 {
		sig.Metadata = m.literal
	}
	err := errors.New("no key")
	for _, k := range keys {
		h, herr := sig.PrepareVerify()
		if herr != nil {
			return nil, herr
		}
		var w io.Writer = h
		if sig.SigType == packet.SigTypeText {
			w = openpgp.NewCanonicalTextHash(h)
		}
		w.Write(m.plain)
		if err = k.PublicKey.VerifySignature(h, sig); err == nil {
			return k.Entity, checkSigner(k, sig, config)
		}
	}
	return nil, err
}

// checkSigner checks a good signature's circumstances at config's clock,
// as go-crypto's openpgp.ReadMessage does: no unknown critical notation,
// the key (and the subkey that signed) neither revoked nor expired, and no
// signature involved expired or dated in the future.
func checkSigner(k openpgp.Key, sig *packet.Signature, config *packet.Config) error {
	now := config.Now()
	self, identity := k.Entity.PrimarySelfSignature()
	if self == nil {
		return errors.New("the signer's key has no self-signature")
	}
	bySubkey := k.PublicKey != k.Entity.PrimaryKey
	sigs := []*packet.Signature{sig, self}
	if bySubkey {
		sigs = append(sigs, k.SelfSignature, k.SelfSignature.EmbeddedSignature)
	}
	for _, s := range sigs {
		for _, n := range sigNotations(s) {
			if n.IsCritical && !config.KnownNotation(n.Name) {
				return fmt.Errorf("it carries an unknown critical notation (%q)", n.Name)
			}
		}
	}
	switch {
	case k.Entity.Revoked(now) || bySubkey && k.Revoked(now) || identity != nil && identity.Revoked(now):
		return pgperrors.ErrKeyRevoked
	case k.Entity.PrimaryKey.KeyExpired(self, now) || bySubkey && k.PublicKey.KeyExpired(k.SelfSignature, now):
		return pgperrors.ErrKeyExpired
	}
	for _, s := range sigs {
		if s != nil && s.SigExpired(now) {
			return pgperrors.ErrSignatureExpired
		}
	}
	return nil
}

func sigNotations(s *packet.Signature) []*packet.Notation {
	if s == nil {
		return nil
	}
	return s.Notations
}
