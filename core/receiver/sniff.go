package receiver

import (
	"bufio"
	"errors"
	"io"
)

// ErrNotOpenPGP reports a body that is not an encrypted OpenPGP message.
// The errors that wrap it are short, plain, and quote nothing of the body:
// the server shows them to the client after "415".
var ErrNotOpenPGP = errors.New("the body is not an encrypted OpenPGP message")

// Sniff reads r to its end, once, and reports whether it is exactly one
// encrypted OpenPGP message in the one shape Sealpost accepts, and whether
// it is armored. The grammar (RFC 9580, 10.3):
//
//	message = ESK+ SEIPD
//	ESK     = PKESK v3 | SKESK v4      (before SEIPD v1)
//	        | PKESK v6 | SKESK v6      (before SEIPD v2)
//
// with nothing before, between or after, binary or armored. There are at
// most 32 session-key packets (thread.MaxSessionKeys: one per recipient);
// each has a definite length of at most 8 KiB and must parse with go-crypto; SEIPD may use partial lengths, the first at least
// 512 bytes. The armor has no headers, no text around it and one block
// only (see armorReader). Everything else is refused with an error that
// wraps [ErrNotOpenPGP]: plaintext, tag 9 (no integrity protection), tag
// 20 (LibrePGP's OCB packet, which GnuPG 2.4 writes to keys that ask for
// it), compressed, literal, marker, padding, trust, unknown and private
// packets. It cannot decrypt, so it checks framing, not contents.
//
// Memory is constant (a 64 KiB buffer and one session-key packet) and
// time linear in the body's size.
func Sniff(r io.Reader) (armored bool, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(1)
	if err == io.EOF {
		return false, notOpenPGP("the body is empty")
	}
	if err != nil {
		return false, readError{err}
	}
	in := io.Reader(br)
	switch {
	case head[0] == '-':
		in, armored = newArmorReader(br), true
	case head[0]&0x80 == 0:
		return false, notOpenPGP("it starts with neither an OpenPGP packet nor -----BEGIN PGP MESSAGE-----")
	}
	return armored, walkMessage(in)
}

// notOpenPGP is ErrNotOpenPGP with a reason.
func notOpenPGP(reason string) error { return &sniffError{reason} }

type sniffError struct{ reason string }

func (e *sniffError) Error() string { return ErrNotOpenPGP.Error() + ": " + e.reason }
func (e *sniffError) Unwrap() error { return ErrNotOpenPGP }

// readError is a failure to read the body: it wraps the cause for the log
// but does not print it, since a file error names the store's path.
type readError struct{ err error }

func (e readError) Error() string   { return ErrNotOpenPGP.Error() + ": the body could not be read" }
func (e readError) Unwrap() []error { return []error{ErrNotOpenPGP, e.err} }
