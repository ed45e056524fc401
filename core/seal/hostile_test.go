package seal

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
)

// Tests of what a hostile sender can put in a message: anyone can seal to
// the vendor's public key.

// compressedMessage writes a message to v whose literal data, plain, is
// inside a ZLIB compressed packet: what GnuPG writes by default, and a bomb
// when plain is large and repetitive.
func compressedMessage(t testing.TB, w io.Writer, v vendor, plain io.Reader) {
	t.Helper()
	enc, ok := v.public.Entity.EncryptionKey(testkeys.Now)
	if !ok {
		t.Fatal("no encryption key")
	}
	key := make([]byte, 32)
	rand.Read(key)
	config := &packet.Config{}
	if err := packet.SerializeEncryptedKey(w, enc.PublicKey, packet.CipherAES256, key, config); err != nil {
		t.Fatal(err)
	}
	data, err := packet.SerializeSymmetricallyEncrypted(w, packet.CipherAES256, false, packet.CipherSuite{}, key, config)
	if err != nil {
		t.Fatal(err)
	}
	compressed, err := packet.SerializeCompressed(data, packet.CompressionZLIB, &packet.CompressionConfig{Level: 9})
	if err != nil {
		t.Fatal(err)
	}
	literal, err := packet.SerializeLiteral(compressed, true, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(literal, plain); err != nil {
		t.Fatal(err)
	}
	if err := literal.Close(); err != nil {
		t.Fatal(err)
	}
}

// bomb is a report entity of inflated bytes, nearly all of them the body
// of an attachment that report.json says is 10 bytes long: zeros, sent as
// binary, which compress about a thousandfold.
func bomb(inflated int64) io.Reader {
	r, _ := sampleReport([]byte("ten bytes!"))
	attachment := filePart(r.Attachments[0].Name, nil)
	attachment.header["Content-Transfer-Encoding"] = "binary"
	head := entity(textPart([]byte("a report\r\n")), jsonPart(r), attachment)
	end := bytes.LastIndex(head, []byte("\r\n--")) // the closing boundary
	body := io.LimitReader(zeros{}, inflated-int64(len(head)))
	return io.MultiReader(bytes.NewReader(head[:end]), body, bytes.NewReader(head[end:]))
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// part is one MIME part of a hand-made entity.
type part struct {
	header map[string]string
	body   []byte
}

// entity writes a multipart/mixed entity of parts as a hostile client
// could: nothing is checked or encoded but the attachments' base64.
func entity(parts ...part) []byte {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fmt.Fprintf(&buf, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n", mw.Boundary())
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		for k, v := range p.header {
			h.Set(k, v)
		}
		w, _ := mw.CreatePart(h)
		w.Write(p.body)
	}
	mw.Close()
	return buf.Bytes()
}

func textPart(text []byte) part {
	return part{map[string]string{"Content-Type": "text/plain; charset=utf-8"}, text}
}

func jsonPart(r *report.Report) part {
	js, _ := r.JSON()
	return part{map[string]string{"Content-Type": "application/json; charset=utf-8"}, js}
}

func filePart(name string, body []byte) part {
	return part{map[string]string{
		"Content-Type":              "application/octet-stream",
		"Content-Disposition":       mime.FormatMediaType("attachment", map[string]string{"filename": name}),
		"Content-Transfer-Encoding": "base64",
	}, []byte(base64.StdEncoding.EncodeToString(body))}
}

func describe(name string, body []byte) report.Attachment {
	sum := sha256.Sum256(body)
	return report.Attachment{Name: name, Type: "application/octet-stream", Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
}

// openPlain seals plain (a MIME entity) to v and opens it in a new folder
// of a new parent, which it returns with Open's result.
func openPlain(t *testing.T, v vendor, plain []byte) (string, *Opened, error) {
	t.Helper()
	msg, err := Bytes(plain, []*pgpkey.Key{v.public}, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	opened, err := Open(bytes.NewReader(msg), v.secret, filepath.Join(parent, "report"))
	return parent, opened, err
}

func TestACompressionBombWritesNothing(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	inflated := int64(64 << 20)
	if testing.Short() {
		inflated = 4 << 20 // compressing 64 MB takes 16 s under -race; the refusal comes first at any size
	}
	var msg bytes.Buffer
	compressedMessage(t, &msg, v, bomb(inflated))
	parent := t.TempDir()
	_, err := Open(&msg, v.secret, filepath.Join(parent, "report"))
	if !errors.Is(err, ErrCompressed) {
		t.Errorf("got %v, want ErrCompressed", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("left behind %v", entries)
	}
	msg.Reset()
	compressedMessage(t, &msg, v, bomb(1<<20))
	if _, err := ReadReport(&msg, v.secret); !errors.Is(err, ErrCompressed) {
		t.Errorf("ReadReport: got %v, want ErrCompressed", err)
	}
}

func TestHostileEntitiesAreRefusedAndLeaveNothing(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	small := []byte("ten bytes!")
	big := bytes.Repeat([]byte("A"), 1<<20)
	r, _ := sampleReport()
	r.Attachments = []report.Attachment{describe("poc.txt", small)}
	bigAsSmall := *r
	bigAsSmall.Attachments = []report.Attachment{{Name: "poc.txt", Type: "text/plain", Size: 10, SHA256: describe("", big).SHA256}}
	twoListed := *r
	twoListed.Attachments = []report.Attachment{describe("a.txt", small), describe("b.txt", small)}
	huge := *r
	huge.Attachments = []report.Attachment{{Name: "poc.txt", Type: "text/plain", Size: -1, SHA256: describe("", small).SHA256}}
	for _, c := range []struct {
		name   string
		plain  []byte
		want   error
		detail string
	}{
		{"an attachment larger than report.json declares", entity(textPart(nil), jsonPart(&bigAsSmall), filePart("poc.txt", big)),
			ErrTampered, "larger than the 10 bytes report.json declares"},
		{"an attachment part named otherwise than in report.json", entity(textPart(nil), jsonPart(r), filePart("evil.sh", small)),
			ErrTampered, `attachment part 1 is named "evil.sh", but report.json lists "poc.txt" there`},
		{"attachments in another order than in report.json", entity(textPart(nil), jsonPart(&twoListed), filePart("b.txt", small), filePart("a.txt", small)),
			ErrTampered, `named "b.txt", but report.json lists "a.txt"`},
		{"more attachment parts than report.json lists", entity(textPart(nil), jsonPart(r), filePart("poc.txt", small), filePart("poc.txt", small)),
			ErrTampered, "more attachments than the 1 report.json lists"},
		{"fewer attachment parts than report.json lists", entity(textPart(nil), jsonPart(&twoListed), filePart("a.txt", small)),
			ErrTampered, "report.json lists 2 attachments, the message holds 1"},
		{"an impossible declared size", entity(textPart(nil), jsonPart(&huge), filePart("poc.txt", small)),
			ErrNotAReport, "impossible size (-1 bytes)"},
		{"a text part of 20 MB", entity(textPart(bytes.Repeat([]byte("x\r\n"), 7<<20)), jsonPart(r), filePart("poc.txt", small)),
			ErrNotAReport, "larger than its report.json accounts for"},
	} {
		t.Run(c.name, func(t *testing.T) {
			parent, _, err := openPlain(t, v, c.plain)
			if !errors.Is(err, c.want) || err == nil || !strings.Contains(err.Error(), c.detail) {
				t.Errorf("got %v, want %v mentioning %q", err, c.want, c.detail)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("left behind %v", entries)
			}
		})
	}
}

func TestAttachmentNamesComeFromReportJSON(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	long := strings.Repeat("é", 140) // 280 bytes
	names := []string{long + "1.mp4", long + "2.mp4", "CON.txt", "../../.bashrc", "invoice\u202egpj.exe", "x\x1b[31m\u200b.txt", "Poc.TXT", "poc.txt"}
	r, _ := sampleReport()
	parts := []part{textPart(nil), {}}
	r.Attachments = nil
	for i, n := range names {
		body := []byte(fmt.Sprintf("file %d", i))
		r.Attachments = append(r.Attachments, describe(n, body))
		parts = append(parts, filePart(report.SafeFilename(n), body))
	}
	parts[1] = jsonPart(r)
	_, opened, err := openPlain(t, v, entity(parts...))
	if err != nil {
		t.Fatal(err)
	}
	stem := strings.Repeat("é", (maxNameBytes-suffixRoom-len(".mp4"))/2)
	want := []string{stem + ".mp4", stem + " (2).mp4", "_CON.txt", "bashrc", "invoice_gpj.exe", "x_[31m_.txt", "Poc.TXT", "poc.txt"}
	for i, path := range opened.Attachments {
		got := filepath.Base(path)
		if i == 7 && got == "poc (2).txt" {
			continue // a case-insensitive disk
		}
		if got != want[i] {
			t.Errorf("attachment %d: %q, want %q", i, got, want[i])
		}
		if len(got) > maxNameBytes {
			t.Errorf("attachment %d: %d bytes", i, len(got))
		}
		if data, err := os.ReadFile(path); err != nil || string(data) != fmt.Sprintf("file %d", i) {
			t.Errorf("attachment %d: %q, %v", i, data, err)
		}
	}
}

func TestDiskNames(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"poc.mp4", "poc.mp4"},
		{"a/b\\c.txt", "c.txt"},
		{"...", "attachment"},
		{"trailing. . ", "trailing"},
		{"nul", "_nul"},
		{"lpt1.tar.gz", "_lpt1.tar.gz"},
		{"COM10.txt", "COM10.txt"},
		{"bell\a\u0085\u009b.txt", "bell___.txt"},
		{"zero\u200dwidth\u2066.txt", "zero_width_.txt"},
		{strings.Repeat("a", 300), strings.Repeat("a", maxNameBytes-suffixRoom)},
		{"a." + strings.Repeat("x", 300), ("a." + strings.Repeat("x", 300))[:maxNameBytes-suffixRoom]},
	} {
		if got := diskName(c.name); got != c.want {
			t.Errorf("diskName(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestErrorsQuoteNothingThatDrivesATerminal(t *testing.T) {
	v := newVendor(t, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	r, _ := sampleReport()
	js, _ := r.JSON()
	js = bytes.Replace(js, []byte(`"title"`), []byte("\"\x1b]0;owned\x07\u009b2J\u202e\":1,\"title\""), 1)
	badJSON := entity(textPart(nil), part{map[string]string{"Content-Type": "application/json"}, js})
	badHeader := []byte("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\x1b[2J\u009b2J\r\n\r\n--x--\r\n")
	for _, c := range []struct {
		name  string
		plain []byte
	}{
		{"an unknown JSON key with terminal escapes", badJSON},
		{"a malformed MIME header with terminal escapes", badHeader},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := openPlain(t, v, c.plain)
			msg, _ := Bytes(c.plain, []*pgpkey.Key{v.public}, Options{Now: clock})
			_, rerr := ReadReport(bytes.NewReader(msg), v.secret)
			for _, err := range []error{err, rerr} {
				if !errors.Is(err, ErrNotAReport) || strings.ContainsAny(err.Error(), "\x1b\a\u009b\u202e") {
					t.Errorf("got %q", err)
				}
			}
		})
	}
}
