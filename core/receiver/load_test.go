//go:build !js

package receiver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/deliver"
)

// BenchmarkReceiverLoad posts 500 sealed reports from 50 concurrent clients
// (all from 127.0.0.1, so max_uploads_per_address is raised to 50)
// to a real receiver on loopback (durable storage: fsync per report), checks
// that every 201 matches exactly one stored file and that the count is
// exact, and reports reports/s and the p99 latency. Run with -benchtime=1x.
func BenchmarkReceiverLoad(b *testing.B) {
	const reports, clients = 500, 50
	v := newVendor(b)
	msgs := make([][]byte, reports)
	for i := range msgs {
		msgs[i] = v.sealed(b, "load", i%2 == 0)
	}
	for b.Loop() {
		store, err := OpenStore(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		url, _ := startWith(b, Config{RatePerMinute: -1, Limits: Limits{MaxUploadsPerAddress: clients}}, store)
		jobs := make(chan int)
		var mu sync.Mutex
		ids := map[string]string{}
		var latencies []time.Duration
		var wg sync.WaitGroup
		transport := &http.Transport{MaxIdleConnsPerHost: clients}
		start := time.Now()
		for range clients {
			wg.Go(func() {
				c := &deliver.Client{Endpoint: url + "/reports", HTTP: &http.Client{Transport: transport}, Attempts: 1}
				for i := range jobs {
					t0 := time.Now()
					r, err := c.Post(context.Background(), bytes.NewReader(msgs[i]), int64(len(msgs[i])), deliver.NewIdempotencyKey())
					d := time.Since(t0)
					if err != nil {
						b.Error(err)
						continue
					}
					mu.Lock()
					if _, dup := ids[r.ID]; dup {
						b.Errorf("id %s acknowledged twice", r.ID)
					}
					ids[r.ID] = r.SHA256
					latencies = append(latencies, d)
					mu.Unlock()
				}
			})
		}
		for i := range reports {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		elapsed := time.Since(start)

		list, err := store.List()
		if err != nil {
			b.Fatal(err)
		}
		if len(ids) != reports || len(list) != reports {
			b.Fatalf("%d acknowledged, %d stored, want %d", len(ids), len(list), reports)
		}
		for _, st := range list {
			data, err := os.ReadFile(st.Path)
			if err != nil || ids[st.ID] == "" {
				b.Fatalf("stored %s was not acknowledged (%v)", st.ID, err)
			}
			if got, _ := store.Get(st.ID); got.SHA256 != ids[st.ID] || len(data) == 0 {
				b.Fatalf("stored %s differs from its receipt", st.ID)
			}
		}
		slices.Sort(latencies)
		p99 := latencies[len(latencies)*99/100]
		b.ReportMetric(float64(reports)/elapsed.Seconds(), "reports/s")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkIdleConns opens 200 keep-alive connections to an intake served
// as `sealpost serve` serves it (idle_timeout 1s here), makes one request
// on each, then counts those still open 2 × idle_timeout later: the
// figure receiver_idle_conns_held (target 0). Run with -benchtime=1x.
func BenchmarkIdleConns(b *testing.B) {
	const conns, idle = 200, time.Second
	for b.Loop() {
		dir := b.TempDir()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, ln, Config{Limits: Limits{IdleTimeout: Duration(idle), MaxConnsPerAddress: conns}}, dir, nil)
		}()
		var open []net.Conn
		for range conns {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			open = append(open, c)
		}
		time.Sleep(2 * idle)
		held := 0
		for _, c := range open {
			c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); isTimeout(err) {
				held++
			}
			c.Close()
		}
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(held), "idle-conns-held")
	}
}
