//go:build !js

package receiver

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// The relay's queue against mail servers written to misbehave: go-smtp
// servers in the test process, so these run in -short.

// putReport stores body under idempotency key key and queues it.
func putReport(t testing.TB, store *Store, key string, body []byte, armored bool) *Stored {
	t.Helper()
	tmp, err := store.Temp()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tmp.Write(body); err != nil {
		t.Fatal(err)
	}
	st, _, err := store.Commit(tmp, key, armored, true, "")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// eventually polls cond for up to a generous minute.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func serveSMTP(t *testing.T, s *smtp.Server) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().String()
}

// fakeMTA is a mail server whose answer to each report's mail is up to
// answer: nil accepts it, an error refuses it, and hang holds it without
// an answer until the test ends.
type fakeMTA struct {
	answer func(id string) error
	hang   chan struct{}

	mu    sync.Mutex
	tries map[string]int // mails received, by report id
	got   map[string]int // mails accepted, by report id
}

var errHang = errors.New("hang")

func newFakeMTA(t *testing.T, answer func(id string) error) (*fakeMTA, string) {
	m := &fakeMTA{answer: answer, hang: make(chan struct{}), tries: map[string]int{}, got: map[string]int{}}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &fakeSession{m}, nil }))
	s.Domain, s.AllowInsecureAuth = "localhost", true
	addr := serveSMTP(t, s)
	t.Cleanup(func() { close(m.hang) }) // before the server closes
	return m, addr
}

func (m *fakeMTA) count(id string) (tries, got int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tries[id], m.got[id]
}

type fakeSession struct{ m *fakeMTA }

func (s *fakeSession) Reset()                               {}
func (s *fakeSession) Logout() error                        { return nil }
func (s *fakeSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *fakeSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == "nobody@example.com" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	return nil
}

func (s *fakeSession) Data(r io.Reader) error {
	h, err := textproto.NewReader(bufio.NewReader(r)).ReadMIMEHeader()
	if err != nil {
		return err
	}
	io.Copy(io.Discard, r)
	id := h.Get("X-Sealpost-Report-Id")
	s.m.mu.Lock()
	s.m.tries[id]++
	s.m.mu.Unlock()
	err = s.m.answer(id)
	if err == errHang {
		<-s.m.hang
		return errors.New("too late")
	}
	if err == nil {
		s.m.mu.Lock()
		s.m.got[id]++
		s.m.mu.Unlock()
	}
	return err
}

// queueOf stores n small reports and one more whose id sorts first, which
// it returns with the others.
func queueOf(t *testing.T, store *Store, n int) (bad string, good []string) {
	v := newVendor(t)
	first := "r-~"
	for i := range n {
		st := putReport(t, store, "good-"+string(rune('a'+i)), v.sealed(t, "good", i%2 == 0), i%2 == 0)
		good = append(good, st.ID)
		first = min(first, st.ID)
	}
	bad = putReport(t, store, keyBefore("bad", first), v.sealed(t, "bad", true), true).ID
	return bad, good
}

func testRelay(addr string, store *Store) *Relay {
	return &Relay{
		Config: RelayConfig{SMTPAddr: addr, From: "sealpost@example.com", To: "security@example.com", TLS: "none"},
		Store:  store, Wake: make(chan struct{}, 1), MinDelay: 5 * time.Millisecond, MaxDelay: 40 * time.Millisecond,
	}
}

func runRelay(t *testing.T, rl *Relay) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rl.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// TestAReportTheServerDefersWaitsAlone: a server answers 451 to one report
// forever, and 250 to the others. The others are mailed once each; the
// deferred one stays in the outbox, tried again and again with growing
// waits, and is never recorded as refused.
func TestAReportTheServerDefersWaitsAlone(t *testing.T) {
	store, _ := OpenStore(t.TempDir())
	bad, good := queueOf(t, store, 5)
	mta, addr := newFakeMTA(t, func(id string) error {
		if id == bad {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		}
		return nil
	})
	rl := testRelay(addr, store)
	runRelay(t, rl)
	rl.Poke()

	eventually(t, "the deferred report to be tried five times", func() bool {
		tries, _ := mta.count(bad)
		return tries >= 5
	})
	for _, id := range good {
		if tries, got := mta.count(id); tries != 1 || got != 1 {
			t.Errorf("report %s: %d tries, %d accepted; want 1 and 1", id, tries, got)
		}
	}
	if ids, _ := store.Outbox(); len(ids) != 1 || ids[0] != bad {
		t.Errorf("outbox %v, want only the deferred report", ids)
	}
	if failures, _ := store.Failures(); len(failures) != 0 {
		t.Errorf("failures %v: a 451 is not a refusal", failures)
	}
	state, ok := rl.backoff(bad)
	if !ok || state.attempts < 4 || state.delay != min(rl.MinDelay<<(state.attempts-1), rl.MaxDelay) {
		t.Errorf("backoff %+v (%v), want the wait doubling from MinDelay up to MaxDelay", state, ok)
	}
}

