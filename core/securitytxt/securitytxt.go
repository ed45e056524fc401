// Package securitytxt reads and writes security.txt files (RFC 9116), the
// file at /.well-known/security.txt that says how to report a vulnerability.
//
// [Parse] is lenient in what it keeps and strict in what it reports: every
// field is read (unknown ones too), and every departure from RFC 9116 is a
// [Problem] with its line number, so a vendor can fix the file. A file
// wrapped in an OpenPGP cleartext signature is read, and its signature
// described; [File.Verify] checks it against the vendor's key.
//
// [File.Format] writes a file in the RFC's canonical form.
package securitytxt

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// MaxBytes bounds the size of a security.txt that [Parse] reads.
const MaxBytes = 64 << 10

// File is the content of a security.txt.
type File struct {
	Contact            []string   `json:"contact"`
	Expires            time.Time  `json:"expires,omitzero"`
	Encryption         []string   `json:"encryption,omitempty"`
	Acknowledgments    []string   `json:"acknowledgments,omitempty"`
	PreferredLanguages []string   `json:"preferred_languages,omitempty"`
	Canonical          []string   `json:"canonical,omitempty"`
	Policy             []string   `json:"policy,omitempty"`
	Hiring             []string   `json:"hiring,omitempty"`
	CSAF               []string   `json:"csaf,omitempty"`
	Other              []Field    `json:"other,omitempty"`
	Comments           []string   `json:"comments,omitempty"`
	Signature          *Signature `json:"signature,omitempty"`
	Problems           []Problem  `json:"problems,omitempty"`

	signedText, signature []byte // the signed bytes and the raw signature packets
}

// Field is a field RFC 9116 does not define, kept as found.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Signature describes the OpenPGP cleartext signature around a file.
type Signature struct {
	IssuerKeyID       string    `json:"issuer_key_id,omitempty"`
	IssuerFingerprint string    `json:"issuer_fingerprint,omitempty"`
	Created           time.Time `json:"created,omitzero"`
	Hash              string    `json:"hash,omitempty"`
}

// Problem is a departure from RFC 9116; Line is 0 for the file as a whole.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.Message
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

// ErrNotText reports input that is not a UTF-8 text file.
var ErrNotText = errors.New("security.txt: not a UTF-8 text file")

// Parse reads a security.txt. now is the time its Expires field is judged
// against. The error is non-nil only when nothing sensible can be read (too
// large, binary, a broken signature wrapper); RFC departures are in
// File.Problems.
func Parse(r io.Reader, now time.Time) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("security.txt: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("security.txt: larger than %d bytes", MaxBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, ErrNotText
	}
	f := &File{}
	body := data
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN PGP SIGNED MESSAGE-----")) {
		block, _ := clearsign.Decode(data)
		if block == nil {
			return nil, errors.New("security.txt: the OpenPGP signed message is malformed")
		}
		f.signedText = block.Bytes
		if f.signature, err = io.ReadAll(io.LimitReader(block.ArmoredSignature.Body, MaxBytes)); err == nil {
			f.Signature, err = describe(f.signature)
		}
		if err != nil {
			return nil, fmt.Errorf("security.txt: reading its signature: %w", err)
		}
		body = block.Plaintext
	}
	f.parseFields(body, now)
	return f, nil
}

func describe(sigPackets []byte) (*Signature, error) {
	p, err := packet.Read(bytes.NewReader(sigPackets))
	if err != nil {
		return nil, err
	}
	sig, ok := p.(*packet.Signature)
	if !ok {
		return nil, fmt.Errorf("found a %T packet, not a signature", p)
	}
	s := &Signature{Created: sig.CreationTime.UTC(), Hash: sig.Hash.String()}
	if sig.IssuerKeyId != nil {
		s.IssuerKeyID = fmt.Sprintf("%016X", *sig.IssuerKeyId)
	}
	if sig.IssuerFingerprint != nil {
		s.IssuerFingerprint = fmt.Sprintf("%X", sig.IssuerFingerprint)
	}
	return s, nil
}

// Verify checks the file's cleartext signature against keys. It fails when
// the file is not signed.
func (f *File) Verify(keys openpgp.KeyRing) error {
	if f.signature == nil {
		return errors.New("security.txt: the file is not signed")
	}
	_, _, err := openpgp.VerifyDetachedSignature(keys, bytes.NewReader(f.signedText), bytes.NewReader(f.signature), nil)
	if err != nil {
		return fmt.Errorf("security.txt: signature: %w", err)
	}
	return nil
}

