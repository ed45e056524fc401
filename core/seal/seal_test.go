package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
)

func clock() time.Time { return testkeys.Now }

// vendor is a key pair: the judged public key and the secret keyring.
type vendor struct {
	public *pgpkey.Key
	secret openpgp.EntityList
}

func newVendor(t testing.TB, c packet.Config) vendor {
	t.Helper()
	e, err := testkeys.New("Vendor Security", "security@example.com", c, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(testkeys.Public(e), pgpkey.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := ReadSecretKeys(testkeys.Secret(e), nil)
	if err != nil {
		t.Fatal(err)
	}
	return vendor{set.Keys[0], secret}
}

func sampleReport(attachments ...[]byte) (*report.Report, []io.Reader) {
	found := testkeys.Now.Add(-72 * time.Hour)
	r := &report.Report{
		Schema: report.Schema, Title: "SQL injection in search", Category: "web",
		Targets: []string{"https://example.com/search?q="}, DiscoveredAt: &report.When{Time: found},
		Description: "q is concatenated into SQL: ' OR 1=1-- lists every row.", Expected: "An error.",
		Steps: "1. Search for '\n2. See the SQL error", Impact: "Database read.",
		CVSS: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", CWE: "CWE-89",
		Reporter:       report.Reporter{Name: "Zoë", Email: "zoe@example.org", Credit: true},
		PolicyAccepted: true, Language: "en",
	}
	var bodies []io.Reader
	for i, a := range attachments {
		sum := sha256.Sum256(a)
		r.Attachments = append(r.Attachments, report.Attachment{
			Name: []string{"poc.mp4", "../notes.txt", "poc.mp4"}[i%3], Type: "application/octet-stream",
			Size: int64(len(a)), SHA256: hex.EncodeToString(sum[:]),
		})
		bodies = append(bodies, bytes.NewReader(a))
	}
	return r, bodies
}

func TestEveryFamilyRoundTrips(t *testing.T) {
	for _, f := range testkeys.Families() {
		t.Run(f.Name, func(t *testing.T) {
			if f.Slow && testing.Short() {
				t.Skip("slow key generation; runs without -short")
			}
			t.Parallel()
			v := newVendor(t, f.Config)
			video := bytes.Repeat([]byte{0, 1, 2, 3, 0xfe, 0xff}, 5000)
			r, bodies := sampleReport(video, []byte("notes\n"), []byte("second file, same name"))
			for _, armored := range []bool{true, false} {
				var sealed bytes.Buffer
				if err := Report(&sealed, r, bodies, []*pgpkey.Key{v.public}, Options{Armor: armored, Now: clock}); err != nil {
					t.Fatal(err)
				}
				for _, b := range bodies {
					b.(*bytes.Reader).Seek(0, io.SeekStart)
				}
				dir := filepath.Join(t.TempDir(), "report")
				opened, err := Open(&sealed, v.secret, dir)
				if err != nil {
					t.Fatal(err)
				}
				want := *r
				want.Normalize()
				if !reflect.DeepEqual(opened.Report, &want) {
					t.Errorf("report.json:\n got %+v\nwant %+v", opened.Report, &want)
				}
				names := []string{"poc.mp4", "notes.txt", "poc (2).mp4"}
				for i, content := range [][]byte{video, []byte("notes\n"), []byte("second file, same name")} {
					got, err := os.ReadFile(filepath.Join(dir, "attachments", names[i]))
					if err != nil || !bytes.Equal(got, content) || opened.Attachments[i] != filepath.Join(dir, "attachments", names[i]) {
						t.Errorf("attachment %d: %v (%d bytes) at %s", i, err, len(got), opened.Attachments[i])
					}
				}
				if text, err := os.ReadFile(filepath.Join(dir, "report.txt")); err != nil || !bytes.Contains(text, []byte("Vulnerability report: SQL injection in search")) {
					t.Errorf("report.txt: %v\n%s", err, text)
				}
			}
		})
	}
}

// packets lists the top-level packets of a binary message and decrypts its
// session key, to check the policy's choices.
func packets(t *testing.T, msg []byte, v vendor) (seipdVersion int, cipher packet.CipherFunction, compressed bool) {
	t.Helper()
	r := packet.NewReader(bytes.NewReader(msg))
	for {
		p, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		switch p := p.(type) {
		case *packet.EncryptedKey:
			for _, k := range v.secret.DecryptionKeys() {
				if p.Decrypt(k.PrivateKey, nil) == nil {
					cipher = p.CipherFunc
				}
			}
		case *packet.SymmetricallyEncrypted:
			seipdVersion = p.Version
			md, err := openpgp.ReadMessage(bytes.NewReader(msg), v.secret, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, md.UnverifiedBody)
			compressed = md.LiteralData == nil
			return
		}
	}
}

func TestThePolicy(t *testing.T) {
	v4 := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	v6 := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEd25519, V6Keys: true, AEADConfig: &packet.AEADConfig{}})
	old := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, DefaultCipher: packet.CipherAES128})
	for _, c := range []struct {
		name   string
		to     []vendor
		seipd  int
		cipher packet.CipherFunction
	}{
		{"a v4 key gets SEIPDv1 with AES-256", []vendor{v4}, 1, packet.CipherAES256},
		{"a v6 key that advertises AEAD gets SEIPDv2", []vendor{v6}, 2, 0},
		{"a v4 and a v6 key get SEIPDv1, which both read", []vendor{v4, v6}, 1, packet.CipherAES256},
		{"a key that lists only AES-128 gets AES-128, which it must read", []vendor{old}, 1, packet.CipherAES128},
	} {
		t.Run(c.name, func(t *testing.T) {
			var keys []*pgpkey.Key
			for _, v := range c.to {
				keys = append(keys, v.public)
			}
			msg, err := Bytes([]byte("hello"), keys, Options{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			version, cipher, compressed := packets(t, msg, c.to[0])
			if version != c.seipd || c.cipher != 0 && cipher != c.cipher || compressed {
				t.Errorf("SEIPDv%d, cipher %v, compressed %v", version, cipher, compressed)
			}
		})
	}
	if Policy(nil, Options{}) == nil {
		t.Error("nil policy")
	}
}

func TestArmoredOutputKeepsItsChecksum(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	msg, err := Bytes([]byte("hello"), []*pgpkey.Key{v.public}, Options{Armor: true, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(msg), []byte("\n"))
	if crc := lines[len(lines)-2]; len(crc) != 5 || crc[0] != '=' {
		t.Errorf("no CRC24 line before the END line:\n%s", msg)
	}
	if _, err := armor.Decode(bytes.NewReader(msg)); err != nil {
		t.Error(err)
	}
}

func TestDamagedMessagesUnpackNothing(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	r, bodies := sampleReport(bytes.Repeat([]byte("x"), 100000))
	var sealed bytes.Buffer
	if err := Report(&sealed, r, bodies, []*pgpkey.Key{v.public}, Options{Now: clock}); err != nil {
		t.Fatal(err)
	}
	msg := sealed.Bytes()
	flipped := bytes.Clone(msg)
	flipped[len(flipped)/2] ^= 0x01
	other := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	for _, c := range []struct {
		name string
		msg  []byte
		keys openpgp.EntityList
		want error
	}{
		{"a flipped bit", flipped, v.secret, ErrTampered},
		{"a truncated message", msg[:len(msg)-30], v.secret, ErrTampered},
		{"the wrong key", msg, other.secret, ErrNoSecretKey},
		{"plaintext", []byte(`{"title":"x"}`), v.secret, ErrNotEncrypted},
	} {
		t.Run(c.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "report")
			_, err := Open(bytes.NewReader(c.msg), c.keys, dir)
			if !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("left behind %v", entries)
			}
		})
	}
}

