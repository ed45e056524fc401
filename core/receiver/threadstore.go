package receiver

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sealpost/sealpost/core/thread"
)

// A report posted with a Sealpost-Thread header opens a thread, kept
// beside it in the store:
//
//	DIR/threads/<id>/meta.json           {"token_sha256", "received_at"}: the token's hash, never the token
//	DIR/threads/<id>/000001.vendor.asc   each message, armored, byte-identical to the one posted;
//	DIR/threads/<id>/000002.reporter.asc   its file's modification time is when it was posted
//	DIR/threads/by-token/<token_sha256>  the report's id: how a token finds its thread
//
// A thread is made in threads/.new-*, fsynced and renamed into place, then
// indexed, all before its report is linked into reports/ (and so before
// the 201): a stored report has its thread whole. A message is received
// into tmp/, fsynced with its time set, and linked under the next number
// while the thread's lock is held: numbers are unique, and a crash leaves
// a whole message or none. [Store.Clean] removes what a crash left.

// Who posted an entry, as the intake saw it (by the credential shown).
const (
	fromVendor   = "vendor"
	fromReporter = "reporter"
)

// threadMeta is a thread's meta.json.
type threadMeta struct {
	TokenSHA256 string    `json:"token_sha256"`
	ReceivedAt  time.Time `json:"received_at"`
}

// entryInfo is one stored entry, without its message.
type entryInfo struct {
	Seq  int
	From string
	At   time.Time
	path string
}

var (
	// errNoThread is a stored report sent without a reply code.
	errNoThread error = noThreadError{}
	// errUnknownToken is a token that opens no thread, malformed or not.
	errUnknownToken = errors.New("no thread for this token")
	// errTokenInUse is a token hash another report's thread holds.
	errTokenInUse error = conflict("this reply code belongs to another report: make a new one for this report")
	// errThreadConflict is a retry that names another thread than the first post.
	errThreadConflict error = conflict("this idempotency key's report was stored with another reply code, or with none: post it under a new idempotency key")
)

// conflict is an [ErrConflict] with its own message.
type conflict string

func (c conflict) Error() string { return string(c) }
func (c conflict) Unwrap() error { return ErrConflict }

// noThreadError is fs.ErrNotExist for a report that has no thread.
type noThreadError struct{}

func (noThreadError) Error() string {
	return "report has no thread (it was sent without a reply code)"
}

func (noThreadError) Is(target error) bool { return target == fs.ErrNotExist }

func (s *Store) threadDir(id string) string { return filepath.Join(s.dir, "threads", id) }

func (s *Store) byToken() string { return filepath.Join(s.dir, "threads", "by-token") }

// meta reads thread id's meta.json: fs.ErrNotExist when there is none.
func (s *Store) meta(id string) (threadMeta, error) {
	if !validID(id) {
		return threadMeta{}, fs.ErrNotExist
	}
	data, err := os.ReadFile(filepath.Join(s.threadDir(id), "meta.json"))
	if err != nil {
		return threadMeta{}, err
	}
	var m threadMeta
	if json.Unmarshal(data, &m) != nil || !thread.ValidTokenHash(m.TokenSHA256) {
		return threadMeta{}, fmt.Errorf("thread %s: its meta.json is unreadable", id)
	}
	return m, nil
}

// indexed returns the report id the index holds for a token hash.
func (s *Store) indexed(hash string) (string, error) {
	if !thread.ValidTokenHash(hash) {
		return "", fs.ErrNotExist
	}
	f, err := os.Open(filepath.Join(s.byToken(), hash))
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b [27]byte
	n, _ := io.ReadFull(f, b[:])
	if id := string(b[:n]); validID(id) {
		return id, nil
	}
	return "", fmt.Errorf("threads/by-token/%s: %w", hash, errBadRecord)
}

// errBadRecord is an index record that holds no report id.
var errBadRecord = errors.New("the record does not hold a report id")

