//go:build unix

package seal

import (
	"errors"
	"syscall"
)

// processRuns reports whether a process pid exists (signal 0 checks
// without sending; EPERM means it exists but belongs to another user).
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
