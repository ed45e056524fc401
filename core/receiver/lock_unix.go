//go:build unix

package receiver

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockStore takes DIR/intake.lock, so that two intakes never serve one
// store (their per-report locks would not see each other). The kernel
// releases it when the process ends, however it ends.
func lockStore(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, "intake.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another intake is serving the store %s (its intake.lock is held): stop it first", dir)
	}
	return func() { f.Close() }, nil
}
