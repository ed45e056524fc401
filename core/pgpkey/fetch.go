package pgpkey

import (
	"context"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/internal/web"
)

// Bounds on fetching keys.
const (
	FetchTimeout = 5 * time.Second
	MaxWKDBytes  = 256 << 10
)

// ErrFetch reports that a key could not be downloaded.
var ErrFetch = errors.New("fetching the key failed")

// Fetch downloads a key file (an .asc, a .zip, a page holding the key) from
// an https URL, within [FetchTimeout] unless ctx ends sooner, and at most
// [MaxBytes]. client is an *http.Client or any other
// [github.com/sealpost/sealpost/core/deliver.Doer] (the widget passes the
// browser's); nil means a client like http.DefaultClient (natively) that
// follows at most three redirects, all to https. Whatever the client, a
// response whose request (resp.Request) ended on another scheme than https
// is refused. Give the bytes to [Parse].
func Fetch(ctx context.Context, client web.Doer, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not an https:// URL; keys must come over HTTPS", ErrFetch, rawURL)
	}
	return get(ctx, client, rawURL, MaxBytes)
}

// zbase32 is the z-base-32 alphabet of the Web Key Directory.
var zbase32 = base32.NewEncoding("ybndrfg8ejkmcpqxot1uwisza345h769").WithPadding(base32.NoPadding)

// WKDURLs returns the Web Key Directory URLs for an email address, the
// advanced one first, as draft-koch-openpgp-webkey-service specifies.
func WKDURLs(address string) (advanced, direct string, err error) {
	a, err := mail.ParseAddress(address)
	if err != nil || strings.ContainsAny(a.Address, " <>") {
		return "", "", fmt.Errorf("%w: %q is not an email address", ErrFetch, address)
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	domain = strings.ToLower(domain)
	sum := sha1.Sum([]byte(strings.ToLower(local)))
	hash := zbase32.EncodeToString(sum[:])
	l := url.QueryEscape(local)
	advanced = fmt.Sprintf("https://openpgpkey.%s/.well-known/openpgpkey/%s/hu/%s?l=%s", domain, domain, hash, l)
	direct = fmt.Sprintf("https://%s/.well-known/openpgpkey/hu/%s?l=%s", domain, hash, l)
	return advanced, direct, nil
}

// LookupWKD gets the key for address from its domain's Web Key Directory:
// the advanced URL, then the direct one; binary keys of at most
// [MaxWKDBytes], within [FetchTimeout]. client is as for [Fetch].
func LookupWKD(ctx context.Context, client web.Doer, address string) ([]byte, error) {
	advanced, direct, err := WKDURLs(address)
	if err != nil {
		return nil, err
	}
	data, errAdvanced := get(ctx, client, advanced, MaxWKDBytes)
	if errAdvanced == nil {
		return data, nil
	}
	data, errDirect := get(ctx, client, direct, MaxWKDBytes)
	if errDirect == nil {
		return data, nil
	}
	return nil, fmt.Errorf("%w: no Web Key Directory entry for %s (advanced: %v; direct: %v)", ErrFetch, address, unwrapFetch(errAdvanced), unwrapFetch(errDirect))
}

func unwrapFetch(err error) string {
	return strings.TrimPrefix(err.Error(), ErrFetch.Error()+": ")
}

func get(ctx context.Context, client web.Doer, rawURL string, limit int64) ([]byte, error) {
	if client == nil {
		client = ownClient()
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, FetchTimeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	defer resp.Body.Close()
	// A caller's client may follow redirects anywhere; what came back over
	// plain HTTP may have been swapped on the way. A Doer that does not
	// set resp.Request says nothing of redirects.
	if final := resp.Request; final != nil && final.URL != nil && final.URL.Scheme != "https" {
		return nil, fmt.Errorf("%w: %s redirected to %s, which is not https; keys must come over HTTPS, so give the key's https URL or ask its site to redirect to https only", ErrFetch, rawURL, final.URL.Redacted())
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered %s", ErrFetch, rawURL, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s sent more than %d bytes; a key is a few KB", ErrFetch, rawURL, limit)
	}
	return data, nil
}