func TestOpenNeverOverwrites(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	r, bodies := sampleReport()
	var sealed bytes.Buffer
	if err := Report(&sealed, r, bodies, []*pgpkey.Key{v.public}, Options{Now: clock}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Open(&sealed, v.secret, dir); !errors.Is(err, ErrExists) {
		t.Errorf("got %v, want ErrExists", err)
	}
}

// patternReader yields n deterministic, incompressible-looking bytes
// without holding them.
type patternReader struct {
	n, off int64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n-p.off)]
	for i := range b {
		x := uint64(p.off + int64(i))
		x ^= x >> 7
		x *= 0x9E3779B97F4A7C15
		b[i] = byte(x >> 56)
	}
	p.off += int64(len(b))
	return len(b), nil
}

func TestA50MBAttachmentStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB; runs without -short")
	}
	const size = 50 << 20
	sum := sha256.New()
	io.Copy(sum, &patternReader{n: size})
	r, _ := sampleReport()
	r.Attachments = []report.Attachment{{Name: "screen.webm", Type: "video/webm", Size: size, SHA256: hex.EncodeToString(sum.Sum(nil))}}
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})

	dir := t.TempDir()
	sealedPath := filepath.Join(dir, "sealed.asc")
	out, err := os.Create(sealedPath)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	err = Report(out, r, []io.Reader{&patternReader{n: size}}, []*pgpkey.Key{v.public}, Options{Armor: true, Now: clock})
	close(stop)
	out.Close()
	if err != nil {
		t.Fatal(err)
	}
	if grown := int64(peak.Load()) - int64(before.HeapInuse); grown > 16<<20 {
		t.Errorf("heap grew by %d MB while sealing 50 MB: sealing buffers", grown>>20)
	}

	in, _ := os.Open(sealedPath)
	defer in.Close()
	opened, err := Open(in, v.secret, filepath.Join(dir, "report"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(opened.Attachments[0])
	defer f.Close()
	got := sha256.New()
	if n, _ := io.Copy(got, f); n != size || !bytes.Equal(got.Sum(nil), sum.Sum(nil)) {
		t.Errorf("attachment: %d bytes, hash differs: %v", n, !bytes.Equal(got.Sum(nil), sum.Sum(nil)))
	}
}
