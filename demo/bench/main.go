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
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/systeminfo"
	"github.com/chromedp/chromedp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/widget"
)

//go:embed openpgp-bench.mjs
var openpgpBench []byte

func main() {
	widgetDir := flag.String("widget", "dist/widget", "the widget's static site, from make build (with .br files)")
	openpgpJS := flag.String("openpgpjs", "core/seal/testdata/openpgpjs/node_modules/openpgp/dist/openpgp.min.mjs", "OpenPGP.js's browser module")
	sizes := flag.String("sizes", "10,100", "attachment sizes to seal, in MB")
	runs := flag.Int("runs", 3, "visits per start-up figure (the median is printed)")
	profile := flag.Int("profile", 0, "only seal an attachment of this many MB, to the Curve25519 key, and print where the time went")
	powOnly := flag.Bool("pow", false, "only solve proofs of work (pow.go)")
	flag.Parse()
	if *powOnly {
		*runs, *sizes = -1, ""
	}
	if err := run(*widgetDir, *openpgpJS, *sizes, *runs, *profile); err != nil {
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

func run(widgetDir, openpgpJS, sizeList string, runs, profileMB int) error {
	if _, err := os.Stat(filepath.Join(widgetDir, "web", "app.wasm.br")); err != nil {
		return fmt.Errorf("no pre-compressed widget in %s: run make build first", widgetDir)
	}
	ojs, err := os.ReadFile(openpgpJS)
	if err != nil {
		return fmt.Errorf("%v: run make deps (it installs OpenPGP.js)", err)
	}
	tmp, err := os.MkdirTemp("", "sealpost-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b := &bench{tmp: tmp, keys: map[string]string{}}

	cv, _, err := pgpkey.DemoKey("Bench Cv25519", "bench@example.com", time.Now().Add(-time.Hour))
	if err != nil {
		return err
	}
	b.keys["cv25519"] = string(cv)
	if b.keys["rsa4096"], err = rsaKey(); err != nil {
		return err
	}
	if err := b.addPQKeys(); err != nil {
		return err
	}

	store, err := receiver.OpenStore(filepath.Join(tmp, "store"))
	if err != nil {
		return err
	}
	b.widget = httptest.NewUnstartedServer(nil)
	origin := "http://" + b.widget.Listener.Addr().String()
	intake := httptest.NewServer(receiver.New(receiver.Config{AllowedOrigins: []string{origin}, RatePerMinute: -1, MaxBytes: 1 << 30}, store, nil))
	defer intake.Close()
	configs := map[string][]byte{}
	for name, pub := range b.keys {
		cfg, err := config.LoadFile("core/config/examples/comoo.json")
		if err != nil {
			return err
		}
		cfg.Key = config.Key{Armored: pub}
		cfg.Endpoint.URL = intake.URL + "/reports"
		configs["/config-"+name+".json"], _ = json.Marshal(cfg)
	}
	csp := widget.Policy{Connect: []string{intake.URL}}.CSP()
	b.widget.Config.Handler = b.handler(widgetDir, configs, ojs, csp)
	b.widget.Start()
	defer b.widget.Close()

	if *pqOnly {
		return b.pqSealing(origin)
	}
	if profileMB > 0 {
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

// rsaKey makes an RSA-4096 key pair as GnuPG would (AES-256 preferred).
func rsaKey() (string, error) {
	e, err := openpgp.NewEntity("Bench RSA-4096", "", "bench-rsa@example.com", &packet.Config{
		Algorithm: packet.PubKeyAlgoRSA, RSABits: 4096, DefaultCipher: packet.CipherAES256,
	})
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return "", err
	}
	if err := e.Serialize(w); err != nil {
		return "", err
	}
	w.Close()
	return buf.String(), nil
}

// handler serves the widget as a static host would: a .br sibling when the
// browser accepts brotli, the strict CSP, and the bench's extra files.
func (b *bench) handler(dir string, configs map[string][]byte, ojs []byte, csp string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w = &counting{ResponseWriter: w, n: &b.served}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Security-Policy", csp)
		switch p := r.URL.Path; {
		case configs[p] != nil:
			w.Header().Set("Content-Type", "application/json")
			w.Write(configs[p])
		case p == "/bench/openpgp.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenPGP.js</title>`+
				`<script type="module" src="/bench/openpgp-bench.mjs"></script></head><body></body></html>`)
		case p == "/bench/openpgp-bench.mjs":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(openpgpBench)
		case p == "/bench/openpgp.min.mjs":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(ojs)
		default:
			name := filepath.Join(dir, filepath.FromSlash(p))
			if strings.HasSuffix(p, "/") {
				name = filepath.Join(name, "index.html")
			}
			if strings.Contains(r.Header.Get("Accept-Encoding"), "br") {
				if _, err := os.Stat(name + ".br"); err == nil {
					w.Header().Set("Content-Encoding", "br")
					w.Header().Set("Vary", "Accept-Encoding")
					w.Header().Set("Content-Type", mime.TypeByExtension(filepath.Ext(name)))
					http.ServeFile(w, r, name+".br")
					return
				}
			}
			if strings.HasSuffix(p, ".wasm") {
				w.Header().Set("Content-Type", "application/wasm")
			}
			files.ServeHTTP(w, r)
		}
	})
}

type counting struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *counting) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// probes are injected into every page before its scripts: the moments the
// first field is usable and the form is mounted, and the longest gap between 5 ms timer ticks
// (a stalled main thread) while __gapOn.
const probes = `(() => {
  window.__gap = 0;
  let last = performance.now();
  setInterval(() => {
    const t = performance.now();
    if (window.__gapOn && t - last > window.__gap) { window.__gap = t - last; window.__gapAt = last; }
    if (window.__gapOn && t - last > 40) (window.__gaps = window.__gaps || []).push([Math.round(last), Math.round(t - last)]);
    last = t;
    if (!window.__full) check();
  }, 5);
  // __usable: the first field is laid out and takes input (the static
  // form, or the form); __full: the form is mounted with the vendor's
  // config and key, the core validating what is typed.
  let asked = false;
  // onTop: a click at the field's centre would reach it (no overlay).
  const onTop = (f) => {
    const r = f.getBoundingClientRect();
    return r.width > 0 && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === f;
  };
  const check = () => {
    const first = document.querySelector("#sp-targets");
    if (!asked && first && !first.disabled && onTop(first)) {
      asked = true;
      requestAnimationFrame(() => { window.__usable = performance.now(); });
    }
    if (!window.__full && document.querySelector(".sealpost[data-ready] #sp-targets")) window.__full = performance.now();
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
  // Long animation frames while __gapOn, with the scripts that ran in them.
  window.__loaf = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!window.__gapOn || e.duration < 60) continue;
        window.__loaf.push([Math.round(e.startTime), Math.round(e.duration), e.scripts.map((s) => s.invoker + " " + Math.round(s.duration) + "ms").join("; ")]);
      }
    }).observe({type: "long-animation-frame", buffered: true});
  } catch (e) {}
})();`

