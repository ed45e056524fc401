//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sealpost/sealpost/core/pgpkey"
)

// A key "file" that never ends (--key /dev/zero, a pipe) is refused once
// it passes pgpkey.MaxBytes: init does not wait for its end. The pipe here
// gives twice the limit and then stays open, as a device would: a read to
// the end would never return.
func TestInitKeyFromAnEndlessPipeIsRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "key.asc")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	release := make(chan struct{})
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		w.Write(bytes.Repeat([]byte{0}, 2*pgpkey.MaxBytes)) // fails once init stops reading
		<-release
	}()
	t.Cleanup(func() { close(release) })
	_, errs, code := sealpost(t, "", "init", "--name", "Example", "--key", fifo, "--email", "security@example.com", "--out", filepath.Join(dir, "c.json"))
	if code != 1 || !strings.Contains(errs, fifo+" is too large") {
		t.Errorf("exit %d, want 1 saying the key is too large:\n%s", code, errs)
	}
}
