//go:build !js

package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
)

// pqKeys are the post-quantum vendor keys the widget must seal to: the
// one sealpost keygen --pq makes (v4, an ML-KEM-768+X25519 subkey), and a
// v6 ML-DSA-65+Ed25519 key with an ML-KEM-768+X25519 subkey.
var pqKeys = []struct {
	name  string
	seipd int // the encrypted data packet's version
	make  func(now time.Time) (public, secret []byte, err error)
}{
	{"a v4 key with an ML-KEM-768+X25519 subkey (keygen --pq)", 1, func(now time.Time) ([]byte, []byte, error) {
		return pgpkey.PQKey(pgpkey.PQOptions{Name: "E2E PQ Security", Email: "security@example.com", Now: now})
	}},
	{"a v6 ML-DSA-65+Ed25519 key with an ML-KEM-768+X25519 subkey", 2, func(now time.Time) ([]byte, []byte, error) {
		e, err := openpgp.NewEntity("E2E PQ v6 Security", "", "security@example.com", &packet.Config{
			Algorithm: packet.PubKeyAlgoMldsa65Ed25519, V6Keys: true, AEADConfig: &packet.AEADConfig{},
			DefaultCipher: packet.CipherAES256, Time: func() time.Time { return now },
		})
		if err != nil {
			return nil, nil, err
		}
		armored := func(typ string, write func(io.Writer) error) []byte {
			var b bytes.Buffer
			w, _ := armor.Encode(&b, typ, nil)
			write(w)
			w.Close()
			return b.Bytes()
		}
		return armored(openpgp.PublicKeyType, e.Serialize),
			armored(openpgp.PrivateKeyType, func(w io.Writer) error { return e.SerializePrivateWithoutSigning(w, nil) }), nil
	}},
}

// TestPQReportsFiledInTheBrowserOpenInGo: the widget, given a vendor
// config whose key is post-quantum, seals a report to the key's
// ML-KEM-768+X25519 subkey, padded to 64 KiB, and Sealpost opens what
// arrives with the vendor's secret key.
func TestPQReportsFiledInTheBrowserOpenInGo(t *testing.T) {
	for _, k := range pqKeys {
		t.Run(k.name, func(t *testing.T) {
			v := setUp(t, "comoo")
			pub, sec, err := k.make(time.Now().Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.LoadFile("../../core/config/examples/comoo.json")
			if err != nil {
				t.Fatal(err)
			}
			cfg.Key = config.Key{Armored: string(pub)}
			cfg.Endpoint.URL = v.receiverURL + "/reports"
			cfgJSON, _ := json.Marshal(cfg)
			v.config.Store(cfgJSON)

			ctx, _ := browser(t)
			const marker = "PQ-MARKER-4e1a: sealed to ML-KEM"
			if err := chromedp.Do(ctx, chromedp.Navigate(v.widgetURL)); err != nil {
				t.Fatal(err)
			}
			if err := fileMinimal(ctx, "https://www.comoo.be/pq", marker); err != nil {
				t.Fatalf("%v; the page shows:\n%s", err, pageText(ctx))
			}
			id, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("[data-sealpost-receipt]"), "data-report-id"))
			if err != nil {
				t.Fatal(err)
			}
			st, err := v.store.Get(id.Value)
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := os.ReadFile(st.Path)
			if err != nil {
				t.Fatal(err)
			}
			algo, version := firstPackets(t, sealed)
			if algo != packet.PubKeyAlgoMlkem768X25519 || version != k.seipd {
				t.Errorf("sealed to algorithm %d in SEIPD v%d, want ML-KEM-768+X25519 (35) in v%d", algo, version, k.seipd)
			}
			keys, err := seal.ReadSecretKeys(sec, nil)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := seal.Decrypt(bytes.NewReader(sealed), keys)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := io.Copy(io.Discard, plain); err != nil || n != seal.MinPaddedBytes {
				t.Errorf("the plaintext is %d bytes (%v), want it padded to %d", n, err, seal.MinPaddedBytes)
			}
			opened, err := seal.Open(bytes.NewReader(sealed), keys, filepath.Join(t.TempDir(), "report"))
			if err != nil {
				t.Fatal(err)
			}
			if opened.Report.Description != marker || len(opened.Report.Targets) != 1 || opened.Report.Targets[0] != "https://www.comoo.be/pq" {
				t.Errorf("opened %q, %q", opened.Report.Description, opened.Report.Targets)
			}
		})
	}
}

// firstPackets reads a sealed message's first session key's algorithm
// and its encrypted data's version.
func firstPackets(t *testing.T, msg []byte) (packet.PublicKeyAlgorithm, int) {
	t.Helper()
	var in io.Reader = bytes.NewReader(msg)
	if bytes.HasPrefix(bytes.TrimSpace(msg), []byte("-----BEGIN")) {
		block, err := armor.Decode(in)
		if err != nil {
			t.Fatal(err)
		}
		in = block.Body
	}
	r := packet.NewReader(in)
	var algo packet.PublicKeyAlgorithm
	for {
		p, err := r.Next()
		if err != nil {
			t.Fatalf("reading the packets: %v", err)
		}
		switch p := p.(type) {
		case *packet.EncryptedKey:
			if algo == 0 {
				algo = p.Algo
			}
		case *packet.SymmetricallyEncrypted:
			return algo, p.Version
		case *packet.AEADEncrypted:
			return algo, 0
		}
	}
}
