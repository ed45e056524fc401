package pgpkey

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// DemoLabel marks every demo key's user ID.
const DemoLabel = "SEALPOST DEMO KEY - NOT FOR REAL REPORTS"

// DemoKey makes a key pair for trying Sealpost, labelled [DemoLabel] in its
// user ID: a v4 Curve25519 key (Ed25519 signing, X25519 encryption) that
// GnuPG 2.2, RNP, Sequoia and OpenPGP.js all read, with AES-256 preferred.
// Its secret key is not protected by a passphrase. Real vendor keys belong
// in the vendor's own tools, where the secret never leaves their machines.
func DemoKey(name, email string, now time.Time) (public, secret []byte, err error) {
	e, err := openpgp.NewEntity(name, DemoLabel, email, &packet.Config{
		Algorithm:     packet.PubKeyAlgoEdDSA,
		DefaultCipher: packet.CipherAES256,
		Time:          func() time.Time { return now },
	})
	if err != nil {
		return nil, nil, fmt.Errorf("making the demo key: %w", err)
	}
	if public, err = armorWith(openpgp.PublicKeyType, demoComment, e.Serialize); err != nil {
		return nil, nil, err
	}
	secret, err = armorWith(openpgp.PrivateKeyType, demoComment, func(w io.Writer) error { return e.SerializePrivateWithoutSigning(w, nil) })
	return public, secret, err
}

var demoComment = map[string]string{"Comment": DemoLabel}

func armorWith(typ string, headers map[string]string, write func(io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, typ, headers)
	if err != nil {
		return nil, err
	}
	if err := write(w); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
