package seal

import (
	"encoding/base64"
	"io"

	"github.com/sealpost/sealpost/core/internal/b64lines"
	"github.com/sealpost/sealpost/core/internal/crc24"
)

// armorWriter writes an ASCII-armored OpenPGP message as GnuPG does: a
// blank header section, base64 lines of 64 characters, and the CRC-24
// checksum line (GnuPG 2.2 reports a message without it as manipulated).
// Its output is byte for byte go-crypto's armor.Encode's (tested), which it
// replaces for speed: that one computes the checksum a bit at a time and
// writes each line in three small writes.
type armorWriter struct {
	w     io.Writer
	crc   uint32
	lines *b64lines.Writer
}

const lineBytes = 48 // a 64-character line

func newArmorWriter(w io.Writer) (*armorWriter, error) {
	if _, err := io.WriteString(w, "-----BEGIN PGP MESSAGE-----\n\n"); err != nil {
		return nil, err
	}
	return &armorWriter{w: w, crc: crc24.Init, lines: b64lines.NewWriter(w, lineBytes, "\n", false)}, nil
}

func (a *armorWriter) Write(p []byte) (int, error) {
	a.crc = crc24.Update(a.crc, p)
	return a.lines.Write(p)
}

// Close writes the last line, the checksum and the end line.
func (a *armorWriter) Close() error {
	if err := a.lines.Close(); err != nil {
		return err
	}
	sum := []byte{byte(a.crc >> 16), byte(a.crc >> 8), byte(a.crc)}
	_, err := io.WriteString(a.w, "="+base64.StdEncoding.EncodeToString(sum)+"\n-----END PGP MESSAGE-----")
	return err
}
