package receiver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// FuzzSniff: no panic; a refusal wraps ErrNotOpenPGP; and whatever Sniff
// accepts, go-crypto reads too as one or more session keys, then one
// integrity-protected encrypted data packet, then the end (armored: one
// PGP MESSAGE block). Seeded with real messages and the hostile shapes.
func FuzzSniff(f *testing.F) {
	v := newVendor(f)
	f.Add(v.sealed(f, "a", false))
	f.Add(v.sealed(f, "b", true))
	f.Add(armorText(v.sealed(f, "c", false), 76, "\r\n", false, false))
	f.Add([]byte(`{"title":"plaintext"}`))
	for _, h := range hostileShapes(f, v) {
		if len(h.body) < 64<<10 {
			f.Add(h.body)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		armored, err := Sniff(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrNotOpenPGP) {
				t.Fatalf("error %v is not ErrNotOpenPGP", err)
			}
			return
		}
		if armored != (data[0] == '-') {
			t.Fatalf("armored = %v for a body starting %q", armored, data[0])
		}
		if err := goCryptoReads(data, armored); err != nil {
			t.Fatalf("Sniff accepted what go-crypto reads otherwise: %v\n%q", err, data)
		}
	})
}

// goCryptoReads checks data with go-crypto's own readers: ESK+ SEIPD EOF.
func goCryptoReads(data []byte, armored bool) error {
	in := io.Reader(bytes.NewReader(data))
	if armored {
		block, err := armor.Decode(in)
		if err != nil {
			return err
		}
		if block.Type != "PGP MESSAGE" {
			return fmt.Errorf("a %q block", block.Type)
		}
		in = block.Body
	}
	packets := packet.NewReader(in)
	for esks := 0; ; esks++ {
		p, err := packets.Next()
		if err != nil {
			return fmt.Errorf("packet %d: %w", esks, err)
		}
		switch p := p.(type) {
		case *packet.EncryptedKey, *packet.SymmetricKeyEncrypted:
			continue
		case *packet.SymmetricallyEncrypted:
			if esks == 0 || !p.IntegrityProtected {
				return fmt.Errorf("encrypted data after %d session keys, integrity protected %v", esks, p.IntegrityProtected)
			}
			if _, err := io.Copy(io.Discard, p.Contents); err != nil {
				return err
			}
			if p, err := packets.Next(); err != io.EOF {
				return fmt.Errorf("after the encrypted data: %T, %v", p, err)
			}
			if armored {
				if rest, _ := io.ReadAll(in); len(rest) > 0 {
					return fmt.Errorf("%d bytes after the message", len(rest))
				}
			}
			return nil
		default:
			return fmt.Errorf("a %T packet", p)
		}
	}
}

// FuzzParseConfig: strict, no panic.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"max_bytes":1000,"allowed_origins":["null"],"relay":{"smtp_addr":"127.0.0.1:1025","from":"a@b.c","to":"d@e.f","tls":"none"}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"trusted_proxies":["10.0.0.1","fd00::/8"],"limits":{"idle_timeout":"60s","min_upload_bytes_per_second":-1,"max_conns_per_address":4},"relay":{"smtp_addr":"a:1","from":"a@b.c","to":"d@e.f","tls":"tls","max_mail_bytes":5,"send_timeout":"1m"}}`))
	f.Add([]byte(`{"limits":{"upload_window":"-1s"}}`))
	f.Add([]byte(`{"threads":{"max_message_bytes":262144,"max_entries":500,"enquiry_interval_days":14,"operator_credential_sha256":"` + operatorHash() + `"}}`))
	f.Add([]byte(`{"threads":{"operator_credential_sha256":"ABC"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if _, perr := parseCIDRs(c.TrustedProxies); perr != nil || c.Limits.MinUploadRate < -1 || c.Limits.UploadWindow < 0 || c.Limits.IdleTimeout < 0 {
			t.Fatalf("accepted %+v", c)
		}
		if c.MaxBytes < 0 || c.Relay != nil && c.Relay.check() != nil || c.Threads.check() != nil {
			t.Fatalf("accepted %+v", c)
		}
	})
}
