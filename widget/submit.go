package widget

import (
	"context"
	"crypto/cipher"
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
	// same sealed report again with the same key files it once.
	Post(ctx context.Context, sealed Sealed, key string) (*deliver.Summary, error)
}

// NewCBC is the AES-CBC sealing computes AES-CFB with: the browser program
// (wasm/) sets WebCrypto's; nil means crypto/aes.
var NewCBC func(key, iv []byte) (cipher.BlockMode, error)

// CoreSubmitter seals with core/seal to the vendor's keys and posts with
// core/deliver to the config's endpoint.
type CoreSubmitter struct {
	Config *config.Config
	Keys   []*pgpkey.Key
	Client *deliver.Client
	Now    func() time.Time
}

// Seal encrypts r with its attachments, armored: the same message serves
// the post, the .asc download and the email fallback.
func (s *CoreSubmitter) Seal(ctx context.Context, r *report.Report, attachments []io.Reader) (Sealed, error) {
	sink := newSealSink()
	if err := seal.Report(sink, r, attachments, s.Keys, seal.Options{Armor: true, Now: s.Now, NewCBC: NewCBC}); err != nil {
		sink.Close()
		return nil, err
	}
	return sink.Close()
}

// Post sends the sealed report with the client's retries.
func (s *CoreSubmitter) Post(ctx context.Context, sealed Sealed, key string) (*deliver.Summary, error) {
	receipt, err := s.Client.Post(ctx, sealed, sealed.Size(), key)
	if err != nil {
		return nil, err
	}
	return deliver.NewSummary(receipt, s.Keys[0].Fingerprint, s.Config), nil
}
