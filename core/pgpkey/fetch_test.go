//go:build !js

package pgpkey

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestWKDURLs(t *testing.T) {
	// The example of draft-koch-openpgp-webkey-service, section 3.1.
	adv, direct, err := WKDURLs("Joe.Doe@Example.ORG")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe"; adv != want {
		t.Errorf("advanced %s, want %s", adv, want)
	}
	if want := "https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe"; direct != want {
		t.Errorf("direct %s, want %s", direct, want)
	}
	if _, _, err := WKDURLs("not an address"); err == nil {
		t.Error("a non-address was accepted")
	}
}

// keyServer serves a binary key over HTTPS on loopback for any host name,
// recording the requests; serve decides which paths answer.
func keyServer(t *testing.T, serve func(r *http.Request) (int, []byte)) (*http.Client, *[]string) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Host+r.URL.RequestURI())
		mu.Unlock()
		code, body := serve(r)
		w.WriteHeader(code)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{
		// Every host resolves to the test server, whose certificate is
		// trusted for this test only.
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
	return client, &seen
}

func TestLookupWKDTriesAdvancedThenDirect(t *testing.T) {
	var bin bytes.Buffer
	cv25519(t).Serialize(&bin)
	client, seen := keyServer(t, func(r *http.Request) (int, []byte) {
		if strings.HasPrefix(r.Host, "openpgpkey.") {
			return http.StatusNotFound, nil
		}
		return http.StatusOK, bin.Bytes()
	})
	data, err := LookupWKD(context.Background(), client, "security@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(data, opts()); err != nil {
		t.Error(err)
	}
	if len(*seen) != 2 || !strings.HasPrefix((*seen)[0], "openpgpkey.example.com/.well-known/openpgpkey/example.com/hu/") || !strings.HasPrefix((*seen)[1], "example.com/.well-known/openpgpkey/hu/") {
		t.Errorf("requests %v", *seen)
	}
}

func TestFetchIsBounded(t *testing.T) {
	client, _ := keyServer(t, func(r *http.Request) (int, []byte) {
		switch r.URL.Path {
		case "/big.asc":
			return http.StatusOK, bytes.Repeat([]byte("a"), MaxBytes+1)
		case "/gone.asc":
			return http.StatusGone, nil
		}
		return http.StatusOK, bytes.Repeat([]byte("b"), MaxWKDBytes+1)
	})
	ctx := context.Background()
	for name, err := range map[string]error{
		"an oversized key file": func() error { _, err := Fetch(ctx, client, "https://example.com/big.asc"); return err }(),
		"an HTTP error":         func() error { _, err := Fetch(ctx, client, "https://example.com/gone.asc"); return err }(),
		"plain HTTP":            func() error { _, err := Fetch(ctx, client, "http://example.com/key.asc"); return err }(),
		"an oversized WKD key":  func() error { _, err := LookupWKD(ctx, client, "a@example.com"); return err }(),
	} {
		if !errors.Is(err, ErrFetch) {
			t.Errorf("%s: got %v, want ErrFetch", name, err)
		}
	}
}

// downgrade starts a TLS server that redirects every path to a plain HTTP
// server serving a key, which records whether it was asked.
func downgrade(t *testing.T) (tlsSrv *httptest.Server, plainAsked *atomic.Bool) {
	var bin bytes.Buffer
	cv25519(t).Serialize(&bin)
	var asked atomic.Bool
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Store(true)
		w.Write(bin.Bytes())
	}))
	t.Cleanup(plain.Close)
	tlsSrv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/key.asc", http.StatusFound)
	}))
	t.Cleanup(tlsSrv.Close)
	return tlsSrv, &asked
}

func TestFetchRefusesARedirectToPlainHTTP(t *testing.T) {
	t.Run("a caller's client, which follows it, gets no key", func(t *testing.T) {
		srv, asked := downgrade(t)
		_, err := Fetch(context.Background(), srv.Client(), srv.URL+"/key.asc")
		if !errors.Is(err, ErrFetch) || !strings.Contains(err.Error(), "which is not https") {
			t.Fatalf("got %v, want ErrFetch saying the redirect was not https", err)
		}
		if !asked.Load() {
			t.Error("the test is broken: the caller's client did not follow the redirect")
		}
	})
	t.Run("the client Fetch builds does not follow it", func(t *testing.T) {
		srv, asked := downgrade(t)
		transport = srv.Client().Transport
		t.Cleanup(func() { transport = nil })
		_, err := Fetch(context.Background(), nil, srv.URL+"/key.asc")
		if !errors.Is(err, ErrFetch) || !strings.Contains(err.Error(), "which is not https") {
			t.Fatalf("got %v, want ErrFetch saying the redirect was not https", err)
		}
		if asked.Load() {
			t.Error("the plain HTTP server was asked")
		}
	})
}

func TestFetchFollowsAtMostMaxRedirects(t *testing.T) {
	var bin bytes.Buffer
	cv25519(t).Serialize(&bin)
	// /hops/N redirects N more times, then serves the key.
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hops/"))
		if err != nil || n == 0 {
			w.Write(bin.Bytes())
			return
		}
		http.Redirect(w, r, "/hops/"+strconv.Itoa(n-1), http.StatusFound)
	}))
	defer srv.Close()
	transport = srv.Client().Transport
	defer func() { transport = nil }()
	ctx := context.Background()
	if _, err := Fetch(ctx, nil, srv.URL+"/hops/"+strconv.Itoa(maxRedirects)); err != nil {
		t.Errorf("%d redirects: %v", maxRedirects, err)
	}
	_, err := Fetch(ctx, nil, srv.URL+"/hops/"+strconv.Itoa(maxRedirects+1))
	if !errors.Is(err, ErrFetch) || !strings.Contains(err.Error(), "redirected more than") {
		t.Errorf("%d redirects: got %v, want ErrFetch saying there were too many", maxRedirects+1, err)
	}
}