// browser starts headless Chromium with a fresh profile.
func (b *bench) browser() (context.Context, func(), error) {
	dir, err := os.MkdirTemp(b.tmp, "profile")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 8*time.Minute)
	cancel := func() { cancelT(); cancelC(); cancelA() }
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, nil, err
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: probes}); err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// startup is where the time to a usable form goes, in milliseconds from
// navigation start: app.wasm downloaded, Go's main running, the vendor's
// config and key loaded, the form usable.
type startup struct{ WasmLoaded, Main, Vendor, Usable, Full float64 }

func startupOf(ctx context.Context) (startup, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[startup](`(() => {
  const at = (n) => (performance.getEntriesByName(n)[0] || {startTime: 0}).startTime;
  const wasm = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/app.wasm"));
  return {WasmLoaded: wasm ? wasm.responseEnd : 0, Main: at("sealpost:main"), Vendor: at("sealpost:vendor-loaded"), Usable: window.__usable || 0, Full: window.__full || 0};
})()`))
}

// visit navigates to url and returns the milliseconds from navigation
// start to a usable first field and to the mounted form.
func visit(ctx context.Context, url string) (usable, full float64, err error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return 0, 0, err
	}
	type times struct{ Usable, Full float64 }
	for range 3000 {
		t, err := chromedp.Run(ctx, chromedp.Evaluate[times](`({Usable: window.__usable || 0, Full: window.__full || 0})`))
		if err == nil && t.Usable > 0 && t.Full > 0 {
			return t.Usable, t.Full, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, 0, errors.New("the form never became usable")
}

// settle waits until the service worker controls the page (it has cached
// the widget's files) and the network has been quiet for a second.
func (b *bench) settle(ctx context.Context) {
	for range 150 {
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!navigator.serviceWorker.controller`)); ok {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for last := int64(-1); last != b.served.Load(); {
		last = b.served.Load()
		time.Sleep(time.Second)
	}
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

// visits measures first and repeat visits, cold and warm, and cold over a
// 10 Mbit/s, 40 ms link.
func (b *bench) visits(origin string, runs int) error {
	url := origin + "/?config=config-cv25519.json"
	var cold, warm, slow, coldFull, warmFull, slowFull, first, repeat []float64
	var parts []startup
	for range runs {
		ctx, cancel, err := b.browser()
		if err != nil {
			return err
		}
		b.settle(ctx)
		b.served.Store(0)
		ms, full, err := visit(ctx, url)
		if err != nil {
			cancel()
			return err
		}
		cold, coldFull = append(cold, ms), append(coldFull, full)
		if s, err := startupOf(ctx); err == nil {
			parts = append(parts, s)
		}
		b.settle(ctx)
		first = append(first, float64(b.served.Load()))
		b.served.Store(0)
		if ms, full, err = visit(ctx, url); err != nil {
			cancel()
			return err
		}
		warm, warmFull = append(warm, ms), append(warmFull, full)
		time.Sleep(time.Second)
		repeat = append(repeat, float64(b.served.Load()))
		cancel()

		ctx, cancel, err = b.browser()
		if err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			cancel()
			return err
		}
		if _, err := chromedp.Call(ctx, emulateNetworkConditions, networkConditions{Latency: 40, DownloadThroughput: 10e6 / 8, UploadThroughput: 10e6 / 8}); err != nil {
			cancel()
			return err
		}
		if ms, full, err = visit(ctx, url); err != nil {
			cancel()
			return err
		}
		slow, slowFull = append(slow, ms), append(slowFull, full)
		cancel()
	}
	b.print("first_visit_brotli_bytes", median(first), "bytes")
	b.print("repeat_visit_bytes", median(repeat), "bytes")
	b.print("usable_form_cold_ms", float64(int(median(cold))), "ms")
	b.print("usable_form_warm_ms", float64(int(median(warm))), "ms")
	b.print("usable_form_10mbps_ms", float64(int(median(slow))), "ms")
	// The form itself, mounted with the vendor's config and key.
	b.print("full_form_cold_ms", float64(int(median(coldFull))), "ms")
	b.print("full_form_warm_ms", float64(int(median(warmFull))), "ms")
	b.print("full_form_10mbps_ms", float64(int(median(slowFull))), "ms")
	// Where a cold start's time goes (the median run's figures).
	if len(parts) > 0 {
		slices.SortFunc(parts, func(a, b startup) int { return int(a.Full - b.Full) })
		p := parts[len(parts)/2]
		b.print("usable_form_cold_wasm_downloaded_ms", float64(int(p.WasmLoaded)), "ms")
		b.print("usable_form_cold_go_main_ms", float64(int(p.Main)), "ms")
		b.print("usable_form_cold_vendor_loaded_ms", float64(int(p.Vendor)), "ms")
	}
	return nil
}

// emulateNetworkConditions is Network.emulateNetworkConditions, which
// Chromium 148 still has (cdproto keeps only its ...ByRule successor).
var emulateNetworkConditions = cdp.Command[networkConditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}

type networkConditions struct {
	Offline            bool    `json:"offline"`
	Latency            float64 `json:"latency"`
	DownloadThroughput float64 `json:"downloadThroughput"`
	UploadThroughput   float64 `json:"uploadThroughput"`
}

// makeData puts size random bytes in window.benchData.
func makeData(size int) chromedp.Action[bool] {
	return chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
  const u = new Uint8Array(%d);
  for (let i = 0; i < u.length; i += 65536) crypto.getRandomValues(u.subarray(i, Math.min(u.length, i + 65536)));
  window.benchData = u;
  return true;
})()`, size))
}

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

