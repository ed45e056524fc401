package pgpkey

import (
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// AlgorithmName names a key's algorithm as people know it: "RSA-4096",
// "Ed25519", "X25519", "ECDH P-256", "ECDSA brainpoolP384r1",
// "ML-KEM-768+X25519", "ML-DSA-65+Ed25519". v4 keys' EdDSA and ECDH on
// Curve25519 read as Ed25519 and X25519 too (the v6 forms are other
// algorithm numbers for the same curves; [Key.Version] tells them apart).
// An algorithm Sealpost does not know reads "unknown algorithm N".
func AlgorithmName(pk *packet.PublicKey) string {
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
		return withBits("RSA", pk)
	case packet.PubKeyAlgoDSA:
		return withBits("DSA", pk)
	case packet.PubKeyAlgoElGamal:
		return withBits("ElGamal", pk)
	case packet.PubKeyAlgoECDH, packet.PubKeyAlgoECDSA, packet.PubKeyAlgoEdDSA:
		curve, err := pk.Curve()
		if err != nil {
			return fmt.Sprintf("%s on an unknown curve", legacyNames[pk.PubKeyAlgo])
		}
		return curveAlgorithm(pk.PubKeyAlgo, curve)
	}
	if name, ok := algorithmNames[pk.PubKeyAlgo]; ok {
		return name
	}
	return fmt.Sprintf("unknown algorithm %d", pk.PubKeyAlgo)
}

// algorithmNames are the algorithms whose number says everything (RFC 9580
// and RFC 9980, the post-quantum one).
var algorithmNames = map[packet.PublicKeyAlgorithm]string{
	packet.PubKeyAlgoX25519:          "X25519",
	packet.PubKeyAlgoX448:            "X448",
	packet.PubKeyAlgoEd25519:         "Ed25519",
	packet.PubKeyAlgoEd448:           "Ed448",
	packet.PubKeyAlgoMldsa65Ed25519:  "ML-DSA-65+Ed25519",
	packet.PubKeyAlgoMldsa87Ed448:    "ML-DSA-87+Ed448",
	packet.PubKeyAlgoSlhdsaShake128s: "SLH-DSA-SHAKE-128s",
	packet.PubKeyAlgoSlhdsaShake128f: "SLH-DSA-SHAKE-128f",
	packet.PubKeyAlgoSlhdsaShake256s: "SLH-DSA-SHAKE-256s",
	packet.PubKeyAlgoMlkem768X25519:  "ML-KEM-768+X25519",
	packet.PubKeyAlgoMlkem1024X448:   "ML-KEM-1024+X448",
}

var legacyNames = map[packet.PublicKeyAlgorithm]string{
	packet.PubKeyAlgoECDH: "ECDH", packet.PubKeyAlgoECDSA: "ECDSA", packet.PubKeyAlgoEdDSA: "EdDSA",
}

// curveNames spell go-crypto's curve names as their standards do.
var curveNames = map[packet.Curve]string{
	packet.CurveNistP256: "P-256", packet.CurveNistP384: "P-384", packet.CurveNistP521: "P-521",
	packet.CurveSecP256k1: "secp256k1", packet.CurveBrainpoolP256: "brainpoolP256r1",
	packet.CurveBrainpoolP384: "brainpoolP384r1", packet.CurveBrainpoolP512: "brainpoolP512r1",
}

func curveAlgorithm(algo packet.PublicKeyAlgorithm, curve packet.Curve) string {
	switch {
	case curve == packet.Curve25519 && algo == packet.PubKeyAlgoECDH:
		return "X25519"
	case curve == packet.Curve25519:
		return "Ed25519"
	case curve == packet.Curve448 && algo == packet.PubKeyAlgoECDH:
		return "X448"
	case curve == packet.Curve448:
		return "Ed448"
	}
	name := curveNames[curve]
	if name == "" {
		name = string(curve)
	}
	return legacyNames[algo] + " " + name
}

func withBits(name string, pk *packet.PublicKey) string {
	if bits, err := pk.BitLength(); err == nil && bits > 0 {
		return fmt.Sprintf("%s-%d", name, bits)
	}
	return name
}

// PostQuantum reports whether messages to pk are sealed with a
// post-quantum KEM (ML-KEM, combined with X25519 or X448), so that a
// recording of them cannot be decrypted later with a quantum computer.
func PostQuantum(pk *packet.PublicKey) bool {
	return pk.PubKeyAlgo == packet.PubKeyAlgoMlkem768X25519 || pk.PubKeyAlgo == packet.PubKeyAlgoMlkem1024X448
}

// PQDecrypters says who can open messages sealed to a post-quantum
// (ML-KEM) key, as measured on 2026-12-02 with the tools a security team
// uses (core/seal's TestWhoDecryptsPostQuantum runs the same measurement):
// GnuPG 2.2.40 imports a v4 key with such a subkey but fails to decrypt
// ("Invalid public key algorithm") and cannot import a v6 key; Sequoia sq
// 0.27 finds "no key to decrypt message" (v4) or refuses the key (v6);
// RNP 0.16.3 refuses to load either key ("unknown key algorithm: 35",
// "wrong key packet version"); OpenPGP.js 6.3.2 finds no session key it
// can use, and cannot read an ML-DSA key at all.
const PQDecrypters = "only Sealpost (sealpost open) and other programs built on ProtonMail's go-crypto, as Sealpost is, can decrypt messages to it; " +
	"GnuPG 2.2, Sequoia sq 0.27, RNP 0.16 and OpenPGP.js 6.3.2 cannot (measured)"
