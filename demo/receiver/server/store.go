package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Store keeps received reports on disk, one file each, durably:
//
//	DIR/tmp/       bodies being received (never listed)
//	DIR/reports/   <id>.asc (armored) or <id>.pgp (binary), byte-identical to the message posted
//	DIR/outbox/    <id>: reports still to be relayed by mail
//
// A report is written to tmp/, fsynced, then linked into reports/ (which
// fails if the name exists) and the folder fsynced, before the receiver
// answers 201. A crash at any point leaves either no report or a whole one.
type Store struct {
	dir string
}

// Stored is one report on disk.
type Stored struct {
	ID         string    `json:"id"`
	SHA256     string    `json:"sha256"`
	ReceivedAt time.Time `json:"received_at"`
	Size       int64     `json:"-"`
	Path       string    `json:"-"`
}

// ErrConflict reports an idempotency key reused for a different report.
var ErrConflict = errors.New("this idempotency key was used for a different report")

// OpenStore opens (creating) the store in dir. Bodies left in tmp/ by a
// crash were never acknowledged; they are removed.
func OpenStore(dir string) (*Store, error) {
	for _, sub := range []string{"tmp", "reports", "outbox"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	stale, _ := filepath.Glob(filepath.Join(dir, "tmp", "body-*"))
	for _, f := range stale {
		os.Remove(f)
	}
	return &Store{dir: dir}, nil
}

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// Temp creates a file for a body being received; the caller removes it.
func (s *Store) Temp() (*os.File, error) {
	return os.CreateTemp(filepath.Join(s.dir, "tmp"), "body-*")
}

// idFor names a report: from the idempotency key when there is one, so that
// a retry finds its report even after a restart, else at random.
func idFor(key string) string {
	if key != "" {
		sum := sha256.Sum256([]byte("sealpost-idempotency:" + key))
		return "r-" + hex.EncodeToString(sum[:12])
	}
	var b [12]byte
	rand.Read(b[:])
	return "r-" + hex.EncodeToString(b[:])
}

// Commit makes the received temp file a report: fsync, link into reports/,
// fsync the folder, remove the temp name. With an idempotency key whose
// report exists, it returns that report (the same body) or ErrConflict.
// relay queues the report for the mail relay.
func (s *Store) Commit(tmp *os.File, key string, armored, relay bool) (*Stored, bool, error) {
	defer os.Remove(tmp.Name())
	if err := tmp.Sync(); err != nil {
		return nil, false, err
	}
	sum := sha256.New()
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, false, err
	}
	size, err := io.Copy(sum, tmp)
	if err != nil {
		return nil, false, err
	}
	digest := hex.EncodeToString(sum.Sum(nil))
	if err := tmp.Close(); err != nil {
		return nil, false, err
	}
	id := idFor(key)
	if old, err := s.Get(id); err == nil {
		if old.SHA256 != digest {
			return nil, false, ErrConflict
		}
		return old, false, nil
	}
	ext := ".pgp"
	if armored {
		ext = ".asc"
	}
	final := filepath.Join(s.dir, "reports", id+ext)
	if err := os.Link(tmp.Name(), final); err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return nil, false, err
		}
		// The same key, committed concurrently: the first one stands.
		old, err := s.Get(id)
		if err != nil {
			return nil, false, err
		}
		if old.SHA256 != digest {
			return nil, false, ErrConflict
		}
		return old, false, nil
	}
	if err := syncDir(filepath.Join(s.dir, "reports")); err != nil {
		return nil, false, err
	}
	if relay {
		if err := s.queue(id); err != nil {
			return nil, false, err
		}
	}
	st, err := os.Stat(final)
	if err != nil {
		return nil, false, err
	}
	return &Stored{ID: id, SHA256: digest, ReceivedAt: st.ModTime().UTC().Truncate(time.Millisecond), Size: size, Path: final}, true, nil
}

func (s *Store) queue(id string) error {
	f, err := os.OpenFile(filepath.Join(s.dir, "outbox", id), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return syncDir(filepath.Join(s.dir, "outbox"))
}

// Outbox lists the reports waiting for the mail relay, oldest first.
func (s *Store) Outbox() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "outbox"))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if validID(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}

// Relayed removes a report from the outbox.
func (s *Store) Relayed(id string) error {
	if err := os.Remove(filepath.Join(s.dir, "outbox", id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Join(s.dir, "outbox"))
}

// Get returns the stored report id.
func (s *Store) Get(id string) (*Stored, error) {
	if !validID(id) {
		return nil, fs.ErrNotExist
	}
	for _, ext := range []string{".asc", ".pgp"} {
		path := filepath.Join(s.dir, "reports", id+ext)
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		defer f.Close()
		sum := sha256.New()
		n, err := io.Copy(sum, f)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return &Stored{ID: id, SHA256: hex.EncodeToString(sum.Sum(nil)), ReceivedAt: st.ModTime().UTC().Truncate(time.Millisecond), Size: n, Path: path}, nil
	}
	return nil, fs.ErrNotExist
}

// List returns every stored report, oldest first, without hashing them.
func (s *Store) List() ([]*Stored, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "reports"))
	if err != nil {
		return nil, err
	}
	var out []*Stored
	for _, e := range entries {
		name := e.Name()
		id := strings.TrimSuffix(strings.TrimSuffix(name, ".asc"), ".pgp")
		if id == name || !validID(id) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, &Stored{ID: id, ReceivedAt: info.ModTime().UTC(), Size: info.Size(), Path: filepath.Join(s.dir, "reports", name)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ReceivedAt.Before(out[j].ReceivedAt) })
	return out, nil
}

func validID(id string) bool {
	if len(id) != 26 || !strings.HasPrefix(id, "r-") {
		return false
	}
	_, err := hex.DecodeString(id[2:])
	return err == nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}