type sealRun struct {
	mbps, wasmMB, tabMB, stallMS float64
}

// sealpost files a report with a size-byte attachment through the widget
// and measures the sealing (between the form's seal marks).
func (b *bench) sealpost(origin, key string, size int) (sealRun, error) {
	ctx, cancel, err := b.browser()
	if err != nil {
		return sealRun{}, err
	}
	defer cancel()
	if _, _, err := visit(ctx, origin+"/?config=config-"+key+".json"); err != nil {
		return sealRun{}, err
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS("#sp-targets"), "https://www.comoo.be/"),
		chromedp.SendKeys(chromedp.CSS("#sp-description"), "Bench report."),
		chromedp.Click(chromedp.CSS("#sp-policy-accepted")),
		chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		return sealRun{}, err
	}
	if _, err := chromedp.Run(ctx, makeData(size)); err != nil {
		return sealRun{}, err
	}
	drop := `(() => { const dt = new DataTransfer(); dt.items.add(new File([window.benchData], "screen.webm", {type: "video/webm"}));
  return document.querySelector(".sp-drop").dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt})); })()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](drop)); err != nil {
		return sealRun{}, err
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".sp-files .sp-sha"))); err != nil {
		return sealRun{}, err
	}
	chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__gap = 0; window.__gapOn = true`))
	stop := memory(ctx)
	var stopProfile func(io.Writer, int) error
	if b.profile {
		if stopProfile, err = startProfile(ctx); err != nil {
			return sealRun{}, err
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sp-submit"))); err != nil {
		stop()
		return sealRun{}, err
	}
	if stopProfile != nil {
		// The first profile covers the sealing only; a second the post,
		// to the receipt.
		sealed := `performance.getEntriesByName("sealpost:seal-end").length > 0`
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](sealed, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			stop()
			return sealRun{}, err
		}
		if err := stopProfile(os.Stdout, 40); err != nil {
			stop()
			return sealRun{}, err
		}
		fmt.Println("# the post, to the receipt:")
		if stopProfile, err = startProfile(ctx); err != nil {
			stop()
			return sealRun{}, err
		}
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]"))); err != nil {
		stop()
		return sealRun{}, err
	}
	if stopProfile != nil {
		if err := stopProfile(os.Stdout, 10); err != nil {
			stop()
			return sealRun{}, err
		}
	}
	tab := stop()
	type marks struct {
		Start, End, Sys float64
		Gap, GapAt      float64
		Gaps            [][2]float64 // every stall over 40 ms: when, from the sealing's start, and how long
		Frames          []string     // long animation frames: when, how long, what ran
	}
	m, err := chromedp.Run(ctx, chromedp.Evaluate[marks](`(() => {
  const s = performance.getEntriesByName("sealpost:seal-start")[0], e = performance.getEntriesByName("sealpost:seal-end")[0];
  return {Start: s.startTime, End: e.startTime, Sys: e.detail.go_sys_bytes, Gap: window.__gap, GapAt: window.__gapAt || 0, Gaps: (window.__gaps || []).map(([at, ms]) => [at - s.startTime, ms]), Frames: window.__loaf.map(([at, ms, what]) => Math.round(at - s.startTime) + "+" + ms + "ms: " + what)};
})()`))
	if err != nil {
		return sealRun{}, err
	}
	if b.profile {
		fmt.Printf("# longest stall: %.0f ms, from %.0f ms after the sealing started (it took %.0f ms); stalls over 40 ms (at, ms): %v\n", m.Gap, m.GapAt-m.Start, m.End-m.Start, m.Gaps)
		fmt.Printf("# long animation frames (from the sealing's start): %q\n", m.Frames)
	}
	return sealRun{mbps: float64(size) / 1e6 / ((m.End - m.Start) / 1000), wasmMB: m.Sys / (1 << 20), tabMB: tab, stallMS: m.Gap}, nil
}

