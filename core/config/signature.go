package config

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// MaxSignatureBytes bounds a config's signature file: one armored
// signature packet is a few hundred bytes, an RSA-16384 one 3 KB.
const MaxSignatureBytes = 64 << 10

// ErrSignature reports a config signature that does not verify: missing,
// malformed, made by another key, or made by a key that is expired or
// revoked.
var ErrSignature = errors.New("the config's signature does not verify")

// signatureHashes are the digests a config signature may use: SHA-1 and
// older are refused.
var signatureHashes = []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512, crypto.SHA3_256, crypto.SHA3_512}

// signaturePolicy is the one place config signatures' crypto is chosen:
// SHA-256, at the given time.
func signaturePolicy(now func() time.Time) *packet.Config {
	return &packet.Config{DefaultHash: crypto.SHA256, Time: now}
}

// Sign writes an armored detached OpenPGP signature of the config document
// data, made with signer's signing key (its primary key, or its newest
// signing subkey): what a vendor serves as config.json.asc next to
// config.json. The signer's private key must be decrypted. now may be nil.
func Sign(w io.Writer, data []byte, signer *openpgp.Entity, now func() time.Time) error {
	if signer == nil || signer.PrivateKey == nil {
		return errors.New("signing a config needs a secret key")
	}
	return openpgp.ArmoredDetachSign(w, signer, bytes.NewReader(data), signaturePolicy(now))
}

// CheckSignature checks that sig, an armored detached signature, is a
// valid signature of the config document data by one of keys (public keys
// suffice), at now (nil: time.Now). Every failure wraps [ErrSignature].
// It reads at most [MaxSignatureBytes] of sig.
func CheckSignature(data, sig []byte, keys openpgp.EntityList, now func() time.Time) error {
	if len(sig) > MaxSignatureBytes {
		return fmt.Errorf("%w: the signature file is over %d bytes", ErrSignature, MaxSignatureBytes)
	}
	block, err := armor.Decode(bytes.NewReader(sig))
	if err != nil || block.Type != openpgp.SignatureType {
		return fmt.Errorf("%w: not an armored OpenPGP signature", ErrSignature)
	}
	signature, signer, err := openpgp.VerifyDetachedSignatureAndHash(keys, bytes.NewReader(data), block.Body, signatureHashes, signaturePolicy(now))
	switch {
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		return fmt.Errorf("%w: it was made by another key", ErrSignature)
	case err != nil:
		return fmt.Errorf("%w: %v", ErrSignature, err)
	case signature.SigType != packet.SigTypeBinary:
		// A text signature still verifies with the line ends changed:
		// only one over exactly the bytes loaded will do.
		return fmt.Errorf("%w: it is a text signature, not a binary one over exactly these bytes; sign with sealpost config sign", ErrSignature)
	}
	if weak := weakSigner(signer, signature); weak != "" {
		return fmt.Errorf("%w: it was made by %s, too weak to vouch for the config", ErrSignature, weak)
	}
	return nil
}

// minSignerRSABits is the smallest RSA key whose signature is taken, as
// for the keys reports are sealed to (pgpkey.MinRSABits).
const minSignerRSABits = 2048

// weakSigner names the key (primary or subkey) that made sig when it is
// too weak: RSA under minSignerRSABits, or DSA. go-crypto checks neither,
// and a strong primary key can carry a weak signing subkey.
func weakSigner(signer *openpgp.Entity, sig *packet.Signature) string {
	if signer == nil || sig.IssuerKeyId == nil {
		return ""
	}
	pk := signer.PrimaryKey
	for _, sub := range signer.Subkeys {
		if sub.PublicKey.KeyId == *sig.IssuerKeyId {
			pk = sub.PublicKey
		}
	}
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoDSA:
		return "a DSA key"
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly:
		if bits, err := pk.BitLength(); err != nil || int(bits) < minSignerRSABits {
			return fmt.Sprintf("an RSA key of %d bits", bits)
		}
	}
	return ""
}
