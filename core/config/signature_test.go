package config_test

import (
	"bytes"
	"crypto"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/config"
)

var signedAt = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// signingKey is a fresh Ed25519 key pair, made at signedAt.
func signingKey(t testing.TB, name string) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", "security@example.com", &packet.Config{Time: at(signedAt.Add(-time.Hour)), Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// public is e without its secret parts, as the widget holds it.
func public(t testing.TB, e *openpgp.Entity) openpgp.EntityList {
	t.Helper()
	var buf bytes.Buffer
	if err := e.Serialize(&buf); err != nil {
		t.Fatal(err)
	}
	list, err := openpgp.ReadKeyRing(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestASignedConfigVerifiesOnlyAsSigned(t *testing.T) {
	data, err := os.ReadFile("examples/comoo-email.json")
	if err != nil {
		t.Fatal(err)
	}
	vendor, other := signingKey(t, "Vendor"), signingKey(t, "Someone else")
	var sig bytes.Buffer
	if err := config.Sign(&sig, data, vendor, at(signedAt)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sig.String(), "-----BEGIN PGP SIGNATURE-----") {
		t.Fatalf("not an armored signature:\n%s", sig.String())
	}
	if err := config.CheckSignature(data, sig.Bytes(), public(t, vendor), at(signedAt)); err != nil {
		t.Fatalf("the vendor's own signature: %v", err)
	}
	var otherSig bytes.Buffer
	if err := config.Sign(&otherSig, data, other, at(signedAt)); err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(data, []byte("security@comoo.be"), []byte("security@attacker.example"), 1)
	for _, c := range []struct {
		name      string
		data, sig []byte
		want      string
	}{
		{"a signature by another key is refused", data, otherSig.Bytes(), "made by another key"},
		{"a changed config is refused", changed, sig.Bytes(), "signature"},
		{"no signature at all is refused", data, nil, "not an armored OpenPGP signature"},
		{"a public key in place of a signature is refused", data, armoredKey(t, vendor), "not an armored OpenPGP signature"},
		{"a huge file is refused unread", data, bytes.Repeat([]byte("A"), config.MaxSignatureBytes+1), "over"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := config.CheckSignature(c.data, c.sig, public(t, vendor), at(signedAt))
			if !errors.Is(err, config.ErrSignature) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want ErrSignature saying %q", err, c.want)
			}
		})
	}
}

// armoredKey is e's public key, armored.
func armoredKey(t *testing.T, e *openpgp.Entity) []byte {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Serialize(w)
	w.Close()
	return buf.Bytes()
}

func FuzzCheckSignature(f *testing.F) {
	vendor := signingKey(f, "Vendor")
	data := []byte(`{"schema": "sealpost.config/v1"}`)
	var sig bytes.Buffer
	if err := config.Sign(&sig, data, vendor, at(signedAt)); err != nil {
		f.Fatal(err)
	}
	f.Add(sig.Bytes())
	f.Add([]byte("-----BEGIN PGP SIGNATURE-----\n\nwnUEABYKACcFAmk=\n-----END PGP SIGNATURE-----\n"))
	keys := public(f, vendor)
	f.Fuzz(func(t *testing.T, s []byte) {
		err := config.CheckSignature(data, s, keys, at(signedAt))
		if err != nil && !errors.Is(err, config.ErrSignature) {
			t.Fatalf("error %v is not ErrSignature", err)
		}
		if err == nil && !bytes.Equal(s, sig.Bytes()) {
			// Another armoring of the same signature packet may verify;
			// anything that verifies must decode to a valid signature.
			if config.CheckSignature(append(data, ' '), s, keys, at(signedAt)) == nil {
				t.Fatalf("%q verifies for two documents", s)
			}
		}
	})
}

// TestOnlyABinarySignatureByAStrongKeyVouchesForAConfig: a text signature
// (which still verifies once the line ends change) and a signature by a
// weak signing subkey of a strong key are refused; the same config signed
// by the Ed25519 primary is taken.
func TestOnlyABinarySignatureByAStrongKeyVouchesForAConfig(t *testing.T) {
	data, err := os.ReadFile("examples/comoo.json")
	if err != nil {
		t.Fatal(err)
	}
	e := signingKey(t, "Comoo Security")
	policy := &packet.Config{Time: at(signedAt), DefaultHash: crypto.SHA256}

	var text bytes.Buffer
	if err := openpgp.ArmoredDetachSignText(&text, e, bytes.NewReader(data), policy); err != nil {
		t.Fatal(err)
	}
	if err := config.CheckSignature(data, text.Bytes(), public(t, e), at(signedAt)); !errors.Is(err, config.ErrSignature) || !strings.Contains(err.Error(), "text signature") {
		t.Errorf("a text signature: %v", err)
	}

	var strong bytes.Buffer
	if err := config.Sign(&strong, data, e, at(signedAt)); err != nil {
		t.Fatal(err)
	}
	if err := config.CheckSignature(data, strong.Bytes(), public(t, e), at(signedAt)); err != nil {
		t.Errorf("signed by the Ed25519 key: %v", err)
	}

	for bits, weak := range map[int]bool{1024: true, 2048: false} {
		e := signingKey(t, "Comoo Security")
		if err := e.AddSigningSubkey(&packet.Config{Time: at(signedAt.Add(-time.Minute)), Algorithm: packet.PubKeyAlgoRSA, RSABits: bits}); err != nil {
			t.Fatal(err)
		}
		var sig bytes.Buffer // by the newest signing subkey: the RSA one
		if err := config.Sign(&sig, data, e, at(signedAt)); err != nil {
			t.Fatal(err)
		}
		err := config.CheckSignature(data, sig.Bytes(), public(t, e), at(signedAt))
		if weak && (!errors.Is(err, config.ErrSignature) || !strings.Contains(err.Error(), "RSA key of 1024 bits")) || !weak && err != nil {
			t.Errorf("signed by an RSA-%d subkey: %v", bits, err)
		}
	}
}
