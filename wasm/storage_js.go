//go:build js && wasm

package main

import (
	"sort"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// shimStorage gives a sandboxed frame (an opaque origin, which may not use
// Web Storage: reading window.localStorage throws SecurityError) in-memory
// localStorage and sessionStorage, before go-app starts: its engine walks
// localStorage at start and would stop on that exception. Nothing the
// widget keeps is meant to outlive the page there.
func shimStorage() {
	for _, name := range []string{"localStorage", "sessionStorage"} {
		if storageWorks(name) {
			continue
		}
		app.Window().Get("Object").Call("defineProperty", app.Window().JSValue(), name,
			map[string]any{"value": memoryStorage(), "configurable": true})
	}
}

// storageWorks reads window[name] through Reflect.get: a Call turns a JS
// exception into a Go panic that recover sees, where a plain Get would end
// the program.
func storageWorks(name string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	app.Window().Get("Reflect").Call("get", app.Window().JSValue(), name)
	return true
}

// memoryStorage is a JS object with the Storage methods go-app uses.
func memoryStorage() app.Value {
	data := map[string]string{}
	obj := app.Window().Get("Object").New()
	sync := func() { obj.Set("length", len(data)) }
	obj.Set("getItem", app.FuncOf(func(_ app.Value, args []app.Value) any {
		if v, ok := data[args[0].String()]; ok {
			return v
		}
		return nil
	}))
	obj.Set("setItem", app.FuncOf(func(_ app.Value, args []app.Value) any {
		data[args[0].String()] = args[1].String()
		sync()
		return nil
	}))
	obj.Set("removeItem", app.FuncOf(func(_ app.Value, args []app.Value) any {
		delete(data, args[0].String())
		sync()
		return nil
	}))
	obj.Set("clear", app.FuncOf(func(app.Value, []app.Value) any {
		clear(data)
		sync()
		return nil
	}))
	obj.Set("key", app.FuncOf(func(_ app.Value, args []app.Value) any {
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if i := args[0].Int(); i >= 0 && i < len(keys) {
			return keys[i]
		}
		return nil
	}))
	sync()
	return obj
}

// webStorage is a Web Storage object (window[name]) as a widget.Storage.
// The browser may refuse a write (QuotaExceededError, or storage turned off
// since the page opened): that is an error, not a crash.
type webStorage struct{ name string }

func (w webStorage) store() app.Value { return app.Window().Get(w.name) }

func (w webStorage) Get(key string) (string, bool) {
	v, err := jsCall(w.store(), "getItem", key)
	if err != nil || v.Type() != app.TypeString {
		return "", false
	}
	return v.String(), true
}

func (w webStorage) Set(key, value string) error {
	_, err := jsCall(w.store(), "setItem", key, value)
	return err
}

func (w webStorage) Remove(key string) error {
	_, err := jsCall(w.store(), "removeItem", key)
	return err
}

func (w webStorage) Keys() []string {
	s := w.store()
	var keys []string
	for i := range s.Get("length").Int() {
		if k, err := jsCall(s, "key", i); err == nil && k.Type() == app.TypeString {
			keys = append(keys, k.String())
		}
	}
	return keys
}
