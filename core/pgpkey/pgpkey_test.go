package pgpkey

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
)

var now = testkeys.Now

func opts() Options { return Options{Now: func() time.Time { return now }} }

func newKey(t testing.TB, c packet.Config, age time.Duration) *openpgp.Entity {
	t.Helper()
	e, err := testkeys.New("Vendor Security", "security@example.com", c, age)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func cv25519(t testing.TB) *openpgp.Entity {
	return newKey(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
}

func TestEveryKeyFamilyIsUsable(t *testing.T) {
	for _, f := range testkeys.Families() {
		t.Run(f.Name, func(t *testing.T) {
			if f.Slow && testing.Short() {
				t.Skip("slow key generation; runs without -short")
			}
			t.Parallel()
			e := newKey(t, f.Config, -time.Hour)
			set, err := Parse(testkeys.Public(e), opts())
			if err != nil {
				t.Fatal(err)
			}
			k := set.Keys[0]
			if k.Encryption.Fingerprint == "" || k.Encryption.Fingerprint == k.Fingerprint {
				t.Errorf("encryption subkey %+v", k.Encryption)
			}
			hasRFC9580Warning := strings.Contains(strings.Join(k.Warnings, " "), "cannot read")
			if hasRFC9580Warning == f.GnuPG22 {
				t.Errorf("warnings %q for a key GnuPG 2.2 reads: %v", k.Warnings, f.GnuPG22)
			}
		})
	}
}

func TestRefusalsSayWhy(t *testing.T) {
	expiring := func(lifetime time.Duration, age time.Duration) *openpgp.Entity {
		return newKey(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, KeyLifetimeSecs: uint32(lifetime.Seconds())}, age)
	}
	revoked := cv25519(t)
	if err := revoked.RevokeKey(packet.KeyCompromised, "laptop stolen", &packet.Config{Time: func() time.Time { return now.Add(-time.Minute) }}); err != nil {
		t.Fatal(err)
	}
	signOnly := cv25519(t)
	signOnly.Subkeys = nil
	subkeyExpired := cv25519(t)
	subkeyExpired.Subkeys = nil
	if err := subkeyExpired.AddEncryptionSubkey(&packet.Config{Time: func() time.Time { return now.Add(-48 * time.Hour) }, KeyLifetimeSecs: 3600}); err != nil {
		t.Fatal(err)
	}
	weak := newKey(t, packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 1024}, -time.Hour)

	for _, c := range []struct {
		name   string
		input  []byte
		want   error
		detail string
	}{
		{"an expired key", testkeys.Public(expiring(24*time.Hour, -48*time.Hour)), ErrExpired, "it expired on 2026-11-22"},
		{"a revoked key, with its reason", testkeys.Public(revoked), ErrRevoked, `because it was compromised ("laptop stolen")`},
		{"a sign-only key", testkeys.Public(signOnly), ErrNoEncryptionKey, "sign-only"},
		{"a key whose encryption subkey expired", testkeys.Public(subkeyExpired), ErrExpired, "encryption subkey expired on 2026-11-21"},
		{"an RSA-1024 key", testkeys.Public(weak), ErrWeak, "RSA-1024"},
		{"a private key", testkeys.Secret(cv25519(t)), ErrPrivateKey, "revoke it"},
		{"an empty file", []byte(" \n"), ErrEmpty, ""},
		{"a text without a key", []byte("hello, this is our security page"), ErrNotOpenPGP, "BEGIN PGP PUBLIC KEY BLOCK"},
		{"a cut-off key", testkeys.Public(cv25519(t))[:300], ErrUnreadable, "no -----END PGP PUBLIC KEY BLOCK-----"},
		{"a huge file", bytes.Repeat([]byte("a"), MaxBytes+1), ErrTooLarge, ""},
		{"a key that is not the pinned one", testkeys.Public(cv25519(t)), ErrPinMismatch, "not the pinned key 5F2D"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := opts()
			if c.want == ErrPinMismatch {
				o.Pin = "5f2d e552 1c63 a801 ab59 ccb6 03d4 9de4 4b29 100f"
			}
			_, err := Parse(c.input, o)
			var ke *KeyError
			if !errors.Is(err, c.want) || !errors.As(err, &ke) || !strings.Contains(err.Error(), c.detail) {
				t.Errorf("got %v, want %v mentioning %q", err, c.want, c.detail)
			}
		})
	}
}

