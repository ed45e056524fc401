package pgpkey

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
)

// TestAlgorithmsAreNamedInWords: every family's primary key and
// encryption subkey are named as people know them, never by number.
func TestAlgorithmsAreNamedInWords(t *testing.T) {
	want := map[string][2]string{
		"rsa2048":       {"RSA-2048", "RSA-2048"},
		"rsa3072":       {"RSA-3072", "RSA-3072"},
		"rsa4096":       {"RSA-4096", "RSA-4096"},
		"cv25519":       {"Ed25519", "X25519"},
		"nistp256":      {"ECDSA P-256", "ECDH P-256"},
		"nistp384":      {"ECDSA P-384", "ECDH P-384"},
		"nistp521":      {"ECDSA P-521", "ECDH P-521"},
		"brainpoolp256": {"ECDSA brainpoolP256r1", "ECDH brainpoolP256r1"},
		"brainpoolp384": {"ECDSA brainpoolP384r1", "ECDH brainpoolP384r1"},
		"v6-ed25519":    {"Ed25519", "X25519"},
		"v6-ed448":      {"Ed448", "X448"},
		"v6-mldsa65":    {"ML-DSA-65+Ed25519", "ML-KEM-768+X25519"},
		"v4-mlkem768":   {"Ed25519", "ML-KEM-768+X25519"},
	}
	for _, f := range testkeys.Families() {
		w := want[f.Name]
		t.Run("a "+f.Name+" key is named "+w[0]+" and "+w[1], func(t *testing.T) {
			if f.Slow && testing.Short() {
				t.Skip("slow key generation; runs without -short")
			}
			t.Parallel()
			if _, ok := want[f.Name]; !ok {
				t.Fatalf("no expected names for family %s", f.Name)
			}
			set, err := Parse(testkeys.Public(newKey(t, f.Config, -time.Hour)), opts())
			if err != nil {
				t.Fatal(err)
			}
			k := set.Keys[0]
			if k.Algorithm != w[0] || k.Encryption.Algorithm != w[1] {
				t.Errorf("named %q and %q, want %q and %q", k.Algorithm, k.Encryption.Algorithm, w[0], w[1])
			}
			for _, s := range append([]string{k.Algorithm, k.Encryption.Algorithm}, k.Warnings...) {
				if strings.Contains(s, "algorithm 3") || strings.Contains(s, "algorithm 2") || strings.Contains(s, "algorithm 1") {
					t.Errorf("an algorithm named by number: %q", s)
				}
			}
		})
	}
	if got := AlgorithmName(&packet.PublicKey{PubKeyAlgo: 99}); got != "unknown algorithm 99" {
		t.Errorf("algorithm 99 is named %q", got)
	}
}

// TestPostQuantumKeysSayWhoCanDecrypt: a key that seals with ML-KEM says
// so, and which tools cannot open what is sealed to it; others do not.
func TestPostQuantumKeysSayWhoCanDecrypt(t *testing.T) {
	for _, c := range []struct {
		family string
		pq     bool
	}{{"v6-mldsa65", true}, {"v4-mlkem768", true}, {"cv25519", false}, {"v6-ed25519", false}} {
		t.Run(c.family, func(t *testing.T) {
			var f testkeys.Family
			for _, g := range testkeys.Families() {
				if g.Name == c.family {
					f = g
				}
			}
			set, err := Parse(testkeys.Public(newKey(t, f.Config, -time.Hour)), opts())
			if err != nil {
				t.Fatal(err)
			}
			warned := strings.Contains(strings.Join(set.Keys[0].Warnings, "\n"), PQDecrypters)
			if warned != c.pq || PostQuantum(set.Keys[0].Entity.Subkeys[len(set.Keys[0].Entity.Subkeys)-1].PublicKey) != c.pq {
				t.Errorf("post-quantum %v, warned %v: %q", c.pq, warned, set.Keys[0].Warnings)
			}
		})
	}
}

func TestPQKeyIsAV4KeySealedToByItsMLKEMSubkey(t *testing.T) {
	pub, sec, err := PQKey(PQOptions{Name: "Example Security", Email: "security@example.com", Now: now.Add(-time.Hour), Passphrase: []byte("correct horse")})
	if err != nil {
		t.Fatal(err)
	}
	set, err := Parse(pub, opts())
	if err != nil {
		t.Fatal(err)
	}
	k := set.Keys[0]
	if k.Version != 4 || k.Algorithm != "Ed25519" || k.Encryption.Algorithm != "ML-KEM-768+X25519" || len(k.Entity.Subkeys) != 2 {
		t.Errorf("v%d %s, encrypts with %s, %d subkeys", k.Version, k.Algorithm, k.Encryption.Algorithm, len(k.Entity.Subkeys))
	}
	if k.Entity.Subkeys[0].PublicKey.PubKeyAlgo != packet.PubKeyAlgoECDH {
		t.Errorf("the classic subkey is %s, want X25519", AlgorithmName(k.Entity.Subkeys[0].PublicKey))
	}
	if bytes.Contains(pub, []byte(DemoLabel)) || bytes.Contains(sec, []byte(DemoLabel)) {
		t.Error("a real key is labelled as a demo key")
	}
	// The secret is protected, and the passphrase unlocks it.
	ring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(sec))
	if err != nil {
		t.Fatal(err)
	}
	if !ring[0].PrivateKey.Encrypted {
		t.Error("the secret key is not protected")
	}
	if err := ring[0].DecryptPrivateKeys([]byte("wrong")); err == nil {
		t.Error("a wrong passphrase unlocked the key")
	}
	if err := ring[0].DecryptPrivateKeys([]byte("correct horse")); err != nil {
		t.Error(err)
	}
	// A demo PQ key says it is one.
	pub, _, err = PQKey(PQOptions{Name: "Demo", Email: "demo@example.com", Demo: true, Now: now})
	if err != nil || !bytes.Contains(pub, []byte(DemoLabel)) {
		t.Errorf("demo PQ key: %v\n%s", err, pub)
	}
}
