package thread

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/pgpkey"
)

// Messages a hostile party shapes by hand: a reporter writing to the
// vendor, an intake (or whoever holds its store) serving a thread.

// packets splits a binary OpenPGP stream written with new-format headers
// and definite lengths into its packets; it stops at the first packet with
// a partial length (an encrypted data packet), which it returns whole.
func packets(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		if b[0]&0xc0 != 0xc0 {
			t.Fatalf("an old-format packet header %#x", b[0])
		}
		var n, hl int
		switch l := int(b[1]); {
		case l < 192:
			n, hl = l, 2
		case l < 224:
			n, hl = (l-192)<<8+int(b[2])+192, 3
		case l == 255:
			n, hl = int(binary.BigEndian.Uint32(b[2:6])), 6
		default:
			return append(out, b)
		}
		out = append(out, b[:hl+n])
		b = b[hl+n:]
	}
	return out
}

// packetOf frames body as a packet with tag, with a five-octet length.
func packetOf(tag byte, body []byte) []byte {
	out := binary.BigEndian.AppendUint32([]byte{0xc0 | tag, 0xff}, uint32(len(body)))
	return append(out, body...)
}

func dearmor(t *testing.T, armored []byte) []byte {
	t.Helper()
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(block.Body); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func armored(t *testing.T, binary []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, "PGP MESSAGE", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(binary)
	w.Close()
	return buf.Bytes()
}

// encryptPackets encrypts raw, a stream of packets written by hand, to
// the encryption key of each of to, as one PKESK each and a SEIPD v1.
func encryptPackets(t *testing.T, raw []byte, to ...*openpgp.Entity) []byte {
	t.Helper()
	cfg := &packet.Config{Time: func() time.Time { return now }}
	key := bytes.Repeat([]byte{0x42}, 32)
	var msg bytes.Buffer
	for _, e := range to {
		k, ok := e.EncryptionKey(now)
		if !ok {
			t.Fatal("no encryption key")
		}
		if err := packet.SerializeEncryptedKeyAEAD(&msg, k.PublicKey, packet.CipherAES256, false, key, cfg); err != nil {
			t.Fatal(err)
		}
	}
	w, err := packet.SerializeSymmetricallyEncrypted(&msg, packet.CipherAES256, false, packet.CipherSuite{}, key, cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return armored(t, msg.Bytes())
}

// signedPackets is m signed by signer, as the one-pass signature, literal
// data and signature packets go-crypto writes, uncompressed.
func signedPackets(t *testing.T, m *Message, signer *openpgp.Entity) (ops, literal, sig []byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := openpgp.Sign(&buf, signer, &openpgp.FileHints{IsBinary: true}, &packet.Config{Time: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(m)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p := packets(t, buf.Bytes())
	if len(p) != 3 {
		t.Fatalf("a signed message of %d packets", len(p))
	}
	return p[0], p[1], p[2]
}

// zerosDeflated is a raw deflate stream (compression algorithm 1, ZIP) of
// prefix, mib MiB of zeros and suffix, made in a moment: one MiB of zeros
// deflates to a block that refers only to the zeros before it, so the
// block is repeated rather than recomputed.
func zerosDeflated(t *testing.T, prefix []byte, mib int, suffix []byte) []byte {
	t.Helper()
	zeros := make([]byte, 1<<20)
	var out bytes.Buffer
	fw, _ := flate.NewWriter(&out, flate.BestCompression)
	fw.Write(prefix)
	fw.Write(zeros)
	fw.Flush()
	head := out.Len()
	fw.Write(zeros)
	fw.Flush()
	block := bytes.Clone(out.Bytes()[head:])
	stream := bytes.Clone(out.Bytes()[:head])
	for range mib - 1 {
		stream = append(stream, block...)
	}
	// The suffix from a fresh compressor refers to nothing before it.
	var tail bytes.Buffer
	tw, _ := flate.NewWriter(&tail, flate.BestCompression)
	tw.Write(suffix)
	tw.Close()
	return append(stream, tail.Bytes()...)
}

func TestOpenRefusesSessionKeysThatOnlyCostItsReader(t *testing.T) {
	// Each session key that names the reader's key (or names none) costs it
	// a private-key operation: 474 of them in front of a valid one took 3 s
	// to open with an RSA-3072 key, and 500 such messages fill a thread.
	f := newFixture(t)
	sealed, err := Seal(vendorMsg("fixed", "done"), []*pgpkey.Key{f.replyKey}, f.vendor.entity, opts())
	if err != nil {
		t.Fatal(err)
	}
	p := packets(t, dearmor(t, sealed))
	esk, rest := p[0], bytes.Join(p[1:], nil)
	if esk[2] != 3 {
		t.Fatalf("a v%d PKESK", esk[2])
	}
	// naming is esk, broken so that it no longer opens, naming key id.
	naming := func(id uint64) []byte {
		b := bytes.Clone(esk)
		binary.BigEndian.PutUint64(b[3:11], id)
		b[len(b)-3] ^= 0x55
		return b
	}
	replyID := binary.BigEndian.Uint64(esk[3:11])
	message := func(extra ...[]byte) []byte {
		return armored(t, bytes.Join(append(extra, esk, rest), nil))
	}
	others := func(n int) (out [][]byte) {
		for i := range n {
			out = append(out, naming(uint64(0x1000+i)))
		}
		return out
	}
	reader, vendor := openpgp.EntityList{f.reply}, openpgp.EntityList{f.vendor.entity}
	const maxAnonymous = 4 // core/seal's bound on the session keys that name no key
	for _, c := range []struct {
		name string
		msg  []byte
		want string // "" when it opens
	}{
		{"32 session keys, one for each recipient", message(others(MaxSessionKeys - 1)...), ""},
		{"33", message(others(MaxSessionKeys)...), "more than 32 session keys"},
		{"400 that all name the reader's key", message(slicesOf(naming(replyID), 399)...), "name the key"},
		{"two that name the reader's key", message(naming(replyID)), "name the key"},
		{"400 behind a packet that is no session key", message(append([][]byte{packetOf(13, []byte("junk"))}, slicesOf(naming(replyID), 399)...)...), "a UserId packet among its session keys"},
		{"four that name no key", message(slicesOf(naming(0), maxAnonymous)...), ""},
		{"five that name no key", message(slicesOf(naming(0), maxAnonymous+1)...), "name no key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, err := Open(c.msg, reader, vendor)
			switch {
			case c.want == "" && (err != nil || o.Signer == ""):
				t.Errorf("%v, want it opened and verified", err)
			case c.want != "" && (!errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), c.want)):
				t.Errorf("%v, want ErrTampered: %s", err, c.want)
			}
		})
	}
	t.Run("Seal writes one per key, and no more than a reader opens", func(t *testing.T) {
		twice, err := Seal(vendorMsg("fixed", "x"), []*pgpkey.Key{f.replyKey, f.vendor.key, f.replyKey}, f.vendor.entity, opts())
		if err != nil {
			t.Fatal(err)
		}
		if o, err := Open(twice, reader, vendor); err != nil || o.Signer == "" {
			t.Errorf("a message sealed to the reply key twice: %v", err)
		}
		many := make([]*pgpkey.Key, MaxSessionKeys+1)
		for i := range many {
			k := *f.replyKey
			k.Encryption.Fingerprint = fmt.Sprint(i)
			many[i] = &k
		}
		if _, err := Seal(vendorMsg("fixed", "x"), many, f.vendor.entity, opts()); err == nil {
			t.Errorf("Seal wrote a message to %d keys, which no reader opens", len(many))
		}
	})
}

func slicesOf(b []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func TestOpenInflatesNoMoreThanAMessageHolds(t *testing.T) {
	f := newFixture(t)
	reader, vendor := openpgp.EntityList{f.reply}, openpgp.EntityList{f.vendor.entity}
	compressed := func(stream []byte) []byte { return packetOf(8, append([]byte{1}, stream...)) }

	t.Run("a compressed message opens", func(t *testing.T) {
		// GnuPG compresses by default: compression itself is no fault.
		ops, lit, sig := signedPackets(t, vendorMsg("fixed", "compressed"), f.vendor.entity)
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		fw.Write(bytes.Join([][]byte{ops, lit, sig}, nil))
		fw.Close()
		o, err := Open(encryptPackets(t, compressed(b.Bytes()), f.reply), reader, vendor)
		if err != nil || o.Signer == "" || o.Message.Text != "compressed" {
			t.Fatalf("%v, want the message opened and verified", err)
		}
	})

	t.Run("plaintext that inflates past the bound is cut off there", func(t *testing.T) {
		// 64 MiB of zeros as the literal data: read up to maxPlain, no further.
		lit := append(binary.BigEndian.AppendUint32([]byte{0xcb, 0xff}, 6+64<<20), 'b', 0, 0, 0, 0, 0)
		msg := encryptPackets(t, compressed(zerosDeflated(t, lit, 64, nil)), f.reply)
		if _, err := Open(msg, reader, vendor); !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "over") {
			t.Errorf("%v, want ErrTampered: its content is over the bound", err)
		}
	})

	t.Run("a signature behind 64 MiB of inflated padding is not looked for", func(t *testing.T) {
		// go-crypto reads every packet after the literal data to find its
		// signature, inflating them: 4 KB of message made it inflate 1 GiB
		// (and nested compression more), past the reader's own bound.
		ops, lit, sig := signedPackets(t, vendorMsg("fixed", "behind a bomb"), f.vendor.entity)
		padding := binary.BigEndian.AppendUint32([]byte{0xc0 | 21, 0xff}, 64<<20)
		msg := encryptPackets(t, compressed(zerosDeflated(t, bytes.Join([][]byte{ops, lit, padding}, nil), 64, sig)), f.reply)
		if len(msg) > MaxMessageBytes {
			t.Fatalf("the crafted message is %d bytes", len(msg))
		}
		o, err := Open(msg, reader, vendor)
		if err == nil {
			t.Fatalf("opened (signer %q) after inflating 64 MiB; want ErrTampered before the signature is reached", o.Signer)
		}
		if !errors.Is(err, ErrTampered) {
			t.Errorf("%v, want ErrTampered", err)
		}
	})
}

// replayFixture is a thread whose vendor wrote "triaged" and then, an
// hour later, "fixed", each verified.
func replayFixture(t *testing.T) *fixture {
	f := newFixture(t)
	triaged, fixed := vendorMsg("triaged", "Confirmed."), vendorMsg("fixed", "Fixed in 4.2.2.")
	fixed.WrittenAt = now.Add(time.Hour)
	f.post(t, FromVendor, triaged, f.vendor.entity)
	f.post(t, FromVendor, fixed, f.vendor.entity)
	return f
}

func (f *fixture) timeline() []Item {
	return Timeline(f.view, openpgp.EntityList{f.reply}, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{f.reply})
}

func TestAReplayedMessageCannotRollTheStatusBack(t *testing.T) {
	t.Run("a copy of an older message is marked and does not count", func(t *testing.T) {
		f := replayFixture(t)
		replay := f.view.Entries[0]
		replay.Seq, replay.At = 3, now.Add(3*time.Hour)
		f.view.Entries = append(f.view.Entries, replay)
		items := f.timeline()
		if items[2].Verified || !strings.Contains(items[2].Problem, "a copy of message #1") {
			t.Errorf("the replayed entry: verified %v, problem %q", items[2].Verified, items[2].Problem)
		}
		if s, _ := Status(f.view, items); s != "fixed" {
			t.Errorf("status %q after a replay of the triage, want fixed", s)
		}
	})
	t.Run("an older message moved after a newer one does not count", func(t *testing.T) {
		f := replayFixture(t)
		e := f.view.Entries
		e[0].Message, e[1].Message = e[1].Message, e[0].Message
		items := f.timeline()
		if s, at := Status(f.view, items); s != "fixed" || !at.Equal(e[0].At) {
			t.Errorf("status %q at %s, want fixed, at the entry that holds it", s, at)
		}
	})
	t.Run("two messages of the same second count in thread order", func(t *testing.T) {
		f := newFixture(t)
		f.post(t, FromVendor, vendorMsg("triaged", "a"), f.vendor.entity)
		f.post(t, FromVendor, vendorMsg("accepted", "b"), f.vendor.entity)
		if s, _ := Status(f.view, f.timeline()); s != "accepted" {
			t.Errorf("status %q, want accepted", s)
		}
	})
}

func TestAnEntryThatDoesNotOpenKeepsNoPromise(t *testing.T) {
	// The intake labels entries; only a message that opens as the vendor's
	// is the vendor's reply.
	received := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	forged := Item{Entry: Entry{Seq: 1, From: FromVendor, At: received.Add(time.Hour)}, Problem: "changed after it was written: x"}
	d := Deadlines(received, 5, 10, []Item{forged}, received.AddDate(0, 0, 30))
	if len(d) != 2 || d[0].Met || !d[0].Overdue {
		t.Errorf("an unreadable vendor entry kept the reply promise: %+v", d)
	}
}
