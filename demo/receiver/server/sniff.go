package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// ErrNotOpenPGP reports a body that is not an encrypted OpenPGP message.
var ErrNotOpenPGP = errors.New("the body is not an encrypted OpenPGP message")

// Sniff reads r to its end and reports whether it is one encrypted OpenPGP
// message: armored ("-----BEGIN PGP MESSAGE-----") or binary, made of
// public- or symmetric-key encrypted session keys followed by one encrypted
// data packet (SEIPD v1 or v2), with sound packet framing and nothing
// after it. It cannot decrypt, so it cannot tell a real report from random
// packets that are framed right; it keeps out everything else, plaintext
// first of all.
func Sniff(r io.Reader) (armored bool, err error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(64)
	if len(head) == 0 {
		return false, fmt.Errorf("%w: the body is empty", ErrNotOpenPGP)
	}
	in := io.Reader(br)
	if bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("-----BEGIN PGP")) {
		block, err := armor.Decode(br)
		if err != nil {
			return false, fmt.Errorf("%w: bad armor: %v", ErrNotOpenPGP, err)
		}
		if block.Type != "PGP MESSAGE" {
			return false, fmt.Errorf("%w: an armored %q block", ErrNotOpenPGP, block.Type)
		}
		in, armored = block.Body, true
	} else if head[0]&0x80 == 0 {
		return false, fmt.Errorf("%w: it does not start with an OpenPGP packet (plaintext is never accepted)", ErrNotOpenPGP)
	}
	packets := packet.NewReader(in)
	sessionKeys := 0
	for {
		p, err := packets.Next()
		if err != nil {
			return false, fmt.Errorf("%w: %v", ErrNotOpenPGP, err)
		}
		switch p := p.(type) {
		case *packet.EncryptedKey, *packet.SymmetricKeyEncrypted:
			sessionKeys++
			continue
		case *packet.SymmetricallyEncrypted:
			if sessionKeys == 0 {
				return false, fmt.Errorf("%w: encrypted data with no session key", ErrNotOpenPGP)
			}
			if _, err := io.Copy(io.Discard, p.Contents); err != nil {
				return false, fmt.Errorf("%w: the encrypted data is cut short: %v", ErrNotOpenPGP, err)
			}
		default:
			return false, fmt.Errorf("%w: found a %T packet where encrypted data belongs", ErrNotOpenPGP, p)
		}
		return armored, trailing(in)
	}
}

// trailing checks that nothing but the end follows the encrypted data.
func trailing(r io.Reader) error {
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotOpenPGP, err)
	}
	if n > 0 {
		return fmt.Errorf("%w: %d bytes after the message", ErrNotOpenPGP, n)
	}
	return nil
}
