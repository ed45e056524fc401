package seal

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// partialPrefix starts the name of the hidden folder [Open] unpacks into,
// beside the output folder: .sealpost-partial-PID-RANDOM, where PID is the
// process that made it and RANDOM 12 hex digits. Nothing else makes such
// names, and the PID tells a folder whose Open is still running from one
// whose Open was killed.
const partialPrefix = ".sealpost-partial-"

// makePartial makes a new partial folder in parent.
func makePartial(parent string) (string, error) {
	var b [6]byte
	rand.Read(b[:])
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", err
	}
	tmp := filepath.Join(parent, fmt.Sprintf("%s%d-%s", partialPrefix, os.Getpid(), hex.EncodeToString(b[:])))
	return tmp, os.Mkdir(tmp, 0o700)
}

// removeStalePartials removes, in parent only, the partial folders of
// Opens that were killed: folders (not links) named as makePartial names
// them, made by a process that no longer runs. They hold decrypted
// plaintext. Errors are ignored: the folder may belong to another user.
func removeStalePartials(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := partialPID(e.Name())
		if !ok || !e.IsDir() || e.Type()&os.ModeSymlink != 0 || pid == os.Getpid() || processRuns(pid) {
			continue
		}
		os.RemoveAll(filepath.Join(parent, e.Name()))
	}
}

// partialPID returns the PID in a partial folder's name.
func partialPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, partialPrefix)
	if !ok {
		return 0, false
	}
	pid, random, ok := strings.Cut(rest, "-")
	n, err := strconv.Atoi(pid)
	if !ok || err != nil || n <= 0 || len(random) != 12 || strings.Trim(random, "0123456789abcdef") != "" {
		return 0, false
	}
	return n, true
}
