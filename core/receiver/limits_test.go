//go:build !js

package receiver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// serve runs the intake as `sealpost serve` does (Run, every limit) on a
// loopback port and returns its address and store folder.
func serve(t *testing.T, cfg Config) (addr, dir string) {
	t.Helper()
	dir = t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, ln, cfg, dir, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	// Ready once it answers (it holds the store's lock by then). The probe
	// comes from 127.0.0.2, so that its connection never counts against
	// the tests' own address, 127.0.0.1.
	probe := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	for range 200 {
		if resp, err := probe.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
			resp.Body.Close()
			return ln.Addr().String(), dir
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the intake did not start")
	return "", ""
}

// closedWithin reports whether the server closes conn before deadline.
func closedWithin(conn net.Conn, d time.Duration) bool {
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := conn.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

func TestIdleKeepAliveConnectionsAreClosed(t *testing.T) {
	const idle = 300 * time.Millisecond
	addr, _ := serve(t, Config{Limits: Limits{IdleTimeout: Duration(idle), MaxConnsPerAddress: 100}})
	var conns []net.Conn
	for range 20 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %v %v", err, resp)
		}
		resp.Body.Close()
		conns = append(conns, c)
	}
	held := 0
	for _, c := range conns {
		if !closedWithin(c, 10*idle) {
			held++
		}
	}
	if held != 0 {
		t.Errorf("%d of %d idle keep-alive connections still open after 10 × idle_timeout", held, len(conns))
	}
}

func TestAConnectionThatSendsNothingIsClosed(t *testing.T) {
	addr, _ := serve(t, Config{Limits: Limits{HeaderTimeout: Duration(200 * time.Millisecond)}})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /reports HTTP/1.1\r\nHost: x\r\n") // and never the end of the headers
	if !closedWithin(c, 5*time.Second) {
		t.Error("a connection that never finished its headers is still open")
	}
}

func TestATricklingBodyIsCutOff(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "slow", false)
	addr, dir := serve(t, Config{RatePerMinute: -1, Limits: Limits{MinUploadRate: 2000, UploadWindow: Duration(200 * time.Millisecond)}})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/pgp-encrypted\r\nContent-Length: %d\r\n\r\n", len(msg))
	// 10 bytes every 50 ms is 200 B/s, a tenth of the minimum.
	stop := make(chan struct{})
	go func() {
		for i := 0; i < len(msg); i += 10 {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := c.Write(msg[i:min(i+10, len(msg))]); err != nil {
				return
			}
		}
	}()
	defer close(stop)
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a trickling body: %v", err)
	}
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("status %d, want 408", resp.StatusCode)
	}
	if list, _ := (&Store{dir: dir}).List(); len(list) != 0 {
		t.Errorf("%d reports stored", len(list))
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(tmp) != 0 {
		t.Errorf("tmp/ holds %d files", len(tmp))
	}
}

func TestOneAddressCannotHoldEveryConnection(t *testing.T) {
	addr, _ := serve(t, Config{Limits: Limits{MaxConnsPerAddress: 4, HeaderTimeout: Duration(time.Minute)}})
	var conns []net.Conn
	for range 10 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	open := 0
	for _, c := range conns {
		if !closedWithin(c, 300*time.Millisecond) {
			open++
		}
	}
	if open != 4 {
		t.Errorf("%d connections from one address stay open, want 4", open)
	}
	// Closing them frees the address's share.
	for _, c := range conns {
		c.Close()
	}
	var resp *http.Response
	var err error
	for range 50 {
		if resp, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after closing, a new connection fails: %v", err)
	}
	resp.Body.Close()
}

func TestUploadsBeyondTheCapAreAskedToComeBack(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "cap", false)
	admitted := make(chan bool, 16)
	addr, _ := serve(t, Config{RatePerMinute: -1, Limits: Limits{MaxConcurrentUploads: 1}, onAdmit: func(ok bool) { admitted <- ok }})
	// One upload in progress: headers and half its body.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/pgp-encrypted\r\nContent-Length: %d\r\n\r\n", len(msg))
	c.Write(msg[:len(msg)/2])
	// Only once it holds the slot does the second come.
	select {
	case ok := <-admitted:
		if !ok {
			t.Fatal("the first upload was refused a free slot")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first upload was never admitted")
	}
	// The second waits for the intake's word before its body (Expect:
	// 100-continue), so that the refusal is not lost to a reset.
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/reports", strings.NewReader(string(msg)))
	req.Header.Set("Content-Type", "application/pgp-encrypted")
	req.Header.Set("Expect", "100-continue")
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true, ExpectContinueTimeout: 30 * time.Second}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a second upload while the first held the only slot: %d, want 503", resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	c.Write(msg[len(msg)/2:])
	first, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || first.StatusCode != http.StatusCreated {
		t.Fatalf("the first upload: %v %v", err, first)
	}
}

