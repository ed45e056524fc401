//go:build linux

package receiver

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sealpost/sealpost/core/internal/crc24"
)

func newPacket(tag int, body []byte) []byte {
	n := len(body)
	return append([]byte{0xc0 | byte(tag), 0xff, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

func armorLines(bin []byte, width int, eol string, crc bool) string {
	b64 := base64.StdEncoding.EncodeToString(bin)
	var sb strings.Builder
	sb.WriteString("-----BEGIN PGP MESSAGE-----" + eol + eol)
	for len(b64) > 0 {
		n := min(width, len(b64))
		sb.WriteString(b64[:n] + eol)
		b64 = b64[n:]
	}
	if crc {
		c := crc24.Update(crc24.Init, bin)
		sb.WriteString("=" + base64.StdEncoding.EncodeToString([]byte{byte(c >> 16), byte(c >> 8), byte(c)}) + eol)
	}
	sb.WriteString("-----END PGP MESSAGE-----" + eol)
	return sb.String()
}

// A request the handler answers without reading its body (GET /healthz, an
// unknown path, a wrong method) must not let a client hold the connection
// by trickling that body: Go's server drains up to 256 KiB of it before
// answering, with no read deadline, since only ReadHeaderTimeout is set and
// the minimum upload rate applies to POST /reports alone.
func TestATricklingBodyOnAnyPathIsCutOff(t *testing.T) {
	ms := Duration(200 * time.Millisecond)
	addr, _ := serve(t, Config{Limits: Limits{HeaderTimeout: ms, IdleTimeout: ms, WriteTimeout: ms, UploadWindow: ms}})
	for _, req := range []string{"GET /healthz", "POST /elsewhere", "PUT /reports", "GET /thread", "GET /threads"} {
		t.Run(req, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "%s HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", req)
			deadline := time.Now().Add(3 * time.Second)
			for time.Now().Before(deadline) {
				if _, err := conn.Write([]byte("x")); err != nil {
					return // cut off
				}
				if closedWithin(conn, 100*time.Millisecond) {
					return
				}
			}
			t.Fatalf("%s: a body trickled at 10 bytes/s held the connection for 3 s, 15 times every limit (200 ms)", req)
		})
	}
}

// A form part sent with Content-Transfer-Encoding: quoted-printable is
// decoded by mime/multipart before the intake sees it: bytes that are not
// an OpenPGP message as posted are stored as one, rewritten, and the
// receipt's SHA-256 is not the SHA-256 of what was sent.
func TestAQuotedPrintableFormPartIsNotRewrittenIntoAReport(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "qp", true)
	var qp bytes.Buffer
	w := quotedprintable.NewWriter(&qp)
	w.Write(msg)
	w.Close()
	body := "--B\r\nContent-Disposition: form-data; name=\"message\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qp.String() + "\r\n--B--\r\n"
	url := newTestServer(t, Config{}, mustStore(t))
	resp, err := http.Post(url+"/reports", "multipart/form-data; boundary=B", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		t.Fatalf("a quoted-printable part (%d bytes posted, not an OpenPGP message as sent) was decoded and stored: %d %s", qp.Len(), resp.StatusCode, got)
	}
}

func mustStore(t *testing.T) *Store {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The multipart format reads a part's headers whole into memory (Go's
// default limit is 10 MiB of them): 60 uploads at once held 590 MB in
// `sealpost serve`. The one field the intake takes needs a few hundred bytes
// of headers.
func TestAFormPartsHeadersAreNotHeldInMemory(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "h", true)
	body := "--B\r\nContent-Disposition: form-data; name=\"message\"\r\n" +
		strings.Repeat("X-Junk: "+strings.Repeat("a", 990)+"\r\n", 8000) + "\r\n" + string(msg) + "\r\n--B--\r\n"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := copyFormMessage(io.Discard, strings.NewReader(body), "B")
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; err == nil && alloc > 1<<20 {
		t.Fatalf("a form whose part has %d bytes of headers was taken, allocating %d bytes", len(body)-len(msg), alloc)
	}
}

// A retry with another body under a key whose report is large made the
// intake read and hash the whole stored report (256 MiB: 0.27 s of CPU)
// to answer 409, for a request of 2 KB, under a lock shared with 1/64 of
// all other reports; ten such retries at once: the tenth waited 3.6 s.
// The bytes the process reads (Linux's /proc/self/io) tell, not the clock.
func TestAConflictingRetryDoesNotReHashTheStoredReport(t *testing.T) {
	store := mustStore(t)
	big := make([]byte, 128<<20)
	putReport(t, store, "k", big, false)
	small := []byte("another body")
	before := bytesRead(t)
	for range 10 {
		tmp, err := store.Temp()
		if err != nil {
			t.Fatal(err)
		}
		tmp.Write(small)
		if _, _, err := store.Commit(tmp, "k", false, false, ""); err != ErrConflict {
			t.Fatalf("Commit: %v, want ErrConflict", err)
		}
	}
	if read := bytesRead(t) - before; read > 1<<20 {
		t.Fatalf("ten 409s for a %d-byte body read %d bytes: the 128 MiB stored report again", len(small), read)
	}
}

// bytesRead is what this process has read so far (rchar in /proc/self/io).
func bytesRead(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no rchar in /proc/self/io")
	return 0
}

// A mail server that refuses the recipient with 552 5.2.2 (mailbox full,
// as Dovecot's quota does by default) refuses every report alike; the
// relay's own rule is that a 5xx refusing the recipient is retried, never
// any report's fault. sizeRefusal takes any 552 for a size refusal, so
// every report is recorded as failed for good and never mailed.
func TestAFullMailboxIsNotEveryReportsFault(t *testing.T) {
	store := mustStore(t)
	queueOf(t, store, 2)
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return fullMailbox{}, nil }))
	s.Domain, s.AllowInsecureAuth = "localhost", true
	rl := testRelay(serveSMTP(t, s), store)
	rl.Pass(context.Background())
	if failures, _ := store.Failures(); len(failures) != 0 {
		t.Errorf("a full mailbox moved %d reports to failed/ for good: %+v", len(failures), failures)
	}
}

type fullMailbox struct{}

func (fullMailbox) Reset()                               {}
func (fullMailbox) Logout() error                        { return nil }
func (fullMailbox) Mail(string, *smtp.MailOptions) error { return nil }
func (fullMailbox) Rcpt(string, *smtp.RcptOptions) error {
	return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "Mailbox full"}
}
func (fullMailbox) Data(r io.Reader) error { io.Copy(io.Discard, r); return nil }

// readESK says it "checks that go-crypto parses it whole", but go-crypto's
// EncryptedKey.parse ends in consumeAll: a PKESK with kilobytes of text
// after its fields is accepted (and several of them, as many as wanted).
func TestASessionKeyPacketWithBytesAfterItsFieldsIsRefused(t *testing.T) {
	v := newVendor(t)
	pk := splitPackets(t, v.sealed(t, "x", false))
	pkesk := newPacket(1, append(bodyOf(t, pk[0]), bytes.Repeat([]byte("PLAINTEXT "), 400)...))
	if _, err := Sniff(bytes.NewReader(append(pkesk, pk[1]...))); err == nil {
		t.Fatal("a PKESK carrying 4,000 bytes of text after its fields was accepted")
	}
}

var _ = os.Remove
var _ = armorLines
