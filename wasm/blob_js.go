//go:build js && wasm

package main

import (
	"io"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/widget"
)

// A sealed report lives in a browser Blob, built from 1 MiB parts as the
// sealer writes: Go's memory holds one part at a time (the wasm memory
// never shrinks, so a 137 MB message held in Go would stay 137 MB for the
// life of the page).

// blobSink collects what the sealer writes into a Blob per 1 MiB part,
// copied through one reused array: the browser copies each part into its
// blob storage as it comes, and the message is a Blob of those Blobs,
// which copies nothing. (One Blob of a hundred 1 MiB arrays, made at the
// end, stalled the page for a fifth of a second; an array per part left
// the garbage collector 137 MB of them for a 100 MB video.)
type blobSink struct {
	part  app.Value // a Uint8Array of chunkSize, reused
	blobs app.Value // a JS array of Blobs
	buf   []byte
	size  int64
}

func newBlobSink() widget.SealSink {
	return &blobSink{part: app.Window().Get("Uint8Array").New(chunkSize), blobs: app.Window().Get("Array").New(), buf: make([]byte, 0, chunkSize)}
}

func (s *blobSink) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := copy(s.buf[len(s.buf):cap(s.buf)], p)
		s.buf, p = s.buf[:len(s.buf)+k], p[k:]
		if len(s.buf) == cap(s.buf) {
			s.flush()
		}
	}
	s.size += int64(n)
	return n, nil
}

func (s *blobSink) flush() {
	if len(s.buf) == 0 {
		return
	}
	part := s.part.Call("subarray", 0, len(s.buf))
	app.CopyBytesToJS(part, s.buf)
	s.blobs.Call("push", app.Window().Get("Blob").New([]any{part}))
	s.buf = s.buf[:0]
}

func (s *blobSink) Close() (widget.Sealed, error) {
	s.flush()
	blob := app.Window().Get("Blob").New(s.blobs, map[string]any{"type": "application/pgp-encrypted"})
	s.blobs = app.Window().Get("Array").New()
	return &blobSealed{blob: blob, size: s.size}, nil
}

// blobSealed is a sealed report in a Blob.
type blobSealed struct {
	blob app.Value
	size int64
	url  string
	// cache is the chunk last read, from cacheOff.
	mu       sync.Mutex
	cache    []byte
	cacheOff int64
}

func (b *blobSealed) Size() int64 { return b.size }

// URL is an object URL for the Blob, made once: it lives as long as the
// page, as the report does.
func (b *blobSealed) URL() string {
	if b.url == "" {
		b.url = app.Window().Get("URL").Call("createObjectURL", b.blob).String()
	}
	return b.url
}

// ReadAt reads through Blob.slice().arrayBuffer(), a 1 MiB chunk at a
// time (readers such as io.Copy ask for 32 KiB). It blocks on the browser's
// promise, so it runs off the UI's path (posts run in goroutines).
func (b *blobSealed) ReadAt(p []byte, off int64) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= b.size {
			return n, io.EOF
		}
		if at < b.cacheOff || at >= b.cacheOff+int64(len(b.cache)) {
			end := min(at+chunkSize, b.size)
			data, err := await(b.blob.Call("slice", at, end).Call("arrayBuffer"))
			if err != nil {
				return n, err
			}
			u8 := app.Window().Get("Uint8Array").New(data)
			b.cache = make([]byte, u8.Length())
			app.CopyBytesToGo(b.cache, u8)
			b.cacheOff = at
		}
		n += copy(p[n:], b.cache[at-b.cacheOff:])
	}
	return n, nil
}

// blobOf returns a Blob holding s, without copying when it is one already.
func blobOf(s widget.Sealed) (app.Value, error) {
	if b, ok := s.(*blobSealed); ok {
		return b.blob, nil
	}
	sink := newBlobSink()
	if _, err := io.Copy(sink, io.NewSectionReader(s, 0, s.Size())); err != nil {
		return nil, err
	}
	out, _ := sink.Close()
	return out.(*blobSealed).blob, nil
}
