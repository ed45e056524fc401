// Package testkeys makes OpenPGP keys of every family for tests, at a fixed
// clock, so that the tests do not depend on key files of unknown origin.
package testkeys

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Now is the clock keys are made at.
var Now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// Family is one kind of key.
type Family struct {
	Name string
	// GnuPG22 is whether GnuPG 2.2 (and RNP 0.16, Sequoia 0.27) read it.
	GnuPG22 bool
	// Slow marks families whose generation takes seconds (RSA-4096).
	Slow   bool
	Config packet.Config
}

// Families are the key families Sealpost must encrypt to. Their
// preferences are those of keys made by GnuPG and Sequoia: AES-256 first,
// and SEIPDv2 advertised by v6 keys.
func Families() []Family {
	ecdsa := func(c packet.Curve) packet.Config {
		return packet.Config{Algorithm: packet.PubKeyAlgoECDSA, Curve: c}
	}
	return []Family{
		{Name: "rsa2048", GnuPG22: true, Config: packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 2048}},
		{Name: "rsa3072", GnuPG22: true, Slow: true, Config: packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 3072}},
		{Name: "rsa4096", GnuPG22: true, Slow: true, Config: packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 4096}},
		{Name: "cv25519", GnuPG22: true, Config: packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}},
		{Name: "nistp256", GnuPG22: true, Config: ecdsa(packet.CurveNistP256)},
		{Name: "nistp384", GnuPG22: true, Config: ecdsa(packet.CurveNistP384)},
		{Name: "nistp521", GnuPG22: true, Config: ecdsa(packet.CurveNistP521)},
		{Name: "brainpoolp256", GnuPG22: true, Config: ecdsa(packet.CurveBrainpoolP256)},
		{Name: "brainpoolp384", GnuPG22: true, Config: ecdsa(packet.CurveBrainpoolP384)},
		{Name: "v6-ed25519", Config: packet.Config{Algorithm: packet.PubKeyAlgoEd25519, V6Keys: true, AEADConfig: &packet.AEADConfig{}}},
		{Name: "v6-ed448", Config: packet.Config{Algorithm: packet.PubKeyAlgoEd448, V6Keys: true, AEADConfig: &packet.AEADConfig{}}},
		// Post-quantum (RFC 9980): a v6 ML-DSA-65+Ed25519 key with an
		// ML-KEM-768+X25519 subkey, and a v4 Ed25519 key with an X25519
		// and an ML-KEM-768+X25519 subkey (see New), as sealpost keygen
		// --pq makes. Only go-crypto decrypts what is sealed to them.
		{Name: "v6-mldsa65", Config: packet.Config{Algorithm: packet.PubKeyAlgoMldsa65Ed25519, V6Keys: true, AEADConfig: &packet.AEADConfig{}}},
		{Name: "v4-mlkem768", Config: packet.Config{Algorithm: packet.PubKeyAlgoMlkem768X25519}},
	}
}

// New makes a key of config's family, created at Now plus age (negative
// for an older key), for "name <email>". A v4 config of algorithm
// ML-KEM-768+X25519, which cannot sign, makes an Ed25519 key with an
// X25519 subkey and an ML-KEM-768+X25519 subkey of the same age.
func New(name, email string, config packet.Config, age time.Duration) (*openpgp.Entity, error) {
	created := Now.Add(age)
	config.Time = func() time.Time { return created }
	if config.DefaultCipher == 0 {
		config.DefaultCipher = packet.CipherAES256
	}
	pq := config.Algorithm == packet.PubKeyAlgoMlkem768X25519 && !config.V6Keys
	if pq {
		config.Algorithm = packet.PubKeyAlgoEdDSA
	}
	e, err := openpgp.NewEntity(name, "test key", email, &config)
	if err == nil && pq {
		config.Algorithm = packet.PubKeyAlgoMlkem768X25519
		err = e.AddEncryptionSubkey(&config)
	}
	if err != nil {
		return nil, fmt.Errorf("testkeys: algorithm %v: %w", config.Algorithm, err)
	}
	return e, nil
}

// Public returns e's public key, armored.
func Public(e *openpgp.Entity) []byte {
	return armored(openpgp.PublicKeyType, e.Serialize)
}

// Secret returns e's secret key, armored and unprotected.
func Secret(e *openpgp.Entity) []byte {
	return armored(openpgp.PrivateKeyType, func(w io.Writer) error { return e.SerializePrivateWithoutSigning(w, nil) })
}

func armored(typ string, write func(io.Writer) error) []byte {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, typ, nil)
	if err != nil {
		panic(err)
	}
	if err := write(w); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