// openpgpjs seals the same data to the same key with OpenPGP.js in the
// same browser, streaming and whole, and returns both.
func (b *bench) openpgpjs(origin, key string, size int) (stream, whole sealRun, err error) {
	ctx, cancel, err := b.browser()
	if err != nil {
		return
	}
	defer cancel()
	if err = chromedp.Do(ctx, chromedp.Navigate(origin+"/bench/openpgp.html"), chromedp.WaitReady(chromedp.CSS("body[data-ready]"))); err != nil {
		return
	}
	if _, err = chromedp.Run(ctx, makeData(size)); err != nil {
		return
	}
	keyJSON, _ := json.Marshal(b.keys[key])
	for _, mode := range []string{"stream", "whole"} {
		chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__gap = 0; window.__gapOn = true`))
		stop := memory(ctx)
		type result struct{ Ms, Out float64 }
		var r result
		r, err = chromedp.Run(ctx, chromedp.Evaluate[result](fmt.Sprintf(`benchOpenPGP(%s, %q)`, keyJSON, mode), chromedp.EvalAwaitPromise))
		tab := stop()
		if err != nil {
			return
		}
		gap, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__gap`))
		run := sealRun{mbps: float64(size) / 1e6 / (r.Ms / 1000), tabMB: tab, stallMS: gap}
		if mode == "stream" {
			stream = run
		} else {
			whole = run
		}
	}
	return
}

