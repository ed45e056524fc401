// Command bench measures the widget in headless Chromium (make bench):
// what a first and a repeat visit download, how soon the form is usable,
// and how fast it seals 10 MB and 100 MB attachments to an RSA-4096 and a
// Curve25519 key beside OpenPGP.js in the same browser, with the memory and
// the longest main-thread stall while it does, and 10 MB to post-quantum
// keys (pq.go). It prints one line per
// figure as "name value unit".
//
//	go run ./demo/bench -widget dist/widget
//
// The widget is served as make build writes it (pre-compressed with brotli)
// on loopback, posting to the intake (core/receiver).
//
// One file per concern; this one reads the flags and prints the figures:
//
//	serve.go      the widget's origin and the intake it posts to
//	keys.go       the keys the widget seals to (pq.go: the post-quantum ones)
//	browser.go    headless Chromium, with the probes every page gets
//	visits.go     first and repeat visits: bytes downloaded, time to a usable form
//	sealing.go    sealing in the widget, against OpenPGP.js (openpgpjs.go)
//	memory.go     the tab's resident memory while it seals
//	pow.go        proofs of work solved in the browser (-pow)
//	profile.go    where the sealing's time goes (-profile)
//
// The Go benchmarks (sealing natively beside gpg, the intake's throughput)
// are .ci/bench's, run before this.
package main

import (
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

func main() {
	widgetDir := flag.String("widget", "dist/widget", "the widget's static site, from make build (with .br files)")
	openpgpJS := flag.String("openpgpjs", "core/seal/testdata/openpgpjs/node_modules/openpgp/dist/openpgp.min.mjs", "OpenPGP.js's browser module")
	sizes := flag.String("sizes", "10,100", "attachment sizes to seal, in MB")
	runs := flag.Int("runs", 3, "visits per start-up figure (the median is printed)")
	profile := flag.Int("profile", 0, "only seal an attachment of this many MB, to the Curve25519 key, and print where the time went")
	powOnly := flag.Bool("pow", false, "only solve proofs of work (pow.go)")
	pqOnly := flag.Bool("pq", false, "only seal 10 MB to the post-quantum keys (seal_mbps_pq_10mb)")
	flag.Parse()
	if *powOnly {
		*runs, *sizes = -1, ""
	}
	if err := run(*widgetDir, *openpgpJS, *sizes, *runs, *profile, *pqOnly); err != nil {
		fmt.Fprintf(os.Stderr, "bench: error: %v\n", err)
		os.Exit(1)
	}
}

type bench struct {
	widget  *httptest.Server
	served  atomic.Int64 // response body bytes the widget's origin sent
	keys    map[string]string
	tmp     string
	printMu sync.Mutex
	profile bool // sealpost prints where the sealing's time went
}

func (b *bench) print(name string, value float64, unit string) {
	b.printMu.Lock()
	defer b.printMu.Unlock()
	fmt.Printf("%s %s %s\n", name, strconv.FormatFloat(value, 'f', -1, 64), unit)
}

// run serves the widget and the intake, then measures what the flags ask
// for: the post-quantum keys only (-pq), one profiled seal (-profile), or
// proofs of work, then (unless -pow) visits, sealing and the post-quantum
// keys.
func run(widgetDir, openpgpJS, sizeList string, runs, profileMB int, pqOnly bool) error {
	b, origin, stop, err := start(widgetDir, openpgpJS)
	if err != nil {
		return err
	}
	defer stop()
	if pqOnly {
		return b.pqSealing(origin)
	}
	if profileMB > 0 {
		return b.profiled(origin, profileMB)
	}
	if err := b.pow(); err != nil {
		return fmt.Errorf("proof of work: %w", err)
	}
	if runs < 0 {
		return nil
	}
	if err := b.visits(origin, runs); err != nil {
		return fmt.Errorf("visits: %w", err)
	}
	var sizesMB []int
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-sizes: %v", err)
		}
		sizesMB = append(sizesMB, n)
	}
	if err := b.sealing(origin, sizesMB); err != nil {
		return err
	}
	return b.pqSealing(origin)
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

func round(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
