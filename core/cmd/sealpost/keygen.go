package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sealpost/sealpost/core/pgpkey"
)

const keygenSynopsis = "keygen --demo [--name NAME] [--email ADDRESS] --out DIR\n" +
	"       sealpost keygen --pq [--demo] [--name NAME] --email ADDRESS [--passphrase-file FILE] --out DIR"

// keygen makes a demo key pair (--demo), or a post-quantum key pair
// (--pq): see pgpkey.PQKey for what it holds, and why it is v4.
func (e *env) keygen(args []string) error {
	fs := e.flags("keygen", keygenSynopsis)
	demo := fs.Bool("demo", false, "make a demo key pair, labelled as such")
	pq := fs.Bool("pq", false, "make a post-quantum key pair: a v4 Ed25519 key whose encryption subkey is ML-KEM-768+X25519 (RFC 9980), beside an X25519 one for senders that lack ML-KEM; only Sealpost and other go-crypto programs can decrypt what is sealed to it today")
	name := fs.String("name", "", "the key's `name` (default \"Demo Vendor Security\" for a demo key, \"Security Team\" otherwise)")
	email := fs.String("email", "", "the key's email `address` (default security@demo.invalid for a demo key)")
	passFile := fs.String("passphrase-file", "", "with --pq: `file` holding a passphrase to protect the secret key with (or set SEALPOST_PASSPHRASE)")
	out := fs.String("out", "", "`folder` to write the key pair into")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if !*demo && !*pq {
		return usageError("keygen makes demo keys (--demo) and post-quantum keys (--pq); make any other vendor key with GnuPG or Sequoia, so its secret never leaves your machine")
	}
	if *out == "" {
		return usageError("keygen: --out is required")
	}
	if *name == "" {
		*name = map[bool]string{true: "Demo Vendor Security", false: "Security Team"}[*demo]
	}
	if *email == "" {
		if !*demo {
			return usageError("keygen --pq: --email is required: the address reports are sent to (security@...)")
		}
		*email = "security@demo.invalid"
	}
	var pub, sec []byte
	var err error
	prefix, label := "", ""
	switch {
	case *pq:
		passphrase := []byte(os.Getenv("SEALPOST_PASSPHRASE"))
		if *passFile != "" {
			data, err := os.ReadFile(*passFile)
			if err != nil {
				return err
			}
			passphrase = []byte(trimNewline(string(data)))
		}
		pub, sec, err = pgpkey.PQKey(pgpkey.PQOptions{Name: *name, Email: *email, Demo: *demo, Passphrase: passphrase, Now: e.now()})
		prefix, label = "pq-", "a v4 key, Ed25519, encrypting with ML-KEM-768+X25519"
		if *demo {
			prefix, label = "demo-pq-", label+"; "+pgpkey.DemoLabel
		}
		if err == nil && len(passphrase) == 0 && !*demo {
			fmt.Fprintf(e.stderr, "sealpost: warning: the secret key is not protected by a passphrase (--passphrase-file or SEALPOST_PASSPHRASE): keep it where no one else can read it\n")
		}
	default:
		if *passFile != "" {
			return usageError("keygen --demo: a demo key has no passphrase; --passphrase-file goes with --pq")
		}
		pub, sec, err = pgpkey.DemoKey(*name, *email, e.now())
		prefix, label = "demo-", pgpkey.DemoLabel
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return err
	}
	pubFile, secFile := filepath.Join(*out, prefix+"public.asc"), filepath.Join(*out, prefix+"secret.asc")
	for _, f := range []struct {
		path string
		data []byte
	}{{pubFile, pub}, {secFile, sec}} {
		if err := writeNew(f.path, f.data, 0o600); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "wrote %s and %s (%s)\n", pubFile, secFile, label)
	if *pq {
		fmt.Fprintf(e.stdout, "note: %s\n", pgpkey.PQDecrypters)
	}
	return nil
}
