package widget

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

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
	if client == nil {
		return nil, errors.New("loading the form's settings: no HTTP client")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, configURL, nil)
	if err != nil {
		return nil, err
	}
	mark("sealpost:config-fetch")
	resp, err := client.Do(req)
	mark("sealpost:config-fetched")
	if err != nil {
		return nil, fmt.Errorf("loading the form's settings: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("loading the form's settings: %s answered %s", configURL, resp.Status)
	}
	cfg, err := config.Load(io.LimitReader(resp.Body, config.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	mark("sealpost:config-checked")
	v := &Vendor{Config: cfg}
	opts := pgpkey.Options{Now: now, Pin: cfg.Key.Fingerprint}
	var data []byte
	switch {
	case cfg.Key.Armored != "":
		data = []byte(cfg.Key.Armored)
	case cfg.Key.URL != "":
		data, err = pgpkey.Fetch(ctx, client, cfg.Key.URL)
	default:
		data, err = pgpkey.LookupWKD(ctx, client, cfg.Key.WKD)
	}
	if err == nil {
		var set *pgpkey.Set
		if set, err = pgpkey.Parse(data, opts); err == nil {
			v.Key = set.Keys[0]
		}
	}
	v.KeyErr = err
	return v, nil
}

// resolveConfig finds the config URL from the page URL.
func resolveConfig(page *url.URL) string {
	ref := page.Query().Get("config")
	if ref == "" {
		ref = "config.json"
	}
	u, err := page.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
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
