package report

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/sealpost/sealpost/core/internal/b64lines"
	"github.com/sealpost/sealpost/core/internal/wasmhash"
)

// ErrAttachmentChanged reports that an attachment's bytes differ from its
// size or SHA-256 in the report: the file changed after it was chosen.
var ErrAttachmentChanged = errors.New("attachment changed after it was chosen")

// A CheckedBody is an attachment body that checks its own bytes as they are
// read against the SHA-256 it names, more cheaply than hashing them again,
// and fails with an error wrapping [ErrAttachmentChanged] on a mismatch. The
// browser's file reader is one: it compares each chunk with a digest that
// WebCrypto took when the file was chosen, where Go compiled to wasm hashes
// at a third of the speed sealing needs. [WriteMIME] still counts such a
// body's bytes, and hashes it itself unless CheckedSHA256 equals the SHA-256
// in the report.
type CheckedBody interface {
	io.Reader
	// CheckedSHA256 is the lower-case hex SHA-256 of the whole body that
	// the reader's checks guarantee.
	CheckedSHA256() string
}

// NewSHA256 returns the hash an [Attachment]'s SHA256 is computed with:
// crypto/sha256 natively, an unrolled SHA-256 in wasm, where it is about
// twice as fast as crypto/sha256's generic code (the browser hashes every
// attachment when it is chosen, and every sealed report to check its
// receipt).
func NewSHA256() hash.Hash { return wasmhash.NewSHA256() }

// SubjectPrefix starts the protected Subject of every sealed report.
const SubjectPrefix = "[Sealpost] "

// WriteMIME writes the report as the MIME entity that Sealpost seals: a
// multipart/mixed entity with the protected Subject header, a text/plain
// part (see [Report.WriteText]), the report.json part and one base64 part per
// attachment. bodies holds the attachments' contents, in the order of
// r.Attachments; each is streamed, never held in memory, and checked against
// its size and SHA-256 as it goes (see [CheckedBody]): a mismatch ends the entity early with
// [ErrAttachmentChanged], so the caller must discard what was written.
func WriteMIME(w io.Writer, r *Report, bodies []io.Reader) error {
	if len(bodies) != len(r.Attachments) {
		return fmt.Errorf("report: %d attachment bodies for %d attachments", len(bodies), len(r.Attachments))
	}
	var h mail.Header
	h.SetContentType("multipart/mixed", map[string]string{"protected-headers": "v1"})
	title := strings.TrimSpace(clean(r.Title, false))
	if title == "" {
		title = "Vulnerability report"
	}
	h.SetSubject(SubjectPrefix + title)
	if r.SubmittedAt != nil {
		h.SetDate(*r.SubmittedAt)
	}
	// The entity is written through go-message's textproto layer, as its
	// message.Writer would write it (tested byte for byte), but with the
	// attachments' base64 encoded by b64lines: go-message's line
	// wrapper scans every byte for line ends, which in wasm cost more than
	// the encryption (see core/README.md).
	bw := bufio.NewWriterSize(w, 64<<10)
	mw := textproto.NewMultipartWriter(bw)
	h.Set("MIME-Version", "1.0")
	h.SetContentType("multipart/mixed", map[string]string{"protected-headers": "v1", "boundary": mw.Boundary()})
	if err := textproto.WriteHeader(bw, h.Header.Header); err != nil {
		return err
	}

	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		return err
	}
	if err := writePart(mw, "text/plain", "", "quoted-printable", strings.NewReader(text.String())); err != nil {
		return err
	}
	js, err := r.JSON()
	if err != nil {
		return err
	}
	if err := writePart(mw, "application/json", "report.json", "quoted-printable", strings.NewReader(string(js))); err != nil {
		return err
	}
	for i, a := range r.Attachments {
		n := new(byteCounter)
		var sum hash.Hash
		body := io.TeeReader(bodies[i], n)
		if c, ok := bodies[i].(CheckedBody); !ok || c.CheckedSHA256() != a.SHA256 {
			sum = NewSHA256()
			body = io.TeeReader(bodies[i], io.MultiWriter(sum, n))
		}
		if err := writePart(mw, a.Type, a.Name, "base64", body); err != nil {
			return fmt.Errorf("report: attachment %q: %w", a.Name, err)
		}
		if int64(*n) != a.Size || sum != nil && hex.EncodeToString(sum.Sum(nil)) != a.SHA256 {
			return fmt.Errorf("report: attachment %q: %w", a.Name, ErrAttachmentChanged)
		}
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// maxMIMETextBytes bounds the text part [ReadMIME] keeps: a report's text
// is under 1 MB (report.json is at most [MaxJSONBytes]), with room for
// the labels around it.
const maxMIMETextBytes = 16 << 20

// A MIMEReader reads the MIME entity [WriteMIME] writes, as [ReadMIME]
// returns it: the header, the text part and report.json are read; the
// attachments follow, one [MIMEReader.NextAttachment] at a time.
type MIMEReader struct {
	// Header is the entity's header: the protected Subject, the Date.
	Header mail.Header
	// Text is the text part, decoded: what the sender says the report
	// reads as. It came from outside; [Report.WriteText] rebuilds it from
	// Report.
	Text []byte
	// JSON is the report.json part as it came, and Report the same, parsed.
	JSON   []byte
	Report *Report

	mr message.MultipartReader
}

// A MIMEAttachment is one attachment part of the entity: the file name and
// media type its headers give (the sender's, unchecked: report.json's
// [Attachment] is what they must match) and its decoded bytes.
type MIMEAttachment struct {
	Filename string
	Type     string
	Body     io.Reader
}

// ReadMIME reads the MIME entity that [WriteMIME] writes, the one contract
// for its shape: a multipart entity whose first part is text/plain, whose
// second is application/json (report.json, parsed with [Parse]), and whose
// other parts are the attachments, which the caller reads in order with
// [MIMEReader.NextAttachment], streamed, until io.EOF. The entity is read
// as hostile input: the text part is kept up to 16 MB and report.json up
// to [MaxJSONBytes]; a caller bounds the whole entity and checks each
// attachment against report.json.
func ReadMIME(r io.Reader) (*MIMEReader, error) {
	ent, err := message.Read(r)
	if err != nil {
		return nil, err
	}
	mr := ent.MultipartReader()
	if mr == nil {
		return nil, errors.New("not multipart")
	}
	m := &MIMEReader{Header: mail.Header{Header: ent.Header}, mr: mr}
	for i := 1; i <= 2; i++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, errors.New("no report.json part")
		}
		if err != nil {
			return nil, err
		}
		switch mt, _, _ := p.Header.ContentType(); {
		case i == 1 && mt == "text/plain":
			if m.Text, err = io.ReadAll(io.LimitReader(p.Body, maxMIMETextBytes+1)); err != nil {
				return nil, err
			}
			if len(m.Text) > maxMIMETextBytes {
				return nil, fmt.Errorf("the text part is larger than %d bytes", maxMIMETextBytes)
			}
		case i == 2 && mt == "application/json":
			if m.JSON, err = io.ReadAll(io.LimitReader(p.Body, MaxJSONBytes+1)); err != nil {
				return nil, err
			}
			if m.Report, err = Parse(bytes.NewReader(m.JSON)); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unexpected part %d (%q)", i, mt)
		}
	}
	return m, nil
}

