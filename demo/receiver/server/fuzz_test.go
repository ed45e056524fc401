package server

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzSniff: no panic, and nothing that is not a framed encrypted message
// passes. Whatever passes must start like one.
func FuzzSniff(f *testing.F) {
	v := newVendor(f)
	f.Add(v.sealed(f, "a", false))
	f.Add(v.sealed(f, "b", true))
	f.Add([]byte(`{"title":"plaintext"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		armored, err := Sniff(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrNotOpenPGP) {
				t.Fatalf("error %v is not ErrNotOpenPGP", err)
			}
			return
		}
		if !armored && data[0]&0x80 == 0 {
			t.Fatalf("accepted a body that does not start with a packet: %q", data)
		}
	})
}

// FuzzParseConfig: strict, no panic.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"max_bytes":1000,"allowed_origins":["null"],"relay":{"smtp_addr":"127.0.0.1:1025","from":"a@b.c","to":"d@e.f","tls":"none"}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err == nil && (c.MaxBytes < 0 || c.Relay != nil && c.Relay.check() != nil) {
			t.Fatalf("accepted %+v", c)
		}
	})
}
