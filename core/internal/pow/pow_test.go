package pow

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	testKey = []byte("0123456789abcdef0123456789abcdef")
	now     = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
)

func challenge(t testing.TB, difficulty uint64, key []byte) Challenge {
	t.Helper()
	c, err := NewChallenge(key, difficulty, now.Add(10*time.Minute), [16]byte{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func solve(t testing.TB, c Challenge, body []byte) Solution {
	t.Helper()
	s, err := Solve(context.Background(), c, sha256.Sum256(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerify(t *testing.T) {
	body := []byte("the sealed bytes")
	good := solve(t, challenge(t, 4000, testKey), body)
	// A solution whose nonces all fail for this body: nonce n fails when
	// its hash is at or above the target.
	under := good
	sd, tg := seed(good.Challenge, sha256.Sum256(body)), target(good.Challenge.Difficulty)
	for n := uint64(0); ; n++ {
		if newPuzzle(sd, 3).try(n) >= tg {
			under.Nonces[3] = n
			break
		}
	}
	for _, c := range []struct {
		name string
		sol  Solution
		body []byte
		min  uint64
		at   time.Time
		want error
	}{
		{"a solution for these bytes passes", good, body, 4000, now, nil},
		{"a solution for another body is refused", good, []byte("other bytes"), 4000, now, ErrNotSolved},
		{"a solution with a nonce that does not solve its puzzle is refused", under, body, 4000, now, ErrNotSolved},
		{"an expired challenge is refused", good, body, 4000, now.Add(10 * time.Minute), ErrExpired},
		{"a challenge easier than the intake asks now is refused", good, body, 4001, now, ErrEasy},
		{"a challenge signed with another key is refused", solve(t, challenge(t, 4000, []byte("another key")), body), body, 4000, now, ErrSignature},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(testKey, c.sol, sha256.Sum256(c.body), c.min, c.at)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify: %v, want %v", err, c.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	sol := solve(t, challenge(t, 100, testKey), []byte("x"))
	back, err := ParseSolution(sol.String())
	if err != nil || back != sol {
		t.Fatalf("ParseSolution(%q) = %v, %v", sol, back, err)
	}
	if len(sol.String()) > MaxLen {
		t.Fatalf("a solution is %d bytes, over MaxLen", len(sol.String()))
	}
	c, err := NewChallenge(testKey, MaxDifficulty, time.Unix(1<<62, 0), [16]byte{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(Solution{Challenge: c}.String()); n > MaxLen {
		t.Fatalf("the longest solution is %d bytes, over MaxLen", n)
	}
}

func TestParseRefusesNonCanonicalForms(t *testing.T) {
	good := challenge(t, 500, testKey).String()
	f := strings.Split(good, ".")
	for _, bad := range []string{
		"",
		strings.Replace(good, "1.sha256.", "2.sha256.", 1),
		strings.Replace(good, ".sha256.", ".argon2id.", 1),
		strings.Replace(good, ".500.", ".0500.", 1),
		strings.Replace(good, ".500.", ".+500.", 1),
		strings.Replace(good, ".500.", ".0.", 1),
		strings.Replace(good, ".500.", fmt.Sprintf(".%d.", uint64(MaxDifficulty)+1), 1),
		strings.Join(f[:5], "."),
		good + ".",
		good + "=",
		strings.Replace(good, f[4], f[4]+"A", 1),
	} {
		if _, err := ParseChallenge(bad); err == nil {
			t.Errorf("ParseChallenge(%q) accepted it", bad)
		}
	}
	sol := Solution{Challenge: challenge(t, 500, testKey)}.String()
	for _, bad := range []string{sol[:len(sol)-1], sol + "0", sol[:len(sol)-1] + "A", good} {
		if _, err := ParseSolution(bad); err == nil {
			t.Errorf("ParseSolution(%q) accepted it", bad)
		}
	}
}

func TestSolveStopsWhenPauseFails(t *testing.T) {
	stop := errors.New("stop")
	_, err := Solve(context.Background(), challenge(t, MaxDifficulty, testKey), [32]byte{}, func() error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("Solve: %v, want the pause's error", err)
	}
}

func FuzzParseChallenge(f *testing.F) {
	f.Add(challenge(f, 500, testKey).String())
	f.Add("1.sha256.1.0.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseChallenge(s)
		if err != nil {
			return
		}
		if c.String() != s {
			t.Fatalf("ParseChallenge(%q).String() = %q", s, c.String())
		}
	})
}

func FuzzParseSolution(f *testing.F) {
	f.Add(solve(f, challenge(f, 50, testKey), nil).String())
	f.Fuzz(func(t *testing.T, s string) {
		sol, err := ParseSolution(s)
		if err != nil {
			return
		}
		if sol.String() != s {
			t.Fatalf("ParseSolution(%q).String() = %q", s, sol.String())
		}
		Verify(testKey, sol, [32]byte{}, 1, now) // never panics
	})
}

func ExampleSolve() {
	key := []byte("the intake's secret key, 32 byte")
	c, _ := NewChallenge(key, 1000, time.Now().Add(10*time.Minute), [16]byte{})
	body := sha256.Sum256([]byte("-----BEGIN PGP MESSAGE-----..."))
	sol, _ := Solve(context.Background(), c, body, nil)
	fmt.Println(Verify(key, sol, body, 1000, time.Now()))
	// Output: <nil>
}

// BenchmarkSolve solves at the default difficulty and reports the median
// solve (make bench: pow_solve_ms_p50_native).
func BenchmarkSolve(b *testing.B) {
	c := challenge(b, DefaultDifficulty, testKey)
	var ms []float64
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		Solve(context.Background(), c, sha256.Sum256([]byte{byte(i), byte(i >> 8)}), nil)
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
	}
	slices.Sort(ms)
	b.ReportMetric(ms[len(ms)/2], "p50-ms")
}

func BenchmarkVerify(b *testing.B) {
	c := challenge(b, DefaultDifficulty, testKey)
	body := sha256.Sum256(nil)
	sol, _ := Solve(context.Background(), c, body, nil)
	for b.Loop() {
		if err := Verify(testKey, sol, body, DefaultDifficulty, now); err != nil {
			b.Fatal(err)
		}
	}
}
