package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

// startProfile starts the renderer's sampling profiler (JavaScript and
// wasm functions alike); stop writes the top functions by self time.
func startProfile(ctx context.Context) (stop func(w io.Writer, top int) error, err error) {
	if _, err := chromedp.Call(ctx, profiler.Enable, cdp.Empty{}); err != nil {
		return nil, err
	}
	if _, err := chromedp.Call(ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 200}); err != nil {
		return nil, err
	}
	if _, err := chromedp.Call(ctx, profiler.Start, cdp.Empty{}); err != nil {
		return nil, err
	}
	return func(w io.Writer, top int) error {
		res, err := chromedp.Call(ctx, profiler.Stop, cdp.Empty{})
		if err != nil {
			return err
		}
		writeSelfTimes(w, res.Profile, top)
		return nil
	}, nil
}

// writeSelfTimes prints the functions the samples landed in most, with
// their share of the profile's time.
func writeSelfTimes(w io.Writer, p *profiler.Profile, top int) {
	name := map[int64]string{}
	for _, n := range p.Nodes {
		f := n.CallFrame.FunctionName
		if f == "" {
			f = "(anonymous " + n.CallFrame.URL + ")"
		}
		name[n.ID] = f
	}
	self := map[string]int64{}
	var total int64
	for i, id := range p.Samples {
		if i < len(p.TimeDeltas) {
			d := p.TimeDeltas[i]
			self[name[id]] += d
			total += d
		}
	}
	type entry struct {
		name string
		us   int64
	}
	var all []entry
	for n, us := range self {
		all = append(all, entry{n, us})
	}
	slices.SortFunc(all, func(a, b entry) int { return int(b.us - a.us) })
	fmt.Fprintf(w, "# profile: %.0f ms sampled; top functions by self time\n", float64(total)/1000)
	for _, e := range all[:min(top, len(all))] {
		fmt.Fprintf(w, "#  %6.0f ms %5.1f%%  %s\n", float64(e.us)/1000, 100*float64(e.us)/float64(total), e.name)
	}
	// The longest stretch without an idle sample: the main thread busy,
	// the page stalled.
	var bestFrom, bestTo, from int
	var bestUS, runUS int64
	for i, id := range p.Samples {
		if i >= len(p.TimeDeltas) {
			break
		}
		if name[id] == "(idle)" {
			from, runUS = i+1, 0
			continue
		}
		runUS += p.TimeDeltas[i]
		if runUS > bestUS {
			bestUS, bestFrom, bestTo = runUS, from, i
		}
	}
	busy := map[string]int64{}
	for i := bestFrom; i <= bestTo && i < len(p.Samples); i++ {
		busy[name[p.Samples[i]]] += p.TimeDeltas[i]
	}
	all = all[:0]
	for n, us := range busy {
		all = append(all, entry{n, us})
	}
	slices.SortFunc(all, func(a, b entry) int { return int(b.us - a.us) })
	fmt.Fprintf(w, "# longest busy stretch: %.0f ms; its top functions\n", float64(bestUS)/1000)
	for _, e := range all[:min(12, len(all))] {
		fmt.Fprintf(w, "#  %6.0f ms  %s\n", float64(e.us)/1000, e.name)
	}
}

// profiled seals a profileMB attachment to the Curve25519 key twice: once
// plainly (seal_mbps_sealpost, with its stall and memory), then under the
// profiler, printing where the time went (seal_mbps_sealpost_profiled).
func (b *bench) profiled(origin string, profileMB int) error {
	r, err := b.sealpost(origin, "cv25519", profileMB<<20)
	if err != nil {
		return err
	}
	b.print("seal_mbps_sealpost", round(r.mbps), "MB/s")
	b.print("main_thread_longest_stall_ms", round(r.stallMS), "ms")
	b.print("tab_memory_peak_mb", round(r.tabMB), "MB")
	b.profile = true
	r, err = b.sealpost(origin, "cv25519", profileMB<<20)
	b.print("seal_mbps_sealpost_profiled", round(r.mbps), "MB/s")
	return err
}
