package main

import (
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"testing"

	"github.com/sealpost/sealpost/core/internal/pow"
)

// solveChallenge fetches the intake's challenge at url and solves it for
// body, as a client of `sealpost serve` must by default.
func solveChallenge(t *testing.T, url string, body []byte) string {
	t.Helper()
	resp, err := http.Get(url + "/challenge")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	c, err := pow.ParseChallengeResponse(data)
	if err != nil {
		t.Fatalf("GET /challenge: %s %s: %v", resp.Status, data, err)
	}
	if c.Difficulty != pow.DefaultDifficulty {
		t.Errorf("sealpost serve asks for difficulty %d, want the default %d", c.Difficulty, pow.DefaultDifficulty)
	}
	sol, err := pow.Solve(context.Background(), c, sha256.Sum256(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sol.String()
}
