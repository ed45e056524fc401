package report

import (
	"errors"
	"strings"

	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"
)

// CVSS is the outcome of scoring a CVSS vector.
type CVSS struct {
	Version string  // "3.1" or "4.0"
	Score   float64 // base score, 0.0–10.0
	Rating  string  // "none", "low", "medium", "high" or "critical"
}

var errCVSSVersion = errors.New("cvss: the vector must start with CVSS:3.1/ or CVSS:4.0/")

// ScoreCVSS parses a CVSS v3.1 or v4.0 vector and computes its base score
// (CVSS-B for v4.0) and qualitative rating.
func ScoreCVSS(vector string) (CVSS, error) {
	switch {
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		v, err := cvss31.ParseVector(vector)
		if err != nil {
			return CVSS{}, err
		}
		score := v.BaseScore()
		rating, err := cvss31.Rating(score)
		if err != nil {
			return CVSS{}, err
		}
		return CVSS{Version: "3.1", Score: score, Rating: strings.ToLower(rating)}, nil
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		v, err := cvss40.ParseVector(vector)
		if err != nil {
			return CVSS{}, err
		}
		score := v.Score()
		rating, err := cvss40.Rating(score)
		if err != nil {
			return CVSS{}, err
		}
		return CVSS{Version: "4.0", Score: score, Rating: strings.ToLower(rating)}, nil
	}
	return CVSS{}, errCVSSVersion
}
