package receiver

import (
	"bufio"
	"io"
	"net/http"
	"unicode/utf16"
	"unicode/utf8"
)

// copyJSONMessage streams the message out of a body that is exactly
// {"message": "<string>"} (whitespace aside) to w, decoding the string's
// escapes as it goes: a body of any size takes constant memory. Any other
// shape is refused, an escaped key too.
func copyJSONMessage(w io.Writer, body io.Reader) error {
	bad := &refusal{http.StatusBadRequest, `the JSON body must be {"message": "<armored OpenPGP message>"} and nothing else`}
	br := bufio.NewReaderSize(body, 32<<10)
	bw := bufio.NewWriterSize(w, 32<<10)
	expect := func(want string) error {
		for i := 0; i < len(want); i++ {
			c, err := br.ReadByte()
			if err != nil {
				return readErr(err, bad)
			}
			if c != want[i] {
				return bad
			}
		}
		return nil
	}
	for _, tok := range []string{"{", `"message"`, ":", `"`} {
		if err := skipSpace(br, bad); err != nil {
			return err
		}
		if err := expect(tok); err != nil {
			return err
		}
	}
	if err := copyJSONString(bw, br, bad); err != nil {
		return err
	}
	if err := skipSpace(br, bad); err != nil {
		return err
	}
	if err := expect("}"); err != nil {
		return err
	}
	if err := skipSpace(br, nil); err != io.EOF {
		if err == nil {
			return bad
		}
		return err
	}
	return bw.Flush()
}

// skipSpace consumes JSON whitespace; at the end of input it returns
// io.EOF when bad is nil, else bad.
func skipSpace(br *bufio.Reader, bad error) error {
	for {
		c, err := br.ReadByte()
		if err != nil {
			if err == io.EOF && bad == nil {
				return io.EOF
			}
			return readErr(err, bad)
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return br.UnreadByte()
	}
}

func readErr(err, bad error) error {
	if err == io.EOF {
		return bad
	}
	return err
}

// copyJSONString decodes a JSON string's contents, after its opening
// quote, through its closing quote.
func copyJSONString(w *bufio.Writer, br *bufio.Reader, bad error) error {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return readErr(err, bad)
		}
		switch {
		case c == '"':
			return nil
		case c < 0x20:
			return bad
		case c != '\\':
			if err := w.WriteByte(c); err != nil {
				return err
			}
			continue
		}
		e, err := br.ReadByte()
		if err != nil {
			return readErr(err, bad)
		}
		var out byte
		switch e {
		case '"', '\\', '/':
			out = e
		case 'b':
			out = '\b'
		case 'f':
			out = '\f'
		case 'n':
			out = '\n'
		case 'r':
			out = '\r'
		case 't':
			out = '\t'
		case 'u':
			r, err := readHex4(br, bad)
			if err != nil {
				return err
			}
			if utf16.IsSurrogate(r) {
				r = pairWith(br, r)
			}
			if _, err := w.WriteRune(r); err != nil {
				return err
			}
			continue
		default:
			return bad
		}
		if err := w.WriteByte(out); err != nil {
			return err
		}
	}
}

func readHex4(br *bufio.Reader, bad error) (rune, error) {
	var r rune
	for range 4 {
		c, err := br.ReadByte()
		if err != nil {
			return 0, readErr(err, bad)
		}
		v, ok := hexValue(c)
		if !ok {
			return 0, bad
		}
		r = r<<4 | rune(v)
	}
	return r, nil
}

// pairWith reads the low half of a surrogate pair that starts with hi, as
// encoding/json does: a valid pair is consumed, anything else leaves the
// input alone and stands for U+FFFD.
func pairWith(br *bufio.Reader, hi rune) rune {
	next, _ := br.Peek(6)
	if len(next) < 6 || next[0] != '\\' || next[1] != 'u' {
		return utf8.RuneError
	}
	var lo rune
	for _, c := range next[2:] {
		v, ok := hexValue(c)
		if !ok {
			return utf8.RuneError
		}
		lo = lo<<4 | rune(v)
	}
	r := utf16.DecodeRune(hi, lo)
	if r != utf8.RuneError {
		br.Discard(6)
	}
	return r
}

func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
