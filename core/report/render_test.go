package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

const xss = `<script>alert(1)</script><img src=x onerror=alert(2)>`

// hostileReport holds the payload in every text field, with header-injection
// and terminal-escape attempts where a line break or escape could do harm.
func hostileReport() *Report {
	r := validReport()
	r.Title = xss + "\r\nBcc: victim@example.org"
	r.Description, r.Expected, r.Steps, r.Impact = xss, xss, xss+"\n=====\nReporter\n--------", xss+"\x1b[31m\u202e"
	r.Reporter.Name, r.Reporter.CreditName, r.Client = xss, xss, xss
	r.Attachments[0].Name = "../../" + xss + "\r\nX-Evil: 1.mp4"
	return r
}

func TestHostileTextStaysText(t *testing.T) {
	r := hostileReport()

	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(js, "<>") {
		t.Errorf("report.json holds raw < or >:\n%s", js)
	}
	var back Report
	if err := json.Unmarshal(js, &back); err != nil || back.Description != xss {
		t.Errorf("report.json does not carry the text unchanged: %v, %q", err, back.Description)
	}

	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(text.String(), "\x1b\r\u202e") {
		t.Errorf("text report holds control characters:\n%q", text.String())
	}
	if strings.Contains(text.String(), "\n=====\n") || strings.Count(text.String(), "\nReporter\n--------\n") != 1 {
		t.Errorf("user text forged a heading:\n%s", text.String())
	}

	var buf bytes.Buffer
	if err := WriteMIME(&buf, r, []io.Reader{strings.NewReader("")}); err != nil {
		t.Fatal(err)
	}
	m, files := readMIME(t, buf.Bytes())
	var keys []string
	for f := m.Header.Fields(); f.Next(); {
		keys = append(keys, f.Key())
	}
	for _, k := range keys {
		if !strings.EqualFold(k, "Subject") && !strings.EqualFold(k, "Content-Type") && !strings.EqualFold(k, "Mime-Version") && !strings.EqualFold(k, "Date") {
			t.Errorf("unexpected header %q in %v", k, keys)
		}
	}
	subject, _ := m.Header.Subject()
	if strings.ContainsAny(subject, "\r\n") || !strings.HasPrefix(subject, SubjectPrefix+xss) {
		t.Errorf("subject %q", subject)
	}
	name := files[0].Filename
	if strings.ContainsAny(name, "/\\\r\n") || strings.HasPrefix(name, ".") {
		t.Errorf("attachment filename %q is not safe", name)
	}
}

// readMIME reads an entity WriteMIME wrote back with ReadMIME, attachments
// and all (their bodies read into memory).
func readMIME(t *testing.T, entity []byte) (*MIMEReader, []mimeFile) {
	t.Helper()
	m, err := ReadMIME(bytes.NewReader(entity))
	if err != nil {
		t.Fatal(err)
	}
	var files []mimeFile
	for {
		a, err := m.NextAttachment()
		if err == io.EOF {
			return m, files
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(a.Body)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, mimeFile{a.Filename, a.Type, body})
	}
}

type mimeFile struct {
	Filename, Type string
	body           []byte
}

func TestTheMIMEEntityCarriesTextJSONAndAttachments(t *testing.T) {
	r := validReport()
	video := bytes.Repeat([]byte{0, 1, 2, 0xff, '\n', '\r'}, 20000)
	notes := []byte("notes\n")
	r.Attachments = []Attachment{attach("screen recording.mp4", "video/mp4", video), attach("notes.txt", "text/plain", notes)}
	var buf bytes.Buffer
	if err := WriteMIME(&buf, r, []io.Reader{bytes.NewReader(video), bytes.NewReader(notes)}); err != nil {
		t.Fatal(err)
	}
	// report.json is a part named as the file (ReadMIME knows it by its
	// place and type).
	if !bytes.Contains(buf.Bytes(), []byte("Content-Disposition: attachment; filename=report.json\r\n")) {
		t.Errorf("no part is named report.json:\n%.2000s", buf.Bytes())
	}
	m, files := readMIME(t, buf.Bytes())
	mt, params, _ := m.Header.ContentType()
	if mt != "multipart/mixed" || params["protected-headers"] != "v1" {
		t.Errorf("content type %s %v", mt, params)
	}
	if len(files) != 2 {
		t.Fatalf("%d attachments, want 2", len(files))
	}
	if !bytes.Contains(m.Text, []byte("Stored XSS in the contact form")) {
		t.Errorf("the text part:\n%s", m.Text)
	}
	back, err := Parse(bytes.NewReader(m.JSON))
	if err != nil {
		t.Fatal(err)
	}
	r.Normalize()
	if !reflect.DeepEqual(back, r) || !reflect.DeepEqual(m.Report, r) {
		t.Errorf("report.json round trip:\n got %+v\nwant %+v", back, r)
	}
	for i, want := range [][]byte{video, notes} {
		p := files[i]
		if p.Filename != r.Attachments[i].Name || p.Type != r.Attachments[i].Type || !bytes.Equal(p.body, want) {
			t.Errorf("attachment %d: %q %s, %d bytes", i, p.Filename, p.Type, len(p.body))
		}
	}
}

