package receiver

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/thread"
)

// OpenPGP packet tags (RFC 9580, 5).
const (
	tagPKESK = 1
	tagSKESK = 3
	tagSED   = 9
	tagSEIPD = 18
	tagOCB   = 20
)

// maxESKLen bounds a session-key packet. The largest a vendor key can
// need: RSA-16384 (the largest RSA key pgpkey takes) makes a 2,060-byte
// PKESK, ML-KEM-1024+X448 (RFC 9580's successor draft) about 1,700, an
// SKESK v6 with Argon2 under 100. 8 KiB leaves room for any of them
// four times over and keeps the one packet Sniff holds in memory small.
const maxESKLen = 8 << 10

// maxESKs bounds the session-key packets of a message, report or thread
// message alike: a reader tries its private key on each one that names
// it, so 474 of them in a thread message took `sealpost inbox` 3 s to
// open with an RSA-3072 key (and a report of 256 MiB holds 500,000). A
// sealer writes one per recipient; core/thread refuses more when it reads.
const maxESKs = thread.MaxSessionKeys

// Smallest SEIPD bodies: v1 is the version, a cipher-block prefix (at
// least 8+2 bytes) and the 22-byte MDC packet; v2 the version, cipher,
// mode, chunk size, 32-byte salt and the final 16-byte tag.
const (
	minSEIPDv1 = 1 + 10 + 22
	minSEIPDv2 = 4 + 32 + 16
)

// walkMessage reads the packets of r, which must form message (see
// [Sniff]) and end with it.
func walkMessage(r io.Reader) error {
	var v1, v2 int // session keys for SEIPD v1 and v2
	for {
		h, err := readHeader(r)
		if err == io.EOF && v1+v2 == 0 {
			return notOpenPGP("the body is empty")
		}
		if err == io.EOF {
			return notOpenPGP("session keys with no encrypted data after them")
		}
		if err != nil {
			return err
		}
		switch h.tag {
		case tagPKESK, tagSKESK:
			if v1+v2 == maxESKs {
				return notOpenPGP(fmt.Sprintf("more than %d session keys: a message has one per recipient", maxESKs))
			}
			v, err := readESK(r, h)
			if err != nil {
				return err
			}
			if v == 1 {
				v1++
			} else {
				v2++
			}
		case tagSEIPD:
			if v1+v2 == 0 {
				return notOpenPGP("encrypted data with no session key before it")
			}
			if err := readSEIPD(r, h, v1, v2); err != nil {
				return err
			}
			var b [1]byte
			if n, err := io.ReadFull(r, b[:]); n > 0 {
				return notOpenPGP("there is data after the encrypted data")
			} else if err != io.EOF {
				return err
			}
			return nil
		case tagSED:
			return notOpenPGP("encrypted data without integrity protection (packet type 9) is not accepted")
		case tagOCB:
			return notOpenPGP("LibrePGP's OCB encrypted data (packet type 20) is not accepted; encrypt with SEIPD")
		default:
			return notOpenPGP(fmt.Sprintf("a packet of type %d where only session keys and encrypted data belong", h.tag))
		}
	}
}

// header is a packet header: its tag, and the length of its body or, when
// partial is set, of the body's first part.
type header struct {
	tag     int
	length  int64
	partial bool
}

// readHeader reads a packet header in the old or the new format (RFC 9580,
// 4.2). It returns io.EOF only when r ends before the first byte.
func readHeader(r io.Reader) (header, error) {
	var b [1]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return header{}, err
	}
	switch {
	case b[0]&0x80 == 0:
		return header{}, notOpenPGP("a byte that does not start an OpenPGP packet")
	case b[0]&0x40 != 0:
		h := header{tag: int(b[0] & 0x3f)}
		var err error
		h.length, h.partial, err = readNewLength(r)
		return h, err
	}
	h := header{tag: int(b[0]>>2) & 0xf}
	size := 1 << (b[0] & 3)
	if size == 8 {
		return h, notOpenPGP("a packet of indeterminate length")
	}
	var l [4]byte
	if err := readFull(r, l[:size]); err != nil {
		return h, err
	}
	for _, c := range l[:size] {
		h.length = h.length<<8 | int64(c)
	}
	return h, nil
}

// readNewLength reads a new-format length (RFC 9580, 4.2.1).
func readNewLength(r io.Reader) (length int64, partial bool, err error) {
	var l [4]byte
	if err := readFull(r, l[:1]); err != nil {
		return 0, false, err
	}
	switch c := int64(l[0]); {
	case c < 192:
		return c, false, nil
	case c < 224:
		if err := readFull(r, l[:1]); err != nil {
			return 0, false, err
		}
		return (c-192)<<8 + int64(l[0]) + 192, false, nil
	case c < 255:
		return 1 << (c & 0x1f), true, nil
	}
	if err := readFull(r, l[:]); err != nil {
		return 0, false, err
	}
	return int64(l[0])<<24 | int64(l[1])<<16 | int64(l[2])<<8 | int64(l[3]), false, nil
}

// readFull is io.ReadFull for a message that must go on: an early end is
// a message cut short.
func readFull(r io.Reader, p []byte) error {
	_, err := io.ReadFull(r, p)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return notOpenPGP("the message is cut short")
	}
	return err
}

