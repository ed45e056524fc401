//go:build js && wasm

// Command powbench is make bench's probe of the proof of work in the
// browser: it exposes powBench(runs, difficulty), which solves runs
// challenges over random bodies with core/internal/pow, yielding to the
// browser as the widget does (wasm/host_js.go: a setTimeout of 0 at most
// every 16 ms), and resolves to the milliseconds each solve took; and
// powDefaultDifficulty.
package main

import (
	"context"
	"crypto/rand"
	"syscall/js"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
)

var lastYield time.Time

func yield() error {
	if time.Since(lastYield) < 16*time.Millisecond {
		return nil
	}
	done := make(chan struct{})
	f := js.FuncOf(func(js.Value, []js.Value) any { close(done); return nil })
	js.Global().Call("setTimeout", f, 0)
	<-done
	f.Release()
	lastYield = time.Now()
	return nil
}

func main() {
	key := make([]byte, 32)
	rand.Read(key)
	js.Global().Set("powDefaultDifficulty", pow.DefaultDifficulty)
	js.Global().Set("powBench", js.FuncOf(func(_ js.Value, args []js.Value) any {
		runs, difficulty := args[0].Int(), uint64(args[1].Int())
		return js.Global().Get("Promise").New(js.FuncOf(func(_ js.Value, p []js.Value) any {
			go func() {
				out := js.Global().Get("Array").New()
				for range runs {
					var id [16]byte
					var body [32]byte
					rand.Read(id[:])
					rand.Read(body[:])
					c, _ := pow.NewChallenge(key, difficulty, time.Now().Add(time.Hour), id)
					start := js.Global().Get("performance").Call("now").Float()
					pow.Solve(context.Background(), c, body, yield)
					out.Call("push", js.Global().Get("performance").Call("now").Float()-start)
				}
				p[0].Invoke(out)
			}()
			return nil
		}))
	}))
	js.Global().Get("document").Get("body").Call("setAttribute", "data-ready", "")
	select {}
}
