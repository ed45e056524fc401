package receiver

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Store keeps received reports on disk, one file each, durably:
//
//	DIR/tmp/       bodies being received (never listed; emptied at start)
//	DIR/reports/   <id>.asc (armored) or <id>.pgp (binary), byte-identical to the message posted
//	DIR/outbox/    <id>: reports the mail relay still has to send
//	DIR/sent/      <id>: reports the relay has handed to the mail server
//	DIR/failed/    <id>: reports the mail server refused for good, with the reason (JSON)
//	DIR/threads/   <id>/: the conversation a report opened, when it came with a reply code (threadstore.go)
//
// A report is written to tmp/, fsynced, linked into reports/ (which fails
// if the name exists), queued in outbox/ when there is a relay, and each
// folder fsynced, all before the receiver answers 201. A crash at any point
// leaves no report or a whole one; a whole one that was not queued yet is
// queued by [Store.Reconcile] at the next start, or by the client's retry.
//
// One process serves a store at a time ([Lock]); readers such as
// `sealpost inbox` may read it while it serves.
type Store struct {
	dir string
	// locks serialises commits per report id (striped: two ids may share
	// a lock, which only costs a wait).
	locks [64]sync.Mutex
	// indexMu serialises changes to threads/by-token, whose records
	// belong to no one report.
	indexMu sync.Mutex
}

// Stored is one report on disk.
type Stored struct {
	ID         string    `json:"id"`
	SHA256     string    `json:"sha256"`
	ReceivedAt time.Time `json:"received_at"`
	Size       int64     `json:"-"`
	Path       string    `json:"-"`
}

