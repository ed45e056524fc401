package receiver

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/thread"
)

// A thread's entries: NNNNNN.<from>.asc in its folder, numbered from 1,
// their time the file's modification time (threadstore.go has the layout).

func entryName(seq int, from string) string { return fmt.Sprintf("%06d.%s.asc", seq, from) }

// parseEntryName reads NNNNNN.from.asc; anything else is not an entry.
func parseEntryName(name string) (seq int, from string, ok bool) {
	num, rest, _ := strings.Cut(name, ".")
	from, ext, _ := strings.Cut(rest, ".")
	if len(num) != 6 || ext != "asc" || from != fromVendor && from != fromReporter {
		return 0, "", false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return 0, "", false
		}
	}
	if seq, _ = strconv.Atoi(num); seq == 0 {
		return 0, "", false
	}
	return seq, from, true
}

// entries lists thread id's entries, by number.
func (s *Store) entries(id string) ([]entryInfo, error) {
	dir := s.threadDir(id)
	list, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []entryInfo
	for _, e := range list {
		seq, from, ok := parseEntryName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		out = append(out, entryInfo{Seq: seq, From: from, At: info.ModTime().UTC(), path: filepath.Join(dir, e.Name())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// addEntry makes body, a checked message in tmp/, thread id's next entry,
// from from, posted at at. Under the thread's lock, admit sees the entries
// so far and may refuse. It removes body in any case.
func (s *Store) addEntry(id, from string, body *os.File, at time.Time, admit func([]entryInfo) error) (thread.Posted, error) {
	defer os.Remove(body.Name())
	defer body.Close()
	defer s.lock(id)()
	list, err := s.entries(id)
	if err != nil {
		return thread.Posted{}, err
	}
	if err := admit(list); err != nil {
		return thread.Posted{}, err
	}
	seq := 1
	if len(list) > 0 {
		seq = list[len(list)-1].Seq + 1
	}
	if err := os.Chtimes(body.Name(), at, at); err != nil {
		return thread.Posted{}, err
	}
	if err := body.Sync(); err != nil {
		return thread.Posted{}, err
	}
	dir := s.threadDir(id)
	if err := os.Link(body.Name(), filepath.Join(dir, entryName(seq, from))); err != nil {
		return thread.Posted{}, err
	}
	return thread.Posted{Seq: seq, At: at}, syncDir(dir)
}

// Thread returns report id's thread with every message, oldest first; an
// error wrapping fs.ErrNotExist when there is no such report or it has no
// thread. The intake's own answers stream it instead (writeView).
func (s *Store) Thread(id string) (*thread.View, error) {
	m, err := s.threadOf(id)
	if err != nil {
		return nil, err
	}
	list, err := s.entries(id)
	if err != nil {
		return nil, err
	}
	v := &thread.View{ReportID: id, ReceivedAt: m.ReceivedAt, Entries: []thread.Entry{}}
	for _, e := range list {
		msg, err := os.ReadFile(e.path)
		if err != nil {
			return nil, err
		}
		v.Entries = append(v.Entries, thread.Entry{Seq: e.Seq, From: e.From, At: e.At, Message: string(msg)})
	}
	return v, nil
}

// Threads lists every thread, oldest report first.
func (s *Store) Threads() ([]thread.Summary, error) {
	dirs, err := os.ReadDir(filepath.Join(s.dir, "threads"))
	if errors.Is(err, fs.ErrNotExist) {
		return []thread.Summary{}, nil // a store made before threads
	}
	if err != nil {
		return nil, err
	}
	out := []thread.Summary{}
	for _, d := range dirs {
		id := d.Name()
		if !validID(id) || !d.IsDir() {
			continue
		}
		m, err := s.threadOf(id)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a crash's leftover, or a report removed by hand
		}
		if err != nil {
			return nil, err
		}
		list, err := s.entries(id)
		if err != nil {
			return nil, err
		}
		sum := thread.Summary{ReportID: id, ReceivedAt: m.ReceivedAt, Entries: len(list)}
		if len(list) > 0 {
			last := list[len(list)-1]
			sum.LastAt, sum.LastFrom = &last.At, last.From
		}
		out = append(out, sum)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].ReceivedAt.Equal(out[j].ReceivedAt) {
			return out[i].ReceivedAt.Before(out[j].ReceivedAt)
		}
		return out[i].ReportID < out[j].ReportID
	})
	return out, nil
}
