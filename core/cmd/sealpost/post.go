package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/thread"
)

const postSynopsis = "post --endpoint URL [--format raw|multipart|json] [--reply-code FILE] [--format-out text|json] [SEALED|-]"

// post sends a sealed report to a vendor's endpoint as the widget does
// (core/deliver: retries, idempotency, proof of work), with the thread
// hash of its reply code, so that a report sealed in a terminal can be
// followed too.
func (e *env) post(args []string) error {
	fs := e.flags("post", postSynopsis)
	endpoint := fs.String("endpoint", "", "the vendor's report endpoint `URL` (its config's endpoint.url)")
	format := fs.String("format", deliver.FormatRaw, "the endpoint's `format`: raw, multipart or json (its config's endpoint.format)")
	codeFile := fs.String("reply-code", "", "the reply code `file` sealpost seal --reply-code wrote for this report: the intake opens its thread")
	formatOut := fs.String("format-out", "text", "output `format`: text or json")
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *endpoint == "" {
		return usageError("post: --endpoint URL is required: the vendor's report endpoint (endpoint.url in its config)")
	}
	if u, err := url.Parse(*endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usageError("post: --endpoint must be an http(s) URL, not %q", *endpoint)
	}
	switch *format {
	case deliver.FormatRaw, deliver.FormatMultipart, deliver.FormatJSON:
	default:
		return usageError("post: --format must be raw, multipart or json, not %q", *format)
	}
	if *formatOut != "text" && *formatOut != "json" {
		return usageError("post: --format-out must be text or json, not %q", *formatOut)
	}
	client := &deliver.Client{Endpoint: *endpoint, Format: *format, Challenge: deliver.ChallengeURL(*endpoint)}
	if *codeFile != "" {
		code, err := readCode("", *codeFile)
		if err != nil {
			return err
		}
		client.ThreadHash = thread.TokenHash(code.Token())
	}
	body, size, done, err := e.sealedInput(first(files))
	if err != nil {
		return err
	}
	defer done()
	receipt, err := client.Post(context.Background(), body, size, deliver.NewIdempotencyKey())
	if err != nil {
		return cleanError(err)
	}
	if *formatOut == "json" {
		return writeJSON(e.stdout, receipt)
	}
	fmt.Fprintf(e.stdout, "id:          %s\nsha256:      %s\nreceived_at: %s\n", receipt.ID, receipt.SHA256, receipt.ReceivedAt.UTC().Format("2006-01-02T15:04:05Z07:00"))
	if *codeFile != "" {
		fmt.Fprintf(e.stdout, "follow it:   sealpost follow --server %s --code-file %s\n", *endpoint, *codeFile)
	}
	return nil
}

// sealedInput is the sealed report to post, readable at any offset (each
// retry reads it again): the named file, or standard input copied to a
// temporary file, since a sealed report may be gigabytes.
func (e *env) sealedInput(name string) (io.ReaderAt, int64, func(), error) {
	if name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, 0, nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, nil, err
		}
		if st.Size() == 0 {
			f.Close()
			return nil, 0, nil, fmt.Errorf("%s is empty: give the sealed report (sealpost seal's output)", name)
		}
		return f, st.Size(), func() { f.Close() }, nil
	}
	tmp, err := os.CreateTemp("", "sealpost-post-*")
	if err != nil {
		return nil, 0, nil, err
	}
	done := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, e.stdin)
	if err != nil {
		done()
		return nil, 0, nil, err
	}
	if n == 0 {
		done()
		return nil, 0, nil, fmt.Errorf("standard input is empty: give the sealed report (sealpost seal's output)")
	}
	return tmp, n, done, nil
}
