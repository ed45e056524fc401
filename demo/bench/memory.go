package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/systeminfo"
	"github.com/chromedp/chromedp"
)

// memory samples, until stop, the renderers' resident memory (the tab:
// JS heap, wasm memory, buffers) and returns its peak in MB.
func memory(ctx context.Context) (stop func() float64) {
	done := make(chan struct{})
	var peak atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			info, err := chromedp.CallBrowser(ctx, systeminfo.GetProcessInfo, struct{}{})
			if err == nil {
				var rss int64
				for _, p := range info.ProcessInfo {
					if p.Type == "renderer" {
						rss += residentKB(p.ID)
					}
				}
				if rss > peak.Load() {
					peak.Store(rss)
				}
			}
			select {
			case <-done:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return func() float64 {
		close(done)
		wg.Wait()
		return float64(peak.Load()) / 1024
	}
}

// residentKB is a process's resident memory (VmRSS) in KiB.
func residentKB(pid int64) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