// TestReadMIMERefusesWhatWriteMIMENeverWrites: the entity's shape is the
// contract; anything else is refused with a reason.
func TestReadMIMERefusesWhatWriteMIMENeverWrites(t *testing.T) {
	r := validReport()
	r.Attachments = nil
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	entity := func(parts ...string) string {
		s := "Content-Type: multipart/mixed; boundary=B\r\n\r\n"
		for _, p := range parts {
			s += "--B\r\n" + p + "\r\n"
		}
		return s + "--B--\r\n"
	}
	text := "Content-Type: text/plain; charset=utf-8\r\n\r\nthe report"
	json := "Content-Type: application/json; charset=utf-8\r\n\r\n" + string(js)
	for _, c := range []struct{ name, entity, want string }{
		{"a single part", "Content-Type: text/plain\r\n\r\nhello", "not multipart"},
		{"report.json first", entity(json, text), "unexpected part 1"},
		{"no report.json", entity(text), "no report.json part"},
		{"two text parts", entity(text, text), "unexpected part 2"},
		{"a report.json that is not a report", entity(text, "Content-Type: application/json\r\n\r\n{\"x\": 1}"), "report:"},
		{"a report.json over the limit", entity(text, "Content-Type: application/json\r\n\r\n"+strings.Repeat(" ", MaxJSONBytes+1)), "larger than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadMIME(strings.NewReader(c.entity))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error with %q", err, c.want)
			}
		})
	}
	if _, err := ReadMIME(strings.NewReader(entity(text, json))); err != nil {
		t.Errorf("the smallest entity: %v", err)
	}
}

func TestAnAttachmentThatChangedIsRefused(t *testing.T) {
	r := validReport()
	r.Attachments = []Attachment{attach("a.bin", "application/octet-stream", []byte("chosen"))}
	err := WriteMIME(io.Discard, r, []io.Reader{strings.NewReader("edited")})
	if !errors.Is(err, ErrAttachmentChanged) {
		t.Errorf("got %v, want ErrAttachmentChanged", err)
	}
	err = WriteMIME(io.Discard, r, nil)
	if err == nil {
		t.Error("missing bodies were accepted")
	}
}

// checkedBody is a CheckedBody that vouches for sha, whatever it reads.
type checkedBody struct {
	io.Reader
	sha string
}

func (c checkedBody) CheckedSHA256() string { return c.sha }

func TestACheckedBodyIsHashedOnlyWhenItVouchesForTheReportsSHA256(t *testing.T) {
	r := validReport()
	r.Attachments = []Attachment{attach("a.bin", "application/octet-stream", []byte("chosen"))}
	want := r.Attachments[0].SHA256

	// It vouches for the report's SHA-256: WriteMIME leaves the check to
	// the body (this one reads other bytes of the same size and says
	// nothing: what it wrote shows that WriteMIME did not hash it).
	var out bytes.Buffer
	if err := WriteMIME(&out, r, []io.Reader{checkedBody{strings.NewReader("edited"), want}}); err != nil {
		t.Fatalf("a body that checks itself was hashed again: %v", err)
	}
	if !bytes.Contains(out.Bytes(), []byte(base64.StdEncoding.EncodeToString([]byte("edited")))) {
		t.Error("the body's bytes are not in the entity")
	}
	// It vouches for another SHA-256: WriteMIME hashes it.
	err := WriteMIME(io.Discard, r, []io.Reader{checkedBody{strings.NewReader("edited"), strings.Repeat("0", 64)}})
	if !errors.Is(err, ErrAttachmentChanged) {
		t.Errorf("a body vouching for another hash: got %v, want ErrAttachmentChanged", err)
	}
	// Its size is checked either way.
	err = WriteMIME(io.Discard, r, []io.Reader{checkedBody{strings.NewReader("longer text"), want}})
	if !errors.Is(err, ErrAttachmentChanged) {
		t.Errorf("a body of another size: got %v, want ErrAttachmentChanged", err)
	}
}

func TestTheTextReportReadsWell(t *testing.T) {
	var b strings.Builder
	if err := validReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Vulnerability report: Stored XSS in the contact form\n",
		"  - https://www.example.com/contact\n",
		"Severity:        6.1 medium (CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N)\n",
		"Steps to reproduce\n------------------\n    1. Open /contact\n    2. Send <b>x</b>\n",
		"Credit:          yes, as Ada L.\n",
		"1. poc.mp4 (video/mp4, 0 B)\n   sha256 " + sum0 + "\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSafeFilename(t *testing.T) {
	for in, want := range map[string]string{
		"video.mp4":            "video.mp4",
		"../../etc/passwd":     "passwd",
		`C:\Users\a\poc.png`:   "poc.png",
		"..hidden":             "hidden",
		"a\r\nb.txt":           "a_b.txt",
		"":                     "attachment",
		"..":                   "attachment",
		`what?"<>.txt`:         "what____.txt",
		"résumé \u202egpj.exe": "résumé _gpj.exe",
	} {
		if got := SafeFilename(in); got != want {
			t.Errorf("SafeFilename(%q) = %q, want %q", in, got, want)
		}
	}
	if got := SafeFilename(strings.Repeat("é", 200)); len(got) > 255 || !strings.HasPrefix(got, "é") {
		t.Errorf("long name cut to %d bytes", len(got))
	}
}