// openThread makes report id's thread for the token hash hash. The caller
// holds id's lock and has not linked the report yet.
func (s *Store) openThread(id, hash string, receivedAt time.Time) error {
	s.indexMu.Lock()
	defer s.indexMu.Unlock()
	// Another report's thread holds the hash, stored or being stored (its
	// report is linked after this lock is released). A record naming no
	// such thread is replaced.
	if other, err := s.indexed(hash); err == nil && other != id {
		if m, err := s.meta(other); err == nil && m.TokenSHA256 == hash {
			return errTokenInUse
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errBadRecord) {
		return err
	}
	switch m, err := s.meta(id); {
	case err == nil && m.TokenSHA256 == hash:
		// Made by an attempt that failed before its report was linked.
	case err == nil:
		// Made by an attempt with another code, whose report was never
		// linked either: it goes, with its index record.
		if list, err := s.entries(id); err != nil || len(list) > 0 {
			return fmt.Errorf("threads/%s holds messages but its report does not exist: move it away", id)
		}
		if got, err := s.indexed(m.TokenSHA256); err == nil && got == id {
			if err := os.Remove(filepath.Join(s.byToken(), m.TokenSHA256)); err != nil {
				return err
			}
		}
		if err := os.RemoveAll(s.threadDir(id)); err != nil {
			return err
		}
		fallthrough
	case errors.Is(err, fs.ErrNotExist):
		if err := s.makeThread(id, threadMeta{TokenSHA256: hash, ReceivedAt: receivedAt}); err != nil {
			return err
		}
	default:
		return err
	}
	return s.touch(filepath.Join("threads", "by-token"), hash, []byte(id))
}

// makeThread writes a thread's folder under a temporary name, then renames it.
func (s *Store) makeThread(id string, m threadMeta) error {
	root := filepath.Join(s.dir, "threads")
	tmp, err := os.MkdirTemp(root, ".new-*")
	if err != nil {
		return err
	}
	data, _ := json.Marshal(m)
	err = writeSynced(filepath.Join(tmp, "meta.json"), data)
	if err == nil {
		err = syncDir(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, s.threadDir(id))
	}
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return syncDir(root)
}

// dropThread undoes openThread when the report could not be linked.
func (s *Store) dropThread(id, hash string) {
	s.indexMu.Lock()
	defer s.indexMu.Unlock()
	if got, err := s.indexed(hash); err == nil && got == id {
		os.Remove(filepath.Join(s.byToken(), hash))
	}
	os.RemoveAll(s.threadDir(id))
}

// sameThread checks a retry's token hash ("" for none) against the thread
// of the report it retries.
func (s *Store) sameThread(id, hash string) error {
	m, err := s.meta(id)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if hash != "" {
			return errThreadConflict
		}
		return nil
	case err != nil:
		return err
	case m.TokenSHA256 != hash:
		return errThreadConflict
	}
	return nil
}

// threadByToken finds the thread a token opens: by its hash in the index,
// then comparing the hash its thread keeps in constant time. Any token
// that opens no thread, malformed or not, is errUnknownToken.
func (s *Store) threadByToken(token string) (string, threadMeta, error) {
	if !thread.ValidToken(token) {
		return "", threadMeta{}, errUnknownToken
	}
	hash := thread.TokenHash(token)
	id, err := s.indexed(hash)
	if err == nil {
		var m threadMeta
		if m, err = s.meta(id); err == nil {
			if subtle.ConstantTimeCompare([]byte(m.TokenSHA256), []byte(hash)) != 1 {
				return "", threadMeta{}, errUnknownToken
			}
			if _, err = s.path(id); err == nil {
				return id, m, nil
			}
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", threadMeta{}, errUnknownToken
	}
	return "", threadMeta{}, err
}

// threadOf returns report id's thread for the operator: fs.ErrNotExist
// when there is no such report, errNoThread when it has no thread.
func (s *Store) threadOf(id string) (threadMeta, error) {
	if _, err := s.path(id); err != nil {
		return threadMeta{}, err
	}
	m, err := s.meta(id)
	if errors.Is(err, fs.ErrNotExist) {
		return threadMeta{}, errNoThread
	}
	return m, err
}

// writeSynced writes a new file and fsyncs it.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
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
	return err
}
