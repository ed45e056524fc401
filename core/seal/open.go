package seal

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/emersion/go-message"

	"github.com/sealpost/sealpost/core/report"
)

// Errors of opening.
var (
	ErrNotEncrypted = errors.New("not an encrypted OpenPGP message")
	ErrNoSecretKey  = errors.New("none of the secret keys can decrypt this message")
	ErrTampered     = errors.New("the message is damaged or was tampered with: nothing was unpacked")
	ErrNotAReport   = errors.New("the decrypted message is not a Sealpost report")
	ErrExists       = errors.New("the output folder already exists")
)

const privateBlock = "-----BEGIN PGP PRIVATE KEY BLOCK-----"

// ReadSecretKeys reads a vendor's secret keys, armored (one block or
// several) or binary, and unlocks them with passphrase when they are
// protected.
func ReadSecretKeys(data []byte, passphrase []byte) (openpgp.EntityList, error) {
	var keys openpgp.EntityList
	var err error
	errPublic := errors.New("the key file holds no secret key: opening needs the vendor's secret key, not the public one")
	switch {
	case bytes.Contains(data, []byte(privateBlock)):
		// Each armored block on its own: a file may hold several (the old
		// and the new key, after a rotation).
		blocks := bytes.Split(data, []byte(privateBlock))
		for _, b := range blocks[1:] {
			ring, rerr := openpgp.ReadArmoredKeyRing(bytes.NewReader(append([]byte(privateBlock), b...)))
			if rerr != nil {
				err = rerr
				break
			}
			keys = append(keys, ring...)
		}
	case bytes.Contains(data, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")):
		return nil, errPublic
	default:
		keys, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("reading the secret key: %w", err)
	}
	n := 0
	for _, e := range keys {
		if e.PrivateKey == nil {
			continue
		}
		n++
		if err := e.DecryptPrivateKeys(passphrase); err != nil {
			if len(passphrase) == 0 {
				return nil, fmt.Errorf("the secret key %X is protected: give its passphrase in a file (--passphrase-file) or SEALPOST_PASSPHRASE", e.PrimaryKey.Fingerprint)
			}
			return nil, fmt.Errorf("the passphrase does not unlock secret key %X", e.PrimaryKey.Fingerprint)
		}
	}
	if n == 0 {
		return nil, errPublic
	}
	return keys, nil
}

// Decrypt returns the plaintext of an armored or binary message. The
// plaintext is authenticated only when its reader reaches io.EOF without
// error: a caller must not trust, or show as complete, anything read before.
func Decrypt(r io.Reader, keys openpgp.EntityList) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(64)
	var in io.Reader = br
	if bytes.Contains(head, []byte("-----BEGIN PGP")) {
		block, err := armor.Decode(br)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotEncrypted, err)
		}
		if block.Type != "PGP MESSAGE" {
			return nil, fmt.Errorf("%w: found a %q block", ErrNotEncrypted, block.Type)
		}
		in = block.Body
	}
	md, err := openpgp.ReadMessage(in, keys, nil, &packet.Config{})
	if err != nil {
		if errors.Is(err, pgperrors.ErrKeyIncorrect) {
			return nil, ErrNoSecretKey
		}
		return nil, fmt.Errorf("%w: %v", ErrNotEncrypted, err)
	}
	if !md.IsEncrypted {
		return nil, fmt.Errorf("%w: it is only signed or literal data", ErrNotEncrypted)
	}
	return &authReader{r: md.UnverifiedBody}, nil
}

// authReader turns any error at the end of the plaintext (a failed MDC or
// AEAD tag, a truncated message) into ErrTampered.
type authReader struct{ r io.Reader }

func (a *authReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w (%v)", ErrTampered, err)
	}
	return n, err
}

// Opened is an unpacked report.
type Opened struct {
	Dir         string         // the folder holding report.txt, report.json, attachments/
	Report      *report.Report // report.json, parsed
	Attachments []string       // the attachments' paths, in report order
}

// Open decrypts a sealed report with keys and unpacks it into dir, which
// must not exist: dir/report.json, dir/attachments/ with sanitised names, and
// dir/report.txt written from report.json (not taken from the sender, so
// it holds no terminal escapes). It works in a hidden sibling folder and renames it to dir
// only when the whole message is authenticated and every attachment matches
// the size and SHA-256 that report.json lists, so dir never holds a partial
// or forged report.
func Open(r io.Reader, keys openpgp.EntityList, dir string) (*Opened, error) {
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("%w: %s; choose a new one, nothing is overwritten", ErrExists, dir)
	}
	plain, err := Decrypt(r, keys)
	if err != nil {
		return nil, err
	}
	tmp, err := tempSibling(dir)
	if err != nil {
		return nil, err
	}
	opened, err := unpack(plain, tmp)
	// Read to the end, where the MDC or AEAD tag is checked: a message that
	// fails there was tampered with, whatever unpacking made of it.
	if _, derr := io.Copy(io.Discard, plain); derr != nil {
		err = derr
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	opened.Dir = dir
	for i, a := range opened.Attachments {
		opened.Attachments[i] = filepath.Join(dir, strings.TrimPrefix(a, tmp+string(filepath.Separator)))
	}
	return opened, nil
}