func TestTwoIntakesNeverServeOneStore(t *testing.T) {
	_, dir := serve(t, Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = Run(ctx, ln, Config{}, dir, nil)
	if err == nil || !strings.Contains(err.Error(), "another intake is serving the store") {
		t.Errorf("a second intake on the same store: %v", err)
	}
}

func TestTheRateLimiter(t *testing.T) {
	req := func(remote string, xff ...string) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "/reports", nil)
		r.RemoteAddr = remote
		for _, h := range xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		return r
	}
	proxies, err := parseCIDRs([]string{"10.0.0.1", "fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("groups IPv6 clients by /64", func(t *testing.T) {
		a := clientKey(req("[2001:db8:1:2:aaaa::1]:5000"), nil)
		b := clientKey(req("[2001:db8:1:2:ffff::9]:6000"), nil)
		c := clientKey(req("[2001:db8:1:3::1]:5000"), nil)
		if a != b || a == c {
			t.Errorf("keys %q %q %q", a, b, c)
		}
	})
	t.Run("ignores X-Forwarded-For from a client that is not a trusted proxy", func(t *testing.T) {
		if k := clientKey(req("192.0.2.7:1", "198.51.100.1"), proxies); k != "192.0.2.7" {
			t.Errorf("key %q", k)
		}
		if k := clientKey(req("10.0.0.1:1", "198.51.100.1"), nil); k != "10.0.0.1" {
			t.Errorf("with no trusted proxies: key %q", k)
		}
	})
	t.Run("takes the right-most untrusted hop behind trusted proxies", func(t *testing.T) {
		// The client forged the first entry; the proxies appended the rest.
		if k := clientKey(req("10.0.0.1:1", "203.0.113.66, 198.51.100.1", "fd00::5"), proxies); k != "198.51.100.1" {
			t.Errorf("key %q", k)
		}
	})
	t.Run("a full table never resets everyone", func(t *testing.T) {
		l := newLimiter(1, 2, 10)
		for range 2 {
			if !l.allow("attacker-0") {
				t.Fatal("the burst was refused")
			}
		}
		if l.allow("attacker-0") {
			t.Fatal("the third post inside a minute was allowed")
		}
		// A flood of new addresses fills the table many times over.
		for i := range 100 {
			l.allow(fmt.Sprintf("flood-%d", i))
			if i%3 == 0 {
				l.allow("attacker-0") // still active, so never the oldest
			}
		}
		if l.allow("attacker-0") {
			t.Error("a flood of addresses reset an active client's limit")
		}
		if len(l.clients) > 10 {
			t.Errorf("the table holds %d clients, bound 10", len(l.clients))
		}
	})
	t.Run("forgets clients whose bucket refilled first", func(t *testing.T) {
		now := time.Unix(0, 0)
		l := newLimiter(60, 1, 4)
		l.now = func() time.Time { return now }
		l.allow("a")
		l.allow("b")
		l.allow("c")
		now = now.Add(2 * time.Second) // a, b, c refilled
		l.allow("d")
		l.allow("e")
		if _, kept := l.clients["d"]; !kept || len(l.clients) > 4 {
			t.Errorf("table %v", l.clients)
		}
	})
}

func TestConcurrentPostsOfTwoBodiesUnderOneKey(t *testing.T) {
	v := newVendor(t)
	armored, binary := v.sealed(t, "one", true), v.sealed(t, "two", false)
	url, store := start(t, Config{RatePerMinute: -1})
	for i := range 100 {
		key := fmt.Sprintf("race-%d", i)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for j, body := range [][]byte{armored, binary} {
			wg.Go(func() {
				resp, _ := post(t, url, "application/pgp-encrypted", body, map[string]string{"Idempotency-Key": key})
				codes[j] = resp.StatusCode
			})
		}
		wg.Wait()
		if !(codes[0] == 201 && codes[1] == 409 || codes[0] == 409 && codes[1] == 201) {
			t.Fatalf("try %d: codes %v, want one 201 and one 409", i, codes)
		}
	}
	if list, _ := store.List(); len(list) != 100 {
		t.Errorf("%d reports stored, want 100", len(list))
	}
}

func TestOneClientCannotHoldEveryUploadSlot(t *testing.T) {
	v := newVendor(t)
	msg := v.sealed(t, "slots", false)
	admitted := make(chan bool, 16)
	addr, _ := serve(t, Config{RatePerMinute: -1, Limits: Limits{MaxUploadsPerAddress: 1, MaxConcurrentUploads: 10}, onAdmit: func(ok bool) { admitted <- ok }})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/pgp-encrypted\r\nContent-Length: %d\r\n\r\n", len(msg))
	c.Write(msg[:len(msg)/2])
	select { // the slow upload holds this address's one slot
	case ok := <-admitted:
		if !ok {
			t.Fatal("the slow upload was refused a free slot")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the slow upload was never admitted")
	}
	// Each post waits for the intake's word before its body (Expect:
	// 100-continue): a refusal comes before the body, and the intake
	// closing on an unread body must not reset the connection under it.
	post := func(ip byte) (*http.Response, error) {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, ExpectContinueTimeout: 30 * time.Second,
			DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, ip)}}).DialContext}}
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/reports", strings.NewReader(string(msg)))
		req.Header.Set("Content-Type", "application/pgp-encrypted")
		req.Header.Set("Expect", "100-continue")
		return client.Do(req)
	}
	resp, err := post(1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if same := resp.StatusCode; same != http.StatusServiceUnavailable {
		t.Fatalf("a second upload from the same address: status %d, want 503", same)
	}
	resp, err = post(3)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("an upload from another address: status %d, want 201", resp.StatusCode)
	}
}
