//go:build js && wasm

package main

import (
	"errors"
	"io"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

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
		files = append(files, blobFile{list.Index(i)})
	}
	return files
}

// blobFile is a browser File (a Blob with a name).
type blobFile struct{ v app.Value }

func (b blobFile) Name() string    { return b.v.Get("name").String() }
func (b blobFile) Type() string    { return b.v.Get("type").String() }
func (b blobFile) Size() int64     { return int64(b.v.Get("size").Float()) }
func (b blobFile) Open() io.Reader { return &blobReader{blob: b.v, size: b.Size()} }

// blobReader reads a Blob chunk by chunk through Blob.slice().arrayBuffer().
// It blocks on the browser's promise, so it must run off the event loop's
// path (the widget reads files in ctx.Async goroutines).
type blobReader struct {
	blob      app.Value
	off, size int64
	// buf is what is left of the chunk last read, in back (reused: less
	// garbage, fewer collections on the page's one thread).
	buf, back []byte
}

func (r *blobReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.off >= r.size {
			return 0, io.EOF
		}
		end := min(r.off+chunkSize, r.size)
		data, err := await(r.blob.Call("slice", r.off, end).Call("arrayBuffer"))
		if err != nil {
			return 0, err
		}
		u8 := app.Window().Get("Uint8Array").New(data)
		if cap(r.back) < u8.Length() {
			r.back = make([]byte, chunkSize)
		}
		r.buf = r.back[:u8.Length()]
		app.CopyBytesToGo(r.buf, u8)
		r.off = end
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
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