func TestThePinSelectsTheKey(t *testing.T) {
	a, b := cv25519(t), cv25519(t)
	ring := append(testkeys.Public(a), testkeys.Public(b)...)
	o := opts()
	o.Pin = strings.ToLower(hexUpper(b.PrimaryKey.Fingerprint))
	set, err := Parse(ring, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 || set.Keys[0].Fingerprint != hexUpper(b.PrimaryKey.Fingerprint) || len(set.Skipped) != 1 || !errors.Is(set.Skipped[0], ErrPinMismatch) {
		t.Errorf("keys %d, skipped %v", len(set.Keys), set.Skipped)
	}
}

func hexUpper(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestTheNewestEncryptionSubkeyIsUsed(t *testing.T) {
	e := cv25519(t)
	old := e.Subkeys[0].PublicKey.Fingerprint
	if err := e.AddEncryptionSubkey(&packet.Config{Time: func() time.Time { return now.Add(-time.Minute) }}); err != nil {
		t.Fatal(err)
	}
	set, err := Parse(testkeys.Public(e), opts())
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Keys[0].Encryption.Fingerprint; got == hexUpper(old) || got != hexUpper(e.Subkeys[1].PublicKey.Fingerprint) {
		t.Errorf("encryption subkey %s, want the rotated one", got)
	}
}

func TestAKeyExpiringSoonIsUsedWithAWarning(t *testing.T) {
	e := newKey(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, KeyLifetimeSecs: 10 * 24 * 3600}, -time.Hour)
	set, err := Parse(testkeys.Public(e), opts())
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(set.Keys[0].Warnings, " "); !strings.Contains(w, "within 30 days") {
		t.Errorf("warnings %q", w)
	}
}

// TestKeysArriveInEveryShape covers how vendors publish keys.
func TestKeysArriveInEveryShape(t *testing.T) {
	a, b := cv25519(t), cv25519(t)
	revoked := cv25519(t)
	revoked.RevokeKey(packet.KeyRetired, "", &packet.Config{Time: func() time.Time { return now.Add(-time.Minute) }})
	pubA := testkeys.Public(a)
	var binA bytes.Buffer
	a.Serialize(&binA)

	crlf := bytes.ReplaceAll(pubA, []byte("\n"), []byte("\r\n"))
	indented := []byte("    " + strings.ReplaceAll(string(pubA), "\n", "\n    "))
	html := []byte("<html><body><h1>Security</h1><p>Our key:</p><pre>" + string(pubA) + "</pre></body></html>")
	htmlBR := []byte("<p>" + strings.ReplaceAll(string(pubA), "\n", "<br>\n") + "</p>")
	markdown := []byte("# Security policy\n\nEncrypt with:\n\n```\n" + string(pubA) + "```\n\n> quoted:\n> " + strings.ReplaceAll(string(testkeys.Public(b)), "\n", "\n> ") + "\n")
	noCRC := dropLine(pubA, "=")
	badCRC := replaceCRC(pubA, "=AAAA")
	two := append(append([]byte{}, pubA...), testkeys.Public(b)...)
	withRevoked := append(append([]byte{}, testkeys.Public(revoked)...), pubA...)
	bom := append([]byte("\uFEFF"), pubA...)

	for _, c := range []struct {
		name    string
		data    []byte
		keys    int
		skipped int
	}{
		{"armored", pubA, 1, 0},
		{"binary", binA.Bytes(), 1, 0},
		{"CRLF", crlf, 1, 0},
		{"with a BOM", bom, 1, 0},
		{"indented", indented, 1, 0},
		{"inside HTML", html, 1, 0},
		{"HTML with <br>", htmlBR, 1, 0},
		{"in Markdown, fenced and quoted", markdown, 2, 0},
		{"without a CRC", noCRC, 1, 0},
		{"with a wrong CRC", badCRC, 1, 0},
		{"two blocks in one file", two, 2, 0},
		{"a keyring with a revoked key", withRevoked, 1, 1},
		{"a zip", zipOf(t, map[string][]byte{"public_key.asc": pubA, "README.txt": []byte("hello")}), 1, 1},
		{"a zip in a folder, binary", zipOf(t, map[string][]byte{"keys/security.gpg": binA.Bytes()}), 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			set, err := Parse(c.data, opts())
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Keys) != c.keys || len(set.Skipped) != c.skipped {
				t.Errorf("%d keys, %d skipped %v; want %d and %d", len(set.Keys), len(set.Skipped), set.Skipped, c.keys, c.skipped)
			}
		})
	}
}

