package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
)

// addPQKeys adds the post-quantum keys the widget seals to: the v4 key
// sealpost keygen --pq makes (SEIPD v1, AES in WebCrypto, as for every v4
// key), and a v6 ML-DSA-65+Ed25519 key with an ML-KEM-768+X25519 subkey
// (SEIPD v2, AES-OCB in Go).
func (b *bench) addPQKeys() error {
	v4, _, err := pgpkey.PQKey(pgpkey.PQOptions{Name: "Bench PQ", Email: "bench-pq@example.com", Now: time.Now().Add(-time.Hour)})
	if err != nil {
		return err
	}
	b.keys["pq"] = string(v4)
	now := time.Now().Add(-time.Hour)
	e, err := openpgp.NewEntity("Bench PQ v6", "", "bench-pq6@example.com", &packet.Config{
		Algorithm: packet.PubKeyAlgoMldsa65Ed25519, V6Keys: true, AEADConfig: &packet.AEADConfig{},
		DefaultCipher: packet.CipherAES256, Time: func() time.Time { return now },
	})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return err
	}
	if err := e.Serialize(w); err != nil {
		return err
	}
	w.Close()
	b.keys["pq_v6"] = buf.String()
	return nil
}

// pqSealing seals a 10 MB attachment to each post-quantum key in the
// widget: seal_mbps_pq_10mb (the keygen --pq key) and
// seal_mbps_pq_v6_10mb.
func (b *bench) pqSealing(origin string) error {
	for _, key := range []string{"pq", "pq_v6"} {
		r, err := b.sealpost(origin, key, 10e6)
		if err != nil {
			return fmt.Errorf("sealpost 10 MB %s: %w", key, err)
		}
		b.print("seal_mbps_"+key+"_10mb", round(r.mbps), "MB/s")
	}
	return nil
}
