//go:build js && wasm

package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/widget"
)

// xhrClient sends the widget's HTTP requests with XMLHttpRequest, which,
// unlike fetch, reports upload progress. The request body is copied into a
// Blob a chunk at a time (never whole into Go memory), and the progress
// goes to the function widget.UploadProgress finds in the request's
// context. It is a Doer, not an http.RoundTripper, and the program never
// calls (*http.Client).Do: net/http's transport, TLS and HTTP/2 stay out of
// the wasm (about 2.3 MB of code). The browser follows redirects itself.
type xhrClient struct{}

func isBlob(r io.ReaderAt) bool {
	_, ok := r.(*blobSealed)
	return ok
}

// maxResponse bounds what is read of a response: receipts and configs are
// small.
const maxResponse = 4 << 20

func (xhrClient) Do(req *http.Request) (*http.Response, error) {
	xhr := app.Window().Get("XMLHttpRequest").New()
	xhr.Call("open", req.Method, req.URL.String(), true)
	xhr.Set("responseType", "arraybuffer")
	for name, values := range req.Header {
		for _, v := range values {
			xhr.Call("setRequestHeader", name, v)
		}
	}

	var body any = nil
	if section, ok := req.Body.(interface {
		Outer() (io.ReaderAt, int64, int64)
	}); ok {
		// A section of a sealed report in a Blob: sent as it is.
		if r, off, n := section.Outer(); isBlob(r) {
			body = r.(*blobSealed).blob.Call("slice", off, off+n)
			req.Body.Close()
		}
	}
	if req.Body != nil && body == nil {
		sink := newBlobSink()
		_, err := io.Copy(sink, req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		sealed, _ := sink.Close()
		body = sealed.(*blobSealed).blob
	}

	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	settle := func(r result) {
		select {
		case done <- r:
		default:
		}
	}
	var funcs []app.Func
	on := func(target app.Value, event string, fn func(e app.Value)) {
		f := app.FuncOf(func(_ app.Value, args []app.Value) any {
			fn(args[0])
			return nil
		})
		funcs = append(funcs, f)
		target.Call("addEventListener", event, f)
	}
	defer func() {
		for _, f := range funcs {
			f.Release()
		}
	}()
	if progress := widget.UploadProgress(req.Context()); progress != nil && body != nil {
		on(xhr.Get("upload"), "progress", func(e app.Value) {
			if e.Get("lengthComputable").Bool() {
				progress(int64(e.Get("loaded").Float()), int64(e.Get("total").Float()))
			}
		})
	}
	on(xhr, "load", func(app.Value) { settle(result{resp: response(req, xhr)}) })
	for _, event := range []string{"error", "timeout", "abort"} {
		on(xhr, event, func(app.Value) {
			settle(result{err: errors.New("the request to " + req.URL.Host + " failed (" + event + "): the network or the server's CORS settings")})
		})
	}
	if body != nil {
		xhr.Call("send", body)
	} else {
		xhr.Call("send")
	}
	select {
	case r := <-done:
		return r.resp, r.err
	case <-req.Context().Done():
		xhr.Call("abort")
		return nil, req.Context().Err()
	}
}

// response turns a finished XMLHttpRequest into an *http.Response.
func response(req *http.Request, xhr app.Value) *http.Response {
	header := http.Header{}
	for _, line := range strings.Split(xhr.Call("getAllResponseHeaders").String(), "\r\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		}
	}
	var data []byte
	var body io.Reader = bytes.NewReader(nil)
	if buf := xhr.Get("response"); buf.Truthy() {
		u8 := app.Window().Get("Uint8Array").New(buf)
		data = make([]byte, min(u8.Length(), maxResponse))
		app.CopyBytesToGo(data, u8.Call("subarray", 0, len(data)))
		body = bytes.NewReader(data)
		if u8.Length() > maxResponse {
			// Cut, and said so: a reader must not take the first part
			// for the whole answer.
			body = io.MultiReader(body, errReader{errors.New("the answer from " + req.URL.Host + " is over " + strconv.Itoa(maxResponse) + " bytes")})
		}
	}
	status := xhr.Get("status").Int()
	return &http.Response{
		Status: strconv.Itoa(status) + " " + xhr.Get("statusText").String(), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: header, Body: io.NopCloser(body), ContentLength: int64(len(data)), Request: req,
	}
}

// errReader fails every read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
