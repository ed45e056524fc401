package receiver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

// TestSniffAcceptsWhatSealpostSeals: core/seal's messages, to a v4 key
// (PKESK v3, SEIPD v1) and a v6 key (PKESK v6, SEIPD v2), small and large
// enough for partial lengths, armored and binary.
func TestSniffAcceptsWhatSealpostSeals(t *testing.T) {
	v4 := newVendor(t)
	e, err := testkeys.New("Vendor Security", "security@example.com", v6Family(t).Config, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(testkeys.Public(e), pgpkey.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]*pgpkey.Key{"a v4 key": v4.key, "a v6 key": set.Keys[0]}
	for name, key := range keys {
		for _, size := range []int{10, 300 << 10} {
			for _, armored := range []bool{true, false} {
				msg := sealTo(t, key, size, armored)
				t.Run(fmt.Sprintf("a report of %d bytes to %s, %s, is accepted", size, name, map[bool]string{true: "armored", false: "binary"}[armored]), func(t *testing.T) {
					t.Parallel()
					got, err := Sniff(bytes.NewReader(msg))
					if err != nil {
						t.Fatal(err)
					}
					if got != armored {
						t.Errorf("armored = %v, want %v", got, armored)
					}
				})
			}
		}
	}
}

func v6Family(t *testing.T) testkeys.Family {
	for _, f := range testkeys.Families() {
		if f.Name == "v6-ed25519" {
			return f
		}
	}
	t.Fatal("testkeys has no v6-ed25519 family")
	return testkeys.Family{}
}

// sealTo seals a report with a description of about size bytes.
func sealTo(t testing.TB, key *pgpkey.Key, size int, armored bool) []byte {
	t.Helper()
	r := &report.Report{Schema: report.Schema, Title: "t", Targets: []string{"https://example.com/"},
		Description: "d" + strings.Repeat("x", size), PolicyAccepted: true}
	var buf bytes.Buffer
	if err := seal.Report(&buf, r, nil, []*pgpkey.Key{key}, seal.Options{Armor: armored, Now: clock}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSniffRefusesHostileShapes: each body is refused with ErrNotOpenPGP
// and a reason containing want.
func TestSniffRefusesHostileShapes(t *testing.T) {
	for _, tt := range hostileShapes(t, newVendor(t)) {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Sniff(bytes.NewReader(tt.body))
			if !errors.Is(err, ErrNotOpenPGP) {
				t.Fatalf("err = %v, want ErrNotOpenPGP", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to say %q", err, tt.want)
			}
		})
	}
}

type hostileShape struct {
	name string
	body []byte
	want string // in the error
}

// hostileShapes are bodies Sniff must refuse, built around real messages
// to v. The first eight are issue 12's, which the receiver accepted
// before it (go-crypto's armor and packet readers skip what they do not
// know); the rest probe each rule of the grammar.
func hostileShapes(t testing.TB, v vendor) []hostileShape {
	arm, bin := v.sealed(t, "a", true), v.sealed(t, "b", false)
	parts := splitPackets(t, bin)
	esk, seipd := parts[0], parts[1]
	plain := []byte("Dear security team, please log in at https://evil.example/ to read the report.\n")
	short := []byte("Log in at https://evil.example/\n")
	eskBody := bodyOf(t, esk)
	withoutEnd, _, _ := strings.Cut(string(arm), armorEnd)

	return []hostileShape{
		{"text after the armor's END line is refused", cat(arm, []byte("\n"), plain), "after the armor's END line"},
		{"text after the CRC line with no END line is refused", cat([]byte(withoutEnd), short), "must be followed by -----END"},
		{"an armor Comment header is refused", []byte(strings.Replace(string(arm), "\n\n", "\nComment: "+string(plain[:40])+"\n\n", 1)), "armor headers"},
		{"a first BEGIN block of plain lines before a real second block is refused", cat([]byte(armorBegin+"\nDear security team\nplease call +1 555 0100 today\n"), arm), "armor headers"},
		{"an unknown packet (tag 60) before a real message is refused", cat(packetOf(60, plain), bin), "type 60"},
		{"an unknown packet (tag 40) before a real armored message is refused", armorOf(t, cat(packetOf(40, plain), bin)), "type 40"},
		{"a Trust packet (tag 12) before a real message is refused", cat(packetOf(12, plain), bin), "type 12"},
		{"a Symmetrically Encrypted Data packet (tag 9) after a PKESK is refused", cat(esk, packetOf(9, bytes.Repeat(plain, 3))), "packet type 9"},
		{"an OCB encrypted data packet (tag 20) after a PKESK is refused", cat(esk, packetOf(20, append([]byte{1, 9, 2, 10}, bytes.Repeat(plain, 3)...))), "packet type 20"},
		{"two armored blocks are refused", cat(arm, []byte("\n"), arm), "after the armor's END line"},
		{"a first block with a blank line and plain lines before a real second block is refused", cat([]byte(armorBegin+"\n\n"), short, []byte(armorEnd+"\n"), arm), "armor line"},
		{"two binary messages are refused", cat(bin, bin), "data after the encrypted data"},
		{"a binary message with trailing bytes is refused", cat(bin, plain), "data after the encrypted data"},
		{"an empty body is refused", nil, "empty"},
		{"an empty armor is refused", []byte(armorBegin + "\n\n" + armorEnd + "\n"), "empty"},
		{"a truncated SEIPD is refused", bin[:len(bin)-10], "cut short"},
		{"a truncated armored SEIPD is refused", armorOf(t, bin[:len(bin)-10]), "cut short"},
		{"a truncated armor is refused", arm[:len(arm)/2], "ends in the middle of a line"},
		{"an armor with no END line is refused", []byte(withoutEnd[:strings.LastIndex(withoutEnd, "\n=")+1]), "no -----END"},
		{"a PKESK with no SEIPD is refused", esk, "no encrypted data"},
		{"a SEIPD with no session key is refused", seipd, "no session key"},
		{"a marker packet before a real message is refused", cat(packetOf(10, []byte("PGP")), bin), "type 10"},
		{"a literal data packet is refused", packetOf(11, append([]byte("b\x00\x00\x00\x00\x00"), plain...)), "type 11"},
		{"a compressed data packet is refused", packetOf(8, append([]byte{0}, plain...)), "type 8"},
		{"a padding packet after the message is refused", cat(bin, packetOf(21, make([]byte, 32))), "data after the encrypted data"},
		{"a PKESK with a partial length is refused", cat([]byte{0xc1, 0xe9}, make([]byte, 512), bin), "partial length"},
		{"a session-key packet over 8 KiB is refused", cat(packetOf(1, append([]byte{3, 1, 2, 3, 4, 5, 6, 7, 8, 1}, make([]byte, 9000)...)), seipd), "longer than 8192"},
		{"a PKESK with trailing garbage in an unknown algorithm is refused", cat(packetOf(1, append([]byte{3, 1, 2, 3, 4, 5, 6, 7, 8, 99}, plain...)), seipd), "algorithm 99"},
		{"a PKESK of version 4 is refused", cat(packetOf(1, append([]byte{4}, eskBody[1:]...)), seipd), "malformed session-key"},
		{"a version 5 SKESK is refused", cat(packetOf(3, cat([]byte{5, 9, 2, 3, 8}, make([]byte, 9+15+48))), seipd), "session"}, // go-crypto reads v5 only with -tags v5
		{"a v6 PKESK before a SEIPD v1 is refused", cat(packetOf(1, cat([]byte{6, 0, 25}, make([]byte, 32), []byte{24}, make([]byte, 24))), seipd), "version 6 before version 1"},
		{"a SEIPD of version 3 is refused", cat(esk, packetOf(18, append([]byte{3}, make([]byte, 64)...))), "version 3"},
		{"a SEIPD too short to hold an MDC is refused", cat(esk, packetOf(18, append([]byte{1}, make([]byte, 20)...))), "too short"},
		{"a SEIPD whose first partial length is under 512 is refused", cat(esk, []byte{0xd2, 0xe8}, seipd[2:258], []byte{0}), "under 512"},
		{"an old-format packet of indeterminate length is refused", cat([]byte{0x87}, esk), "indeterminate"},
		{"plaintext is refused", plain, "starts with neither"},
		{"a JSON body is refused", []byte(`{"message":"x"}`), "starts with neither"},
		{"whitespace before BEGIN is refused", cat([]byte("\n"), arm), "starts with neither"},
		{"a signed-message armor is refused", []byte(strings.Replace(string(arm), "BEGIN PGP MESSAGE", "BEGIN PGP SIGNED MESSAGE", 1)), "must start with the line"},
		{"a blank line after END is refused", cat(arm, []byte("\n\n")), "after the armor's END line"},
		{"trailing blanks on a body line are refused", []byte(strings.Replace(string(arm), "\n=", " \n=", 1)), "not a multiple of 4"},
		{"an armor line of 80 characters is refused", []byte(strings.Replace(string(arm), "\n\n", "\n\n"+strings.Repeat("A", 80)+"\n", 1)), "longer than 76"},
		{"a stray carriage return in a line is refused", []byte(strings.Replace(string(arm), "\n\n", "\n\nAAAA\rAAAA\n", 1)), "stray carriage return"},
		{"a wrong armor checksum is refused", []byte(strings.Replace(string(arm), "\n=", "\n=AAAA\n-----END PGP MESSAGE-----\n#", 1)), "checksum does not match"},
		{"base64 after the padding is refused", armorWithLines(t, bin, "AA==", "AAAA"), "after its padding"},
		{"an empty line inside the armor's body is refused", armorWithLines(t, bin, ""), "empty line"},
	}
}

// TestSniffReadErrorsNameNoPath: a failing read is refused without its
// text, which for a file names the store's path, and keeps the cause.
func TestSniffReadErrorsNameNoPath(t *testing.T) {
	cause := errors.New("read /var/lib/sealpost/tmp-1: input/output error")
	v := newVendor(t)
	_, err := Sniff(io.MultiReader(bytes.NewReader(v.sealed(t, "a", true)[:100]), errReader{cause}))
	if !errors.Is(err, ErrNotOpenPGP) || !errors.Is(err, cause) || strings.Contains(err.Error(), "/var") {
		t.Fatalf("err = %v", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// packetOf is a new-format packet with a definite length.
func packetOf(tag int, body []byte) []byte {
	n := len(body)
	h := []byte{0xc0 | byte(tag)}
	if n < 192 {
		h = append(h, byte(n))
	} else {
		h = append(h, 0xff, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(h, body...)
}

// armorOf armors b with go-crypto's writer: no headers, a checksum.
func armorOf(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, "PGP MESSAGE", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// armorWithLines armors b and puts extra lines after its first body line.
func armorWithLines(t testing.TB, b []byte, extra ...string) []byte {
	lines := strings.Split(string(armorOf(t, b)), "\n")
	out := append(append(lines[:3:3], extra...), lines[3:]...)
	return []byte(strings.Join(out, "\n"))
}

// bodyOf is a packet's body.
func bodyOf(t testing.TB, pkt []byte) []byte {
	t.Helper()
	r := bytes.NewReader(pkt)
	h, err := readHeader(r)
	if err != nil || h.partial {
		t.Fatalf("%v (partial %v)", err, h.partial)
	}
	return pkt[len(pkt)-r.Len():]
}

// splitPackets cuts a binary message into its packets, headers included.
func splitPackets(t testing.TB, msg []byte) [][]byte {
	t.Helper()
	var out [][]byte
	r := bytes.NewReader(msg)
	for r.Len() > 0 {
		start := len(msg) - r.Len()
		h, err := readHeader(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, &partialReader{r: r, left: h.length, partial: h.partial}); err != nil {
			t.Fatal(err)
		}
		out = append(out, msg[start:len(msg)-r.Len()])
	}
	return out
}
