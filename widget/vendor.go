package widget

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
)

// Vendor is what the form needs from the vendor: its config and key.
type Vendor struct {
	Config *config.Config
	Key    *pgpkey.Key
	KeyErr error
}

// LoadVendor fetches a vendor config from configURL and its key, as the
// config says: inline armor, an https URL, or WKD. A key that cannot be used
// is not an error: Vendor.KeyErr says why, so the form can say it too.
func LoadVendor(ctx context.Context, client deliver.Doer, configURL string, now func() time.Time) (*Vendor, error) {
	return loadVendor(ctx, client, configURL, "", now)
}

// Load is [LoadVendor] under a build's lock: the config the page asks for
// when the build allows it ([ErrLocked], before anything is fetched,
// otherwise), checked against its signature when the build names a
// signer ([ErrUnsigned], or an error wrapping [config.ErrSignature]).
func (l Lock) Load(ctx context.Context, client deliver.Doer, page *url.URL, now func() time.Time) (*Vendor, error) {
	configURL, err := l.ConfigURL(page)
	if err != nil {
		return nil, err
	}
	return loadVendor(ctx, client, configURL, l.Signer, now)
}

// loadVendor loads the vendor. signer, when set, is the fingerprint of the
// key that must have signed the config: its signature is fetched with it,
// and the config's key must be that key (nothing more is fetched when the
// config pins another).
func loadVendor(ctx context.Context, client deliver.Doer, configURL, signer string, now func() time.Time) (*Vendor, error) {
	if client == nil {
		return nil, errors.New("loading the form's settings: no HTTP client")
	}
	markIn(ctx, "sealpost:config-fetch")
	data, err := get(ctx, client, configURL, config.MaxBytes)
	markIn(ctx, "sealpost:config-fetched")
	if err != nil {
		return nil, err
	}
	var sig []byte
	if signer != "" {
		if sig, err = get(ctx, client, signatureURL(configURL), config.MaxSignatureBytes); errors.Is(err, errNotFound) {
			return nil, ErrUnsigned
		} else if err != nil {
			return nil, err
		}
	}
	cfg, err := config.Load(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	markIn(ctx, "sealpost:config-checked")
	src := pgpkey.Source(cfg.Key)
	if signer != "" {
		if src.Fingerprint != "" && config.NormalizeFingerprint(src.Fingerprint) != signer {
			return nil, errOtherSigner
		}
		src.Fingerprint = signer
	}
	v := &Vendor{Config: cfg}
	set, err := pgpkey.Load(ctx, client, src, pgpkey.Options{Now: now})
	if err == nil {
		v.Key = set.Keys[0]
	}
	v.KeyErr = err
	if signer != "" {
		if err := checkSigned(data, sig, v, signer, now); err != nil {
			return nil, err
		}
	}
	return v, nil
}

var errOtherSigner = fmt.Errorf("%w: the config names another key than the one that must sign it", config.ErrSignature)

// checkSigned checks the config's signature with the vendor's key, which
// must be the signer's.
func checkSigned(data, sig []byte, v *Vendor, signer string, now func() time.Time) error {
	switch {
	case v.Key == nil:
		return fmt.Errorf("%w: its key cannot be used: %v", config.ErrSignature, v.KeyErr)
	case v.Key.Fingerprint != signer:
		return errOtherSigner
	}
	return config.CheckSignature(data, sig, openpgp.EntityList{v.Key.Entity}, now)
}

// errNotFound is a 404 or 410 answer.
var errNotFound = errors.New("not found")

// get fetches rawURL, at most limit bytes.
func get(ctx context.Context, client deliver.Doer, rawURL string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("loading the form's settings: %w", err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound, http.StatusGone:
		return nil, fmt.Errorf("loading the form's settings: %s answered %s: %w", rawURL, resp.Status, errNotFound)
	default:
		return nil, fmt.Errorf("loading the form's settings: %s answered %s", rawURL, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("loading the form's settings: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("loading the form's settings: %s is larger than %d bytes", rawURL, limit)
	}
	return data, nil
}

// browserLanguages are the browser's preferred languages (client only).
func browserLanguages() []string {
	nav := app.Window().Get("navigator")
	var langs []string
	if list := nav.Get("languages"); list.Truthy() {
		for i := range list.Length() {
			langs = append(langs, list.Index(i).String())
		}
	}
	if l := nav.Get("language"); l.Truthy() {
		langs = append(langs, l.String())
	}
	return langs
}
