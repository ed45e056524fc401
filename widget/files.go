package widget

import (
	"encoding/hex"
	"errors"
	"io"

	"github.com/sealpost/sealpost/core/report"
)

// File is an attachment the researcher chose. Open returns a new reader of
// its bytes each time, read in chunks from the browser's File, never held
// whole in Go memory.
type File interface {
	Name() string
	Type() string
	Size() int64
	Open() io.Reader
}

// A SelfHashingFile hashes itself when it is chosen, and its Open then
// returns a reader that checks its own bytes (a report.CheckedBody): the
// browser's files, which keep a WebCrypto digest of each chunk, so that
// sealing does not hash a 100 MB video again in wasm.
type SelfHashingFile interface {
	File
	// SHA256 reads the file once and returns its lower-case hex SHA-256.
	SHA256() (string, error)
}

// chosen is a file and what is known of it: its SHA-256, computed by
// streaming it once when it is chosen.
type chosen struct {
	file File
	meta report.Attachment
	err  error
}

// errFileChanged is a file whose size changed while it was read.
var errFileChanged = errors.New("the file changed while it was read")

// describe streams f once for its SHA-256.
func describe(f File) chosen {
	c := chosen{file: f, meta: report.Attachment{Name: f.Name(), Type: f.Type(), Size: f.Size()}}
	if c.meta.Type == "" {
		c.meta.Type = "application/octet-stream"
	}
	if h, ok := f.(SelfHashingFile); ok {
		sum, err := h.SHA256()
		if err != nil {
			c.err = err
		}
		c.meta.SHA256 = sum
		return c
	}
	sum := report.NewSHA256()
	n, err := io.Copy(sum, f.Open())
	switch {
	case err != nil:
		c.err = err
	case n != f.Size():
		c.err = errFileChanged
	default:
		c.meta.SHA256 = hex.EncodeToString(sum.Sum(nil))
	}
	return c
}
