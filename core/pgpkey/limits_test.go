package pgpkey

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
)

// Before keys were sized first, the DSA-32768 key below took 38.8 s to
// refuse (go-crypto checked its self-signature); the test asserts the
// reason of the refusal, not a time.
func TestHugeKeysAreRefusedBeforeAnySignatureIsChecked(t *testing.T) {
	for _, c := range []struct {
		name   string
		key    []byte
		detail string
	}{
		{"a DSA key with 32768-bit parameters", testkeys.Huge(17, 32768), "primary key is DSA-32768"},
		{"a DSA key with 8192-bit parameters", testkeys.Huge(17, 8192), "primary key is DSA-8192"},
		{"an RSA key of 32768 bits", testkeys.Huge(1, 32768), "primary key is RSA-32768"},
		{"an ElGamal encryption subkey of 8192 bits", elGamalSubkey(t, 8192), "one of its subkeys is ElGamal-8192"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.key, opts())
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), c.detail) {
				t.Errorf("got %v, want %v mentioning %q", err, ErrTooLarge, c.detail)
			}
		})
	}
}

func TestAHugeKeyDoesNotHideTheOthers(t *testing.T) {
	good := cv25519(t)
	ring := append(testkeys.Huge(17, 32768), testkeys.Public(good)...)
	set, err := Parse(ring, opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 || set.Keys[0].Fingerprint != hexUpper(good.PrimaryKey.Fingerprint) || len(set.Skipped) != 1 || !errors.Is(set.Skipped[0], ErrTooLarge) {
		t.Errorf("keys %d, skipped %v", len(set.Keys), set.Skipped)
	}
}

func TestKeysAtTheLimitsAreSizedLikeGoCrypto(t *testing.T) {
	for _, c := range []struct {
		name string
		key  []byte
	}{
		{"DSA-4096", testkeys.Huge(17, MaxDSABits)},
		{"RSA-16384", testkeys.Huge(1, MaxRSABits)},
		{"ElGamal-4096", elGamalSubkey(t, MaxDSABits)},
		{"Curve25519", testkeys.Public(cv25519(t))},
		{"a secret Curve25519 key", testkeys.Secret(cv25519(t))},
	} {
		t.Run(c.name, func(t *testing.T) {
			block, err := armor.Decode(bytes.NewReader(c.key))
			if err != nil {
				t.Fatal(err)
			}
			var body bytes.Buffer
			body.ReadFrom(block.Body)
			if err := CheckSizes(body.Bytes()); err != nil {
				t.Errorf("refused: %v", err)
			}
			if keys := scanKeys(body.Bytes()); len(keys) != 1 || keys[0].start != 0 || keys[0].end != body.Len() {
				t.Errorf("split into %+v", keys)
			}
		})
	}
}

// FuzzCheckSizes checks the size scanner against go-crypto's own reading:
// whatever the bytes, a key packet go-crypto reads as larger than the
// limits is refused, and nothing panics.
func FuzzCheckSizes(f *testing.F) {
	for _, k := range [][]byte{testkeys.Huge(17, 8192), testkeys.Huge(1, 2048), testkeys.Public(cv25519(f)), testkeys.Secret(cv25519(f))} {
		block, err := armor.Decode(bytes.NewReader(k))
		if err != nil {
			f.Fatal(err)
		}
		var body bytes.Buffer
		body.ReadFrom(block.Body)
		f.Add(body.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := CheckSizes(data)
		packets := packet.NewReader(bytes.NewReader(data))
		for {
			p, perr := packets.Next()
			if perr != nil {
				return
			}
			var pk *packet.PublicKey
			switch p := p.(type) {
			case *packet.PublicKey:
				pk = p
			case *packet.PrivateKey:
				pk = &p.PublicKey
			default:
				continue
			}
			bits, berr := pk.BitLength()
			limit := MaxDSABits
			switch pk.PubKeyAlgo {
			case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
				limit = MaxRSABits
			case packet.PubKeyAlgoDSA, packet.PubKeyAlgoElGamal:
			default:
				continue
			}
			if berr == nil && int(bits) > limit && err == nil {
				t.Fatalf("go-crypto reads a %v key of %d bits; CheckSizes let it through", pk.PubKeyAlgo, bits)
			}
		}
	})
}
