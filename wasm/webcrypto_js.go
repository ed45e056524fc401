//go:build js && wasm

package main

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// webCalls and goCalls count the blocks encrypted by WebCrypto and by the
// crypto/aes fallback (reported in the form's performance marks).
var webCalls, goCalls int

// webCBC is AES-CBC in the browser's WebCrypto: native code, with AES
// instructions where the machine has them, where Go compiled to wasm runs
// AES in software. Sealing computes AES-CFB with it (core/seal). Each call
// waits for WebCrypto's promise, so it runs off the UI's path; should
// WebCrypto fail, the same blocks are computed with crypto/aes.
type webCBC struct {
	key      app.Value // a CryptoKey
	iv       [aes.BlockSize]byte
	fallback cipher.Block
	in       app.Value // the input array, reused
}

func newWebCBC(key, iv []byte) (cipher.BlockMode, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	c := &webCBC{fallback: block}
	copy(c.iv[:], iv)
	subtle := app.Window().Get("crypto").Get("subtle")
	if !subtle.Truthy() {
		return c, nil // not a secure context: crypto/aes it is
	}
	raw := app.Window().Get("Uint8Array").New(len(key))
	app.CopyBytesToJS(raw, key)
	if k, err := await(subtle.Call("importKey", "raw", raw, map[string]any{"name": "AES-CBC"}, false, []any{"encrypt"})); err == nil {
		c.key = k
	}
	return c, nil
}

func (c *webCBC) BlockSize() int { return aes.BlockSize }

// CryptBlocks encrypts whole blocks, continuing the chain. WebCrypto adds a
// padding block, which is dropped.
func (c *webCBC) CryptBlocks(dst, src []byte) {
	if len(src) == 0 {
		return
	}
	if c.key != nil {
		if err := c.web(dst, src); err == nil {
			webCalls++
			return
		}
		c.key = nil // do not try again
	}
	goCalls++
	cipher.NewCBCEncrypter(c.fallback, c.iv[:]).CryptBlocks(dst, src)
	copy(c.iv[:], dst[len(src)-aes.BlockSize:len(src)])
}

func (c *webCBC) web(dst, src []byte) error {
	// WebCrypto copies its input when called: one array serves every call.
	if c.in == nil || c.in.Length() < len(src) {
		c.in = app.Window().Get("Uint8Array").New(len(src))
	}
	in := c.in.Call("subarray", 0, len(src))
	app.CopyBytesToJS(in, src)
	iv := app.Window().Get("Uint8Array").New(aes.BlockSize)
	app.CopyBytesToJS(iv, c.iv[:])
	buf, err := await(app.Window().Get("crypto").Get("subtle").Call("encrypt", map[string]any{"name": "AES-CBC", "iv": iv}, c.key, in))
	if err != nil {
		return err
	}
	out := app.Window().Get("Uint8Array").New(buf)
	if out.Length() != len(src)+aes.BlockSize {
		return errors.New("webcrypto: unexpected AES-CBC output length")
	}
	app.CopyBytesToGo(dst[:len(src)], out.Call("subarray", 0, len(src)))
	copy(c.iv[:], dst[len(src)-aes.BlockSize:len(src)])
	return nil
}
