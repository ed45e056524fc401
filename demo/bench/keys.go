package main

import (
	"bytes"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
)

// addKeys makes the public keys the widget seals to, by name: cv25519 (a
// demo key), rsa4096, and the post-quantum keys (pq.go).
func (b *bench) addKeys() error {
	cv, _, err := pgpkey.DemoKey("Bench Cv25519", "bench@example.com", time.Now().Add(-time.Hour))
	if err != nil {
		return err
	}
	b.keys["cv25519"] = string(cv)
	if b.keys["rsa4096"], err = rsaKey(); err != nil {
		return err
	}
	return b.addPQKeys()
}

// rsaKey makes an RSA-4096 key pair as GnuPG would (AES-256 preferred).
func rsaKey() (string, error) {
	e, err := openpgp.NewEntity("Bench RSA-4096", "", "bench-rsa@example.com", &packet.Config{
		Algorithm: packet.PubKeyAlgoRSA, RSABits: 4096, DefaultCipher: packet.CipherAES256,
	})
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
	w.Close()
	return buf.String(), nil
}
