package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/report"
)

// Errors of opening.
var (
	ErrNotEncrypted = errors.New("not an encrypted OpenPGP message")
	ErrNoSecretKey  = errors.New("none of the secret keys can decrypt this message")
	ErrTampered     = errors.New("the message is damaged or was tampered with: nothing was unpacked")
	ErrNotAReport   = errors.New("the decrypted message is not a Sealpost report")
	ErrExists       = errors.New("the output folder already exists")
	ErrCompressed   = errors.New("the message holds compressed data, which Sealpost never writes (a compressed packet can inflate a few MB into terabytes): refused, nothing was unpacked")
)

// Bounds on the decrypted MIME entity, beyond what report.json declares.
const (
	// maxEntityOverhead bounds the bytes that are not attachments: the
	// headers, the text part (a report's text is under 1 MB, quoted-printable
	// at most triples it) and report.json.
	maxEntityOverhead = 16 << 20
	// maxPartOverhead bounds one attachment part's headers.
	maxPartOverhead = 4 << 10
	// maxAttachmentBytes is the largest size report.json may declare for an
	// attachment (1 TiB), so that sums cannot overflow.
	maxAttachmentBytes = 1 << 40
)

// Opened is an unpacked report.
type Opened struct {
	Dir         string         // the folder holding report.txt, report.json, attachments/
	Report      *report.Report // report.json, parsed
	Attachments []string       // the attachments' paths, in report order
}

// Open decrypts a sealed report with keys and unpacks it into dir, which
// must not exist: dir/report.json, dir/attachments/ and dir/report.txt
// written from report.json (not taken from the sender, so it holds no
// terminal escapes).
//
// The message is treated as hostile: anyone can seal to the vendor's key.
// Compressed data is refused before anything is written ([ErrCompressed]);
// attachments are named from report.json, never from the MIME parts, and
// written up to the size report.json declares, never beyond; the parts
// must match report.json's list in name, order, size and SHA-256.
//
// Open works in a hidden sibling folder (.sealpost-partial-PID-RANDOM) and
// renames it to dir only when the whole message is authenticated and
// matches report.json, so dir never holds a partial or forged report. The
// folder is removed on every failure, and the folders of an Open that was
// killed are removed by the next Open into the same parent folder.
func Open(r io.Reader, keys openpgp.EntityList, dir string) (*Opened, error) {
	parent := filepath.Dir(filepath.Clean(dir))
	removeStalePartials(parent)
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("%w: %s; choose a new one, nothing is overwritten", ErrExists, dir)
	}
	plain, err := Decrypt(r, keys)
	if err != nil {
		return nil, err
	}
	tmp, err := makePartial(parent)
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	opened, err := unpack(plain, tmp)
	// Read to the end, where the MDC or AEAD tag is checked: a message that
	// fails there was tampered with, whatever unpacking made of it.
	if _, derr := io.Copy(io.Discard, plain); derr != nil {
		err = derr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, err
	}
	done = true
	opened.Dir = dir
	for i, a := range opened.Attachments {
		opened.Attachments[i] = filepath.Join(dir, strings.TrimPrefix(a, tmp+string(filepath.Separator)))
	}
	return opened, nil
}

// unpack writes the MIME entity's parts into dir: report.json, then each
// attachment under the name report.json gives it, then report.txt.
func unpack(plain io.Reader, dir string) (*Opened, error) {
	bounded := &boundedReader{r: plain, left: maxEntityOverhead}
	// The text part is read and dropped: report.txt is written from
	// report.json below, where control characters are neutralised, since
	// the sender's text part could hold terminal escapes.
	m, err := report.ReadMIME(bounded)
	if err != nil {
		return nil, notReport(err)
	}
	opened := &Opened{Report: m.Report}
	if err := writeFile(filepath.Join(dir, "report.json"), bytes.NewReader(m.JSON)); err != nil {
		return nil, err
	}
	extra, err := declaredBytes(opened.Report)
	if err != nil {
		return nil, err
	}
	bounded.left += extra
	names := newNamer(filepath.Join(dir, "attachments"))
	for i := 0; ; i++ {
		a, err := m.NextAttachment()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, notReport(err)
		}
		path, err := writeAttachment(names, i, opened.Report.Attachments, a)
		if err != nil {
			return nil, err
		}
		opened.Attachments = append(opened.Attachments, path)
	}
	if len(opened.Attachments) != len(opened.Report.Attachments) {
		return nil, fmt.Errorf("%w: report.json lists %d attachments, the message holds %d", ErrTampered, len(opened.Report.Attachments), len(opened.Attachments))
	}
	var text bytes.Buffer
	if err := opened.Report.WriteText(&text); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "report.txt"), &text); err != nil {
		return nil, err
	}
	return opened, nil
}

