package seal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
)

const privateBlock = "-----BEGIN PGP PRIVATE KEY BLOCK-----"

// ReadSecretKeys reads a vendor's secret keys, armored (one block or
// several) or binary, and unlocks them with passphrase when they are
// protected. Keys too large to check quickly are refused first (see
// [pgpkey.CheckSizes]).
func ReadSecretKeys(data []byte, passphrase []byte) (openpgp.EntityList, error) {
	var keys openpgp.EntityList
	errPublic := errors.New("the key file holds no secret key: opening needs the vendor's secret key, not the public one")
	read := func(binary []byte) error {
		if err := pgpkey.CheckSizes(binary); err != nil {
			return err
		}
		ring, err := openpgp.ReadKeyRing(bytes.NewReader(binary))
		keys = append(keys, ring...)
		return err
	}
	var err error
	switch {
	case bytes.Contains(data, []byte(privateBlock)):
		// Each armored block on its own: a file may hold several (the old
		// and the new key, after a rotation).
		blocks := bytes.Split(data, []byte(privateBlock))
		for _, b := range blocks[1:] {
			var block *armor.Block
			if block, err = armor.Decode(bytes.NewReader(append([]byte(privateBlock), b...))); err != nil {
				break
			}
			var binary []byte
			if binary, err = io.ReadAll(block.Body); err != nil {
				break
			}
			if err = read(binary); err != nil {
				break
			}
		}
	case bytes.Contains(data, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")):
		return nil, errPublic
	default:
		err = read(data)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the secret key: %w", err)
	}
	n := 0
	for _, e := range keys {
		if e.PrivateKey == nil {
			continue
		}
		n++
		if err := e.DecryptPrivateKeys(passphrase); err != nil {
			if len(passphrase) == 0 {
				return nil, fmt.Errorf("the secret key %X is protected: give its passphrase in a file (--passphrase-file) or SEALPOST_PASSPHRASE", e.PrimaryKey.Fingerprint)
			}
			return nil, fmt.Errorf("the passphrase does not unlock secret key %X", e.PrimaryKey.Fingerprint)
		}
	}
	if n == 0 {
		return nil, errPublic
	}
	return keys, nil
}

// Decrypt returns the plaintext of an armored or binary message. The
// plaintext is authenticated only when its reader reaches io.EOF without
// error: a caller must not trust, or show as complete, anything read before.
//
// Sealpost writes one literal data packet, never compressed and never
// signed, so Decrypt refuses anything else inside the encryption
// ([ErrCompressed] for compressed data) before a byte of it is read: a
// compressed packet of a few MB can inflate to terabytes. The packets are
// read here rather than by openpgp.ReadMessage, which inflates compressed
// data and reports every refusal inside the encryption with one and the
// same error. The session keys are checked first, as for
// [DecryptSigned].
func Decrypt(r io.Reader, keys openpgp.EntityList) (io.Reader, error) {
	plain, err := decrypted(r, keys)
	if err != nil {
		return nil, err
	}
	inner, err := packet.Read(plain)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrTampered, err)
	}
	switch p := inner.(type) {
	case *packet.LiteralData:
		return &authReader{r: &literalReader{body: p.Body, decrypted: plain}}, nil
	case *packet.Compressed:
		return nil, ErrCompressed
	case *packet.OnePassSignature, *packet.Signature:
		return nil, fmt.Errorf("%w: it is signed, which Sealpost never does", ErrNotAReport)
	}
	return nil, fmt.Errorf("%w: the encrypted data holds a %T packet, not literal data", ErrNotAReport, inner)
}

// Bounds on the session keys before a message's encrypted data.
const (
	// MaxSessionKeys bounds the session-key packets before a message's
	// encrypted data. A sealer writes one per recipient ([Encrypt] refuses
	// more keys); a reader may spend a private-key operation on each that
	// names its key, so [Decrypt] and [DecryptSigned] refuse a message with
	// more, as the intake does.
	MaxSessionKeys = 32
	// maxAnonymous bounds the session keys that name no key (a sender
	// hiding its recipients, gpg --throw-keyids): a reader tries each of
	// its keys on every one of them.
	maxAnonymous = 4
)

