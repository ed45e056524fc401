package report

import (
	"bytes"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// testPublicKey and testPrivateKey are a throw-away Ed25519/X25519 pair made
// when the tests start.
var testPublicKey, testPrivateKey = func() (string, string) {
	e, err := openpgp.NewEntity("Test Reporter", "test only", "reporter@example.org",
		&packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: clock})
	if err != nil {
		panic(err)
	}
	arm := func(typ string, write func(*bytes.Buffer) error) string {
		var buf bytes.Buffer
		w, err := armor.Encode(&buf, typ, nil)
		if err != nil {
			panic(err)
		}
		var raw bytes.Buffer
		if err := write(&raw); err != nil {
			panic(err)
		}
		w.Write(raw.Bytes())
		w.Close()
		return buf.String()
	}
	pub := arm(openpgp.PublicKeyType, func(b *bytes.Buffer) error { return e.Serialize(b) })
	priv := arm(openpgp.PrivateKeyType, func(b *bytes.Buffer) error { return e.SerializePrivate(b, nil) })
	return pub, priv
}()

func TestAReportersPublicKeyIsAccepted(t *testing.T) {
	r := validReport()
	r.Reporter.PGPKey = testPublicKey
	if err := Validate(r, Options{Rules: fullRules, Now: clock}); err != nil {
		t.Error(err)
	}
}