// TestTheEntityIsWhatGoMessageWrites: WriteMIME writes through go-message's
// textproto layer with its own base64 lines; the entity is byte for byte
// what go-message's message.Writer writes, for attachments around every
// line length.
func TestTheEntityIsWhatGoMessageWrites(t *testing.T) {
	for _, size := range []int{0, 1, 2, 3, 56, 57, 58, 113, 114, 115, 1000, 32 << 10, 100000} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i*131 + i>>8)
		}
		r := validReport()
		r.Attachments = []Attachment{attach("a.bin", "application/octet-stream", data)}
		var got bytes.Buffer
		if err := WriteMIME(&got, r, []io.Reader{bytes.NewReader(data)}); err != nil {
			t.Fatal(err)
		}
		want := goMessageEntity(t, r, got.Bytes(), data)
		// The top-level header's fields come in another order (as they
		// did when WriteMIME used message.Writer): compare them as sets.
		gotHeader, gotBody, _ := bytes.Cut(got.Bytes(), []byte("\r\n\r\n"))
		wantHeader, wantBody, _ := bytes.Cut(want, []byte("\r\n\r\n"))
		if !bytes.Equal(gotBody, wantBody) || !slices.Equal(sortedLines(gotHeader), sortedLines(wantHeader)) {
			t.Fatalf("%d-byte attachment: the entity differs from go-message's:\n%s\n---\n%s", size, got.Bytes(), want)
		}
	}
}

func sortedLines(b []byte) []string {
	lines := strings.Split(string(b), "\r\n")
	slices.Sort(lines)
	return lines
}

// goMessageEntity writes r as WriteMIME does, with go-message's
// message.Writer and the boundary WriteMIME chose.
func goMessageEntity(t *testing.T, r *Report, entity, data []byte) []byte {
	t.Helper()
	m, err := message.Read(bytes.NewReader(entity))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := m.Header.ContentType()
	var h mail.Header
	h.SetContentType("multipart/mixed", map[string]string{"protected-headers": "v1", "boundary": params["boundary"]})
	h.SetSubject(m.Header.Get("Subject"))
	if r.SubmittedAt != nil {
		h.SetDate(*r.SubmittedAt)
	}
	var out bytes.Buffer
	mw, err := message.CreateWriter(&out, h.Header)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	r.WriteText(&text)
	js, _ := r.JSON()
	parts := []struct {
		typ, disposition, name, enc string
		body                        []byte
	}{
		{"text/plain", "inline", "", "quoted-printable", []byte(text.String())},
		{"application/json", "attachment", "report.json", "quoted-printable", js},
		{"application/octet-stream", "attachment", "a.bin", "base64", data},
	}
	for _, p := range parts {
		var ph message.Header
		var dp map[string]string
		if p.name != "" {
			dp = map[string]string{"filename": p.name}
		}
		ph.SetContentDisposition(p.disposition, dp)
		cp := map[string]string{}
		if p.typ != "application/octet-stream" {
			cp["charset"] = "utf-8"
		}
		ph.SetContentType(p.typ, cp)
		ph.Set("Content-Transfer-Encoding", p.enc)
		pw, err := mw.CreatePart(ph)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(p.body)
		pw.Close()
	}
	mw.Close()
	return out.Bytes()
}

// FuzzReadMIME: whatever a sender puts inside the encryption, ReadMIME
// returns an error or a parsed report.json, and its attachments read to
// their end.
func FuzzReadMIME(f *testing.F) {
	r := validReport()
	r.Attachments = []Attachment{attach("poc.txt", "text/plain", []byte("proof"))}
	var buf bytes.Buffer
	if err := WriteMIME(&buf, r, []io.Reader{strings.NewReader("proof")}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n"))
	f.Fuzz(func(t *testing.T, entity []byte) {
		m, err := ReadMIME(bytes.NewReader(entity))
		if err != nil {
			return
		}
		if m.Report == nil {
			t.Fatal("no error and no report")
		}
		if _, err := Parse(bytes.NewReader(m.JSON)); err != nil {
			t.Fatalf("report.json parsed once, then not: %v", err)
		}
		for range 100 {
			a, err := m.NextAttachment()
			if err != nil {
				return
			}
			io.Copy(io.Discard, a.Body)
		}
	})
}