// decrypted reads an armored or binary message up to its encrypted data,
// decrypts that with keys and returns the decrypted packets, whose Close
// checks the MDC or the last AEAD tag once they are read to the end.
//
// A message whose session keys would have a reader try its private keys
// for nothing is refused before any is tried: more than [MaxSessionKeys]
// of them, two that name the same key (a sealer writes one per
// recipient), more than maxAnonymous that name none, or any other packet
// among them. With these, a reader spends at most one private-key
// operation per key it holds, plus maxAnonymous per key. Packets
// go-crypto's reader skips (unknown types, session keys of algorithms it
// does not support, markers) are skipped here too: they cost nothing.
func decrypted(r io.Reader, keys openpgp.EntityList) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(64)
	var in io.Reader = br
	if bytes.Contains(head, []byte("-----BEGIN PGP")) {
		block, err := armor.Decode(br)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotEncrypted, err)
		}
		if block.Type != "PGP MESSAGE" {
			return nil, fmt.Errorf("%w: found a %q block", ErrNotEncrypted, block.Type)
		}
		in = block.Body
	}
	packets := packet.NewReader(in)
	var sessionKeys []*packet.EncryptedKey
	named := map[uint64]bool{}
	anonymous := 0
	var data packet.EncryptedDataPacket
	for n := 1; data == nil; n++ {
		p, err := packets.Next()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotEncrypted, err)
		}
		switch p := p.(type) {
		case *packet.EncryptedKey:
			switch {
			case p.KeyId == 0:
				anonymous++
			case named[p.KeyId]:
				return nil, fmt.Errorf("%w: two of its session keys name the key %016X, where a sealer writes one per recipient", ErrTampered, p.KeyId)
			}
			named[p.KeyId] = true
			sessionKeys = append(sessionKeys, p)
		case *packet.SymmetricKeyEncrypted:
			// a passphrase: Sealpost's keys are public keys
		case *packet.SymmetricallyEncrypted:
			if !p.IntegrityProtected {
				return nil, fmt.Errorf("%w: its data has no integrity protection (a Symmetrically Encrypted Data packet)", ErrNotEncrypted)
			}
			data = p
			continue
		case *packet.AEADEncrypted:
			data = p
			continue
		case *packet.LiteralData, *packet.Compressed, *packet.OnePassSignature, *packet.Signature:
			return nil, fmt.Errorf("%w: it is only signed or literal data", ErrNotEncrypted)
		default:
			return nil, fmt.Errorf("%w: it has a %s packet among its session keys", ErrNotEncrypted, packetName(p))
		}
		if n > MaxSessionKeys {
			return nil, fmt.Errorf("%w: it has more than %d session keys, where a sealer writes one per recipient", ErrTampered, MaxSessionKeys)
		}
		if anonymous > maxAnonymous {
			return nil, fmt.Errorf("%w: more than %d of its session keys name no key", ErrTampered, maxAnonymous)
		}
	}
	return decryptData(sessionKeys, data, keys)
}

// decryptData finds the session key one of keys can decrypt, as
// openpgp.ReadMessage does, and returns the decrypted packets.
func decryptData(sessionKeys []*packet.EncryptedKey, data packet.EncryptedDataPacket, keys openpgp.EntityList) (io.ReadCloser, error) {
	config := openPolicy()
	for _, sk := range sessionKeys {
		candidates := keys.KeysById(sk.KeyId)
		if sk.KeyId == 0 {
			candidates = keys.DecryptionKeys()
		}
		for _, k := range candidates {
			if k.PrivateKey == nil || k.PrivateKey.Encrypted || sk.Decrypt(k.PrivateKey, config) != nil {
				continue
			}
			plain, err := data.Decrypt(sk.CipherFunc, sk.Key)
			if errors.Is(err, pgperrors.ErrKeyIncorrect) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("%w (%v)", ErrTampered, err)
			}
			return plain, nil
		}
	}
	return nil, ErrNoSecretKey
}

// literalReader reads a literal data packet's body and, at its end, closes
// the decrypted stream, which checks the MDC or the last AEAD tag (as
// go-crypto's own checkReader does).
type literalReader struct {
	body      io.Reader
	decrypted io.ReadCloser
	checked   bool
}

func (l *literalReader) Read(p []byte) (int, error) {
	n, err := l.body.Read(p)
	if err == io.EOF && !l.checked {
		l.checked = true
		if cerr := l.decrypted.Close(); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

// authReader turns any error at the end of the plaintext (a failed MDC or
// AEAD tag, a truncated message) into ErrTampered.
type authReader struct{ r io.Reader }

func (a *authReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w (%v)", ErrTampered, err)
	}
	return n, err
}
