//go:build !js

// The whole flow of core/README.md ("Validate, seal, deliver"): its Go
// block is an excerpt of this example, line for line (a test in demo/e2e
// checks that). It runs a receiver and a key server on loopback, which
// GOOS=js cannot.
package deliver_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

func Example_validateSealDeliver() {
	ctx := context.Background()
	// The vendor: a key server and a receiver that stores what it gets.
	public, _, _ := pgpkey.DemoKey("Comoo Security Demo", "security@comoo.be", time.Now().Add(-time.Hour))
	keyServer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(public) }))
	defer keyServer.Close()
	httpClient := keyServer.Client()
	var stored []byte
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stored, _ = io.ReadAll(r.Body)
		sum := sha256.Sum256(stored)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]string{"id": "r-1", "sha256": hex.EncodeToString(sum[:]), "received_at": time.Now().UTC().Format(time.RFC3339)})
	}))
	defer receiver.Close()
	cfg, err := config.LoadFile("../config/examples/comoo.json")
	if err != nil {
		panic(err)
	}
	cfg.Key = config.Key{URL: keyServer.URL + "/security.asc"}
	cfg.Endpoint.URL = receiver.URL + "/reports"
	reportJSON := strings.NewReader(`{"schema": "sealpost.report/v1", "targets": ["https://www.comoo.be/admin"],
	  "description": "The admin page answers without a login.", "policy_accepted": true, "language": "nl",
	  "submitted_at": "2026-11-23T10:00:00Z"}`)
	var attachmentReaders []io.Reader

	r, err := report.Parse(reportJSON) // strict: unknown keys name their path
	if err != nil {
		panic(err)
	}
	err = report.Validate(r, report.Options{Rules: cfg.Rules(), Language: "nl", Labels: cfg.Labels("nl")})
	if err != nil {
		panic(err) // *report.ValidationError lists {field, rule, message}
	}

	keyFile, err := pgpkey.Fetch(ctx, httpClient, cfg.Key.URL)
	if err != nil {
		panic(err)
	}
	keys, err := pgpkey.Parse(keyFile, pgpkey.Options{Pin: cfg.Key.Fingerprint})
	if err != nil {
		panic(err) // errors.Is(err, pgpkey.ErrExpired), ErrRevoked, ErrPrivateKey, ErrPinMismatch, ...
	}

	var sealed bytes.Buffer
	err = seal.Report(&sealed, r, attachmentReaders, keys.Keys, seal.Options{Armor: true})
	if err != nil {
		panic(err)
	}

	client := &deliver.Client{Endpoint: cfg.Endpoint.URL, Format: cfg.Format()}
	receipt, err := client.Post(ctx, bytes.NewReader(sealed.Bytes()), int64(sealed.Len()), deliver.NewIdempotencyKey())
	if err != nil {
		panic(err) // *deliver.Error says whether to retry later; keep the sealed report until a receipt comes
	}

	fmt.Println(receipt.ID, bytes.HasPrefix(stored, []byte("-----BEGIN PGP MESSAGE-----")), bytes.Contains(stored, []byte("admin page")))
	// Output: r-1 true false
}
