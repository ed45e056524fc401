package widget

import (
	"context"
	"crypto/cipher"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/deliver"
)

// Platform is what the browser gives the widget: its network, storage,
// files, clipboard and WebCrypto. The browser program (wasm/) makes one,
// once, and hands it to the [App], which hands it down to the views.
// Natively (tests, the static prerender) the zero Platform works: no
// network, memory for the outbox and the sealed report, crypto/aes, no
// file picker, no clipboard, no kept codes.
type Platform struct {
	// HTTP sends the widget's requests (the config, the key, the posts,
	// the thread): in the browser, an XMLHttpRequest client, which reports
	// upload progress (see [WithUploadProgress]). nil: the form cannot
	// load.
	HTTP deliver.Doer
	// FilesFrom turns the value of a file input's "files" property into
	// Files; nil: no file can be attached.
	FilesFrom func(fileList app.Value) []File
	// NewOutbox opens the outbox the form keeps undelivered reports in
	// (IndexedDB); nil, or an error from it, means a [MemoryOutbox].
	NewOutbox func() (Outbox, error)
	// NewSealSink makes the sink a report is sealed into (a Blob
	// builder); nil means memory.
	NewSealSink func() SealSink
	// NewCBC is the AES-CBC sealing computes AES-CFB with (WebCrypto's);
	// nil means crypto/aes.
	NewCBC func(key, iv []byte) (cipher.BlockMode, error)
	// Yield lets the browser run (input, painting) before sealing or a
	// proof of work goes on; it may return at once when the page had a
	// turn a moment ago. nil: no yielding.
	Yield func()
	// Clipboard puts text on the system clipboard (navigator.clipboard);
	// nil: the receipt offers no Copy button. It may block: call it off
	// the UI's path.
	Clipboard func(text string) error
	// CodeStore is where the receipt keeps a reply code when the reporter
	// ticks "Keep the code in this browser": the widget origin's
	// localStorage, set only when the frame has storage of its own. nil
	// (an opaque sandboxed frame): the receipt does not offer to keep the
	// code. Nothing is kept unless asked.
	CodeStore Storage
	// Mark records a moment of the form's work for performance tools (a
	// User Timing mark with the Go memory figures as its detail, which make
	// bench reads); nil: nothing.
	Mark func(name string)
}

// orDefault is p, or the zero Platform when p is nil.
func (p *Platform) orDefault() *Platform {
	if p == nil {
		return &Platform{}
	}
	return p
}

func (p *Platform) mark(name string) {
	if p != nil && p.Mark != nil {
		p.Mark(name)
	}
}

func (p *Platform) yield() {
	if p != nil && p.Yield != nil {
		p.Yield()
	}
}

// newSealSink makes the sink a report is sealed into.
func (p *Platform) newSealSink() SealSink {
	if p != nil && p.NewSealSink != nil {
		return p.NewSealSink()
	}
	return &memorySink{}
}

// openOutbox is the outbox to use: the browser's when it has one.
func (p *Platform) openOutbox() Outbox {
	if p != nil && p.NewOutbox != nil {
		if o, err := p.NewOutbox(); err == nil {
			return o
		}
	}
	return &MemoryOutbox{}
}

func (p *Platform) newCBC() func(key, iv []byte) (cipher.BlockMode, error) {
	if p == nil {
		return nil
	}
	return p.NewCBC
}

type markKey struct{}

// withMark returns a context under which work records its moments with p.
func withMark(ctx context.Context, p *Platform) context.Context {
	return context.WithValue(ctx, markKey{}, p)
}

// markIn records a moment with the Platform withMark put in ctx, if any.
func markIn(ctx context.Context, name string) {
	p, _ := ctx.Value(markKey{}).(*Platform)
	p.mark(name)
}