func (b *bench) sealing(origin string, sizesMB []int) error {
	ratioMin := 0.0
	for _, size := range sizesMB {
		for _, key := range []string{"rsa4096", "cv25519"} {
			sp, err := b.sealpost(origin, key, size*1e6)
			if err != nil {
				return fmt.Errorf("sealpost %d MB %s: %w", size, key, err)
			}
			stream, whole, err := b.openpgpjs(origin, key, size*1e6)
			if err != nil {
				return fmt.Errorf("openpgp.js %d MB %s: %w", size, key, err)
			}
			best, mode := stream, "stream"
			if whole.mbps > stream.mbps {
				best, mode = whole, "whole"
			}
			suffix := fmt.Sprintf("%dmb_%s", size, key)
			b.print("seal_mbps_sealpost_"+suffix, round(sp.mbps), "MB/s")
			b.print("seal_mbps_openpgpjs_"+suffix, round(best.mbps), "MB/s_"+mode)
			ratio := sp.mbps / best.mbps
			b.print("seal_ratio_"+suffix, round(ratio), "x")
			if ratioMin == 0 || ratio < ratioMin {
				ratioMin = ratio
			}
			if size >= 100 && key == "cv25519" {
				b.print("wasm_heap_peak_mb_"+strconv.Itoa(size)+"mb", round(sp.wasmMB), "MB")
				b.print("tab_memory_peak_mb_"+strconv.Itoa(size)+"mb", round(sp.tabMB), "MB")
				b.print("tab_memory_peak_mb_"+strconv.Itoa(size)+"mb_openpgpjs_stream", round(stream.tabMB), "MB")
				b.print("tab_memory_peak_mb_"+strconv.Itoa(size)+"mb_openpgpjs_whole", round(whole.tabMB), "MB")
				b.print("main_thread_longest_stall_ms", round(sp.stallMS), "ms")
				b.print("main_thread_longest_stall_ms_openpgpjs_"+mode, round(best.stallMS), "ms")
			}
		}
	}
	b.print("seal_ratio_min", round(ratioMin), "x")
	return nil
}

func round(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