func TestZipArchivesAreBounded(t *testing.T) {
	pub := testkeys.Public(cv25519(t))
	many := map[string][]byte{}
	for i := range maxZipEntries + 1 {
		many[filepath.Join("k", string(rune('a'+i%26))+strings.Repeat("x", i)+".asc")] = pub
	}
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"too many entries":     {zipOf(t, many), ErrTooLarge},
		"an oversized entry":   {zipOf(t, map[string][]byte{"big.asc": bytes.Repeat([]byte{'a'}, MaxBytes+10)}), ErrTooLarge},
		"a traversal name":     {zipOf(t, map[string][]byte{"../../etc/key.asc": pub}), ErrUnreadable},
		"a private key inside": {zipOf(t, map[string][]byte{"secret.asc": testkeys.Secret(cv25519(t))}), ErrPrivateKey},
		"no key files":         {zipOf(t, map[string][]byte{"notes.md": []byte("x")}), ErrNotOpenPGP},
		"a zip inside the zip": {zipOf(t, map[string][]byte{"inner.key": zipOf(t, map[string][]byte{"a.asc": pub})}), ErrUnreadable},
		"a damaged zip":        {[]byte("PK\x03\x04garbage"), ErrUnreadable},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(c.data, opts()); !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestRealKeys loads the real security-team keys in testdata/real with
// the outcome their SOURCES.tsv gives, as of its date.
func TestRealKeys(t *testing.T) {
	dir := filepath.Join("testdata", "real")
	sources, err := os.ReadFile(filepath.Join(dir, "SOURCES.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	lines := strings.Split(strings.TrimSpace(string(sources)), "\n")[1:]
	if len(lines) < 9 {
		t.Fatalf("only %d keys listed", len(lines))
	}
	for _, line := range lines {
		cols := strings.Split(line, "\t")
		file, want := cols[0], cols[2]
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			set, err := Parse(data, Options{Now: func() time.Time { return asOf }})
			switch want {
			case "encrypt-ok":
				if err != nil || len(set.Keys) != 1 {
					t.Errorf("got %v, want a usable key", err)
				}
			case "reject:key-expired":
				if !errors.Is(err, ErrExpired) {
					t.Errorf("got %v, want ErrExpired", err)
				}
			default:
				t.Fatalf("unknown expectation %q", want)
			}
		})
	}
}

func zipOf(t testing.TB, files map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func dropLine(armored []byte, prefix string) []byte {
	var out []string
	for _, l := range strings.Split(string(armored), "\n") {
		if !(strings.HasPrefix(l, prefix) && len(l) == 5) {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

func replaceCRC(armored []byte, crc string) []byte {
	var out []string
	for _, l := range strings.Split(string(armored), "\n") {
		if strings.HasPrefix(l, "=") && len(l) == 5 {
			l = crc
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, "\n"))
}

func FuzzParse(f *testing.F) {
	e, err := testkeys.New("Fuzz", "fuzz@example.com", packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	pub := testkeys.Public(e)
	var bin bytes.Buffer
	e.Serialize(&bin)
	f.Add(pub)
	f.Add(bin.Bytes())
	f.Add([]byte("<pre>" + string(pub) + "</pre>"))
	f.Add(zipOf(f, map[string][]byte{"k.asc": pub}))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Parse(data, opts())
		if err != nil {
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("error %v is not a *KeyError", err)
			}
			return
		}
		for _, k := range set.Keys {
			if k.Entity.PrivateKey != nil || k.Fingerprint == "" {
				t.Fatalf("accepted key %+v", k)
			}
		}
	})
}

// FuzzZip feeds damaged archives to the .zip reader: bounded, no panic, and
// every refusal a *KeyError.
func FuzzZip(f *testing.F) {
	e, err := testkeys.New("Fuzz", "fuzz@example.com", packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	pub := testkeys.Public(e)
	f.Add(zipOf(f, map[string][]byte{"public_key.asc": pub}))
	f.Add(zipOf(f, map[string][]byte{"a/b.gpg": pub[:100], "../x.asc": pub, "c.txt": []byte("x")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			data = append([]byte("PK\x03\x04"), data...)
		}
		blocks, bad, err := fromZip(data)
		if err != nil {
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("error %v is not a *KeyError", err)
			}
			return
		}
		total := 0
		for _, b := range blocks {
			total += len(b)
		}
		if total > maxZipTotalBytes || len(blocks)+len(bad) == 0 {
			t.Fatalf("%d blocks of %d bytes, %d refusals", len(blocks), total, len(bad))
		}
	})
}