func TestTheWaitDoublesUpToMaxDelay(t *testing.T) {
	var r retry
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		r.fail(now, time.Second, 10*time.Second)
		if r.delay != want || r.attempts != i+1 || r.next.Before(now.Add(want)) || r.next.After(now.Add(want+want/5)) {
			t.Errorf("failure %d: %+v, want a wait of %v plus at most a fifth", i+1, r, want)
		}
	}
}

// TestAPassNeverSendsAReportBeforeItsWait: after a 451, the next pass
// leaves that report alone and mails one that arrived since.
func TestAPassNeverSendsAReportBeforeItsWait(t *testing.T) {
	store, _ := OpenStore(t.TempDir())
	bad, good := queueOf(t, store, 2)
	mta, addr := newFakeMTA(t, func(id string) error {
		if id == bad {
			return &smtp.SMTPError{Code: 421, Message: "busy"}
		}
		return nil
	})
	rl := testRelay(addr, store)
	rl.MinDelay, rl.MaxDelay = time.Hour, time.Hour
	if err := rl.Pass(context.Background()); err == nil || !strings.Contains(err.Error(), "1 of 3") {
		t.Fatalf("first pass: %v, want 1 of 3 reports not mailed", err)
	}
	later := putReport(t, store, "later", newVendor(t).sealed(t, "later", true), true).ID
	if err := rl.Pass(context.Background()); err != nil {
		t.Fatalf("second pass: %v", err)
	}
	if tries, _ := mta.count(bad); tries != 1 {
		t.Errorf("the deferred report was tried %d times, want once", tries)
	}
	for _, id := range append(good, later) {
		if _, got := mta.count(id); got != 1 {
			t.Errorf("report %s mailed %d times", id, got)
		}
	}
}

// TestARefusedReportIsRecordedAndKept: a 5xx to the mail records the
// report as failed, with the server's reply cleaned of control characters
// and bounded, and keeps it in the store; the others go on.
func TestARefusedReportIsRecordedAndKept(t *testing.T) {
	store, _ := OpenStore(t.TempDir())
	bad, good := queueOf(t, store, 3)
	_, addr := newFakeMTA(t, func(id string) error {
		if id == bad {
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "refused \x1b[31mred\x1b[0m \u202e" + strings.Repeat("x", 500)}
		}
		return nil
	})
	rl := testRelay(addr, store)
	if err := rl.Pass(context.Background()); err == nil {
		t.Fatal("no error for a refused report")
	}
	failures, _ := store.Failures()
	if len(failures) != 1 || failures[0].ID != bad {
		t.Fatalf("failures %+v", failures)
	}
	reason := failures[0].Reason
	if !strings.HasPrefix(reason, "the mail server refused it: 554 5.7.1 refused ?[31mred?[0m ?xxx") || len(reason) > maxReason+40 {
		t.Errorf("reason %q", reason)
	}
	for _, r := range reason {
		if r < ' ' || r > '~' {
			t.Errorf("reason %q has %U", reason, r)
		}
	}
	if _, err := store.Get(bad); err != nil {
		t.Errorf("the refused report left the store: %v", err)
	}
	if ids, _ := store.Outbox(); len(ids) != 0 {
		t.Errorf("outbox %v, want empty: %d others mailed", ids, len(good))
	}
}

