//go:build js && wasm

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/widget"
)

// chunkSize is how much of a File is copied into Go at a time: a 100 MB
// video never sits in Go memory whole (measured: holding it grows the wasm
// memory to 0.6–1.3 GB, which it never gives back).
const chunkSize = 1 << 20

// filesFrom wraps a FileList's entries.
func filesFrom(list app.Value) []widget.File {
	var files []widget.File
	for i := range list.Length() {
		files = append(files, &blobFile{v: list.Index(i)})
	}
	return files
}

// blobFile is a browser File (a Blob with a name).
type blobFile struct {
	v app.Value
	// sha256 is the whole file's hash and chunks WebCrypto's SHA-256 of
	// each of its chunks, both taken by SHA256; chunks is nil without
	// WebCrypto (not a secure context).
	sha256 string
	chunks [][sha256.Size]byte
}

func (b *blobFile) Name() string { return b.v.Get("name").String() }
func (b *blobFile) Type() string { return b.v.Get("type").String() }
func (b *blobFile) Size() int64  { return int64(b.v.Get("size").Float()) }

// SHA256 hashes the file in Go, as the report states it, and keeps a
// WebCrypto digest of each chunk on the way, for Open's readers to check
// their chunks against: sealing then never hashes the file in wasm again
// (SHA-256 there runs at about 35 MB/s; WebCrypto's is native).
func (b *blobFile) SHA256() (string, error) {
	r := &blobReader{blob: b.v, size: b.Size(), record: true}
	sum := report.NewSHA256()
	n, err := io.Copy(sum, r)
	if err != nil {
		return "", err
	}
	if n != b.Size() {
		return "", errors.New("the file changed while it was read")
	}
	b.sha256, b.chunks = hex.EncodeToString(sum.Sum(nil)), nil
	if !r.noDigest {
		b.chunks = r.digests
	}
	return b.sha256, nil
}

// Open reads the file again; once SHA256 has kept the chunks' digests, the
// reader checks every chunk against them (a report.CheckedBody).
func (b *blobFile) Open() io.Reader {
	r := &blobReader{blob: b.v, size: b.Size()}
	if b.chunks == nil {
		return r
	}
	r.digests = b.chunks
	return checkedBlobReader{r, b.sha256}
}

// checkedBlobReader is a blobReader that checks its chunks.
type checkedBlobReader struct {
	*blobReader
	sha256 string
}

func (c checkedBlobReader) CheckedSHA256() string { return c.sha256 }

// blobReader reads a Blob chunk by chunk through Blob.slice().arrayBuffer().
// It blocks on the browser's promise, so it must run off the event loop's
// path (the widget reads files in ctx.Async goroutines).
type blobReader struct {
	blob      app.Value
	off, size int64
	// buf is what is left of the chunk last read, in back (reused: less
	// garbage, fewer collections on the page's one thread).
	buf, back []byte
	// next is the promise of the next chunk, asked for ahead.
	next app.Value
	// With record set, digests gathers WebCrypto's SHA-256 of every chunk
	// (noDigest: WebCrypto failed); without, digests, when set, are what
	// the chunks must hash to.
	record, noDigest bool
	digests          [][sha256.Size]byte
	chunk            int
}

func (r *blobReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.off >= r.size {
			return 0, io.EOF
		}
		end := min(r.off+chunkSize, r.size)
		if r.next == nil {
			r.next = r.blob.Call("slice", r.off, end).Call("arrayBuffer")
		}
		data, err := await(r.next)
		r.next = nil
		if err != nil {
			return 0, err
		}
		if end < r.size {
			// Read ahead: the browser fetches the next chunk while Go
			// works on this one.
			r.next = r.blob.Call("slice", end, min(end+chunkSize, r.size)).Call("arrayBuffer")
		}
		checking := !r.record && r.digests != nil
		var digest app.Value
		if checking || r.record && !r.noDigest {
			digest = digestOf(data)
			if digest == nil && checking {
				return 0, errors.New("checking the file: WebCrypto is gone")
			}
			r.noDigest = r.noDigest || digest == nil
		}
		u8 := app.Window().Get("Uint8Array").New(data)
		if cap(r.back) < u8.Length() {
			r.back = make([]byte, chunkSize)
		}
		r.buf = r.back[:u8.Length()]
		app.CopyBytesToGo(r.buf, u8)
		r.off = end
		if digest != nil {
			if err := r.check(digest); err != nil {
				r.buf = nil
				return 0, err
			}
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// digestOf starts WebCrypto's SHA-256 of an ArrayBuffer; nil without
// WebCrypto.
func digestOf(data app.Value) app.Value {
	subtle := app.Window().Get("crypto").Get("subtle")
	if !subtle.Truthy() {
		return nil
	}
	return subtle.Call("digest", "SHA-256", data)
}

// check records the chunk's digest or compares it with the one recorded.
func (r *blobReader) check(digest app.Value) error {
	var got [sha256.Size]byte
	d, err := await(digest)
	if err == nil {
		app.CopyBytesToGo(got[:], app.Window().Get("Uint8Array").New(d))
	}
	switch {
	case r.record:
		r.noDigest = r.noDigest || err != nil
		r.digests = append(r.digests, got)
		return nil
	case err != nil:
		return fmt.Errorf("checking the file: %w", err)
	case r.chunk >= len(r.digests) || got != r.digests[r.chunk]:
		return fmt.Errorf("%w (at byte %d)", report.ErrAttachmentChanged, r.off)
	}
	r.chunk++
	return nil
}

type settled struct {
	v   app.Value
	err error
}

// await waits for a JS promise.
func await(promise app.Value) (app.Value, error) {
	ch := make(chan settled, 1)
	then := app.FuncOf(func(_ app.Value, args []app.Value) any {
		ch <- settled{v: args[0]}
		return nil
	})
	catch := app.FuncOf(func(_ app.Value, args []app.Value) any {
		ch <- settled{err: errors.New("reading the file: " + args[0].Call("toString").String())}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	promise.Call("then", then, catch)
	s := <-ch
	return s.v, s.err
}