// declaredBytes is what the attachments report.json lists may take in the
// MIME entity: base64 in lines of 76 characters and CRLF, and headers.
func declaredBytes(r *report.Report) (int64, error) {
	var total int64
	for i, a := range r.Attachments {
		if a.Size < 0 || a.Size > maxAttachmentBytes {
			return 0, fmt.Errorf("%w: report.json gives attachment %d an impossible size (%d bytes)", ErrNotAReport, i+1, a.Size)
		}
		total += (a.Size/57+1)*78 + maxPartOverhead
	}
	return total, nil
}

// writeAttachment writes part, the i-th attachment, under the name
// report.json gives it, and checks it against report.json: its name in the
// MIME headers, then its size (nothing beyond the declared size is
// written) and SHA-256.
func writeAttachment(names *namer, i int, list []report.Attachment, part *report.MIMEAttachment) (string, error) {
	if i >= len(list) {
		return "", fmt.Errorf("%w: the message holds more attachments than the %d report.json lists", ErrTampered, len(list))
	}
	a := list[i]
	if want := report.SafeFilename(a.Name); part.Filename != want {
		return "", fmt.Errorf("%w: attachment part %d is named %q, but report.json lists %q there", ErrTampered, i+1, part.Filename, want)
	}
	f, path, err := names.create(diskName(a.Name))
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(part.Body, a.Size))
	if err == nil {
		var one [1]byte
		if k, _ := io.ReadFull(part.Body, one[:]); k > 0 {
			err = fmt.Errorf("%w: attachment %d (%q) is larger than the %d bytes report.json declares; nothing more of it was written", ErrTampered, i+1, a.Name, a.Size)
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", notReport(err)
	}
	if n != a.Size || hex.EncodeToString(h.Sum(nil)) != a.SHA256 {
		return "", fmt.Errorf("%w: attachment %d (%q) does not match its size and SHA-256 in report.json", ErrTampered, i+1, a.Name)
	}
	return path, nil
}

// boundedReader fails once more than left bytes are read: the decrypted
// entity may be only as large as report.json accounts for.
type boundedReader struct {
	r    io.Reader
	left int64
}

var errEntityTooLarge = fmt.Errorf("%w: the message is larger than its report.json accounts for", ErrNotAReport)

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, err := b.r.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, errEntityTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// notReport wraps an error of reading the entity in ErrNotAReport, with its
// text cleaned: parsers quote what they read (JSON keys, MIME headers).
func notReport(err error) error {
	for _, known := range []error{ErrTampered, ErrNotAReport, ErrCompressed} {
		if errors.Is(err, known) {
			return err
		}
	}
	return fmt.Errorf("%w: %s", ErrNotAReport, report.Clean(err.Error()))
}

// writeFile creates path (never overwriting) with the contents of r.
func writeFile(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return notReport(err)
	}
	return f.Close()
}

// ReadReport decrypts a sealed report and returns its report.json, reading
// the whole message so that it is authenticated; nothing is written.
// Errors are cleaned of anything that could drive a terminal, but a caller
// printing the report's text must clean it ([report.Clean]).
func ReadReport(r io.Reader, keys openpgp.EntityList) (*report.Report, error) {
	plain, err := Decrypt(r, keys)
	if err != nil {
		return nil, err
	}
	m, err := report.ReadMIME(plain)
	if _, derr := io.Copy(io.Discard, plain); derr != nil {
		return nil, derr
	}
	if err != nil {
		return nil, notReport(err)
	}
	return m.Report, nil
}
