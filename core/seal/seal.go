// Package seal encrypts Sealpost reports to a vendor's keys, and opens them
// again for the vendor.
//
// # Sealing
//
// [Encrypt] returns a streaming [io.WriteCloser]: what is written is
// encrypted to the keys and written out; the caller must call Close to
// finish the message. [Report] seals a report's MIME entity (see
// [report.WriteMIME]) with its attachments streamed, so memory use does not
// grow with their size, padded to [PaddedLength]. [Policy] is the one place
// the crypto choices live.
//
// The output is a standard OpenPGP message: armored (with its CRC24, which
// GnuPG 2.2 requires) or binary.
//
// # Opening
//
// [Open] decrypts a sealed report with the vendor's secret keys and unpacks
// it into a new folder, only after the whole message has been authenticated.
// [Decrypt] streams any sealed report's plaintext; [DecryptSigned] reads a
// signed message (a thread message, see core/thread) and says who signed
// it. All three read with the one opening policy beside [Policy].
package seal

import (
	"bytes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
)

// ErrNoKeys reports a call with no recipient keys.
var ErrNoKeys = errors.New("seal: no key to encrypt to")

// Options tune sealing. The zero value writes binary output with the real
// clock and crypto/rand.
type Options struct {
	// Armor writes ASCII armor ("-----BEGIN PGP MESSAGE-----"), for people
	// and mail; binary is smaller and faster for a POST body.
	Armor bool
	// Now is the clock keys are judged at; nil means time.Now.
	Now func() time.Time
	// Rand is the randomness source; nil means crypto/rand.
	Rand io.Reader
	// NewCBC returns an AES-CBC encrypter for key, its chain starting at
	// iv; sealing computes AES-CFB with it (see encryptV1). nil means
	// crypto/aes; the browser passes WebCrypto's, which is native code.
	NewCBC func(key, iv []byte) (cipher.BlockMode, error)
	// Signer, when set, signs the message inside the encryption (a thread
	// message, see core/thread); its secret key must be unlocked. Reports
	// are never signed: a reporter has no key the vendor knows.
	Signer *openpgp.Entity
}

// Policy returns the crypto configuration for sealing to keys, the only
// place Sealpost makes these choices:
//   - AES-256 (go-crypto's default, with a nil config, is AES-128);
//     a recipient that does not list AES-256 gets AES-128, which every
//     OpenPGP implementation must support;
//   - no compression (it leaks length information and costs time);
//   - SEIPDv1 with MDC, which GnuPG 2.2, RNP 0.16, Sequoia 0.27 and
//     OpenPGP.js all read; SEIPDv2 (AEAD, OCB) only when every recipient is a
//     v6 key that advertises it, as RFC 9580 requires, since such keys are
//     unreadable to the older tools anyway.
func Policy(keys []*pgpkey.Key, o Options) *packet.Config {
	c := &packet.Config{
		DefaultCipher:          packet.CipherAES256,
		DefaultCompressionAlgo: packet.CompressionNone,
		Time:                   o.Now,
		Rand:                   o.Rand,
	}
	allV6 := len(keys) > 0
	for _, k := range keys {
		if k.Version != 6 || !k.SEIPDv2 {
			allV6 = false
		}
	}
	if allV6 {
		c.AEADConfig = &packet.AEADConfig{DefaultMode: packet.AEADModeOCB}
	}
	return c
}

// openPolicy is the crypto configuration for opening ([Decrypt],
// [DecryptSigned]), kept beside [Policy] so that the choices live in one
// place: crypto/rand (for RSA blinding), the real clock (a signer's key
// must be valid now) and go-crypto's defaults, among them the hashes too
// weak for a message's signature (SHA-1, MD5, RIPEMD-160). What a message
// may hold is decided before go-crypto reads it: at most [MaxSessionKeys]
// session keys, integrity protection required; for a report no compressed
// data and no signature, for a signed message one compressed packet at
// most, bounded, and one signature.
func openPolicy() *packet.Config { return &packet.Config{} }

// Encrypt starts a message to keys, written to w. The returned writer takes
// the plaintext; Close finishes the message (encryption, then armor). On a
// write error the output is incomplete and must be discarded.
//
// A key given twice (by its encryption key) gets one session key: a reader
// refuses two for one key. More than [MaxSessionKeys] keys are refused, as
// every reader would refuse the message.
func Encrypt(w io.Writer, keys []*pgpkey.Key, o Options) (io.WriteCloser, error) {
	if len(keys) == 0 {
		return nil, ErrNoKeys
	}
	keys = distinct(keys)
	if len(keys) > MaxSessionKeys {
		return nil, fmt.Errorf("seal: a message goes to at most %d keys, not %d: no reader opens one with more", MaxSessionKeys, len(keys))
	}
	to := make([]*openpgp.Entity, len(keys))
	for i, k := range keys {
		to[i] = k.Entity
	}
	out := w
	var armorW io.WriteCloser
	if o.Armor {
		var err error
		if armorW, err = newArmorWriter(w); err != nil {
			return nil, err
		}
		out = armorW
	}
	var pt io.WriteCloser
	var err error
	if config := Policy(keys, o); config.AEAD() == nil && o.Signer == nil {
		pt, err = encryptV1(out, to, config, o.NewCBC)
	} else {
		pt, err = openpgp.Encrypt(out, to, o.Signer, &openpgp.FileHints{IsBinary: true}, config)
	}
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &sealWriter{pt: pt, armor: armorW, out: w}, nil
}

// distinct is keys without the ones whose encryption key came before.
func distinct(keys []*pgpkey.Key) []*pgpkey.Key {
	seen := map[string]bool{}
	out := make([]*pgpkey.Key, 0, len(keys))
	for _, k := range keys {
		if fp := k.Encryption.Fingerprint; fp == "" || !seen[fp] {
			seen[fp] = true
			out = append(out, k)
		}
	}
	return out
}

type sealWriter struct {
	pt, armor io.WriteCloser
	out       io.Writer
}

func (s *sealWriter) Write(p []byte) (int, error) { return s.pt.Write(p) }

func (s *sealWriter) Close() error {
	if err := s.pt.Close(); err != nil {
		return err
	}
	if s.armor != nil {
		if err := s.armor.Close(); err != nil {
			return err
		}
		_, err := io.WriteString(s.out, "\n") // end the last armor line, as a text file
		return err
	}
	return nil
}

// Report seals r, with the attachments' contents read from bodies (in the
// order of r.Attachments), to keys, writing the message to w. The report is
// not validated here: validate it first with [report.Validate].
//
// The plaintext is padded to [PaddedLength] (in the MIME entity's
// epilogue, which [Open] and mail programs ignore), so that the
// message's length tells little about the report's.
func Report(w io.Writer, r *report.Report, bodies []io.Reader, keys []*pgpkey.Key, o Options) error {
	ew, err := Encrypt(w, keys, o)
	if err != nil {
		return err
	}
	pw := &padWriter{w: ew}
	if err := report.WriteMIME(pw, r, bodies); err != nil {
		return err
	}
	if err := pw.pad(); err != nil {
		return err
	}
	return ew.Close()
}

// Bytes encrypts plaintext to keys in one call.
func Bytes(plaintext []byte, keys []*pgpkey.Key, o Options) ([]byte, error) {
	var buf bytes.Buffer
	ew, err := Encrypt(&buf, keys, o)
	if err != nil {
		return nil, err
	}
	if _, err := ew.Write(plaintext); err != nil {
		return nil, err
	}
	if err := ew.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
