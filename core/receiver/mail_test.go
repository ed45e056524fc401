//go:build !js

package receiver

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/emersion/go-message"
)

// checkMailLines fails unless every line of mail ends in CRLF and has at
// most 998 octets before it.
func checkMailLines(t *testing.T, mail []byte) {
	t.Helper()
	if !bytes.HasSuffix(mail, []byte("\r\n")) {
		t.Errorf("the mail does not end in CRLF: %q", mail[max(0, len(mail)-20):])
	}
	for i, line := range bytes.SplitAfter(mail, []byte("\r\n")) {
		body := bytes.TrimSuffix(line, []byte("\r\n"))
		if bytes.ContainsAny(body, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, body)
		}
		if len(body) > maxMailLine {
			t.Fatalf("line %d has %d octets", i+1, len(body))
		}
	}
}

// stored writes body as a report file and returns it as the store would.
func stored(t testing.TB, body []byte, ext string) *Stored {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r-0123456789abcdef01234567"+ext)
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return &Stored{ID: "r-0123456789abcdef01234567", SHA256: strings.Repeat("ab", 32), ReceivedAt: now, Size: int64(len(body)), Path: path}
}

func TestArmoredSizeIsGoCryptosArmor(t *testing.T) {
	for _, n := range append([]int{0, 1, 2, 3, 47, 48, 49, 95, 96, 97, 1000, 65536, 1 << 20}, 100, 200, 300) {
		var out bytes.Buffer
		lw := newMailLines(&out)
		aw, _ := armor.Encode(lw, "PGP MESSAGE", nil)
		aw.Write(make([]byte, n))
		aw.Close()
		lw.Close()
		if got := armoredSize(int64(n)); got != int64(out.Len()) {
			t.Errorf("%d bytes: armoredSize %d, armor wrote %d", n, got, out.Len())
		}
	}
}

// TestWriteMailWritesMailSizeBytes: MailSize is exact, for binary reports
// (armored on the way) and armored ones with any line endings, and every
// line is CRLF-ended and within RFC 5321's limit, headers included.
func TestWriteMailWritesMailSizeBytes(t *testing.T) {
	v := newVendor(t)
	armored := v.sealed(t, "armored", true)
	for _, tc := range []struct {
		name string
		body []byte
		ext  string
	}{
		{"a binary report", v.sealed(t, "binary", false), ".pgp"},
		{"an empty binary file", nil, ".pgp"},
		{"an armored report", armored, ".asc"},
		{"an armored report with CRLF", bytes.ReplaceAll(armored, []byte("\n"), []byte("\r\n")), ".asc"},
		{"an armored report with CR", bytes.ReplaceAll(armored, []byte("\n"), []byte("\r")), ".asc"},
		{"an armored report without its last line break", bytes.TrimSpace(armored), ".asc"},
		{"a line of 998 octets", append(bytes.Repeat([]byte("A"), 998), '\n'), ".asc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := stored(t, tc.body, tc.ext)
			from, to := `"A Very Long Display Name, Of The Sealpost Intake At Example Corporation" <sealpost@example.com>`, "security@example.com"
			size, err := MailSize(st, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var mail bytes.Buffer
			if err := WriteMail(&mail, st, from, to); err != nil {
				t.Fatal(err)
			}
			if int64(mail.Len()) != size {
				t.Errorf("MailSize %d, WriteMail wrote %d", size, mail.Len())
			}
			checkMailLines(t, mail.Bytes())
			ent, err := message.Read(&mail)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"X-Sealpost-Report-Id", "X-Sealpost-Sha256", "Message-Id", "Date"} {
				if ent.Header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
			if got := ent.Header.Get("Subject"); got != "Encrypted vulnerability report "+st.ID {
				t.Errorf("subject %q", got)
			}
		})
	}
}

// TestAMailedReportDecrypts: the armored part of a binary report's mail
// is the report.
func TestAMailedReportDecrypts(t *testing.T) {
	v := newVendor(t)
	var mail bytes.Buffer
	if err := WriteMail(&mail, stored(t, v.sealed(t, "round trip", false), ".pgp"), "sealpost@example.com", "security@example.com"); err != nil {
		t.Fatal(err)
	}
	ent, err := message.Read(&mail)
	if err != nil {
		t.Fatal(err)
	}
	if title := v.title(t, mimeParts(t, ent)[1]); title != "round trip" {
		t.Errorf("title %q", title)
	}
}