// readESK reads a PKESK or SKESK packet's body, checks that go-crypto
// parses it whole, and returns the SEIPD version it goes with.
func readESK(r io.Reader, h header) (seipd int, err error) {
	switch {
	case h.partial:
		return 0, notOpenPGP("a session-key packet with a partial length")
	case h.length > maxESKLen:
		return 0, notOpenPGP(fmt.Sprintf("a session-key packet longer than %d bytes", maxESKLen))
	}
	body := make([]byte, h.length)
	if err := readFull(r, body); err != nil {
		return 0, err
	}
	// The packet again, in a new-format header with a 5-byte length.
	pkt := append([]byte{0xc0 | byte(h.tag), 0xff, byte(h.length >> 24), byte(h.length >> 16), byte(h.length >> 8), byte(h.length)}, body...)
	p, err := packet.Read(bytes.NewReader(pkt))
	if err != nil {
		return 0, notOpenPGP("a malformed session-key packet")
	}
	switch p := p.(type) {
	case *packet.EncryptedKey:
		if !encryptionAlgorithm(p.Algo) {
			return 0, notOpenPGP(fmt.Sprintf("a session key for public-key algorithm %d, which cannot encrypt", p.Algo))
		}
		// go-crypto's parser stops after the fields it knows and ignores
		// what follows; written out again, the packet must be the same
		// bytes, so nothing rides after its fields.
		if !sameFields(p, body) {
			return 0, notOpenPGP("a session-key packet with bytes after its fields")
		}
		return seipdFor(p.Version == 6), nil
	case *packet.SymmetricKeyEncrypted:
		if p.Version == 5 {
			// LibrePGP's SKESK v5 goes only with its OCB packet (tag 20).
			return 0, notOpenPGP("a version 5 password-encrypted session key, which goes only with OCB encrypted data")
		}
		return seipdFor(p.Version == 6), nil
	}
	return 0, errors.New("receiver: go-crypto read a session-key packet as another type")
}

// seipdFor is the SEIPD version that session keys of version 6 (or not)
// go with (RFC 9580, 5.1 and 5.3); go-crypto reads no other versions than
// PKESK v3 and v6 and SKESK v4, v5 and v6.
func seipdFor(v6 bool) int {
	if v6 {
		return 2
	}
	return 1
}

// encryptionAlgorithm is whether a PKESK of algorithm a can exist.
func encryptionAlgorithm(a packet.PublicKeyAlgorithm) bool {
	switch a {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoElGamal, packet.PubKeyAlgoECDH,
		packet.PubKeyAlgoX25519, packet.PubKeyAlgoX448, packet.PubKeyAlgoMlkem768X25519, packet.PubKeyAlgoMlkem1024X448:
		return true
	}
	return false
}

// readSEIPD reads a SEIPD packet to its end: it checks the version against
// the session keys (v1 and v2 of each kind), a v2 header, the
// framing and the least size, without keeping any of it.
func readSEIPD(r io.Reader, h header, v1, v2 int) error {
	if h.partial && h.length < 512 {
		return notOpenPGP("encrypted data whose first partial length is under 512 bytes")
	}
	body := &partialReader{r: r, left: h.length, partial: h.partial}
	var head [4]byte
	if err := readFull(body, head[:1]); err != nil {
		return err
	}
	least := int64(minSEIPDv1)
	switch head[0] {
	case 1:
		if v2 > 0 {
			return notOpenPGP("session keys of version 6 before version 1 encrypted data")
		}
	case 2:
		if v1 > 0 {
			return notOpenPGP("session keys of version 3 or 4 before version 2 encrypted data")
		}
		if err := readFull(body, head[1:]); err != nil {
			return err
		}
		cipher, mode, chunk := head[1], head[2], head[3]
		if cipher < 7 || cipher > 9 || mode < 1 || mode > 3 || chunk > 16 {
			return notOpenPGP("version 2 encrypted data with an unknown cipher, mode or chunk size")
		}
		least = minSEIPDv2
	default:
		return notOpenPGP(fmt.Sprintf("encrypted data of version %d (only 1 and 2 exist)", head[0]))
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return err
	}
	if body.read < least {
		return notOpenPGP("the encrypted data is too short to be real")
	}
	return nil
}

// partialReader reads a packet's body across partial lengths. Its Read
// returns io.EOF at the body's end and an error wrapping ErrNotOpenPGP if
// the input ends first.
type partialReader struct {
	r       io.Reader
	left    int64 // bytes left in this part
	partial bool  // another length follows this part
	read    int64
}

func (p *partialReader) Read(b []byte) (int, error) {
	for p.left == 0 {
		if !p.partial {
			return 0, io.EOF
		}
		var err error
		if p.left, p.partial, err = readNewLength(p.r); err != nil {
			return 0, err
		}
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	n, err := p.r.Read(b)
	p.left -= int64(n)
	p.read += int64(n)
	if err == io.EOF {
		if p.left > 0 || p.partial {
			err = notOpenPGP("the message is cut short")
		} else if n > 0 {
			err = nil
		}
	}
	return n, err
}

// sameFields reports whether go-crypto, writing p out again, writes the
// body it was read from: byte for byte, so that nothing follows its fields.
func sameFields(p *packet.EncryptedKey, body []byte) bool {
	var again bytes.Buffer
	if p.Serialize(&again) != nil || again.Len() < 2 {
		return false
	}
	ser := again.Bytes()
	switch n := ser[1]; { // strip the new-format header go-crypto writes
	case n < 192:
		ser = ser[2:]
	case n < 224:
		ser = ser[3:]
	default:
		ser = ser[6:]
	}
	if p.Version == 6 && p.KeyVersion != 0 && len(body) >= 2 && len(ser) >= 1 {
		// go-crypto v1.5.2 writes no size octet between a v6 PKESK's
		// version and key version (RFC 9580, 5.1); its parser read and
		// checked the one in body. (With no key version, its lone 0 octet
		// is the size octet's 0.)
		ser = append([]byte{ser[0], body[1]}, ser[1:]...)
	}
	return bytes.Equal(ser, body)
}
