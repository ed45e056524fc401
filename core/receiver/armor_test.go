package receiver

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/sealpost/sealpost/core/internal/crc24"
)

// armorText armors data by hand in lines of width characters ended by
// eol, with or without the checksum line and a final line ending.
func armorText(data []byte, width int, eol string, crc, finalEOL bool) []byte {
	var b strings.Builder
	b.WriteString(armorBegin + eol + eol)
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 0 {
		n := min(width, len(enc))
		b.WriteString(enc[:n] + eol)
		enc = enc[n:]
	}
	if crc {
		c := crc24.Update(crc24.Init, data)
		b.WriteString("=" + base64.StdEncoding.EncodeToString([]byte{byte(c >> 16), byte(c >> 8), byte(c)}) + eol)
	}
	b.WriteString(armorEnd)
	if finalEOL {
		b.WriteString(eol)
	}
	return []byte(b.String())
}

func decodeArmor(in []byte) ([]byte, error) {
	return io.ReadAll(newArmorReader(bufio.NewReader(bytes.NewReader(in))))
}

// TestArmorReaderDecodesWhatWritersWrite: go-crypto's armor writer (as
// core/seal's, byte for byte) and every line ending, width and checksum
// choice the spec and the tools allow decode to the bytes armored.
func TestArmorReaderDecodesWhatWritersWrite(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 2, 3, 47, 48, 49, 57, 1000, 100 << 10} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		cases := map[string][]byte{
			"go-crypto's armor.Encode":                                       armorOf(t, data),
			"64-character lines ended by LF, with a checksum and a final LF": armorText(data, 64, "\n", true, true),
			"60-character lines as OpenPGP.js writes":                        armorText(data, 60, "\n", true, true),
			"76-character lines ended by CRLF, without a checksum":           armorText(data, 76, "\r\n", false, false),
			"4-character lines without a final line ending":                  armorText(data, 4, "\n", true, false),
		}
		for name, text := range cases {
			t.Run(name+" of "+strconv.Itoa(size)+" bytes decodes", func(t *testing.T) {
				got, err := decodeArmor(text)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("decoded %d bytes, want the %d armored", len(got), len(data))
				}
				want, err := armor.Decode(bytes.NewReader(text))
				if err != nil {
					t.Fatalf("go-crypto refuses what we accept: %v", err)
				}
				if b, err := io.ReadAll(want.Body); err != nil || !bytes.Equal(b, data) {
					t.Fatalf("go-crypto decodes it otherwise (%v)", err)
				}
			})
		}
	}
}

// TestArmorLineLengthIsBounded: 76 base64 characters a line, no more.
func TestArmorLineLengthIsBounded(t *testing.T) {
	data := bytes.Repeat([]byte{0xa5}, 300)
	if _, err := decodeArmor(armorText(data, 76, "\r\n", true, true)); err != nil {
		t.Fatalf("76 characters and CRLF: %v", err)
	}
	if _, err := decodeArmor(armorText(data, 80, "\n", true, true)); !errors.Is(err, ErrNotOpenPGP) {
		t.Fatalf("80 characters: err = %v", err)
	}
}

// TestArmorHeaderOfAnyLengthIsRefusedQuickly: a Comment header is refused
// at its line, after reading at most one buffer of it, whatever its length
// (go-crypto's armor.Decode took 14 s over a 16 MiB one).
func TestArmorHeaderOfAnyLengthIsRefusedQuickly(t *testing.T) {
	for _, size := range []int{10, 100 << 10, 16 << 20} {
		t.Run("a Comment header of "+strconv.Itoa(size)+" bytes is refused", func(t *testing.T) {
			body := cat([]byte(armorBegin+"\nComment: "), bytes.Repeat([]byte("a"), size), []byte("\n\n"), armorText([]byte("x"), 64, "\n", true, true)[len(armorBegin)+2:])
			r := &countingReader{r: bytes.NewReader(body)}
			start := time.Now()
			_, err := Sniff(r)
			elapsed := time.Since(start)
			if !errors.Is(err, ErrNotOpenPGP) || !strings.Contains(err.Error(), "armor headers") {
				t.Fatalf("err = %v", err)
			}
			if r.n > 128<<10 {
				t.Errorf("read %d bytes of the body to refuse it", r.n)
			}
			t.Logf("refused after reading %d of %d bytes in %v", r.n, len(body), elapsed)
		})
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
