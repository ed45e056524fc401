package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/wasmhash"
)

// encryptV1 starts an OpenPGP message of SEIPDv1 (RFC 9580, 5.13.1): a
// PKESK per recipient, then the integrity-protected data packet holding a
// binary literal data packet and the MDC, as go-crypto's openpgp.Encrypt
// writes it. It is our own for speed: AES-CFB runs as AES-CBC (below),
// which crypto/aes does in assembly and the browser's WebCrypto natively,
// where go-crypto runs CFB a block at a time (and in pure Go in wasm).
func encryptV1(w io.Writer, to []*openpgp.Entity, config *packet.Config, newCBC func(key, iv []byte) (cipher.BlockMode, error)) (io.WriteCloser, error) {
	cipherFunc, keys, err := recipients(to, config)
	if err != nil {
		return nil, err
	}
	sessionKey := make([]byte, cipherFunc.KeySize())
	if _, err := io.ReadFull(config.Random(), sessionKey); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := packet.SerializeEncryptedKeyAEAD(w, k.PublicKey, cipherFunc, false, sessionKey, config); err != nil {
			return nil, err
		}
	}
	block, err := aes.NewCipher(sessionKey)
	if err != nil {
		return nil, err
	}
	// CFB with a zero IV begins with the keystream E(0).
	var e0 [aes.BlockSize]byte
	block.Encrypt(e0[:], e0[:])
	if newCBC == nil {
		newCBC = func(key, iv []byte) (cipher.BlockMode, error) { return cipher.NewCBCEncrypter(block, iv), nil }
	}
	mode, err := newCBC(sessionKey, e0[:])
	if err != nil {
		return nil, err
	}
	body := &partialWriter{w: w, buf: make([]byte, 0, partialChunk)}
	if _, err := w.Write([]byte{0xC0 | 18}); err != nil { // new-format packet header, tag 18
		return nil, err
	}
	body.Write([]byte{1}) // version 1: MDC
	m := &mdcWriter{cfb: &cfbCBC{mode: mode, x: e0}, out: body, h: wasmhash.NewSHA1(), buf: make([]byte, 0, mdcBuffer)}
	// The random prefix, its last two octets repeated (a quick check for
	// the reader), hashed into the MDC like the rest.
	prefix := make([]byte, aes.BlockSize+2)
	if _, err := io.ReadFull(config.Random(), prefix[:aes.BlockSize]); err != nil {
		return nil, err
	}
	copy(prefix[aes.BlockSize:], prefix[aes.BlockSize-2:aes.BlockSize])
	m.Write(prefix)
	return packet.SerializeLiteral(m, true, "", 0)
}

// recipients picks each recipient's encryption key and the cipher: AES-256
// when every recipient lists it, else AES-128, which all must support (as
// go-crypto decides).
func recipients(to []*openpgp.Entity, config *packet.Config) (packet.CipherFunction, []openpgp.Key, error) {
	ciphers := []uint8{uint8(packet.CipherAES256), uint8(packet.CipherAES128)}
	keys := make([]openpgp.Key, len(to))
	for i, e := range to {
		k, ok := e.EncryptionKey(config.Now())
		if !ok {
			return 0, nil, fmt.Errorf("cannot encrypt to key %X: it has no valid encryption key", e.PrimaryKey.Fingerprint)
		}
		keys[i] = k
		sig, _ := e.PrimarySelfSignature()
		if sig == nil {
			return 0, nil, errors.New("a recipient key has no self-signature")
		}
		ciphers = slices.DeleteFunc(ciphers, func(c uint8) bool { return !slices.Contains(sig.PreferredSymmetric, c) })
	}
	if len(ciphers) == 0 {
		return packet.CipherAES128, keys, nil
	}
	return packet.CipherFunction(ciphers[0]), keys, nil
}

// cfbCBC is OpenPGP's AES-CFB computed with AES-CBC. In CFB, ciphertext
// block C[i] = P[i] xor E(C[i-1]). Run CBC over the plaintext with the
// chain started at E(IV): its output X[i] = E(P[i] xor X[i-1]), and by
// induction X[i-1] = E(C[i-1]), so X[i] = E(C[i]) and C[i] = P[i] xor
// X[i-1]. x holds the keystream of the next block, E(C[i-1]).
type cfbCBC struct {
	mode    cipher.BlockMode
	x       [aes.BlockSize]byte
	scratch []byte
}

