//go:build js && wasm

package main

import (
	"errors"
	"runtime"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// parentHost posts the widget's plaintext-free messages to the page that
// embeds its frame; sealpost.js checks and relays them.
type parentHost struct{}

func (parentHost) post(msg map[string]any) {
	parent := app.Window().Get("parent")
	if parent.Truthy() && !parent.Equal(app.Window().JSValue()) {
		msg["sealpost"] = 1
		parent.Call("postMessage", msg, "*")
	}
}

// watchHeight tells the embedding page the document's height whenever it
// changes, so that sealpost.js can size the frame without scroll bars.
func (h parentHost) watchHeight() {
	root := app.Window().Get("document").Get("documentElement")
	resized := app.FuncOf(func(app.Value, []app.Value) any {
		h.post(map[string]any{"type": "height", "height": root.Get("scrollHeight").Int()})
		return nil
	})
	app.Window().Get("ResizeObserver").New(resized).Call("observe", root)
}

func (h parentHost) Submitted(id, sha256 string) {
	h.post(map[string]any{"type": "submitted", "id": id, "sha256": sha256})
}

// markWithMemory adds a User Timing mark carrying the Go runtime's memory
// figures: Sys is about the wasm linear memory, which only grows.
func markWithMemory(name string) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	app.Window().Get("performance").Call("mark", name, map[string]any{
		"detail": map[string]any{"go_sys_bytes": float64(m.Sys), "go_heap_inuse_bytes": float64(m.HeapInuse),
			"webcrypto_calls": webCalls, "go_aes_calls": goCalls},
	})
}

// yieldAfter is how long sealing may keep the page's thread: a frame.
const yieldAfter = 16 * time.Millisecond

// lastYield is when yieldToBrowser last gave the browser a turn.
var lastYield time.Time

// yieldToBrowser waits for one turn of the browser's event loop, unless it
// had one within yieldAfter: a setTimeout of 0. Measured with make bench
// -profile: yielding at every call (each 128 KiB) cost about a tenth of
// sealing's time; yielding through a MessageChannel (a task not clamped to
// 4 ms) was no faster, and Chromium ran those messages before the page's
// timers, which then waited 40–55 ms again and again.
func yieldToBrowser() {
	if time.Since(lastYield) < yieldAfter {
		return
	}
	defer func() { lastYield = time.Now() }()
	done := make(chan struct{})
	f := app.FuncOf(func(app.Value, []app.Value) any {
		close(done)
		return nil
	})
	defer f.Release()
	app.Window().Call("setTimeout", f, 0)
	<-done
}

// copyToClipboard writes text with navigator.clipboard (a secure context;
// in a cross-origin frame, sealpost.js grants it clipboard-write). It waits
// for the browser's promise: call it off the UI's path.
func copyToClipboard(text string) error {
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		return errors.New("this page has no clipboard")
	}
	p, err := jsCall(clip, "writeText", text)
	if err != nil {
		return err
	}
	_, err = await(p)
	return err
}
