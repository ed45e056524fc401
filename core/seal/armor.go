package seal

import (
	"encoding/base64"
	"io"
)

// armorWriter writes an ASCII-armored OpenPGP message as GnuPG does: a
// blank header section, base64 lines of 64 characters, and the CRC-24
// checksum line (GnuPG 2.2 reports a message without it as manipulated).
// Its output is byte for byte go-crypto's armor.Encode's (tested), which it
// replaces for speed: that one computes the checksum a bit at a time and
// writes each line in three small writes.
type armorWriter struct {
	w   io.Writer
	crc uint32
	// part holds input not yet a whole line (48 bytes make 64 characters).
	part  [lineBytes]byte
	nPart int
	out   []byte
	err   error
}

const (
	lineBytes   = 48
	armorBuffer = 64 << 10
	crc24Init   = 0xb704ce
)

var crc24Table = func() (t [256]uint32) {
	for i := range t {
		crc := uint32(i) << 16
		for range 8 {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= 0x1864cfb
			}
		}
		t[i] = crc & 0xffffff
	}
	return t
}()

// crc24 continues the OpenPGP CRC-24 (RFC 4880, 6.1) of p.
func crc24(crc uint32, p []byte) uint32 {
	for _, b := range p {
		crc = (crc<<8 ^ crc24Table[byte(crc>>16)^b]) & 0xffffff
	}
	return crc
}

func newArmorWriter(w io.Writer) (*armorWriter, error) {
	a := &armorWriter{w: w, crc: crc24Init, out: make([]byte, 0, armorBuffer)}
	if _, err := io.WriteString(w, "-----BEGIN PGP MESSAGE-----\n\n"); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *armorWriter) Write(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n := len(p)
	a.crc = crc24(a.crc, p)
	if a.nPart > 0 {
		k := copy(a.part[a.nPart:], p)
		a.nPart += k
		p = p[k:]
		if a.nPart < lineBytes {
			return n, nil
		}
		a.line(a.part[:])
		a.nPart = 0
	}
	for len(p) >= lineBytes {
		a.line(p[:lineBytes])
		p = p[lineBytes:]
	}
	a.nPart = copy(a.part[:], p)
	return n, a.err
}

// line encodes one line (the last may be short) into the output buffer.
func (a *armorWriter) line(src []byte) {
	if len(a.out)+66 > cap(a.out) {
		a.flush()
	}
	m := len(a.out)
	a.out = a.out[:m+base64.StdEncoding.EncodedLen(len(src))]
	base64.StdEncoding.Encode(a.out[m:], src)
	a.out = append(a.out, '\n')
}

func (a *armorWriter) flush() {
	if a.err == nil && len(a.out) > 0 {
		_, a.err = a.w.Write(a.out)
	}
	a.out = a.out[:0]
}

// Close writes the last line, the checksum and the end line.
func (a *armorWriter) Close() error {
	if a.nPart > 0 {
		a.line(a.part[:a.nPart])
		a.nPart = 0
	}
	sum := []byte{byte(a.crc >> 16), byte(a.crc >> 8), byte(a.crc)}
	a.out = append(a.out, '=')
	a.out = base64.StdEncoding.AppendEncode(a.out, sum)
	a.out = append(a.out, "\n-----END PGP MESSAGE-----"...)
	a.flush()
	return a.err
}