// encrypt encrypts p in place. All but the last call get whole blocks.
func (c *cfbCBC) encrypt(p []byte) {
	k := len(p) &^ (aes.BlockSize - 1)
	if k > 0 {
		if cap(c.scratch) < k {
			c.scratch = make([]byte, k)
		}
		x := c.scratch[:k]
		c.mode.CryptBlocks(x, p[:k])
		subtle.XORBytes(p[aes.BlockSize:k], p[aes.BlockSize:k], x[:k-aes.BlockSize])
		subtle.XORBytes(p[:aes.BlockSize], p[:aes.BlockSize], c.x[:])
		copy(c.x[:], x[k-aes.BlockSize:])
	}
	if tail := p[k:]; len(tail) > 0 {
		subtle.XORBytes(tail, tail, c.x[:len(tail)])
	}
}

// mdcBuffer is how much plaintext is encrypted at a time: in the browser,
// one call into WebCrypto (and one turn of the event loop) each.
const mdcBuffer = 256 << 10

// mdcWriter hashes the plaintext for the MDC and encrypts it in whole
// blocks, mdcBuffer at a time; Close appends the MDC packet.
type mdcWriter struct {
	cfb *cfbCBC
	out *partialWriter
	h   hash.Hash
	buf []byte
	err error
}

func (m *mdcWriter) Write(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	n := len(p)
	m.h.Write(p)
	for len(p) > 0 {
		k := copy(m.buf[len(m.buf):cap(m.buf)], p)
		m.buf, p = m.buf[:len(m.buf)+k], p[k:]
		if len(m.buf) == cap(m.buf) {
			m.flush(false)
		}
	}
	return n, m.err
}

// flush encrypts and writes the buffer: its whole blocks, or everything
// when final.
func (m *mdcWriter) flush(final bool) {
	k := len(m.buf)
	if !final {
		k &^= aes.BlockSize - 1
	}
	m.cfb.encrypt(m.buf[:k])
	if m.err == nil {
		_, m.err = m.out.Write(m.buf[:k])
	}
	m.buf = m.buf[:copy(m.buf, m.buf[k:])]
}

func (m *mdcWriter) Close() error {
	if m.err != nil {
		return m.err
	}
	// The MDC packet (tag 19, length 20) hashes its own header too.
	mdc := []byte{0xD3, 0x14}
	m.h.Write(mdc)
	m.buf = append(m.buf, mdc...)
	m.buf = m.h.Sum(m.buf)
	m.flush(true)
	if m.err != nil {
		return m.err
	}
	return m.out.Close()
}

// partialChunk is the size of each partial body length chunk: 2^16.
const partialChunk = 1 << 16

// partialWriter writes a packet body of unknown length as partial body
// lengths of 64 KiB (RFC 9580, 4.2.1.4), then the rest with a definite
// length.
type partialWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (p *partialWriter) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 && p.err == nil {
		k := copy(p.buf[len(p.buf):cap(p.buf)], b)
		p.buf, b = p.buf[:len(p.buf)+k], b[k:]
		if len(p.buf) == cap(p.buf) {
			if _, p.err = p.w.Write([]byte{224 + 16}); p.err == nil {
				_, p.err = p.w.Write(p.buf)
			}
			p.buf = p.buf[:0]
		}
	}
	return n, p.err
}

func (p *partialWriter) Close() error {
	if p.err != nil {
		return p.err
	}
	var hdr []byte
	switch n := len(p.buf); {
	case n < 192:
		hdr = []byte{byte(n)}
	case n < 8384:
		hdr = []byte{byte((n-192)>>8) + 192, byte(n - 192)}
	default:
		hdr = []byte{255, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
	}
	if _, err := p.w.Write(hdr); err != nil {
		return err
	}
	_, err := p.w.Write(p.buf)
	return err
}
