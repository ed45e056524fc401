//go:build !js

package receiver

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/thread"
)

// openThreadAt posts a report opening code's thread to the intake at addr.
func openThreadAt(t *testing.T, addr string, in *intake, code thread.Code) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/reports", bytes.NewReader(in.v.sealed(t, "slow", true)))
	req.Header.Set("Content-Type", "application/pgp-encrypted")
	req.Header.Set(thread.HeaderThread, thread.TokenHash(code.Token()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /reports: %s", resp.Status)
	}
}

// A thread message has a report's minimum upload rate: a trickle gets 408
// and stores nothing.
func TestATricklingThreadMessageIsCutOff(t *testing.T) {
	in := newIntake(t, Config{})
	code := codeN(t, 40)
	msg := in.message(strings.Repeat("slow ", 200))
	addr, dir := serve(t, Config{RatePerMinute: -1, Limits: Limits{MinUploadRate: 2000, UploadWindow: Duration(200 * time.Millisecond)}})
	openThreadAt(t, addr, in, code)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /thread HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/pgp-encrypted\r\nContent-Length: %d\r\n\r\n", code.Token(), len(msg))
	stop := make(chan struct{})
	defer close(stop)
	go func() { // 10 bytes every 50 ms is 200 B/s, a tenth of the minimum
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
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a trickling message: %v", err)
	}
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("status %d, want 408", resp.StatusCode)
	}
	s := &Store{dir: dir}
	if list, _ := s.Threads(); len(list) != 1 || list[0].Entries != 0 {
		t.Errorf("threads: %+v", list)
	}
}

// Thread messages share the report uploads' slots: one upload holding the
// only slot sends a message away with 503 and Retry-After.
func TestThreadMessagesShareTheUploadSlots(t *testing.T) {
	in := newIntake(t, Config{})
	code := codeN(t, 41)
	msg := in.message("slot")
	admitted := make(chan bool, 16)
	addr, _ := serve(t, Config{RatePerMinute: -1, Limits: Limits{MaxConcurrentUploads: 1}, onAdmit: func(ok bool) { admitted <- ok }})
	openThreadAt(t, addr, in, code)
	for len(admitted) > 0 { // the report that opened the thread
		<-admitted
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /thread HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/pgp-encrypted\r\nContent-Length: %d\r\n\r\n", code.Token(), len(msg))
	c.Write(msg[:len(msg)/2])
	// Only once this first message holds the slot does the second come.
	select {
	case ok := <-admitted:
		if !ok {
			t.Fatal("the first message was refused a free slot")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first message was never admitted")
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/thread", bytes.NewReader(msg))
	req.Header.Set("Content-Type", "application/pgp-encrypted")
	req.Header.Set("Authorization", "Bearer "+code.Token())
	busy, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	busy.Body.Close()
	if busy.StatusCode != http.StatusServiceUnavailable || busy.Header.Get("Retry-After") == "" {
		t.Fatalf("a second message while the first held the only slot: %d, Retry-After %q", busy.StatusCode, busy.Header.Get("Retry-After"))
	}
	c.Write(msg[len(msg)/2:])
	first, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || first.StatusCode != http.StatusCreated {
		t.Fatalf("the first message: %v %v", err, first)
	}
}
