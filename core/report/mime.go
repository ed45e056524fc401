package report

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// ErrAttachmentChanged reports that an attachment's bytes differ from its
// size or SHA-256 in the report: the file changed after it was chosen.
var ErrAttachmentChanged = errors.New("attachment changed after it was chosen")

// SubjectPrefix starts the protected Subject of every sealed report.
const SubjectPrefix = "[Sealpost] "

// WriteMIME writes the report as the MIME entity that Sealpost seals: a
// multipart/mixed entity with the protected Subject header, a text/plain
// part (see [Report.WriteText]), the report.json part and one base64 part per
// attachment. bodies holds the attachments' contents, in the order of
// r.Attachments; each is streamed, never held in memory, and checked against
// its size and SHA-256 as it goes: a mismatch ends the entity early with
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
	// go-message writes a base64 body a 76-character line at a time, in
	// two writes each: buffered here, they cost a copy instead of a pass
	// through every writer below (the encryption's, in the browser).
	bw := bufio.NewWriterSize(w, 64<<10)
	mw, err := message.CreateWriter(bw, h.Header)
	if err != nil {
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
		sum, n := sha256.New(), new(byteCounter)
		body := io.TeeReader(bodies[i], io.MultiWriter(sum, n))
		if err := writePart(mw, a.Type, a.Name, "base64", body); err != nil {
			return fmt.Errorf("report: attachment %q: %w", a.Name, err)
		}
		if int64(*n) != a.Size || hex.EncodeToString(sum.Sum(nil)) != a.SHA256 {
			return fmt.Errorf("report: attachment %q: %w", a.Name, ErrAttachmentChanged)
		}
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

type byteCounter int64

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}

func writePart(mw *message.Writer, mediaType, filename, encoding string, body io.Reader) error {
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
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(pw, body); err != nil {
		return err
	}
	return pw.Close()
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
