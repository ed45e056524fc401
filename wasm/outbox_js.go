//go:build js && wasm

package main

import (
	"errors"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/widget"
)

// The outbox lives in IndexedDB, in the widget origin's storage: one
// object store of sealed reports (as Blobs) keyed by idempotency key. It
// holds ciphertext only, and of the reply code only the thread token's
// hash, which the intake is sent anyway. A frame in an opaque origin (the widget sandboxed on
// its vendor's own origin) has no IndexedDB; the form then keeps its
// outbox in memory and says so.
const (
	outboxDB    = "sealpost"
	outboxStore = "outbox"
)

type idbOutbox struct{ db app.Value }

// openIDBOutbox opens (creating on first use) the outbox database. It
// blocks on the browser: call it off the UI's path.
func openIDBOutbox() (widget.Outbox, error) {
	factory, err := jsCall(app.Window().Get("Reflect"), "get", app.Window().JSValue(), "indexedDB")
	if err != nil || !factory.Truthy() {
		return nil, errors.New("this frame has no IndexedDB")
	}
	req, err := jsCall(factory, "open", outboxDB, 1)
	if err != nil {
		return nil, err
	}
	upgrade := app.FuncOf(func(app.Value, []app.Value) any {
		req.Get("result").Call("createObjectStore", outboxStore, map[string]any{"keyPath": "key"})
		return nil
	})
	defer upgrade.Release()
	req.Set("onupgradeneeded", upgrade)
	db, err := wait(req)
	if err != nil {
		return nil, err
	}
	return &idbOutbox{db: db}, nil
}

func (o *idbOutbox) Durable() bool { return true }

func (o *idbOutbox) Put(p widget.Pending) error {
	sealed, err := blobOf(p.Sealed)
	if err != nil {
		return err
	}
	return o.write(func(store app.Value) {
		store.Call("put", map[string]any{
			"key": p.Key, "endpoint": p.Endpoint, "fingerprint": p.Fingerprint,
			"created": float64(p.Created.UnixMilli()), "sealed": sealed,
			"work": p.Work.Solution, "work_expires": float64(p.Work.Expires.UnixMilli()),
			"thread": p.ThreadHash,
		})
	})
}

func (o *idbOutbox) Delete(key string) error {
	return o.write(func(store app.Value) { store.Call("delete", key) })
}

func (o *idbOutbox) List(endpoint string) ([]widget.Pending, error) {
	tx, err := jsCall(o.db, "transaction", outboxStore, "readonly")
	if err != nil {
		return nil, err
	}
	all, err := wait(tx.Call("objectStore", outboxStore).Call("getAll"))
	if err != nil {
		return nil, err
	}
	var out []widget.Pending
	for i := range all.Length() {
		v := all.Index(i)
		if v.Get("endpoint").String() != endpoint {
			continue
		}
		sealed := v.Get("sealed")
		if !sealed.InstanceOf(app.Window().Get("Blob")) {
			continue // not written by this version
		}
		out = append(out, widget.Pending{
			Key: v.Get("key").String(), Endpoint: endpoint, Fingerprint: v.Get("fingerprint").String(),
			Created: time.UnixMilli(int64(v.Get("created").Float())), Sealed: &blobSealed{blob: sealed, size: int64(sealed.Get("size").Float())},
			Work: workOf(v), ThreadHash: threadOf(v),
		})
	}
	return out, nil
}

// write runs one change in a read-write transaction and waits until the
// transaction has committed.
func (o *idbOutbox) write(change func(store app.Value)) error {
	tx, err := jsCall(o.db, "transaction", outboxStore, "readwrite")
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	// A failed request fires error and then abort: only the first counts
	// (a second send would block the browser's callback).
	settle := func(err error) {
		select {
		case done <- err:
		default:
		}
	}
	complete := app.FuncOf(func(app.Value, []app.Value) any { settle(nil); return nil })
	failed := app.FuncOf(func(app.Value, []app.Value) any {
		settle(domError("saving to the outbox", tx.Get("error")))
		return nil
	})
	defer complete.Release()
	defer failed.Release()
	tx.Set("oncomplete", complete)
	tx.Set("onerror", failed)
	tx.Set("onabort", failed)
	change(tx.Call("objectStore", outboxStore))
	return <-done
}

// wait waits for an IDBRequest to succeed or fail.
func wait(req app.Value) (app.Value, error) {
	ch := make(chan settled, 1)
	ok := app.FuncOf(func(app.Value, []app.Value) any { ch <- settled{v: req.Get("result")}; return nil })
	failed := app.FuncOf(func(app.Value, []app.Value) any {
		ch <- settled{err: domError("the outbox", req.Get("error"))}
		return nil
	})
	defer ok.Release()
	defer failed.Release()
	req.Set("onsuccess", ok)
	req.Set("onerror", failed)
	s := <-ch
	return s.v, s.err
}

func domError(doing string, e app.Value) error {
	if !e.Truthy() {
		return errors.New(doing + ": failed")
	}
	return errors.New(doing + ": " + e.Get("name").String() + ": " + e.Get("message").String())
}

// jsCall calls a method, turning a JS exception (SecurityError in an
// opaque origin, InvalidStateError on a closed database) into an error.
func jsCall(v app.Value, method string, args ...any) (res app.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(method + ": " + toString(r))
		}
	}()
	return v.Call(method, args...), nil
}

func toString(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	if s, ok := r.(string); ok {
		return s
	}
	return "exception"
}

// workOf reads the proof of work kept with an outbox entry; an entry
// written before it was kept has none (the post then solves one).
func workOf(v app.Value) deliver.Work {
	sol, exp := v.Get("work"), v.Get("work_expires")
	if sol.Type() != app.TypeString || exp.Type() != app.TypeNumber {
		return deliver.Work{}
	}
	return deliver.Work{Solution: sol.String(), Expires: time.UnixMilli(int64(exp.Float()))}
}

// threadOf reads the thread token hash kept with an outbox entry; an entry
// written before it was kept, or for an endpoint without threads, has none.
func threadOf(v app.Value) string {
	if h := v.Get("thread"); h.Type() == app.TypeString {
		return h.String()
	}
	return ""
}
