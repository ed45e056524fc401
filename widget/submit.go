package widget

import (
	"bytes"
	"context"
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
	Submit(ctx context.Context, r *report.Report, attachments []io.Reader) (*deliver.Summary, error)
}

// CoreSubmitter seals with core/seal to the vendor's keys and posts with
// core/deliver to the config's endpoint.
type CoreSubmitter struct {
	Config *config.Config
	Keys   []*pgpkey.Key
	Client *deliver.Client
	Now    func() time.Time
}

// Submit seals r with its attachments' contents (armored when the endpoint
// takes JSON, binary otherwise) and posts it with a fresh idempotency key
// and the client's retries. The sealed message is held in memory for the
// post and its retries (streaming the upload is future work).
func (s *CoreSubmitter) Submit(ctx context.Context, r *report.Report, attachments []io.Reader) (*deliver.Summary, error) {
	var sealed bytes.Buffer
	opts := seal.Options{Armor: s.Config.Format() == deliver.FormatJSON, Now: s.Now}
	if err := seal.Report(&sealed, r, attachments, s.Keys, opts); err != nil {
		return nil, err
	}
	receipt, err := s.Client.Post(ctx, bytes.NewReader(sealed.Bytes()), int64(sealed.Len()), deliver.NewIdempotencyKey())
	if err != nil {
		return nil, err
	}
	return deliver.NewSummary(receipt, s.Keys[0].Fingerprint, s.Config), nil
}
