//go:build !js

package seal

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/pgpkey"
)

// benchSize is the input of the sealing benchmarks: a 100 MB video.
const benchSize = 100 << 20

// benchInput writes the benchmark input to a file once per run.
func benchInput(b *testing.B) string {
	path := filepath.Join(b.TempDir(), "video.webm")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, &patternReader{n: benchSize}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkSeal seals a 100 MB file, reporting throughput and the peak heap
// growth while sealing (it must not grow with the input).
func BenchmarkSeal(b *testing.B) {
	v := newVendor(b, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	input := benchInput(b)
	for _, armored := range []bool{false, true} {
		b.Run(map[bool]string{false: "binary", true: "armored"}[armored], func(b *testing.B) {
			b.SetBytes(benchSize)
			var peak uint64
			for b.Loop() {
				f, _ := os.Open(input)
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				stop := watchHeap(&peak, before.HeapInuse)
				ew, err := Encrypt(io.Discard, []*pgpkey.Key{v.public}, Options{Armor: armored, Now: clock})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(ew, f); err != nil {
					b.Fatal(err)
				}
				ew.Close()
				stop()
				f.Close()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// watchHeap records, in *peak, the largest heap growth over base until stop.
func watchHeap(peak *uint64, base uint64) (stop func()) {
	done := make(chan struct{})
	var finished atomic.Bool
	go func() {
		var m runtime.MemStats
		for !finished.Load() {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > *peak {
				*peak = m.HeapInuse - base
			}
			select {
			case <-done:
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() { finished.Store(true); close(done) }
}

// BenchmarkGPG runs `gpg -z0 -e` (no compression, like Sealpost) on the same
// input to the same kind of key, for the ratio in `make bench`.
func BenchmarkGPG(b *testing.B) {
	if _, err := exec.LookPath("gpg"); err != nil {
		b.Fatal("gpg is not installed: run make deps")
	}
	e, err := testkeys.New("Bench", "bench@example.com", packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(home)
	pub := filepath.Join(home, "pub.asc")
	os.WriteFile(pub, testkeys.Public(e), 0o600)
	if out, err := exec.Command("gpg", "--batch", "--homedir", home, "--import", pub).CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	input := benchInput(b)
	for _, armored := range []bool{false, true} {
		b.Run(map[bool]string{false: "binary", true: "armored"}[armored], func(b *testing.B) {
			b.SetBytes(benchSize)
			var maxRSS int64
			for b.Loop() {
				args := []string{"--batch", "--homedir", home, "--trust-model", "always", "-z0", "-e", "-r", "bench@example.com", "--output", "-"}
				if armored {
					args = append(args, "--armor")
				}
				cmd := exec.Command("gpg", append(args, input)...)
				cmd.Stdout = io.Discard
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
					maxRSS = ru.Maxrss
				}
			}
			b.ReportMetric(float64(maxRSS)/1024, "peak-rss-MB")
		})
	}
}