func tempSibling(dir string) (string, error) {
	var b [6]byte
	rand.Read(b[:])
	tmp := filepath.Join(filepath.Dir(filepath.Clean(dir)), "."+filepath.Base(dir)+".partial-"+hex.EncodeToString(b[:]))
	return tmp, os.MkdirAll(tmp, 0o700)
}

// unpack writes the MIME entity's parts into dir.
func unpack(plain io.Reader, dir string) (*Opened, error) {
	ent, err := message.Read(plain)
	if err != nil {
		return nil, notReport(err)
	}
	mr := ent.MultipartReader()
	if mr == nil {
		return nil, notReport(errors.New("not multipart"))
	}
	opened := &Opened{}
	type written struct {
		size int64
		sum  string
	}
	var files []written
	for i := 0; ; i++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, notReport(err)
		}
		mt, _, _ := p.Header.ContentType()
		switch {
		case i == 0 && mt == "text/plain":
			// report.txt is written from report.json below, where control
			// characters are neutralised: the sender's text part could hold
			// terminal escapes.
			if _, err := io.Copy(io.Discard, p.Body); err != nil {
				return nil, notReport(err)
			}
		case i == 1 && mt == "application/json":
			var js bytes.Buffer
			if err := writeFile(filepath.Join(dir, "report.json"), io.TeeReader(io.LimitReader(p.Body, report.MaxJSONBytes+1), &js), nil); err != nil {
				return nil, err
			}
			if opened.Report, err = report.Parse(&js); err != nil {
				return nil, notReport(err)
			}
		case i >= 2 && opened.Report != nil:
			_, params, _ := p.Header.ContentDisposition()
			name := report.SafeFilename(params["filename"])
			if name == "attachment" {
				if _, tparams, err := mime.ParseMediaType(p.Header.Get("Content-Type")); err == nil && tparams["name"] != "" {
					name = report.SafeFilename(tparams["name"])
				}
			}
			path, err := uniquePath(filepath.Join(dir, "attachments"), name)
			if err != nil {
				return nil, err
			}
			h := sha256.New()
			if err := writeFile(path, p.Body, h); err != nil {
				return nil, err
			}
			st, err := os.Stat(path)
			if err != nil {
				return nil, err
			}
			files = append(files, written{st.Size(), hex.EncodeToString(h.Sum(nil))})
			opened.Attachments = append(opened.Attachments, path)
		default:
			return nil, notReport(fmt.Errorf("unexpected part %d (%s)", i+1, mt))
		}
	}
	if opened.Report == nil {
		return nil, notReport(errors.New("no report.json part"))
	}
	var text bytes.Buffer
	if err := opened.Report.WriteText(&text); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "report.txt"), &text, nil); err != nil {
		return nil, err
	}
	if len(files) != len(opened.Report.Attachments) {
		return nil, fmt.Errorf("%w: report.json lists %d attachments, the message holds %d", ErrTampered, len(opened.Report.Attachments), len(files))
	}
	for i, a := range opened.Report.Attachments {
		if files[i].size != a.Size || files[i].sum != a.SHA256 {
			return nil, fmt.Errorf("%w: attachment %q does not match its size and SHA-256 in report.json", ErrTampered, a.Name)
		}
	}
	return opened, nil
}

func notReport(err error) error {
	if errors.Is(err, ErrTampered) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrNotAReport, err)
}

// uniquePath returns dir/name, or dir/name (2) etc. when it is taken.
func uniquePath(dir, name string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for n := 1; n < 1000; n++ {
		candidate := name
		if n > 1 {
			candidate = fmt.Sprintf("%s (%d)%s", stem, n, ext)
		}
		path := filepath.Join(dir, candidate)
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			return path, nil
		}
	}
	return "", fmt.Errorf("too many attachments named %q", name)
}

// writeFile creates path (never overwriting) with the contents of r, also
// written to tee when not nil.
func writeFile(path string, r io.Reader, tee io.Writer) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if tee != nil {
		r = io.TeeReader(r, tee)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		if errors.Is(err, ErrTampered) {
			return err
		}
		return notReport(err)
	}
	return f.Close()
}

// ReadReport decrypts a sealed report and returns its report.json, reading
// the whole message so that it is authenticated; nothing is written.
func ReadReport(r io.Reader, keys openpgp.EntityList) (*report.Report, error) {
	plain, err := Decrypt(r, keys)
	if err != nil {
		return nil, err
	}
	ent, err := message.Read(plain)
	var rep *report.Report
	if err == nil {
		rep, err = reportPart(ent)
	}
	if _, derr := io.Copy(io.Discard, plain); derr != nil {
		return nil, derr
	}
	if err != nil {
		return nil, notReport(err)
	}
	return rep, nil
}

func reportPart(ent *message.Entity) (*report.Report, error) {
	mr := ent.MultipartReader()
	if mr == nil {
		return nil, errors.New("not multipart")
	}
	for i := 0; i < 2; i++ {
		p, err := mr.NextPart()
		if err != nil {
			return nil, err
		}
		if mt, _, _ := p.Header.ContentType(); i == 1 && mt == "application/json" {
			return report.Parse(p.Body)
		}
	}
	return nil, errors.New("no report.json part")
}
