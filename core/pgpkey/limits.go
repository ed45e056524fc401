package pgpkey

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// The largest keys read. go-crypto checks a key's self-signatures as it
// reads it, and its arithmetic grows with the cube of the size: a DSA key
// with 32768-bit parameters took 38.8 s to refuse (23 s on the machine of
// issue 12), so the sizes are read from the packets before go-crypto sees
// them.
const (
	MaxRSABits = 16384 // RSA
	MaxDSABits = 4096  // DSA and ElGamal
)

// CheckSizes refuses, with a [*KeyError] wrapping [ErrTooLarge], binary
// OpenPGP key material (a key, a keyring, public or secret) that holds an
// RSA key over [MaxRSABits] or a DSA or ElGamal key over [MaxDSABits]. It
// reads only the packets' framing and the sizes of the key numbers, so it
// must be called before go-crypto parses the keys. Damaged framing is left
// for the key reader to report.
func CheckSizes(keys []byte) error {
	for _, k := range scanKeys(keys) {
		if k.err != nil {
			return k.err
		}
	}
	return nil
}

// scannedKey is one primary key and what follows it, up to the next one:
// keys[start:end], refused with err when one of its keys is too large.
type scannedKey struct {
	start, end int
	err        *KeyError
}

// scanKeys splits binary key material at each primary key and checks the
// size of every key in it. Packets before the first primary key stay with
// it. The framing is read by go-crypto's OpaqueReader, which parses nothing.
func scanKeys(keys []byte) []scannedKey {
	r := bytes.NewReader(keys)
	packets := packet.NewOpaqueReader(r)
	var out []scannedKey
	var fpr string
	for {
		start := len(keys) - r.Len()
		p, err := packets.Next()
		if err != nil {
			break
		}
		primary := p.Tag == 5 || p.Tag == 6
		if !primary && p.Tag != 7 && p.Tag != 14 {
			continue
		}
		algo, bits, public := keyNumbers(p.Contents)
		if primary {
			fpr = fingerprint(p.Contents[:public])
			if len(out) > 0 {
				out[len(out)-1].end = start
			}
			out = append(out, scannedKey{start: start})
			if len(out) == 1 {
				out[0].start = 0
			}
		}
		if len(out) == 0 {
			out = append(out, scannedKey{})
		}
		if last := &out[len(out)-1]; last.err == nil {
			last.err = tooLarge(fpr, algo, bits, primary)
		}
	}
	if len(out) > 0 {
		out[len(out)-1].end = len(keys)
	}
	return out
}

// keyNumbers reads a key packet's algorithm and the declared bit length of
// each of its public numbers (RSA n and e; DSA p, q, g and y; ElGamal p, g
// and y), and the length of its public part (for the fingerprint).
func keyNumbers(c []byte) (algo packet.PublicKeyAlgorithm, bits []int, public int) {
	if len(c) == 0 {
		return 0, nil, 0
	}
	off := 1 + 4 // version, creation time
	switch c[0] {
	case 2, 3:
		off += 2 // validity in days
	case 4, 5, 6:
	default:
		return 0, nil, 0
	}
	if len(c) <= off {
		return 0, nil, 0
	}
	algo = packet.PublicKeyAlgorithm(c[off])
	off++
	if c[0] == 5 || c[0] == 6 {
		off += 4 // the length of the key material
	}
	n := map[packet.PublicKeyAlgorithm]int{
		packet.PubKeyAlgoRSA: 2, packet.PubKeyAlgoRSAEncryptOnly: 2, packet.PubKeyAlgoRSASignOnly: 2,
		packet.PubKeyAlgoDSA: 4, packet.PubKeyAlgoElGamal: 3, 20: 3, // 20: ElGamal that also signs (RFC 2440)
	}[algo]
	for range n {
		if off+2 > len(c) {
			break
		}
		b := int(binary.BigEndian.Uint16(c[off:]))
		bits = append(bits, b)
		off += 2 + (b+7)/8
	}
	return algo, bits, min(off, len(c))
}

// fingerprint is the v4 or v6 fingerprint of a public key packet's body, or
// "" for other versions.
func fingerprint(body []byte) string {
	switch {
	case len(body) > 0 && body[0] == 4 && len(body) <= 0xffff:
		return fmt.Sprintf("%X", sha1.Sum(append([]byte{0x99, byte(len(body) >> 8), byte(len(body))}, body...)))
	case len(body) > 0 && body[0] == 6:
		return fmt.Sprintf("%X", sha256.Sum256(append(binary.BigEndian.AppendUint32([]byte{0x9b}, uint32(len(body))), body...)))
	}
	return ""
}

func tooLarge(fpr string, algo packet.PublicKeyAlgorithm, bits []int, primary bool) *KeyError {
	var name string
	limit := MaxDSABits
	switch algo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
		name, limit = "RSA", MaxRSABits
	case packet.PubKeyAlgoDSA:
		name = "DSA"
	case packet.PubKeyAlgoElGamal, 20:
		name = "ElGamal"
	default:
		return nil
	}
	largest := 0
	for _, b := range bits {
		largest = max(largest, b)
	}
	if largest <= limit {
		return nil
	}
	which := "its primary key"
	if !primary {
		which = "one of its subkeys"
	}
	return &KeyError{Fingerprint: fpr, Err: ErrTooLarge, Detail: fmt.Sprintf(
		"%s is %s-%d: Sealpost reads RSA keys of at most %d bits and DSA or ElGamal keys of at most %d, whose checks would otherwise take minutes; ask the vendor for a Curve25519 key or an RSA key of 3072 or 4096 bits",
		which, name, largest, MaxRSABits, MaxDSABits)}
}
