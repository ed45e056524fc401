package seal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/sealpost/sealpost/core/report"
)

// Attachment names on disk. Most file systems take names of at most 255
// bytes; room is kept for a " (99999)" suffix when names collide, and the
// extension (up to maxExtBytes) is kept when a name is shortened.
const (
	maxNameBytes = 255
	suffixRoom   = len(" (99999)")
	maxExtBytes  = 32
)

// diskName turns an attachment's name in report.json into a file name:
// no path, no control or invisible characters, no leading dots, no
// trailing dots or spaces, no Windows device name (CON, NUL, COM1, ...),
// and short enough to take a " (2)" suffix within 255 bytes.
func diskName(name string) string {
	name = report.Clean(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	// Shortened here, before report.SafeFilename would cut the extension.
	stem, ext := splitName(name)
	for len(stem) > maxNameBytes-suffixRoom-len(ext) {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	stem, ext = splitName(strings.TrimRight(report.SafeFilename(stem+ext), " ."))
	stem = strings.TrimRight(stem, " .")
	if stem == "" {
		stem = "attachment"
	}
	if isDeviceName(stem) {
		stem = "_" + stem
	}
	return stem + ext
}

// splitName splits a file name into its stem and extension, taking no
// extension when it would be the whole name or absurdly long.
func splitName(name string) (stem, ext string) {
	ext = path.Ext(name)
	if ext == name || len(ext) > maxExtBytes {
		ext = ""
	}
	return strings.TrimSuffix(name, ext), ext
}

// isDeviceName reports whether Windows would take a file named stem (with
// any extension) for a device.
func isDeviceName(stem string) bool {
	base, _, _ := strings.Cut(stem, ".")
	base = strings.ToUpper(strings.TrimSpace(base))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '0' && base[3] <= '9'
}

// namer creates files with unique names in one folder: name, then
// "name (2)" and so on when it is taken (on a case-insensitive disk too:
// the file system decides), never overwriting. It remembers the next
// number for each name, so n files of one name take n tries, not n²/2.
type namer struct {
	dir   string
	next  map[string]int
	tries int // files tried, for its test
}

func newNamer(dir string) *namer { return &namer{dir: dir, next: map[string]int{}} }

func (nm *namer) create(name string) (*os.File, string, error) {
	if err := os.MkdirAll(nm.dir, 0o700); err != nil {
		return nil, "", err
	}
	stem, ext := splitName(name)
	for n := max(nm.next[name], 1); n < 100000; n++ {
		candidate := name
		if n > 1 {
			candidate = fmt.Sprintf("%s (%d)%s", stem, n, ext)
		}
		nm.tries++
		p := filepath.Join(nm.dir, candidate)
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		nm.next[name] = n + 1
		return f, p, err
	}
	return nil, "", fmt.Errorf("too many attachments named %q", name)
}