func (f *File) parseFields(body []byte, now time.Time) {
	problem := func(line int, format string, args ...any) {
		f.Problems = append(f.Problems, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	expiresSeen, languagesSeen := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), MaxBytes)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			continue
		case strings.HasPrefix(trimmed, "#"):
			f.Comments = append(f.Comments, strings.TrimSpace(strings.TrimPrefix(trimmed, "#")))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !isFieldName(name) {
			problem(n, "not a field (Name: value) or a comment (# ...)")
			continue
		}
		value = strings.TrimSpace(value)
		if value == "" {
			problem(n, "%s has no value", name)
			continue
		}
		if strings.ContainsFunc(value, func(r rune) bool { return r != '\t' && unicode.IsControl(r) }) {
			problem(n, "%s holds control characters; the field is ignored", name)
			continue
		}
		switch strings.ToLower(name) {
		case "contact":
			f.Contact = append(f.Contact, value)
			checkURI(problem, n, name, value, "https", "mailto", "tel")
		case "expires":
			expiresSeen++
			if expiresSeen > 1 {
				problem(n, "Expires must appear only once")
				continue
			}
			t, err := time.Parse(time.RFC3339, value)
			if err != nil {
				problem(n, "Expires %q is not an RFC 3339 date-time such as 2027-01-31T23:59:59Z", value)
				continue
			}
			f.Expires = t
			switch {
			case !t.After(now):
				problem(n, "the file expired on %s; publish a fresh one", t.Format(time.DateOnly))
			case t.After(now.AddDate(1, 0, 0)):
				problem(n, "Expires is more than a year away; RFC 9116 recommends less, so stale files age out")
			}
		case "encryption":
			f.Encryption = append(f.Encryption, value)
			checkURI(problem, n, name, value, "https", "openpgp4fpr", "dns")
		case "acknowledgments", "acknowledgements":
			f.Acknowledgments = append(f.Acknowledgments, value)
			checkURI(problem, n, name, value, "https")
		case "preferred-languages":
			languagesSeen++
			if languagesSeen > 1 {
				problem(n, "Preferred-Languages must appear only once")
			}
			for _, l := range strings.Split(value, ",") {
				if l = strings.TrimSpace(l); l != "" {
					f.PreferredLanguages = append(f.PreferredLanguages, l)
				}
			}
		case "canonical":
			f.Canonical = append(f.Canonical, value)
			checkURI(problem, n, name, value, "https")
		case "policy":
			f.Policy = append(f.Policy, value)
			checkURI(problem, n, name, value, "https")
		case "hiring":
			f.Hiring = append(f.Hiring, value)
			checkURI(problem, n, name, value, "https")
		case "csaf":
			f.CSAF = append(f.CSAF, value)
			checkURI(problem, n, name, value, "https")
		default:
			f.Other = append(f.Other, Field{Name: name, Value: value})
		}
	}
	if len(f.Contact) == 0 {
		problem(0, "Contact is required: add at least one (mailto:, https: or tel:)")
	}
	if expiresSeen == 0 {
		problem(0, "Expires is required: add one such as Expires: %s", now.AddDate(0, 11, 0).UTC().Format(time.RFC3339))
	}
}

func checkURI(problem func(int, string, ...any), line int, name, value string, schemes ...string) {
	u, err := url.Parse(value)
	if err != nil || u.Scheme == "" {
		problem(line, "%s %q is not a URI", name, value)
		return
	}
	for _, s := range schemes {
		if strings.EqualFold(u.Scheme, s) {
			return
		}
	}
	if strings.EqualFold(u.Scheme, "http") {
		problem(line, "%s must use https://, not http://", name)
		return
	}
	problem(line, "%s %q: use a %s URI", name, value, strings.Join(schemes, ":, ")+":")
}

// Format writes f in RFC 9116 form: comments first, then fields in the
// RFC's order, with LF line endings (which the RFC allows). The signature
// and problems are not written.
func (f *File) Format() []byte {
	var b bytes.Buffer
	for _, c := range f.Comments {
		b.WriteString("# " + oneLine(c) + "\n")
	}
	write := func(name string, values ...string) {
		for _, v := range values {
			b.WriteString(name + ": " + oneLine(v) + "\n")
		}
	}
	write("Contact", f.Contact...)
	if !f.Expires.IsZero() {
		write("Expires", f.Expires.UTC().Format(time.RFC3339))
	}
	write("Encryption", f.Encryption...)
	write("Acknowledgments", f.Acknowledgments...)
	if len(f.PreferredLanguages) > 0 {
		write("Preferred-Languages", strings.Join(f.PreferredLanguages, ", "))
	}
	write("Canonical", f.Canonical...)
	write("Policy", f.Policy...)
	write("Hiring", f.Hiring...)
	write("CSAF", f.CSAF...)
	for _, o := range f.Other {
		write(oneLine(o.Name), o.Value)
	}
	return b.Bytes()
}

// oneLine keeps a value on its line: line breaks would start new fields.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)), " ")
}

// isFieldName reports whether s is a field name: visible US-ASCII but the
// colon (RFC 9116 section 4, after RFC 5322).
func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
