package pgpkey

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Bounds on .zip archives: the number of entries read and the bytes they
// may expand to, so that a zip bomb costs nothing.
const (
	maxZipEntries    = 64
	maxZipTotalBytes = 4 * MaxBytes
)

// extract returns the binary key material in data: the bodies of its
// armored public-key blocks, the data itself when it is binary OpenPGP, or
// the keys inside a .zip. Blocks that cannot be decoded are returned as
// refusals beside the ones that can.
func extract(data []byte) ([][]byte, []*KeyError, error) {
	if len(data) > MaxBytes {
		return nil, nil, &KeyError{Err: ErrTooLarge, Detail: fmt.Sprintf("it is larger than %d bytes; a public key file is a few KB", MaxBytes)}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &KeyError{Err: ErrEmpty, Detail: "give the vendor's public key file (.asc, .gpg or .zip)"}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return fromZip(data)
	}
	blocks, bad, private := armoredBlocks(data)
	if private {
		return nil, nil, privateKeyError("")
	}
	if len(blocks) > 0 || len(bad) > 0 {
		return blocks, bad, nil
	}
	if data[0]&0x80 != 0 {
		return [][]byte{data}, nil, nil
	}
	return nil, nil, &KeyError{Err: ErrNotOpenPGP, Detail: "found no -----BEGIN PGP PUBLIC KEY BLOCK----- and no binary key; give the .asc, .gpg or .zip file, or the page that shows the key"}
}

var (
	armorLineRE = regexp.MustCompile(`(-----(?:BEGIN|END) PGP [A-Z ]+-----)`)
	beginRE     = regexp.MustCompile(`-----BEGIN PGP ([A-Z ]+)-----`)
	endRE       = regexp.MustCompile(`-----END PGP ([A-Z ]+)-----`)
	headerRE    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*: `)
	tagRE       = regexp.MustCompile(`<[^>]*>`)
)

// armoredBlocks decodes the armored public-key blocks in text, wherever they
// stand: in a page, indented, quoted in Markdown, broken with <br>. The
// CRC24 line is not checked: RFC 9580 (6.1) says a wrong or missing
// checksum must not cause rejection, and the packets carry their own
// integrity (self-signatures).
func armoredBlocks(text []byte) (blocks [][]byte, bad []*KeyError, private bool) {
	var body strings.Builder
	in := false
	n := 0
	// Armor lines glued to other text ("<pre>-----BEGIN ...", two blocks
	// with no line break between) are put on lines of their own.
	text = armorLineRE.ReplaceAll(text, []byte("\n$1\n"))
	for _, raw := range strings.Split(string(text), "\n") {
		line := strings.TrimSpace(tagRE.ReplaceAllString(raw, ""))
		line = strings.TrimSpace(strings.TrimLeft(line, ">"))
		if m := beginRE.FindStringSubmatch(line); m != nil {
			switch m[1] {
			case "PRIVATE KEY BLOCK", "SECRET KEY BLOCK":
				private = true
			case "PUBLIC KEY BLOCK":
				in = true
				n++
				body.Reset()
			}
			continue
		}
		if !in {
			continue
		}
		if endRE.MatchString(line) {
			in = false
			data, err := decodeBase64(body.String())
			if err != nil {
				bad = append(bad, &KeyError{Err: ErrUnreadable, Detail: fmt.Sprintf("armored block %d: %v", n, err)})
				continue
			}
			blocks = append(blocks, data)
			continue
		}
		switch {
		case line == "", headerRE.MatchString(line):
		case strings.HasPrefix(line, "=") && len(line) == 5:
			// the CRC24 line
		default:
			body.WriteString(line)
		}
	}
	if in {
		bad = append(bad, &KeyError{Err: ErrUnreadable, Detail: fmt.Sprintf("armored block %d has no -----END PGP PUBLIC KEY BLOCK----- line; the file is cut short", n)})
	}
	return blocks, bad, private
}

func decodeBase64(s string) ([]byte, error) {
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		data, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil {
		return nil, fmt.Errorf("not valid base64 (%v)", err)
	}
	return data, nil
}

var keyExtensions = []string{".asc", ".gpg", ".key", ".pub", ".pgp", ".txt"}

// fromZip reads the key files in a .zip, bounded in entries and bytes. The
// archive is never written to disk, so entry names cannot traverse; entries
// whose names try to are refused all the same, as a sign of a crafted file.
func fromZip(data []byte) ([][]byte, []*KeyError, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, &KeyError{Err: ErrUnreadable, Detail: "a damaged .zip archive: " + err.Error()}
	}
	if len(zr.File) > maxZipEntries {
		return nil, nil, &KeyError{Err: ErrTooLarge, Detail: fmt.Sprintf("the .zip holds %d entries; at most %d are read", len(zr.File), maxZipEntries)}
	}
	var blocks [][]byte
	var bad []*KeyError
	var total int64
	for _, f := range zr.File {
		name := f.Name
		ext := strings.ToLower(path.Ext(name))
		if f.FileInfo().IsDir() || !slices.Contains(keyExtensions, ext) {
			continue
		}
		if strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || slices.Contains(strings.Split(name, "/"), "..") {
			bad = append(bad, &KeyError{Err: ErrUnreadable, Detail: fmt.Sprintf("zip entry %q: a path outside the archive; refused", name)})
			continue
		}
		if f.UncompressedSize64 > MaxBytes {
			bad = append(bad, &KeyError{Err: ErrTooLarge, Detail: fmt.Sprintf("zip entry %q is larger than %d bytes", name, MaxBytes)})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			bad = append(bad, &KeyError{Err: ErrUnreadable, Detail: fmt.Sprintf("zip entry %q: %v", name, err)})
			continue
		}
		entry, err := io.ReadAll(io.LimitReader(rc, MaxBytes+1))
		rc.Close()
		total += int64(len(entry))
		switch {
		case err != nil:
			bad = append(bad, &KeyError{Err: ErrUnreadable, Detail: fmt.Sprintf("zip entry %q: %v", name, err)})
			continue
		case len(entry) > MaxBytes || total > maxZipTotalBytes:
			return nil, nil, &KeyError{Err: ErrTooLarge, Detail: "the .zip expands to more than it declares; refused"}
		case bytes.HasPrefix(entry, []byte("PK\x03\x04")):
			bad = append(bad, &KeyError{Err: ErrUnreadable, Detail: fmt.Sprintf("zip entry %q is itself a .zip; refused", name)})
			continue
		}
		b, eb, err := extract(entry)
		if err != nil {
			if ke, ok := err.(*KeyError); ok && ke.Err == ErrPrivateKey {
				return nil, nil, err
			}
			bad = append(bad, &KeyError{Err: ErrUnreadable, Detail: fmt.Sprintf("zip entry %q: %v", name, err)})
			continue
		}
		blocks = append(blocks, b...)
		bad = append(bad, eb...)
	}
	if len(blocks) == 0 && len(bad) == 0 {
		return nil, nil, &KeyError{Err: ErrNotOpenPGP, Detail: "the .zip holds no .asc, .gpg, .key or .pub file"}
	}
	return blocks, bad, nil
}