// TestALineAMailCannotCarryGetsANotice: an armored report from an older
// store, or put there by hand, with a 3,000-character line is not
// rewrapped (that would be repairing it): WriteMail refuses it, and the
// relay mails a notice instead.
func TestALineAMailCannotCarryGetsANotice(t *testing.T) {
	for name, body := range map[string][]byte{
		"a 3,000-character line": append(append([]byte("-----BEGIN PGP MESSAGE-----\n\n"), bytes.Repeat([]byte("A"), 3000)...), "\n-----END PGP MESSAGE-----\n"...),
		"a NUL byte":             []byte("-----BEGIN PGP MESSAGE-----\n\x00\n"),
		"an 8-bit byte":          []byte("-----BEGIN PGP MESSAGE-----\n\xe9\n"),
	} {
		t.Run(name, func(t *testing.T) {
			st := stored(t, body, ".asc")
			if err := WriteMail(io.Discard, st, "sealpost@example.com", "security@example.com"); !errors.Is(err, ErrUnmailable) {
				t.Errorf("WriteMail: %v, want ErrUnmailable", err)
			}
			rl := &Relay{Config: RelayConfig{From: "sealpost@example.com", To: "security@example.com"}}
			m, err := rl.compose(st)
			if err != nil {
				t.Fatal(err)
			}
			var mail bytes.Buffer
			if err := m.write(&mail); err != nil {
				t.Fatal(err)
			}
			if m.notice == "" || int64(mail.Len()) != m.size || !strings.HasPrefix(m.messageID, "notice.") {
				t.Errorf("notice %q, %d bytes of %d, id %s", m.notice, mail.Len(), m.size, m.messageID)
			}
			checkMailLines(t, mail.Bytes())
			if bytes.Contains(mail.Bytes(), []byte("AAAAAAAA")) {
				t.Error("the notice carries part of the report")
			}
		})
	}
}

// TestAReportOverMaxMailBytesGetsANotice: the notice says which report,
// its size, hash and arrival, and how to open it; nothing of the report.
func TestAReportOverMaxMailBytesGetsANotice(t *testing.T) {
	body := make([]byte, 30_000)
	rand.Read(body)
	st := stored(t, body, ".pgp")
	size, _ := MailSize(st, "sealpost@example.com", "security@example.com")
	rl := &Relay{Config: RelayConfig{From: "sealpost@example.com", To: "security@example.com", MaxMailBytes: size - 1}}
	m, err := rl.compose(st)
	if err != nil {
		t.Fatal(err)
	}
	var mail bytes.Buffer
	m.write(&mail)
	checkMailLines(t, mail.Bytes())
	ent, err := message.Read(bytes.NewReader(mail.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := ent.Header.Get("Subject"); got != "Encrypted vulnerability report "+st.ID+" waits in the store" {
		t.Errorf("subject %q", got)
	}
	for _, want := range []string{
		"X-Sealpost-Report-Id: " + st.ID, "Content-Type: text/plain",
		"30000 bytes", st.SHA256, "2026-11-23 12:00:00 UTC", "max_mail_bytes",
		"sealpost inbox --store STORE --secret-key KEY",
		"sealpost open --secret-key KEY --out DIR STORE/reports/" + st.ID + ".pgp",
	} {
		if !bytes.Contains(mail.Bytes(), []byte(want)) {
			t.Errorf("the notice does not say %q:\n%s", want, mail.Bytes())
		}
	}
	rl.Config.MaxMailBytes = size
	if m, _ := rl.compose(st); m.notice != "" {
		t.Errorf("a mail of exactly max_mail_bytes went as a notice: %s", m.notice)
	}
}

// TestWriteMailStreams: mailing a 16 MB report allocates less than half
// its size in all (about 0.5 MB, 5.7 MB with -race: go-crypto's armor
// writer allocates per line), where holding it would take the report and
// its 23 MB mail.
func TestWriteMailStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 16 MB")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "r-0123456789abcdef01234567.pgp"))
	if err != nil {
		t.Fatal(err)
	}
	const size = 16 << 20
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st := &Stored{ID: "r-0123456789abcdef01234567", SHA256: strings.Repeat("ab", 32), ReceivedAt: now, Size: size, Path: f.Name()}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var c counter
	if err := WriteMail(&c, st, "sealpost@example.com", "security@example.com"); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("mailing %d bytes allocated %d", size, alloc)
	if alloc > size/2 {
		t.Errorf("mailing %d bytes (%d in the mail) allocated %d", size, c.n, alloc)
	}
}

// FuzzMailLines: whatever an armored report holds, mailLines either
// refuses it or writes CRLF lines within the limit, counting exactly what
// it wrote, however the input is split.
func FuzzMailLines(f *testing.F) {
	f.Add([]byte("-----BEGIN PGP MESSAGE-----\r\n\r\nwcBMA\r\n-----END PGP MESSAGE-----"), uint8(3))
	f.Add([]byte("a\rb\nc\r\n\r\r\n\n"), uint8(1))
	f.Add(bytes.Repeat([]byte("x"), 999), uint8(0))
	f.Fuzz(func(t *testing.T, in []byte, split uint8) {
		var out bytes.Buffer
		lw := newMailLines(&out)
		var err error
		for rest := in; len(rest) > 0 && err == nil; {
			n := min(len(rest), int(split)+1)
			_, err = lw.Write(rest[:n])
			rest = rest[n:]
		}
		if err == nil {
			err = lw.Close()
		}
		if err != nil {
			if !errors.Is(err, ErrUnmailable) {
				t.Fatal(err)
			}
			return
		}
		if lw.n != int64(out.Len()) {
			t.Fatalf("counted %d, wrote %d", lw.n, out.Len())
		}
		if out.Len() > 0 {
			checkMailLines(t, out.Bytes())
		}
		text := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(in))
		if got := strings.ReplaceAll(out.String(), "\r\n", "\n"); strings.TrimSuffix(got, "\n") != strings.TrimSuffix(text, "\n") {
			t.Fatalf("the text changed: %q became %q", in, out.Bytes())
		}
	})
}
