package widget

import (
	"slices"
	"sync"
	"time"

	"github.com/sealpost/sealpost/core/deliver"
)

// Pending is a sealed report that could not be delivered yet. It holds only
// ciphertext and what the outbox shows about it: nothing the reporter typed.
type Pending struct {
	// Key is the idempotency key the report was first posted under; every
	// resend carries it, so the receiver files the report once.
	Key string
	// Endpoint is where it goes; a form only offers its own endpoint's.
	Endpoint    string
	Fingerprint string
	Created     time.Time
	Sealed      Sealed
	// Work is the proof of work solved for it, sent again while it lasts.
	Work deliver.Work
	// ThreadHash is its thread token's hash (never the code or the
	// token), sent again with it; empty when it has no thread.
	ThreadHash string
}

// Outbox keeps sealed reports until they are delivered. Its methods may
// block (the browser's IndexedDB answers asynchronously): call them off the
// UI's path.
type Outbox interface {
	Put(p Pending) error
	// List returns the reports waiting for endpoint, oldest first.
	List(endpoint string) ([]Pending, error)
	Delete(key string) error
	// Durable reports whether what is put survives leaving the page.
	Durable() bool
}

// MemoryOutbox keeps reports for as long as the page lives: the outbox of
// a frame that has no storage (an opaque origin) and of native tests.
type MemoryOutbox struct {
	mu      sync.Mutex
	pending []Pending
}

func (m *MemoryOutbox) Put(p Pending) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = slices.DeleteFunc(m.pending, func(q Pending) bool { return q.Key == p.Key })
	m.pending = append(m.pending, p)
	return nil
}

func (m *MemoryOutbox) List(endpoint string) ([]Pending, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Pending
	for _, p := range m.pending {
		if p.Endpoint == endpoint {
			out = append(out, p)
		}
	}
	return out, nil
}

func (m *MemoryOutbox) Delete(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = slices.DeleteFunc(m.pending, func(q Pending) bool { return q.Key == key })
	return nil
}

func (m *MemoryOutbox) Durable() bool { return false }