// NextAttachment returns the next attachment part, whose Body is valid
// until the next call; io.EOF after the last.
func (m *MIMEReader) NextAttachment() (*MIMEAttachment, error) {
	p, err := m.mr.NextPart()
	if err != nil {
		return nil, err
	}
	mt, _, _ := p.Header.ContentType()
	_, params, _ := p.Header.ContentDisposition()
	return &MIMEAttachment{Filename: params["filename"], Type: mt, Body: p.Body}, nil
}

type byteCounter int64

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}

func writePart(mw *textproto.MultipartWriter, mediaType, filename, encoding string, body io.Reader) error {
	var h message.Header
	mediaType, params, err := mime.ParseMediaType(mediaType)
	if err != nil || !isMediaType(mediaType) {
		mediaType, params = "application/octet-stream", nil
	}
	if params == nil {
		params = map[string]string{}
	}
	if strings.HasPrefix(mediaType, "text/") || mediaType == "application/json" {
		params["charset"] = "utf-8"
	}
	if filename != "" {
		h.SetContentDisposition("attachment", map[string]string{"filename": SafeFilename(filename)})
	} else {
		h.SetContentDisposition("inline", nil)
	}
	h.SetContentType(mediaType, params)
	h.Set("Content-Transfer-Encoding", encoding)
	pw, err := mw.CreatePart(h.Header)
	if err != nil {
		return err
	}
	var enc io.WriteCloser
	switch encoding {
	case "base64":
		// Lines of 76 characters, CRLF between them, as go-message writes.
		enc = b64lines.NewWriter(pw, 57, "\r\n", true)
	case "quoted-printable":
		enc = quotedprintable.NewWriter(pw)
	default:
		return fmt.Errorf("report: unknown transfer encoding %q", encoding)
	}
	if _, err := io.Copy(enc, body); err != nil {
		return err
	}
	return enc.Close()
}

// SafeFilename turns a reporter's file name into one that is safe in a MIME
// header and on a vendor's disk: no path, no control characters, no leading
// dots, at most 255 bytes.
func SafeFilename(name string) string {
	name = clean(name, false)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == '\uFFFD' || strings.ContainsRune(`"<>:|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		name = "attachment"
	}
	return name
}
