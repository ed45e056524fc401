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

// App is the page the widget's iframe shows: it loads the vendor's config
// (the page URL's "config" parameter, relative to the page; config.json by
// default) and key, then shows the [Form].
type App struct {
	app.Compo

	// Host is told when a report is submitted; nil means nobody.
	Host Host

	form    *Form
	loading bool
	err     string
}

// HTTP sends the widget's requests (the config, the key, the posts). The
// browser program (wasm/) sets its XMLHttpRequest client, which reports
// upload progress; the form cannot load without one.
var HTTP deliver.Doer

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

// OnNav loads the vendor when the page opens.
func (a *App) OnNav(ctx app.Context) {
	if a.form != nil || a.loading || !app.IsClient {
		return
	}
	a.loading = true
	mark("sealpost:nav")
	page := ctx.Page().URL()
	configURL := resolveConfig(page)
	lang := browserLanguages()
	ctx.Async(func() {
		v, err := LoadVendor(context.Background(), HTTP, configURL, time.Now)
		mark("sealpost:vendor-loaded")
		ctx.Dispatch(func(ctx app.Context) {
			a.loading = false
			if err != nil {
				a.err = err.Error()
				return
			}
			f := NewForm(v.Config, "")
			f.Lang = v.Config.Language(lang...)
			f.Key, f.KeyErr = v.Key, v.KeyErr
			f.Host = a.Host
			if v.Key != nil {
				f.Submitter = &CoreSubmitter{Config: v.Config, Keys: []*pgpkey.Key{v.Key},
					Client: &deliver.Client{Endpoint: v.Config.Endpoint.URL, Format: v.Config.Format(), HTTP: HTTP,
						Challenge: deliver.ChallengeURL(v.Config.Endpoint.URL)}}
			}
			a.form = f
		})
	})
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

// Render shows the form, or what keeps it from showing.
func (a *App) Render() app.UI {
	switch {
	case a.form != nil:
		return a.form
	case a.err != "":
		return app.Div().Class("sealpost").Body(app.P().Class("sp-alert").Role("alert").Text(a.err))
	}
	return app.Div().Class("sealpost").Body(app.P().Class("sp-loading").Text("Loading the report form…"))
}
