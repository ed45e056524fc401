package receiver

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sealpost/sealpost/core/thread"
)

// cleanThreads removes what a crash left of threads being made: folders
// and index records still named .new-*, a thread whose report was never
// stored (it has no messages: none can be posted before its report is),
// and index records naming no thread or a thread of another token. It
// restores a stored thread's missing index record.
func (s *Store) cleanThreads() {
	root := filepath.Join(s.dir, "threads")
	half, _ := filepath.Glob(filepath.Join(root, ".new-*"))
	records, _ := filepath.Glob(filepath.Join(s.byToken(), ".new-*"))
	for _, p := range append(half, records...) {
		os.RemoveAll(p)
	}
	dirs, _ := os.ReadDir(root)
	for _, d := range dirs {
		id := d.Name()
		if !validID(id) || !d.IsDir() {
			continue
		}
		if _, err := s.path(id); errors.Is(err, fs.ErrNotExist) {
			if list, err := s.entries(id); err == nil && len(list) == 0 {
				os.RemoveAll(s.threadDir(id))
			}
			continue
		}
		if m, err := s.meta(id); err == nil {
			if _, err := s.indexed(m.TokenSHA256); errors.Is(err, fs.ErrNotExist) {
				s.touch(filepath.Join("threads", "by-token"), m.TokenSHA256, []byte(id))
			}
		}
	}
	index, _ := os.ReadDir(s.byToken())
	for _, e := range index {
		hash := e.Name()
		if !thread.ValidTokenHash(hash) {
			continue
		}
		id, err := s.indexed(hash)
		if errors.Is(err, errBadRecord) {
			os.Remove(filepath.Join(s.byToken(), hash))
			continue
		} else if err != nil {
			continue
		}
		if m, err := s.meta(id); errors.Is(err, fs.ErrNotExist) || err == nil && m.TokenSHA256 != hash {
			os.Remove(filepath.Join(s.byToken(), hash))
		}
	}
}
