package testkeys

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/elgamal"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Huge crafts an armored v4 public key whose primary key is of algorithm
// algo (1 RSA, 17 DSA) with MPIs of the given bit length, a user ID and a
// self-signature whose hash prefix is right, so that a reader that does not
// look at sizes first goes as far as the signature arithmetic. No number in
// it is mathematically valid (there is no need: the key must be refused by
// its size alone), so it takes microseconds to make. It stands in for the
// DSA key with 32768-bit parameters of issue 12, which took 23 s to refuse.
func Huge(algo byte, bits int) []byte {
	rng := rand.New(rand.NewPCG(1, uint64(bits)))
	mpi := func(bits int) []byte {
		b := make([]byte, 2+(bits+7)/8)
		binary.BigEndian.PutUint16(b, uint16(bits))
		for i := 2; i < len(b); i++ {
			b[i] = byte(rng.Uint32())
		}
		b[2] |= 0x80 >> ((8 - bits%8) % 8) // the top bit is set
		b[len(b)-1] |= 1                   // odd, so that q has inverses
		return b
	}
	keyBody := func(algo byte, bits int) []byte {
		body := []byte{4, 0x67, 0x00, 0x00, 0x00, algo} // v4, created 2024-12-..
		switch algo {
		case 1: // RSA: n, e
			body = append(body, mpi(bits)...)
			body = append(body, 0, 17, 1, 0, 1)
		case 17: // DSA: p, q, g, y
			for range 4 {
				body = append(body, mpi(bits)...)
			}
		}
		return body
	}
	pub := keyBody(algo, bits)
	uid := []byte("Huge Key <huge@example.com>")
	// A v4 positive certification: version, type, algorithm, SHA-256, and
	// hashed creation-time and issuer-fingerprint subpackets.
	framed := append([]byte{0x99, byte(len(pub) >> 8), byte(len(pub))}, pub...)
	fpr := sha1.Sum(framed)
	hashed := append([]byte{4, 0x13, algo, 8, 0, 6 + 23, 5, 2, 0x67, 0x00, 0x00, 0x01, 22, 33, 4}, fpr[:]...)
	h := sha256.New()
	h.Write(framed)
	h.Write(binary.BigEndian.AppendUint32([]byte{0xb4}, uint32(len(uid))))
	h.Write(uid)
	h.Write(hashed)
	h.Write(binary.BigEndian.AppendUint32([]byte{4, 0xff}, uint32(len(hashed))))
	sum := h.Sum(nil)
	sig := append(hashed, 0, 0, sum[0], sum[1])
	switch algo {
	case 1:
		sig = append(sig, mpi(bits)...)
	default:
		sig = append(sig, mpi(160)...)
		sig = append(sig, mpi(160)...)
	}
	var out bytes.Buffer
	packet := func(tag byte, body []byte) {
		out.WriteByte(0xc0 | tag)
		out.WriteByte(0xff)
		out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(body))))
		out.Write(body)
	}
	packet(6, pub)
	packet(13, uid)
	packet(2, sig)
	var armored bytes.Buffer
	w, _ := armor.Encode(&armored, "PGP PUBLIC KEY BLOCK", nil)
	w.Write(out.Bytes())
	w.Close()
	return armored.Bytes()
}

// ElGamalSubkey returns an armored Curve25519 key whose only encryption
// subkey is an ElGamal key with a bits-bit prime (not a prime: random odd
// numbers), bound by a valid signature, so that only its size refuses it.
func ElGamalSubkey(bits int) ([]byte, error) {
	e, err := New("ElGamal Subkey", "elgamal@example.com", packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
	if err != nil {
		return nil, err
	}
	e.Subkeys = nil
	rng := rand.New(rand.NewPCG(2, uint64(bits)))
	num := func() *big.Int {
		b := make([]byte, bits/8)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		b[0] |= 0x80
		b[len(b)-1] |= 1
		return new(big.Int).SetBytes(b)
	}
	config := &packet.Config{Time: func() time.Time { return Now.Add(-time.Hour) }}
	sub := packet.NewElGamalPublicKey(config.Now(), &elgamal.PublicKey{P: num(), G: big.NewInt(2), Y: num()})
	sub.IsSubkey = true
	sig := &packet.Signature{
		Version: 4, SigType: packet.SigTypeSubkeyBinding, PubKeyAlgo: e.PrimaryKey.PubKeyAlgo, Hash: crypto.SHA256,
		CreationTime: config.Now(), IssuerKeyId: &e.PrimaryKey.KeyId, IssuerFingerprint: e.PrimaryKey.Fingerprint,
		FlagsValid: true, FlagEncryptCommunications: true, FlagEncryptStorage: true,
	}
	if err := sig.SignKey(sub, e.PrivateKey, config); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w, _ := armor.Encode(&out, "PGP PUBLIC KEY BLOCK", nil)
	if err := e.Serialize(w); err != nil {
		return nil, err
	}
	sub.Serialize(w)
	sig.Serialize(w)
	w.Close()
	return out.Bytes(), nil
}
