//go:build !js

package receiver

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
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
		c := crc24(crc24Init, bin)
		sb.WriteString("=" + base64.StdEncoding.EncodeToString([]byte{byte(c >> 16), byte(c >> 8), byte(c)}) + eol)
	}
	sb.WriteString("-----END PGP MESSAGE-----" + eol)
	return sb.String()
}

func TestAttackExploreSniff(t *testing.T) {
	v := newVendor(t)
	bin := v.sealed(t, "x", false)
	pk := splitPackets(t, bin)
	if len(pk) != 2 {
		t.Fatalf("%d packets", len(pk))
	}
	pkesk, seipd := pk[0], pk[1]
	good := armorLines(bin, 64, "\n", true)
	cases := map[string][]byte{
		"control: binary":                   bin,
		"control: armored":                  []byte(good),
		"PKESK with 4 KiB of trailing text": append(newPacket(1, append(bodyOf(t, pkesk), bytes.Repeat([]byte("PLAINTEXT "), 400)...)), seipd...),
		"two PKESK":                         append(append(append([]byte{}, pkesk...), pkesk...), seipd...),
		"CR-only":                           []byte(strings.ReplaceAll(good, "\n", "\r")),
		"NUL after END":                     []byte(good + "\x00"),
		"NUL in body line":                  []byte(strings.Replace(good, "\n\n", "\n\n\x00", 1)),
		"NBSP blank line":                   []byte(strings.Replace(good, "-----\n\n", "-----\n\u00a0\n", 1)),
		"trailing space END":                []byte(strings.TrimSuffix(good, "\n") + " \n"),
		"END w/o newline":                   []byte(strings.TrimSuffix(good, "\n")),
		"END with CR no LF":                 []byte(strings.TrimSuffix(good, "\n") + "\r"),
		"lowercase":                         []byte(strings.ToLower(good[:28]) + good[28:]),
		"BEGIN trailing text":               []byte(strings.Replace(good, "MESSAGE-----\n", "MESSAGE----- hi\n", 1)),
		"PART 1/2":                          []byte(strings.Replace(strings.Replace(good, "BEGIN PGP MESSAGE", "BEGIN PGP MESSAGE, PART 1/2", 1), "END PGP MESSAGE", "END PGP MESSAGE, PART 1/2", 1)),
		"width 76":                          []byte(armorLines(bin, 76, "\n", true)),
		"width 76 crlf":                     []byte(armorLines(bin, 76, "\r\n", true)),
		"width 80":                          []byte(armorLines(bin, 80, "\n", true)),
		"width 4":                           []byte(armorLines(bin, 4, "\n", true)),
		"no crc":                            []byte(armorLines(bin, 64, "\n", false)),
		"wrong crc":                         []byte(strings.Replace(good, "\n=", "\n=AAAA\n=", 1)),
		"mixed eol":                         []byte(strings.Replace(good, "\n", "\r\n", 3)),
		"two blocks":                        []byte(good + good),
		"blank line before END":             []byte(strings.Replace(good, "\n-----END", "\n\n-----END", 1)),
		"tab before END":                    []byte(strings.Replace(good, "\n-----END", "\n\t-----END", 1)),
		"tag 21 padding after":              append(append([]byte{}, bin...), newPacket(21, make([]byte, 32))...),
		"marker before":                     append(newPacket(10, []byte("PGP")), bin...),
		"tag 9 after PKESK":                 append(append([]byte{}, pkesk...), newPacket(9, bodyOf(t, seipd)[1:])...),
		"two SEIPD":                         append(append([]byte{}, bin...), seipd...),
		"SEIPD v3":                          append(append([]byte{}, pkesk...), newPacket(18, append([]byte{3}, bodyOf(t, seipd)[1:]...))...),
		"SEIPD huge length":                 append(append([]byte{}, pkesk...), append([]byte{0xd2, 0xff, 0x7f, 0xff, 0xff, 0xff}, bodyOf(t, seipd)...)...),
		"PKESK partial":                     append(append([]byte{0xc1, 0xe9}, bodyOf(t, pkesk)[:512]...), seipd...),
		"old-format indeterminate SEIPD":    append(append([]byte{}, pkesk...), append([]byte{0x80 | 18<<2 | 3}, bodyOf(t, seipd)...)...),
		"old-format PKESK":                  append(append([]byte{0x80 | 1<<2, byte(len(bodyOf(t, pkesk)))}, bodyOf(t, pkesk)...), seipd...),
	}
	for name, body := range cases {
		armored, err := Sniff(bytes.NewReader(body))
		fmt.Printf("%-36s armored=%v err=%v\n", name, armored, err)
	}
}
