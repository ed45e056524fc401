//go:build !unix

package seal

import "os"

// processRuns reports whether a process pid exists. On Windows,
// os.FindProcess fails for a process that does not; elsewhere (wasm) it
// does not fail, so nothing is taken for stale.
func processRuns(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
