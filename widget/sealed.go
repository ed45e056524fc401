package widget

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
)

// Sealed is a sealed report: an armored OpenPGP message, held where the
// platform keeps large data. In the browser that is a Blob, outside Go's
// memory (a 100 MB video seals to 137 MB of armor); natively, a byte slice.
// Its ReadAt may block on the browser: call it off the UI's path.
type Sealed interface {
	io.ReaderAt
	Size() int64
	// URL is a link that downloads the message (a blob: or data: URL).
	URL() string
}

// SealSink receives a sealed report as it is written.
type SealSink interface {
	io.Writer
	// Close ends the message and returns it.
	Close() (Sealed, error)
}

// SealedBytes is a sealed report held in memory.
type SealedBytes []byte

func (s SealedBytes) ReadAt(p []byte, off int64) (int, error) {
	return bytes.NewReader(s).ReadAt(p, off)
}
func (s SealedBytes) Size() int64 { return int64(len(s)) }
func (s SealedBytes) URL() string {
	return "data:application/pgp-encrypted;base64," + base64.StdEncoding.EncodeToString(s)
}

type memorySink struct{ bytes.Buffer }

func (m *memorySink) Close() (Sealed, error) { return SealedBytes(m.Bytes()), nil }

// readSmall returns the whole of s when it is at most limit bytes, and nil
// otherwise.
func readSmall(s Sealed, limit int64) []byte {
	if s.Size() > limit {
		return nil
	}
	b := make([]byte, s.Size())
	if _, err := s.ReadAt(b, 0); err != nil && err != io.EOF {
		return nil
	}
	return b
}

type uploadKey struct{}

// WithUploadProgress returns a context under which a post reports its
// upload progress to fn: bytes sent so far and in all. The browser's
// transport (wasm/) honours it.
func WithUploadProgress(ctx context.Context, fn func(sent, total int64)) context.Context {
	return context.WithValue(ctx, uploadKey{}, fn)
}

type preparingKey struct{}

// WithPreparing returns a context under which a post calls fn when it
// starts solving the endpoint's proof of work.
func WithPreparing(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, preparingKey{}, fn)
}

// Preparing returns the function WithPreparing put in ctx, or nil.
func Preparing(ctx context.Context) func() {
	fn, _ := ctx.Value(preparingKey{}).(func())
	return fn
}

// UploadProgress returns the function WithUploadProgress put in ctx, or nil.
func UploadProgress(ctx context.Context) func(sent, total int64) {
	fn, _ := ctx.Value(uploadKey{}).(func(sent, total int64))
	return fn
}
