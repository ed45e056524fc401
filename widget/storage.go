package widget

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
)

// Storage is a small string store: the Web Storage API (localStorage).
type Storage interface {
	Get(key string) (string, bool)
	Set(key, value string) error
	Remove(key string) error
	Keys() []string
}

// MemoryStorage is a Storage in memory, for tests.
type MemoryStorage struct {
	mu   sync.Mutex
	data map[string]string
}

func (m *MemoryStorage) Get(key string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.data[key]
	return v, ok
}

func (m *MemoryStorage) Set(key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		m.data = map[string]string{}
	}
	m.data[key] = value
	return nil
}

func (m *MemoryStorage) Remove(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, key)
	return nil
}

func (m *MemoryStorage) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.data))
	for k := range m.data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// keptPrefix starts the storage key of every kept code; the rest is the
// sealed report's idempotency key.
const keptPrefix = "sealpost.reply-code."

// KeptCode is a reply code kept in the browser, with what tells it apart
// from the others. (Its JSON has no "value" field: go-app reads every
// localStorage entry at start and drops expired ones of its own that have.)
type KeptCode struct {
	Code     string    `json:"code"`
	Endpoint string    `json:"endpoint"`
	ReportID string    `json:"report_id,omitempty"`
	Sealed   time.Time `json:"sealed_at"`
	// key is the idempotency key it is stored under.
	key string
}

// keepCode stores k under the sealed report's idempotency key.
func keepCode(s Storage, key string, k KeptCode) error {
	data, err := json.Marshal(k)
	if err != nil {
		return err
	}
	return s.Set(keptPrefix+key, string(data))
}

// keptCodes are the codes kept for endpoint, newest first. Entries that do
// not read as a kept code are left alone.
func keptCodes(s Storage, endpoint string) []KeptCode {
	if s == nil {
		return nil
	}
	var out []KeptCode
	for _, key := range s.Keys() {
		id, ok := strings.CutPrefix(key, keptPrefix)
		if !ok {
			continue
		}
		data, _ := s.Get(key)
		var k KeptCode
		if json.Unmarshal([]byte(data), &k) != nil || k.Endpoint != endpoint || k.Code == "" {
			continue
		}
		k.key = id
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b KeptCode) int { return b.Sealed.Compare(a.Sealed) })
	return out
}
