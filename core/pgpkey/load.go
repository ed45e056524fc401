package pgpkey

import (
	"context"
	"fmt"

	"github.com/sealpost/sealpost/core/internal/web"
)

// A Source is where a vendor config (sealpost.config/v1's "key") says the
// vendor's key is: one of URL, Armored and WKD, and a fingerprint to pin.
// The config's key converts to it: pgpkey.Source(cfg.Key).
type Source struct {
	URL         string // an https URL of a key file, a page or a .zip ([Fetch])
	Armored     string // the key itself
	WKD         string // an email address to look up in the Web Key Directory ([LookupWKD])
	Fingerprint string // when set, the only key accepted ([Options.Pin])
}

// Load gets the key src names, the inline armor first, then the URL, then
// the Web Key Directory, and judges it with [Parse] at o's clock, pinned to
// src.Fingerprint when it is set. client is as for [Fetch].
func Load(ctx context.Context, client web.Doer, src Source, o Options) (*Set, error) {
	if src.Fingerprint != "" {
		o.Pin = src.Fingerprint
	}
	var data []byte
	var err error
	switch {
	case src.Armored != "":
		data = []byte(src.Armored)
	case src.URL != "":
		data, err = Fetch(ctx, client, src.URL)
	case src.WKD != "":
		data, err = LookupWKD(ctx, client, src.WKD)
	default:
		return nil, fmt.Errorf("%w: the config names no key: give key.url, key.armored or key.wkd", ErrEmpty)
	}
	if err != nil {
		return nil, err
	}
	return Parse(data, o)
}
