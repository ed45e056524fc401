//go:build js && wasm

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/report"
)

// newBlob makes a browser Blob holding data.
func newBlob(data []byte) app.Value {
	u8 := app.Window().Get("Uint8Array").New(len(data))
	app.CopyBytesToJS(u8, data)
	return app.Window().Get("Blob").New([]any{u8})
}

// video is 2.5 chunks of distinct bytes.
func video() []byte {
	b := make([]byte, 2*chunkSize+chunkSize/2)
	for i := range b {
		b[i] = byte(i * 7 / 3)
	}
	return b
}

func TestAChosenFileReadsBackCheckedAgainstItsChunkDigests(t *testing.T) {
	data := video()
	f := &blobFile{v: newBlob(data)}
	sum, err := f.SHA256()
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256(data); sum != hex.EncodeToString(want[:]) {
		t.Fatalf("SHA256 = %s, want %x", sum, want)
	}
	if len(f.chunks) != 3 {
		t.Fatalf("%d chunk digests for 2.5 chunks", len(f.chunks))
	}
	r := f.Open()
	c, ok := r.(report.CheckedBody)
	if !ok || c.CheckedSHA256() != sum {
		t.Fatalf("Open returned %T, not a body checked against %s", r, sum)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
}

func TestAFileWhoseBytesChangedAfterItWasChosenIsRefused(t *testing.T) {
	data := video()
	f := &blobFile{v: newBlob(data)}
	if _, err := f.SHA256(); err != nil {
		t.Fatal(err)
	}
	// The same size, one byte changed in the last chunk: the browser's
	// File gives other bytes than those hashed.
	data[2*chunkSize+5] ^= 1
	f.v = newBlob(data)
	n, err := io.Copy(io.Discard, f.Open())
	if !errors.Is(err, report.ErrAttachmentChanged) {
		t.Fatalf("got %v, want ErrAttachmentChanged", err)
	}
	if n != 2*chunkSize {
		t.Errorf("%d bytes came through before the changed chunk, want %d", n, 2*chunkSize)
	}
	// Sealing such a file fails before anything is written out.
	r := &report.Report{Attachments: []report.Attachment{{Name: "v.webm", Type: "video/webm", Size: int64(len(data)), SHA256: f.sha256}}}
	if err := report.WriteMIME(io.Discard, r, []io.Reader{f.Open()}); !errors.Is(err, report.ErrAttachmentChanged) {
		t.Errorf("WriteMIME: got %v, want ErrAttachmentChanged", err)
	}
}
