package deliver

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
	"github.com/sealpost/sealpost/core/internal/web"
)

// Work is a proof of work solved for one sealed report. A Sealpost intake
// asks for one (core/receiver); other endpoints never do. Keep it with the
// sealed report, so that a resend within its expiry needs no new work.
type Work struct {
	// Solution is what the request's Sealpost-Proof-Of-Work header carries.
	Solution string `json:"solution,omitempty"`
	// Expires is when the intake stops taking it.
	Expires time.Time `json:"expires,omitzero"`
}

// maxSolves bounds the challenges one post solves: a refusal that comes
// with a challenge again after two solutions is final.
const maxSolves = 2

// current is the solution to send: none when it has expired (the intake
// then answers with a new challenge).
func (w *Work) current() string {
	if w.Solution == "" || !time.Now().Before(w.Expires) {
		return ""
	}
	return w.Solution
}

// challengeIn returns the challenge a refusal carries, if it is one a
// proof of work answers.
func challengeIn(resp *http.Response) string {
	switch resp.StatusCode {
	case http.StatusPreconditionRequired, http.StatusForbidden, http.StatusConflict:
		return resp.Header.Get(pow.ChallengeHeader)
	}
	return ""
}

// solve solves challenge over the sealed report's SHA-256 (sum, in hex)
// and keeps the solution in w.
func (c *Client) solve(ctx context.Context, challenge, sum string, sumErr error, w *Work) error {
	if sumErr != nil {
		return fmt.Errorf("reading the sealed report: %w", sumErr)
	}
	ch, err := pow.ParseChallenge(challenge)
	if err != nil {
		return errors.New("the server's challenge is malformed")
	}
	var body [32]byte
	if _, err := hex.Decode(body[:], []byte(sum)); err != nil {
		return err
	}
	sol, err := pow.Solve(ctx, ch, body, c.Pause)
	if err != nil {
		return err
	}
	w.Solution, w.Expires = sol.String(), ch.Expires
	return nil
}

// ChallengeURL is where a Sealpost intake whose reports go to endpoint
// hands out challenges: the sibling "challenge" of a path ending in
// "/reports"; "" for any other endpoint.
func ChallengeURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || !strings.HasSuffix(u.Path, "/reports") || u.RawQuery != "" {
		return ""
	}
	u.Path = strings.TrimSuffix(u.Path, "reports") + "challenge"
	u.RawPath = ""
	return u.String()
}

// fetchChallenge gets the endpoint's challenge; "" when there is none.
func (c *Client) fetchChallenge(ctx context.Context) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Challenge, nil)
	if err != nil {
		return ""
	}
	resp, err := web.Or(c.HTTP).Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10+1))
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	ch, err := pow.ParseChallengeResponse(data)
	if err != nil {
		return ""
	}
	return ch.String()
}
