package widget

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"time"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

// Submitter seals a validated report and delivers it. Only ciphertext may
// leave it.
type Submitter interface {
	// Seal encrypts the report and its attachments' contents.
	Seal(ctx context.Context, r *report.Report, attachments []io.Reader) (Sealed, error)
	// Post delivers a sealed report under an idempotency key; posting the
	// same sealed report again with the same key files it once. work holds
	// the report's proof of work, if the endpoint asks for one: Post sends
	// it while it lasts and keeps a new one there. threadHash, when set, is
	// the report's thread token hash (thread.TokenHash), sent with every
	// post of the report so that a Sealpost intake opens its thread.
	Post(ctx context.Context, sealed Sealed, key string, work *deliver.Work, threadHash string) (*deliver.Summary, error)
}

// CoreSubmitter seals with core/seal to the vendor's keys and posts with
// core/deliver to the config's endpoint.
type CoreSubmitter struct {
	Config *config.Config
	Keys   []*pgpkey.Key
	// Client posts; nil for an email-only config, whose reports are not
	// posted.
	Client *deliver.Client
	Now    func() time.Time
	// Platform gives the sink the report is sealed into, the AES-CBC and
	// the yielding to the browser; nil means the defaults (see [Platform]).
	Platform *Platform
}

// Seal encrypts r with its attachments, armored: the same message serves
// the post, the .asc download and the email fallback.
func (s *CoreSubmitter) Seal(ctx context.Context, r *report.Report, attachments []io.Reader) (Sealed, error) {
	sink := s.Platform.newSealSink()
	if err := seal.Report(sink, r, attachments, s.Keys, seal.Options{Armor: true, Now: s.Now, NewCBC: s.Platform.newCBC()}); err != nil {
		sink.Close()
		return nil, err
	}
	return sink.Close()
}

// warmUpBytes is how much throwaway data WarmUp seals.
const warmUpBytes = 2 << 20

// WarmUp seals warmUpBytes of zeros to the vendor's keys and throws the
// result away, so that the browser has compiled the sealing code with its
// optimizing compiler before a large report is sealed: wasm starts in a
// baseline compiler about half as fast. The form calls it once, when a
// large file is attached.
func (s *CoreSubmitter) WarmUp() {
	r := &report.Report{Schema: report.Schema, Description: "warm-up", Attachments: []report.Attachment{{Name: "warm-up", Type: "application/octet-stream", Size: warmUpBytes}}}
	sum := sha256.Sum256(make([]byte, warmUpBytes))
	r.Attachments[0].SHA256 = hex.EncodeToString(sum[:])
	body := withProgress(io.LimitReader(zeros{}, warmUpBytes), s.Platform.yield, func(int64) {})
	seal.Report(io.Discard, r, []io.Reader{body}, s.Keys, seal.Options{Armor: true, Now: s.Now, NewCBC: s.Platform.newCBC()})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Post sends the sealed report with the client's retries. A proof of
// work is solved in slices that yield to the browser ([Platform].Yield); the first
// slice calls the function [WithPreparing] put in ctx.
func (s *CoreSubmitter) Post(ctx context.Context, sealed Sealed, key string, work *deliver.Work, threadHash string) (*deliver.Summary, error) {
	if s.Client == nil {
		return nil, errors.New("this form has no endpoint to post to: its reports are sent by email")
	}
	client := *s.Client
	client.ThreadHash = threadHash
	preparing := Preparing(ctx)
	client.Pause = func() error {
		if preparing != nil {
			preparing()
			preparing = nil
		}
		s.Platform.yield()
		return nil
	}
	receipt, err := client.PostWork(ctx, sealed, sealed.Size(), key, work)
	if err != nil {
		return nil, err
	}
	return deliver.NewSummary(receipt, s.Keys[0].Fingerprint, s.Config), nil
}
