package seal

import (
	"bytes"
	"crypto"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/pgpkey"
)

// Signed messages (DecryptSigned): what Encrypt writes with a Signer, what
// GnuPG and Sequoia write (signed_interop_test.go), and what a hostile
// sender shapes by hand.

// signedLimit is the plaintext limit the tests open messages with.
const signedLimit = 64 << 10

// signer is a key pair that signs: its secret entity and, apart, its
// public one, as a reader holds it.
type signer struct {
	secret, public *openpgp.Entity
}

func newSigner(t testing.TB, name string, c packet.Config) signer {
	t.Helper()
	e, err := testkeys.New(name, "signer@example.com", c, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	public, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(testkeys.Public(e)))
	if err != nil {
		t.Fatal(err)
	}
	return signer{e, public[0]}
}

// handSigned is text as a one-pass signature, a literal data packet and
// the signature by s, with hash, written packet by packet as any sender's
// tool could.
func handSigned(t testing.TB, text []byte, s *openpgp.Entity, hash crypto.Hash) (ops, literal, sig []byte) {
	t.Helper()
	k, ok := s.SigningKey(testkeys.Now)
	if !ok {
		t.Fatal("no signing key")
	}
	priv := k.PrivateKey
	var o, l, g bytes.Buffer
	one := &packet.OnePassSignature{Version: 3, SigType: packet.SigTypeBinary, Hash: hash, PubKeyAlgo: priv.PubKeyAlgo, KeyId: priv.KeyId, IsLast: true}
	if err := one.Serialize(&o); err != nil {
		t.Fatal(err)
	}
	lw, err := packet.SerializeLiteral(bufferCloser{&l}, true, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	lw.Write(text)
	lw.Close()
	signature := &packet.Signature{Version: 4, SigType: packet.SigTypeBinary, PubKeyAlgo: priv.PubKeyAlgo, Hash: hash,
		CreationTime: testkeys.Now, IssuerKeyId: &priv.KeyId, IssuerFingerprint: priv.Fingerprint}
	h := hash.New()
	h.Write(text)
	noSalt := false // go-crypto's salt notation has no length for SHA-1
	if err := signature.Sign(h, priv, &packet.Config{Time: func() time.Time { return testkeys.Now }, NonDeterministicSignaturesViaNotation: &noSalt}); err != nil {
		t.Fatal(err)
	}
	if err := signature.Serialize(&g); err != nil {
		t.Fatal(err)
	}
	return o.Bytes(), l.Bytes(), g.Bytes()
}

// bufferCloser is a buffer as the io.WriteCloser go-crypto writes packets to.
type bufferCloser struct{ *bytes.Buffer }

func (bufferCloser) Close() error { return nil }

// compressed is raw inside a compressed data packet of algo.
func compressed(t testing.TB, algo packet.CompressionAlgo, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := packet.SerializeCompressed(bufferCloser{&b}, algo, &packet.CompressionConfig{Level: 9})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encryptRaw encrypts raw, packets written by hand, to v as one session
// key (after the session-key packets before, as given) and SEIPD v1.
func encryptRaw(t testing.TB, raw []byte, v vendor, before ...[]byte) []byte {
	t.Helper()
	enc, ok := v.public.Entity.EncryptionKey(testkeys.Now)
	if !ok {
		t.Fatal("no encryption key")
	}
	config := &packet.Config{Time: func() time.Time { return testkeys.Now }}
	key := bytes.Repeat([]byte{0x42}, 32)
	var msg bytes.Buffer
	msg.Write(bytes.Join(before, nil))
	if err := packet.SerializeEncryptedKeyAEAD(&msg, enc.PublicKey, packet.CipherAES256, false, key, config); err != nil {
		t.Fatal(err)
	}
	w, err := packet.SerializeSymmetricallyEncrypted(&msg, packet.CipherAES256, false, packet.CipherSuite{}, key, config)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return msg.Bytes()
}

// sessionKeyNaming is a session-key packet to v's key that names key id
// instead (0: no key). A reader whose key is not v's tries it (when it
// names no key, or the reader's) and fails.
func sessionKeyNaming(t testing.TB, v vendor, id uint64) []byte {
	t.Helper()
	enc, _ := v.public.Entity.EncryptionKey(testkeys.Now)
	var b bytes.Buffer
	if err := packet.SerializeEncryptedKeyAEAD(&b, enc.PublicKey, packet.CipherAES256, false, make([]byte, 32), &packet.Config{}); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	if p[0] != 0xc0|1 || p[1] >= 192 || p[2] != 3 {
		t.Fatalf("a session-key packet of header %x", p[:3])
	}
	for i := range 8 {
		p[3+i] = byte(id >> (56 - 8*i))
	}
	return p
}

func TestSignedMessagesRoundTripInEveryFamily(t *testing.T) {
	for _, f := range testkeys.Families() {
		t.Run(f.Name, func(t *testing.T) {
			if f.Slow && testing.Short() {
				t.Skip("slow key generation; runs without -short")
			}
			t.Parallel()
			v := newVendor(t, f.Config)
			s := newSigner(t, "Signer", f.Config)
			for _, armored := range []bool{false, true} {
				msg, err := Bytes([]byte("hello, vendor"), []*pgpkey.Key{v.public}, Options{Armor: armored, Now: clock, Signer: s.secret})
				if err != nil {
					t.Fatal(err)
				}
				plain, by, err := DecryptSigned(bytes.NewReader(msg), v.secret, openpgp.EntityList{s.public}, signedLimit)
				if err != nil || string(plain) != "hello, vendor" || by != s.public {
					t.Fatalf("armored %v: %q, signed by %v, %v; want the text, signed by the signer", armored, plain, by, err)
				}
			}
		})
	}
}

func TestDecryptSignedTakesTheSenderAsHostile(t *testing.T) {
	cv := packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}
	v, other := newVendor(t, cv), newVendor(t, cv)
	s, impostor := newSigner(t, "Signer", cv), newSigner(t, "Impostor", cv)
	text := []byte(`{"text": "hello"}`)
	ops, lit, sig := handSigned(t, text, s.secret, crypto.SHA256)
	_, otherLit, _ := handSigned(t, []byte(`{"text": "changed"}`), s.secret, crypto.SHA256)
	signed := bytes.Join([][]byte{ops, lit, sig}, nil)
	sealed := func(o Options) []byte {
		o.Now = clock
		msg, err := Bytes(text, []*pgpkey.Key{v.public}, o)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	flipped := func(b []byte, i int) []byte {
		b = bytes.Clone(b)
		b[(i+len(b))%len(b)] ^= 0x01
		return b
	}
	notLast := bytes.Clone(ops)
	notLast[len(notLast)-1] = 0
	padding := []byte{0xc0 | 21, 4, 0, 0, 0, 0}
	big := make([]byte, 4*signedLimit)
	_, bigLit, bigSig := handSigned(t, big, s.secret, crypto.SHA256)
	sha1Ops, sha1Lit, sha1Sig := handSigned(t, text, s.secret, crypto.SHA1)
	// A key that signed, then was revoked: its secret half verifies too.
	revoked := newSigner(t, "Revoked", cv)
	revOps, revLit, revSig := handSigned(t, text, revoked.secret, crypto.SHA256)
	if err := revoked.secret.RevokeKey(packet.KeyCompromised, "", &packet.Config{Time: func() time.Time { return testkeys.Now }}); err != nil {
		t.Fatal(err)
	}
	naming := func(n int, id func(i int) uint64) (out [][]byte) {
		for i := range n {
			out = append(out, sessionKeyNaming(t, other, id(i)))
		}
		return out
	}
	enc, _ := v.public.Entity.EncryptionKey(testkeys.Now)
	ownID := enc.PublicKey.KeyId

	for _, c := range []struct {
		name    string
		msg     []byte
		keys    openpgp.EntityList // v.secret when nil
		signers openpgp.EntityList // s.public when nil
		signed  bool               // a signer is named
		want    error              // nil: it opens
		detail  string
	}{
		{"a message Encrypt signed opens, naming its signer", sealed(Options{Signer: s.secret}), nil, nil, true, nil, ""},
		{"a message signed by hand opens, naming its signer", encryptRaw(t, signed, v), nil, nil, true, nil, ""},
		{"an unsigned message opens, naming no signer", sealed(Options{}), nil, nil, false, nil, ""},
		{"a message signed by a key not among the signers opens, naming no signer", sealed(Options{Signer: impostor.secret}), nil, nil, false, nil, ""},
		{"a message that is GnuPG's default, compressed, opens", encryptRaw(t, compressed(t, packet.CompressionZLIB, signed), v), nil, nil, true, nil, ""},
		{"a message compressed with ZIP opens", encryptRaw(t, compressed(t, packet.CompressionZIP, signed), v), nil, nil, true, nil, ""},

		{"a signature of another text is refused", encryptRaw(t, bytes.Join([][]byte{ops, otherLit, sig}, nil), v), nil, nil, false, ErrTampered, "does not verify"},
		{"a signature changed in one byte is refused", encryptRaw(t, bytes.Join([][]byte{ops, lit, flipped(sig, -3)}, nil), v), nil, nil, false, ErrTampered, "does not verify"},
		{"a signature with SHA-1 is refused", encryptRaw(t, bytes.Join([][]byte{sha1Ops, sha1Lit, sha1Sig}, nil), v), nil, nil, false, ErrTampered, "too weak"},
		{"a signature by a revoked key is refused", encryptRaw(t, bytes.Join([][]byte{revOps, revLit, revSig}, nil), v), nil, openpgp.EntityList{revoked.secret}, false, ErrTampered, "revoked"},
		{"a signature unlike its one-pass header is refused", encryptRaw(t, bytes.Join([][]byte{sha1Ops, lit, sig}, nil), v), nil, nil, false, ErrTampered, "does not match"},
		{"a one-pass signature without its signature is refused", encryptRaw(t, bytes.Join([][]byte{ops, lit}, nil), v), nil, nil, false, ErrTampered, ""},
		{"a signature without a one-pass signature is refused", encryptRaw(t, bytes.Join([][]byte{lit, sig}, nil), v), nil, nil, false, ErrTampered, "Signature packet follows"},
		{"two one-pass signatures are refused", encryptRaw(t, bytes.Join([][]byte{notLast, ops, lit, sig, sig}, nil), v), nil, nil, false, ErrTampered, "signed more than once"},
		{"a packet after the signature is refused", encryptRaw(t, bytes.Join([][]byte{signed, padding}, nil), v), nil, nil, false, ErrTampered, "Padding packet follows"},
		{"a packet after the compressed data is refused", encryptRaw(t, bytes.Join([][]byte{compressed(t, packet.CompressionZLIB, signed), padding}, nil), v), nil, nil, false, ErrTampered, "Padding packet follows"},
		{"compression within compression is refused", encryptRaw(t, compressed(t, packet.CompressionZLIB, compressed(t, packet.CompressionZIP, signed)), v), nil, nil, false, ErrTampered, "compressed twice"},
		{"text over the limit is refused", encryptRaw(t, bytes.Join([][]byte{ops, bigLit, bigSig}, nil), v), nil, nil, false, ErrTampered, "over 65536 bytes"},
		{"compressed text that inflates past the limit is refused", encryptRaw(t, compressed(t, packet.CompressionZLIB, bytes.Join([][]byte{ops, bigLit, bigSig}, nil)), v), nil, nil, false, ErrTampered, "over 65536 bytes"},
		{"padding that inflates past the limit is refused before the signature", encryptRaw(t, compressed(t, packet.CompressionZLIB, bytes.Join([][]byte{ops, lit, {0xc0 | 21, 0xff, 0, 4, 0, 0}, big, sig}, nil)), v), nil, nil, false, ErrTampered, "over 65536 bytes, inflated"},
		{"a changed byte in the encrypted data is refused", flipped(sealed(Options{Signer: s.secret}), -5), nil, nil, false, ErrTampered, ""},

		{"32 session keys, one per recipient, open", encryptRaw(t, signed, v, naming(MaxSessionKeys-1, func(i int) uint64 { return uint64(0x1000 + i) })...), nil, nil, true, nil, ""},
		{"33 session keys are refused", encryptRaw(t, signed, v, naming(MaxSessionKeys, func(i int) uint64 { return uint64(0x1000 + i) })...), nil, nil, false, ErrTampered, "more than 32 session keys"},
		{"two session keys for one key are refused", encryptRaw(t, signed, v, naming(1, func(int) uint64 { return ownID })...), nil, nil, false, ErrTampered, "name the key"},
		{"four session keys that name no key open", encryptRaw(t, signed, v, naming(maxAnonymous, func(int) uint64 { return 0 })...), nil, nil, true, nil, ""},
		{"five session keys that name no key are refused", encryptRaw(t, signed, v, naming(maxAnonymous+1, func(int) uint64 { return 0 })...), nil, nil, false, ErrTampered, "name no key"},
		{"a packet among the session keys is refused", encryptRaw(t, signed, v, []byte{0xc0 | 13, 4, 'j', 'u', 'n', 'k'}), nil, nil, false, ErrNotEncrypted, "UserId packet among its session keys"},

		{"a message that is only signed is refused", signed, nil, nil, false, ErrNotEncrypted, "only signed"},
		{"a message to another key is not for this one", encryptRaw(t, signed, other), nil, nil, false, ErrNoSecretKey, ""},
		{"a signer's secret key decrypts nothing", encryptRaw(t, signed, v), other.secret, openpgp.EntityList{v.secret[0], s.public}, false, ErrNoSecretKey, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			keys, signers := v.secret, openpgp.EntityList{s.public}
			if c.keys != nil {
				keys = c.keys
			}
			if c.signers != nil {
				signers = c.signers
			}
			plain, by, err := DecryptSigned(bytes.NewReader(c.msg), keys, signers, signedLimit)
			switch {
			case c.want == nil && err != nil:
				t.Fatalf("%v, want it opened", err)
			case c.want == nil && !bytes.Equal(plain, text):
				t.Fatalf("plaintext %q, want %q", plain, text)
			case c.want == nil && c.signed != (by != nil):
				t.Fatalf("signed by %v, want a signer: %v", by, c.signed)
			case c.want != nil && (!errors.Is(err, c.want) || !strings.Contains(err.Error(), c.detail)):
				t.Fatalf("%v, want %v: %s", err, c.want, c.detail)
			case c.want != nil && (plain != nil || by != nil):
				t.Fatal("a refused message returned its plaintext or signer")
			}
		})
	}
}

func TestEncryptWritesWhatAReaderOpens(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	t.Run("a key given twice gets one session key", func(t *testing.T) {
		msg, err := Bytes([]byte("x"), []*pgpkey.Key{v.public, v.public}, Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		if n := countSessionKeys(t, msg); n != 1 {
			t.Errorf("%d session keys", n)
		}
		if _, err := Decrypt(bytes.NewReader(msg), v.secret); err != nil {
			t.Error(err)
		}
	})
	t.Run("more keys than a reader opens are refused", func(t *testing.T) {
		many := make([]*pgpkey.Key, MaxSessionKeys+1)
		for i := range many {
			k := *v.public
			k.Encryption.Fingerprint = string(rune('A' + i))
			many[i] = &k
		}
		if _, err := Bytes([]byte("x"), many, Options{Now: clock}); err == nil || !strings.Contains(err.Error(), "at most 32 keys") {
			t.Errorf("%v, want a refusal of %d keys", err, len(many))
		}
	})
	t.Run("a report behind 33 session keys is refused too", func(t *testing.T) {
		msg := encryptRaw(t, []byte{0xcb, 6, 'b', 0, 0, 0, 0, 0}, v, func() (out [][]byte) {
			for i := range MaxSessionKeys {
				out = append(out, sessionKeyNaming(t, v, uint64(0x1000+i)))
			}
			return out
		}()...)
		if _, err := Decrypt(bytes.NewReader(msg), v.secret); !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "more than 32") {
			t.Errorf("%v, want ErrTampered: more than 32 session keys", err)
		}
	})
}

// countSessionKeys counts the session-key packets before msg's encrypted
// data.
func countSessionKeys(t *testing.T, msg []byte) int {
	t.Helper()
	pr := packet.NewReader(bytes.NewReader(msg))
	n := 0
	for {
		p, err := pr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.(*packet.EncryptedKey); !ok {
			return n
		}
		n++
	}
}

// FuzzDecryptSigned feeds damaged and hostile signed messages to
// DecryptSigned: it must refuse them with one of its three errors, or
// return at most limit bytes and, as signer, only one of the signers.
func FuzzDecryptSigned(f *testing.F) {
	cv := packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}
	v, s := newVendor(f, cv), newSigner(f, "Signer", cv)
	ops, lit, sig := handSigned(f, []byte(`{"text": "hello"}`), s.secret, crypto.SHA256)
	signed := bytes.Join([][]byte{ops, lit, sig}, nil)
	for _, o := range []Options{{Signer: s.secret}, {Signer: s.secret, Armor: true}, {}} {
		o.Now = clock
		msg, err := Bytes([]byte(`{"text": "hello"}`), []*pgpkey.Key{v.public}, o)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(msg)
	}
	f.Add(encryptRaw(f, signed, v))
	f.Add(encryptRaw(f, compressed(f, packet.CompressionZLIB, signed), v))
	f.Add(encryptRaw(f, signed, v, sessionKeyNaming(f, v, 0)))
	var armored bytes.Buffer
	aw, _ := armor.Encode(&armored, "PGP MESSAGE", nil)
	aw.Write(encryptRaw(f, compressed(f, packet.CompressionZIP, signed), v))
	aw.Close()
	f.Add(armored.Bytes())
	f.Fuzz(func(t *testing.T, msg []byte) {
		plain, by, err := DecryptSigned(bytes.NewReader(msg), v.secret, openpgp.EntityList{s.public}, 1024)
		switch {
		case err != nil && !errors.Is(err, ErrNotEncrypted) && !errors.Is(err, ErrNoSecretKey) && !errors.Is(err, ErrTampered):
			t.Fatalf("an error of no kind: %v", err)
		case err != nil && (plain != nil || by != nil):
			t.Fatal("a refused message returned its plaintext or signer")
		case err == nil && len(plain) > 1024:
			t.Fatalf("%d bytes of plaintext, over the limit", len(plain))
		case err == nil && by != nil && by != s.public:
			t.Fatal("signed by an entity that is not among the signers")
		}
	})
}