// Failure is a report the mail server refused for good. The report stays
// in the store; `sealpost inbox` and /healthz list it.
type Failure struct {
	ID     string    `json:"id"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// ErrConflict reports an idempotency key reused for a different report.
var ErrConflict = errors.New("this idempotency key was used for a different report")

var storeDirs = []string{"tmp", "reports", "outbox", "sent", "failed", "threads", filepath.Join("threads", "by-token")}

// OpenStore opens (creating) the store in dir.
func OpenStore(dir string) (*Store, error) {
	for _, sub := range storeDirs {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	return &Store{dir: dir}, nil
}

// ReadStore opens an existing store to read, creating nothing: for
// readers such as `sealpost inbox`.
func ReadStore(dir string) (*Store, error) {
	if fi, err := os.Stat(filepath.Join(dir, "reports")); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s is not an intake's store: it has no reports folder", dir)
	}
	return &Store{dir: dir}, nil
}

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// Clean removes bodies left in tmp/ by a crash (they were never
// acknowledged), half-written queue records, and what a crash left of
// threads being made (cleanThreads). Call it only from the process that
// serves the store.
func (s *Store) Clean() {
	stale, _ := filepath.Glob(filepath.Join(s.dir, "tmp", "body-*"))
	for _, sub := range []string{"outbox", "sent", "failed"} {
		// Records a crash left half-written (see touch).
		half, _ := filepath.Glob(filepath.Join(s.dir, sub, ".new-*"))
		stale = append(stale, half...)
	}
	for _, f := range stale {
		os.Remove(f)
	}
	s.cleanThreads()
}

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

func (s *Store) lock(id string) func() {
	h := fnv.New32a()
	io.WriteString(h, id)
	m := &s.locks[h.Sum32()%uint32(len(s.locks))]
	m.Lock()
	return m.Unlock
}

// Commit makes the received temp file a report: fsync, link into reports/,
// fsync the folder, queue it for the relay when relay is set, remove the
// temp name. With an idempotency key whose report exists, it returns that
// report (when the body is the same, queueing it if it was stored but never
// queued) or ErrConflict; an armored and a binary body are never both
// stored under one key.
//
// With a token hash (core/thread's TokenHash, from the Sealpost-Thread
// header), the report's thread is made before the report is linked, with
// the temp file's modification time as its received_at; a retry must name
// the same thread (or none, as the first post did), else ErrConflict.
func (s *Store) Commit(tmp *os.File, key string, armored, relay bool, tokenHash string) (*Stored, bool, error) {
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
	defer s.lock(id)()
	// Another size is another body: say so without hashing the stored
	// one, which may be 256 MiB (a cheap way to tie up the lock).
	if path, err := s.path(id); err == nil {
		if fi, err := os.Stat(path); err == nil && fi.Size() != size {
			return nil, false, ErrConflict
		}
	}
	if old, err := s.Get(id); err == nil {
		if old.SHA256 != digest {
			return nil, false, ErrConflict
		}
		if err := s.sameThread(id, tokenHash); err != nil {
			return nil, false, err
		}
		if relay {
			if err := s.ensureQueued(id); err != nil {
				return nil, false, err
			}
		}
		return old, false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	ext := ".pgp"
	if armored {
		ext = ".asc"
	}
	final := filepath.Join(s.dir, "reports", id+ext)
	if tokenHash != "" {
		fi, err := os.Stat(tmp.Name())
		if err != nil {
			return nil, false, err
		}
		if err := s.openThread(id, tokenHash, fi.ModTime().UTC().Truncate(time.Millisecond)); err != nil {
			return nil, false, err
		}
	}
	if err := os.Link(tmp.Name(), final); err != nil {
		if tokenHash != "" {
			s.dropThread(id, tokenHash)
		}
		return nil, false, err
	}
	if err := syncDir(filepath.Join(s.dir, "reports")); err != nil {
		return nil, false, err
	}
	if relay {
		if err := s.touch("outbox", id, nil); err != nil {
			return nil, false, err
		}
	}
	st, err := os.Stat(final)
	if err != nil {
		return nil, false, err
	}
	return &Stored{ID: id, SHA256: digest, ReceivedAt: st.ModTime().UTC().Truncate(time.Millisecond), Size: size, Path: final}, true, nil
}

// ensureQueued queues id unless it is queued, sent or failed already.
func (s *Store) ensureQueued(id string) error {
	for _, sub := range []string{"outbox", "sent", "failed"} {
		if _, err := os.Lstat(filepath.Join(s.dir, sub, id)); err == nil {
			return nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return s.touch("outbox", id, nil)
}

// Reconcile queues every stored report that is neither queued, sent nor
// failed: one whose 201 went out but whose queue entry a crash or a full
// disk kept from being written. It also drops queue entries whose report
// does not exist. It returns how many it queued.
func (s *Store) Reconcile() (int, error) {
	list, err := s.List()
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, st := range list {
		before, _ := os.Lstat(filepath.Join(s.dir, "outbox", st.ID))
		if err := s.ensureQueued(st.ID); err != nil {
			return queued, err
		}
		if after, _ := os.Lstat(filepath.Join(s.dir, "outbox", st.ID)); before == nil && after != nil {
			queued++
		}
	}
	ids, err := s.Outbox()
	if err != nil {
		return queued, err
	}
	for _, id := range ids {
		if _, err := s.path(id); errors.Is(err, fs.ErrNotExist) {
			if err := s.Unqueue(id); err != nil {
				return queued, err
			}
		}
	}
	return queued, nil
}

// touch writes DIR/sub/id durably, with data as its content.
func (s *Store) touch(sub, id string, data []byte) error {
	dir := filepath.Join(s.dir, sub)
	f, err := os.CreateTemp(dir, ".new-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, id))
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	return syncDir(dir)
}

// Outbox lists the reports waiting for the mail relay, by name.
func (s *Store) Outbox() ([]string, error) {
	return s.ids("outbox")
}

func (s *Store) ids(sub string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, sub))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // a store made before this folder existed
	}
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

// Relayed records that the mail server accepted report id (with the
// mail's Message-Id) and takes it off the outbox.
func (s *Store) Relayed(id, messageID string) error {
	return s.move(id, "sent", map[string]any{"message_id": messageID, "at": time.Now().UTC()})
}

// Failed records that the mail server refused report id for good and takes
// it off the outbox. The report itself stays.
func (s *Store) Failed(id, reason string) error {
	return s.move(id, "failed", Failure{ID: id, Reason: reason, At: time.Now().UTC()})
}

func (s *Store) move(id, sub string, record any) error {
	if !validID(id) {
		return fs.ErrNotExist
	}
	data, err := json.Marshal(record)
	if err != nil {
		return err
	}
	if err := s.touch(sub, id, data); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.dir, "outbox", id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Join(s.dir, "outbox"))
}

// Unqueue takes id off the outbox: for an entry whose report is gone.
func (s *Store) Unqueue(id string) error {
	if !validID(id) {
		return fs.ErrNotExist
	}
	if err := os.Remove(filepath.Join(s.dir, "outbox", id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Join(s.dir, "outbox"))
}

// Failures lists the reports the mail server refused for good, oldest first.
func (s *Store) Failures() ([]Failure, error) {
	ids, err := s.ids("failed")
	if err != nil {
		return nil, err
	}
	var out []Failure
	for _, id := range ids {
		data, err := os.ReadFile(filepath.Join(s.dir, "failed", id))
		if err != nil {
			continue
		}
		var f Failure
		if json.Unmarshal(data, &f) != nil || f.ID != id {
			f = Failure{ID: id, Reason: "(the failure record is unreadable)"}
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// path returns the file of report id.
func (s *Store) path(id string) (string, error) {
	if !validID(id) {
		return "", fs.ErrNotExist
	}
	for _, ext := range []string{".asc", ".pgp"} {
		path := filepath.Join(s.dir, "reports", id+ext)
		if _, err := os.Lstat(path); err == nil {
			return path, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", fs.ErrNotExist
}

// Get returns the stored report id, with its SHA-256.
func (s *Store) Get(id string) (*Stored, error) {
	path, err := s.path(id)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
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

// List returns every stored report, oldest first, without hashing them.
func (s *Store) List() ([]*Stored, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "reports"))
	if err != nil {
		return nil, fmt.Errorf("%w: is %s a receiver's store?", err, s.dir)
	}
	var out []*Stored
	for _, e := range entries {
		name := e.Name()
		id := strings.TrimSuffix(strings.TrimSuffix(name, ".asc"), ".pgp")
		if id == name || !validID(id) || !e.Type().IsRegular() {
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

// validID reports whether id is a report id as idFor makes them: "r-" and
// 24 lower-case hex digits. Upper case is refused: on a file system that
// ignores case it would name the same files under another lock stripe.
func validID(id string) bool {
	if len(id) != 26 || !strings.HasPrefix(id, "r-") {
		return false
	}
	for i := 2; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
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
