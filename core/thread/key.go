package thread

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	goecdh "github.com/ProtonMail/go-crypto/openpgp/ecdh"
	"github.com/ProtonMail/go-crypto/openpgp/eddsa"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// The reply key is an OpenPGP v4 key (EdDSA Ed25519 for signing, ECDH
// Curve25519 for encryption: the algorithms GnuPG 2.2 reads, so a reporter
// can export it to GnuPG), made from the code alone. Its creation time is
// fixed, so the same code always gives the same fingerprint.
var replyKeyCreated = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// ReplyKeyUserID names every reply key. It says nothing of the reporter.
const ReplyKeyUserID = "Sealpost reply key"

// ReplyKey is the reporter's reply key pair, secret part included: the
// vendor encrypts replies to it, and the reporter signs messages with it.
func (c Code) ReplyKey() (*openpgp.Entity, error) {
	seeds := c.derive("reply key seeds", 64)
	sign, enc := seeds[:32], seeds[32:]
	cfg := &packet.Config{
		Algorithm:              packet.PubKeyAlgoEdDSA,
		Curve:                  packet.Curve25519,
		DefaultCipher:          packet.CipherAES256,
		DefaultCompressionAlgo: packet.CompressionNone,
		Rand:                   &seedReader{seeds: [][]byte{sign, enc}},
		Time:                   func() time.Time { return replyKeyCreated },
	}
	e, err := openpgp.NewEntity(ReplyKeyUserID, "", "", cfg)
	if err != nil {
		return nil, fmt.Errorf("thread: deriving the reply key: %w", err)
	}
	// go-crypto draws each key's 32 bytes in one read (the signatures'
	// salts in reads of other sizes come from crypto/rand). Check that the
	// key material is what the seeds give by the standard library's
	// computation, so a change in the library can never hand out a key
	// that no earlier code matches.
	wantSign := ed25519.NewKeyFromSeed(sign).Public().(ed25519.PublicKey)
	x, err := ecdh.X25519().NewPrivateKey(enc)
	if err != nil {
		return nil, err
	}
	if len(e.Subkeys) != 1 ||
		!bytes.Equal(publicPoint(e.PrimaryKey), append([]byte{0x40}, wantSign...)) ||
		!bytes.Equal(publicPoint(e.Subkeys[0].PublicKey), append([]byte{0x40}, x.PublicKey().Bytes()...)) {
		return nil, errors.New("thread: deriving the reply key: the OpenPGP library made other key material than the code gives; this build cannot read replies")
	}
	return e, nil
}

// publicPoint is the prefixed curve point of an EdDSA or ECDH public key.
func publicPoint(k *packet.PublicKey) []byte {
	switch pk := k.PublicKey.(type) {
	case *eddsa.PublicKey:
		return pk.MarshalPoint()
	case *goecdh.PublicKey:
		return pk.MarshalPoint()
	}
	return nil
}

// seedReader hands out one seed per 32-byte read, in order, and
// crypto/rand for every other read.
type seedReader struct{ seeds [][]byte }

func (r *seedReader) Read(p []byte) (int, error) {
	if len(p) == 32 && len(r.seeds) > 0 {
		n := copy(p, r.seeds[0])
		r.seeds = r.seeds[1:]
		return n, nil
	}
	return rand.Read(p)
}

// ReplyPublicKey is the armored public half of the reply key, as it goes
// into report.json's reply_key.
func (c Code) ReplyPublicKey() (string, error) {
	e, err := c.ReplyKey()
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return "", err
	}
	if err := e.Serialize(w); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	buf.WriteByte('\n')
	return buf.String(), nil
}

// ExportSecretKey is the armored reply key with its secret parts,
// unprotected, for `gpg --import`: whoever holds it reads the replies.
func (c Code) ExportSecretKey() ([]byte, error) {
	e, err := c.ReplyKey()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, nil)
	if err != nil {
		return nil, err
	}
	if err := e.SerializePrivateWithoutSigning(w, nil); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