// TestARefusedRecipientIsNotTheReportsFault: a 5xx to RCPT TO is the same
// for every report, so no report is recorded as refused; they wait.
func TestARefusedRecipientIsNotTheReportsFault(t *testing.T) {
	store, _ := OpenStore(t.TempDir())
	queueOf(t, store, 2)
	_, addr := newFakeMTA(t, func(string) error { return nil })
	rl := testRelay(addr, store)
	rl.Config.To = "nobody@example.com"
	err := rl.Pass(context.Background())
	if err == nil || !strings.Contains(err.Error(), "check relay from, to and username") {
		t.Fatalf("pass: %v", err)
	}
	if failures, _ := store.Failures(); len(failures) != 0 {
		t.Errorf("failures %+v", failures)
	}
	if ids, _ := store.Outbox(); len(ids) != 3 {
		t.Errorf("outbox %v, want all three waiting", ids)
	}
}

// TestAServerThatNeverAnswersTimesOut: a server that accepts connections
// and says nothing holds a pass no longer than send_timeout; one that
// never answers a report's mail holds that report only.
func TestAServerThatNeverAnswersTimesOut(t *testing.T) {
	t.Run("a silent server ends the pass", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var conns []net.Conn
		var mu sync.Mutex
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
			}
		}()
		t.Cleanup(func() {
			l.Close()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
		})
		store, _ := OpenStore(t.TempDir())
		queueOf(t, store, 2)
		rl := testRelay(l.Addr().String(), store)
		rl.Config.SendTimeout = Duration(50 * time.Millisecond)
		errc := make(chan error, 1)
		go func() { errc <- rl.Pass(context.Background()) }()
		select {
		case err := <-errc:
			var down *errServer
			if !errors.As(err, &down) || !strings.Contains(err.Error(), "3 report(s) not mailed") {
				t.Errorf("pass: %v, want the server unreachable for all three", err)
			}
		case <-time.After(time.Minute):
			t.Fatal("the pass is still waiting for a silent server")
		}
		if ids, _ := store.Outbox(); len(ids) != 3 {
			t.Errorf("outbox %v", ids)
		}
	})
	t.Run("a mail that is never answered holds only its report", func(t *testing.T) {
		store, _ := OpenStore(t.TempDir())
		bad, good := queueOf(t, store, 3)
		mta, addr := newFakeMTA(t, func(id string) error {
			if id == bad {
				return errHang
			}
			return nil
		})
		rl := testRelay(addr, store)
		rl.Config.SendTimeout = Duration(100 * time.Millisecond)
		runRelay(t, rl)
		rl.Poke()
		eventually(t, "the good reports to be mailed and the bad one tried twice", func() bool {
			ids, _ := store.Outbox()
			tries, _ := mta.count(bad)
			return len(ids) == 1 && tries >= 2
		})
		for _, id := range good {
			if _, got := mta.count(id); got != 1 {
				t.Errorf("report %s mailed %d times", id, got)
			}
		}
		if state, ok := rl.backoff(bad); !ok || state.attempts < 1 {
			t.Errorf("backoff %+v", state)
		}
		if failures, _ := store.Failures(); len(failures) != 0 {
			t.Errorf("failures %+v: a timeout is not a refusal", failures)
		}
	})
}

// TestAQueuedReportThatIsGoneIsDropped: an outbox entry without its report
// (removed by hand) leaves the outbox and does not hold the others.
func TestAQueuedReportThatIsGoneIsDropped(t *testing.T) {
	store, _ := OpenStore(t.TempDir())
	_, good := queueOf(t, store, 1)
	gone := "r-000000000000000000000000"
	if err := store.touch("outbox", gone, nil); err != nil {
		t.Fatal(err)
	}
	mta, addr := newFakeMTA(t, func(string) error { return nil })
	if err := testRelay(addr, store).Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ids, _ := store.Outbox(); len(ids) != 0 {
		t.Errorf("outbox %v", ids)
	}
	if _, got := mta.count(good[0]); got != 1 {
		t.Errorf("the stored report was mailed %d times", got)
	}
}

// TestPokeNeverBlocks: the receiver pokes on every report, even when the
// relay is busy or has no Wake channel.
func TestPokeNeverBlocks(t *testing.T) {
	rl := &Relay{Wake: make(chan struct{}, 1)}
	for range 3 {
		rl.Poke()
	}
	(&Relay{}).Poke()
	if len(rl.Wake) != 1 {
		t.Errorf("%d wake-ups queued", len(rl.Wake))
	}
}
