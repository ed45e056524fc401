package receiver

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/sealpost/sealpost/core/internal/crc24"
)

// armorReader decodes one ASCII-armored OpenPGP message (RFC 9580, 6.2) in
// the strict form Sealpost accepts, as it is read:
//
//	-----BEGIN PGP MESSAGE-----
//	(one empty line: no armor headers at all)
//	base64 lines of 4 to 76 characters, each a multiple of 4, "=" padding
//	  only at the end of the last one
//	=XXXX (optional CRC-24 of the decoded bytes, which must match)
//	-----END PGP MESSAGE-----
//
// Each line ends with "\n" or "\r\n" (the END line may have none), and
// nothing comes before BEGIN or after END, not even trailing blanks:
// GnuPG 2.2, Sequoia sq 0.27, OpenPGP.js 6 and core/seal write none
// (sniff_interop_test.go). Read returns an error wrapping [ErrNotOpenPGP]
// as soon as a line breaks the form, and io.EOF only once the END line and
// the end of input are seen.
//
// It is written by hand, not go-crypto's armor.Decode, because that one
// accepts headers, text after END and before BEGIN, and takes time
// quadratic in a header's length (16 MiB: 14 s). This one looks at most
// maxArmorLine bytes ahead for a line's end, so its work and memory are
// linear in the input and constant per line.
type armorReader struct {
	in     *bufio.Reader
	state  armorState
	crc    uint32
	padded bool   // the last body line ended in "=" padding
	out    []byte // decoded bytes not yet read
	outBuf [maxBase64Line / 4 * 3]byte
	err    error
}

type armorState int

const (
	stateBegin armorState = iota
	stateBlank
	stateBody
	stateEnd
	stateDone
)

const (
	armorBegin = "-----BEGIN PGP MESSAGE-----"
	armorEnd   = "-----END PGP MESSAGE-----"
	// maxBase64Line is RFC 9580's limit on an armor line's length (6.3);
	// GnuPG, Sequoia and core/seal write 64, OpenPGP.js 60.
	maxBase64Line = 76
	// maxArmorLine bounds a physical line, its "\r\n" included.
	maxArmorLine = maxBase64Line + 2
)

var errArmorHeaders = notOpenPGP("armor headers (such as Comment:) are not accepted; the line after BEGIN must be empty")

func newArmorReader(in *bufio.Reader) *armorReader {
	return &armorReader{in: in, crc: crc24.Init}
}

func (a *armorReader) Read(p []byte) (n int, err error) {
	for n < len(p) {
		if len(a.out) > 0 {
			c := copy(p[n:], a.out)
			a.out = a.out[c:]
			n += c
			continue
		}
		if a.err != nil {
			break
		}
		a.err = a.next()
	}
	if n > 0 {
		return n, nil
	}
	return 0, a.err
}

// next reads one line and acts on it: it fills a.out with a body line's
// bytes, or returns io.EOF after the END line, or an error.
func (a *armorReader) next() error {
	line, err := a.line()
	if err != nil {
		return err
	}
	switch a.state {
	case stateBegin:
		if string(line) != armorBegin {
			return notOpenPGP("the armor must start with the line " + armorBegin)
		}
		a.state = stateBlank
	case stateBlank:
		if len(line) != 0 {
			return errArmorHeaders
		}
		a.state = stateBody
	case stateBody:
		switch {
		case string(line) == armorEnd:
			return a.end()
		case len(line) > 0 && line[0] == '=':
			return a.checksum(line)
		case a.padded:
			return notOpenPGP("the armor has base64 after its padding")
		}
		return a.body(line)
	case stateEnd:
		if string(line) != armorEnd {
			return notOpenPGP("the armor's checksum line must be followed by " + armorEnd)
		}
		return a.end()
	}
	return nil
}

// line returns the next line without its line ending. It never looks
// further than maxArmorLine bytes for the ending.
func (a *armorReader) line() ([]byte, error) {
	buf, err := a.in.Peek(maxArmorLine)
	if err != nil && err != io.EOF {
		return nil, readError{err}
	}
	i := bytes.IndexByte(buf, '\n')
	switch {
	case i < 0 && len(buf) == maxArmorLine && a.state == stateBlank:
		return nil, errArmorHeaders
	case i < 0 && len(buf) == maxArmorLine:
		return nil, notOpenPGP(fmt.Sprintf("an armor line is longer than %d characters", maxBase64Line))
	case i < 0 && a.state == stateBody && string(buf) == armorEnd, i < 0 && a.state == stateEnd && string(buf) == armorEnd:
		a.in.Discard(len(buf)) // the END line with no line ending
		return buf, nil
	case i < 0 && len(buf) == 0:
		return nil, notOpenPGP("the armor has no " + armorEnd + " line")
	case i < 0:
		return nil, notOpenPGP("the armor ends in the middle of a line")
	}
	line := buf[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	// line aliases the reader's buffer until the Discard, which only moves
	// the read position: it stays valid until the next Peek.
	a.in.Discard(i + 1)
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, notOpenPGP("an armor line holds a stray carriage return")
	}
	return line, nil
}

// body decodes one base64 line into a.out.
func (a *armorReader) body(line []byte) error {
	if len(line) == 0 {
		return notOpenPGP("the armor has an empty line in its body")
	}
	if len(line)%4 != 0 {
		return notOpenPGP("an armor line's length is not a multiple of 4")
	}
	// base64.StdEncoding would skip "\r" and "\n"; line() leaves neither.
	// Strict refuses nonzero padding bits and anything after "=".
	n, err := base64.StdEncoding.Strict().Decode(a.outBuf[:], line)
	if err != nil {
		return notOpenPGP("the armor's body is not base64")
	}
	a.padded = line[len(line)-1] == '='
	a.out = a.outBuf[:n]
	a.crc = crc24.Update(a.crc, a.out)
	return nil
}

// checksum checks the optional "=XXXX" line.
func (a *armorReader) checksum(line []byte) error {
	var sum [3]byte
	if len(line) != 5 {
		return notOpenPGP("the armor's checksum line is malformed")
	}
	if _, err := base64.StdEncoding.Strict().Decode(sum[:], line[1:]); err != nil {
		return notOpenPGP("the armor's checksum line is malformed")
	}
	if uint32(sum[0])<<16|uint32(sum[1])<<8|uint32(sum[2]) != a.crc {
		return notOpenPGP("the armor's checksum does not match its body")
	}
	a.state = stateEnd
	return nil
}

// end checks that nothing follows the END line.
func (a *armorReader) end() error {
	a.state = stateDone
	if _, err := a.in.Peek(1); err != io.EOF {
		if err != nil {
			return readError{err}
		}
		return notOpenPGP("there is text after the armor's END line")
	}
	return io.EOF
}
