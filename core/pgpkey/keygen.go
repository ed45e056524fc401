package pgpkey

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// PQOptions describe the key pair [PQKey] makes.
type PQOptions struct {
	Name, Email string
	// Demo labels the user ID with [DemoLabel], as [DemoKey] does.
	Demo bool
	// Passphrase, when not empty, protects the secret key.
	Passphrase []byte
	// Now is the key's creation time; zero means time.Now.
	Now time.Time
	// Rand is the randomness source; nil means crypto/rand.
	Rand io.Reader
}

// PQKey makes a post-quantum key pair: a v4 key with an Ed25519 primary
// key (signing, certifying), an X25519 encryption subkey, and an
// ML-KEM-768+X25519 encryption subkey (RFC 9980, algorithm 35), which
// Sealpost, and go-crypto, seal to: of two encryption subkeys of the same
// age, go-crypto takes the post-quantum one. AES-256 is preferred.
//
// Why v4 and not v6 (measured on 2026-12-02, see [PQDecrypters]): no tool
// but go-crypto decrypts ML-KEM messages yet, but of v4 the rest still
// works where it can: GnuPG 2.2 and Sequoia 0.27 import the key (and so
// check its self-signatures), and they and OpenPGP.js 6.3.2 encrypt to its
// X25519 subkey, so a researcher who writes with them still reaches the
// vendor, while GnuPG 2.2, RNP 0.16 and Sequoia 0.27 cannot read a v6 key
// at all (RNP 0.16 reads neither). And a
// vendor can add such a subkey to the v4 key it has, keeping the
// fingerprint its config and security.txt pin. What v4 gives up: its
// signatures are Ed25519, not ML-DSA-65+Ed25519 (allowed only in v6 keys);
// that matters for a forger with a quantum computer at the time, not for
// recordings of reports today, which is what ML-KEM protects against.
// Messages to the key are SEIPD v1 (AES-256, MDC), whose symmetric part
// a quantum computer does not break.
func PQKey(o PQOptions) (public, secret []byte, err error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	comment := ""
	if o.Demo {
		comment = DemoLabel
	}
	config := &packet.Config{
		Algorithm:     packet.PubKeyAlgoEdDSA,
		DefaultCipher: packet.CipherAES256,
		Time:          func() time.Time { return o.Now },
		Rand:          o.Rand,
	}
	e, err := openpgp.NewEntity(o.Name, comment, o.Email, config)
	if err != nil {
		return nil, nil, fmt.Errorf("making the key: %w", err)
	}
	pq := *config
	pq.Algorithm = packet.PubKeyAlgoMlkem768X25519
	if err := e.AddEncryptionSubkey(&pq); err != nil {
		return nil, nil, fmt.Errorf("making the ML-KEM-768+X25519 subkey: %w", err)
	}
	if enc, ok := e.EncryptionKey(o.Now); !ok || !PostQuantum(enc.PublicKey) {
		return nil, nil, errors.New("making the key: go-crypto does not pick its post-quantum subkey")
	}
	if len(o.Passphrase) > 0 {
		if err := e.EncryptPrivateKeys(o.Passphrase, config); err != nil {
			return nil, nil, fmt.Errorf("protecting the secret key: %w", err)
		}
	}
	var headers map[string]string
	if o.Demo {
		headers = demoComment
	}
	if public, err = armorWith(openpgp.PublicKeyType, headers, e.Serialize); err != nil {
		return nil, nil, err
	}
	secret, err = armorWith(openpgp.PrivateKeyType, headers, func(w io.Writer) error { return e.SerializePrivateWithoutSigning(w, nil) })
	return public, secret, err
}
