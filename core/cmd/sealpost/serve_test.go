package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/deliver"
	"github.com/sealpost/sealpost/core/internal/pow"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

// receiverProcess runs the real `sealpost serve` on a free loopback port.
type receiverProcess struct {
	cmd *exec.Cmd
	url string
}

func buildReceiver(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "sealpost")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startReceiver(t *testing.T, bin, store string, args ...string) *receiverProcess {
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--store", store}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	addr := regexp.MustCompile(`addr=(http://127\.0\.0\.1:\d+)`)
	for sc.Scan() {
		if m := addr.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return &receiverProcess{cmd: cmd, url: m[1]}
		}
	}
	t.Fatal("sealpost serve did not say where it listens")
	return nil
}

func sealedReports(t *testing.T, n int) [][]byte {
	pub, _, err := pgpkey.DemoKey("Crash Test", "security@example.com", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(pub, pgpkey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	msgs := make([][]byte, n)
	for i := range msgs {
		r := &report.Report{Schema: report.Schema, Title: fmt.Sprintf("report %d", i), Targets: []string{"192.0.2.1"},
			Description: string(bytes.Repeat([]byte("x"), 20000+i)), PolicyAccepted: true}
		var buf bytes.Buffer
		if err := seal.Report(&buf, r, nil, set.Keys, seal.Options{Armor: i%2 == 0}); err != nil {
			t.Fatal(err)
		}
		msgs[i] = buf.Bytes()
	}
	return msgs
}

// TestEveryAcknowledgedReportSurvivesSIGKILL kills the receiver in the middle
// of a burst, restarts it on the same store and checks that every report
// that got 201 is there, intact, and that only whole reports are listed.
func TestEveryAcknowledgedReportSurvivesSIGKILL(t *testing.T) {
	bin := buildReceiver(t)
	storeDir := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "receiver.json")
	os.WriteFile(cfg, []byte(`{"rate_per_minute": -1, "limits": {"max_uploads_per_address": 64}, "proof_of_work": {"difficulty": 0}}`), 0o600)
	msgs := sealedReports(t, 400)
	p := startReceiver(t, bin, storeDir, "--config", cfg)

	var mu sync.Mutex
	acked := map[string]string{} // id → sha256
	var wg sync.WaitGroup
	next := make(chan []byte)
	go func() {
		for _, m := range msgs {
			next <- m
		}
		close(next)
	}()
	client := &deliver.Client{Endpoint: p.url + "/reports", Attempts: 1}
	for range 16 {
		wg.Go(func() {
			for m := range next {
				r, err := client.Post(context.Background(), bytes.NewReader(m), int64(len(m)), deliver.NewIdempotencyKey())
				if err != nil {
					continue // the receiver is gone: not acknowledged, nothing promised
				}
				mu.Lock()
				acked[r.ID] = r.SHA256
				n := len(acked)
				mu.Unlock()
				if n == 60 {
					p.cmd.Process.Signal(syscall.SIGKILL)
				}
			}
		})
	}
	wg.Wait()
	p.cmd.Wait()
	if len(acked) < 60 {
		t.Fatalf("only %d reports acknowledged before the kill", len(acked))
	}

	p2 := startReceiver(t, bin, storeDir, "--config", cfg)
	if resp, err := http.Get(p2.url + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the restarted receiver is not healthy: %v", err)
	}
	store, err := receiver.ReadStore(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	for id, sum := range acked {
		st, err := store.Get(id)
		if err != nil || st.SHA256 != sum {
			t.Errorf("acknowledged report %s: %v (sha %v)", id, err, st)
		}
	}
	list, err := store.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range list {
		f, err := os.Open(st.Path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := receiver.Sniff(f); err != nil {
			t.Errorf("listed report %s is not whole: %v", st.ID, err)
		}
		f.Close()
	}
	if left, _ := filepath.Glob(filepath.Join(storeDir, "tmp", "*")); len(left) != 0 {
		t.Errorf("tmp/ still holds %v after the restart", left)
	}
	t.Logf("%d acknowledged before SIGKILL, %d listed after restart", len(acked), len(list))
}

// TestShutdownFinishesRequestsInFlight sends SIGTERM while a report is half
// uploaded: the upload completes with 201, then the receiver exits cleanly.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	bin := buildReceiver(t)
	storeDir := t.TempDir()
	p := startReceiver(t, bin, storeDir)
	msg := sealedReports(t, 1)[0]
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// sealpost serve asks for proof of work by default: solve its challenge.
	work := solveChallenge(t, p.url, msg)
	fmt.Fprintf(conn, "POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/pgp-encrypted\r\nContent-Length: %d\r\n%s: %s\r\n\r\n", len(msg), pow.Header, work)
	conn.Write(msg[:len(msg)/2])
	time.Sleep(200 * time.Millisecond) // let the server start reading the request
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	conn.Write(msg[len(msg)/2:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("status %s", resp.Status)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("the receiver did not exit cleanly: %v", err)
	}
	store, _ := receiver.ReadStore(storeDir)
	if list, _ := store.List(); len(list) != 1 {
		t.Errorf("%d reports stored", len(list))
	}
}

// TestEveryAcknowledgedThreadMessageSurvivesSIGKILL kills the receiver in
// the middle of a burst of thread messages from both sides, restarts it on
// the same store and checks that every message that got 201 is there under
// its number, byte for byte, that the numbers run from 1 without a gap,
// and that nothing half-made is left.
func TestEveryAcknowledgedThreadMessageSurvivesSIGKILL(t *testing.T) {
	bin := buildReceiver(t)
	storeDir := t.TempDir()
	const cred = "serve-test-operator-credential"
	sum := sha256.Sum256([]byte(cred))
	cfg := filepath.Join(t.TempDir(), "receiver.json")
	os.WriteFile(cfg, []byte(`{"rate_per_minute": -1, "limits": {"max_uploads_per_address": 64}, "proof_of_work": {"difficulty": 0},
		"threads": {"operator_credential_sha256": "`+hex.EncodeToString(sum[:])+`"}}`), 0o600)
	p := startReceiver(t, bin, storeDir, "--config", cfg)

	code, err := thread.NewCode(nil)
	if err != nil {
		t.Fatal(err)
	}
	report := sealedReports(t, 1)[0]
	req, _ := http.NewRequest(http.MethodPost, p.url+"/reports", bytes.NewReader(report))
	req.Header.Set("Content-Type", "application/pgp-encrypted")
	req.Header.Set(thread.HeaderThread, thread.TokenHash(code.Token()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /reports: %v %v", err, resp)
	}
	var receipt deliver.Receipt
	json.NewDecoder(resp.Body).Decode(&receipt)
	resp.Body.Close()

	pub, _, err := pgpkey.DemoKey("Crash Test", "security@example.com", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(pub, pgpkey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	msgs := make([][]byte, 300)
	for i := range msgs {
		if msgs[i], err = seal.Bytes([]byte(fmt.Sprintf("message %d %s", i, strings.Repeat("x", 4000))), set.Keys, seal.Options{Armor: true}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	acked := map[int][]byte{} // seq → message
	next := make(chan int)
	go func() {
		for i := range msgs {
			next <- i
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range next {
				url, bearer := p.url+"/thread", code.Token()
				if i%2 == 1 {
					url, bearer = p.url+"/threads/"+receipt.ID, cred
				}
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(msgs[i]))
				req.Header.Set("Content-Type", "application/pgp-encrypted")
				req.Header.Set("Authorization", "Bearer "+bearer)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					continue // the receiver is gone: not acknowledged
				}
				var posted thread.Posted
				err = json.NewDecoder(resp.Body).Decode(&posted)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || err != nil {
					continue
				}
				mu.Lock()
				acked[posted.Seq] = msgs[i]
				n := len(acked)
				mu.Unlock()
				if n == 60 {
					p.cmd.Process.Signal(syscall.SIGKILL)
				}
			}
		})
	}
	wg.Wait()
	p.cmd.Wait()
	if len(acked) < 60 {
		t.Fatalf("only %d messages acknowledged before the kill", len(acked))
	}

	p2 := startReceiver(t, bin, storeDir, "--config", cfg)
	req, _ = http.NewRequest(http.MethodGet, p2.url+"/threads/"+receipt.ID, nil)
	req.Header.Set("Authorization", "Bearer "+cred)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the restarted receiver: %v %v", err, resp)
	}
	var view thread.View
	if err := json.NewDecoder(resp.Body).Decode(&view); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for i, e := range view.Entries {
		if e.Seq != i+1 {
			t.Fatalf("entry %d is number %d: the numbers have a gap", i, e.Seq)
		}
		if _, err := receiver.Sniff(strings.NewReader(e.Message)); err != nil {
			t.Errorf("listed message %d is not whole: %v", e.Seq, err)
		}
	}
	for seq, msg := range acked {
		if seq > len(view.Entries) || view.Entries[seq-1].Message != string(msg) {
			t.Errorf("acknowledged message %d is missing or changed", seq)
		}
	}
	for _, pattern := range []string{"tmp/*", "threads/.new-*", "threads/by-token/.new-*"} {
		if left, _ := filepath.Glob(filepath.Join(storeDir, pattern)); len(left) != 0 {
			t.Errorf("%v is still there after the restart", left)
		}
	}
	t.Logf("%d acknowledged before SIGKILL, %d listed after restart", len(acked), len(view.Entries))
}
