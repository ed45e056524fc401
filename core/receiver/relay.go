package receiver

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/mail"
	"sort"
	"sync"
	"time"
)

// RelayConfig mails every stored report to the security team.
type RelayConfig struct {
	SMTPAddr string `json:"smtp_addr"` // host:port
	From     string `json:"from"`
	To       string `json:"to"`
	// TLS is "starttls" (required), "tls" (implicit, port 465) or "none"
	// (loopback test servers only).
	TLS      string `json:"tls"`
	Username string `json:"username,omitempty"`
	// PasswordEnv names the environment variable holding the password, so
	// it is never in a file or on a command line.
	PasswordEnv string `json:"password_env,omitempty"`
	// InsecureSkipVerify accepts any server certificate: tests only.
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
	// MaxMailBytes bounds a mail (default 10,000,000, under Postfix's
	// default limit). A report whose mail would be larger (armoring a
	// binary report adds a third) is mailed as a notice saying where it
	// waits and how to open it, never cut.
	MaxMailBytes int64 `json:"max_mail_bytes,omitempty"`
	// SendTimeout bounds one mail, from connecting to the server's last
	// reply (default 5 minutes): a server that accepts a connection and
	// then never answers holds the relay no longer.
	SendTimeout Duration `json:"send_timeout,omitzero"`
}

const defaultSendTimeout = 5 * time.Minute

func (c *RelayConfig) maxMailBytes() int64 {
	if c.MaxMailBytes > 0 {
		return c.MaxMailBytes
	}
	return DefaultMaxMailBytes
}

func (c *RelayConfig) check() error {
	if c.SMTPAddr == "" || c.From == "" || c.To == "" {
		return errors.New("receiver config: relay needs smtp_addr, from and to")
	}
	for _, a := range []string{c.From, c.To} {
		if _, err := mail.ParseAddress(a); err != nil {
			return fmt.Errorf("receiver config: relay address %q: %v", a, err)
		}
	}
	switch c.TLS {
	case "starttls", "tls", "none":
	default:
		return fmt.Errorf(`receiver config: relay tls must be "starttls", "tls" or "none", not %q`, c.TLS)
	}
	if c.MaxMailBytes < 0 {
		return errors.New("receiver config: relay max_mail_bytes cannot be negative (leave it out for the default, 10000000)")
	}
	return nil
}

// Relay sends queued reports from a store's outbox by SMTP. The outbox is
// on disk, so reports wait through a mail server outage and a restart.
//
// Each report is its own job, as in Postfix's queue: a temporary failure
// (a 4xx reply, a network error, a timeout) is retried for that report
// only, after a wait that doubles from MinDelay to MaxDelay; a permanent
// one (a 5xx reply to the mail, or a size refusal) records it with
// [Store.Failed], and the store keeps it; a report whose mail would be
// over max_mail_bytes, or that a mail cannot carry, is mailed as a notice.
// A 5xx refusing the sender, recipient or login is the same for every
// report: logged as a configuration to fix, and retried like a 4xx. Reports that never
// failed go before those that did, so a bad report never holds up others
// for longer than one attempt, itself bounded by send_timeout.
//
// Failures to reach the server at all (connecting, TLS, authentication)
// are not any report's: they end the pass, and [Relay.Run] waits, doubling
// its wait, before the next one.
type Relay struct {
	Config RelayConfig
	Store  *Store
	Log    *slog.Logger
	// Wake, when sent to, starts a pass at once; see [Relay.Poke].
	Wake chan struct{}
	// MinDelay is the first wait after a failure (default 1 second);
	// MaxDelay caps the waits (default 5 minutes).
	MinDelay, MaxDelay time.Duration

	// now is the clock (nil: time.Now).
	now func() time.Time

	passing sync.Mutex // one pass at a time
	mu      sync.Mutex
	jobs    map[string]*retry // reports that failed, by id
	down    retry             // the server as a whole
}

// retry is the backoff state of a report, or of the server.
type retry struct {
	attempts int           // failures in a row
	delay    time.Duration // the last wait, before jitter
	next     time.Time     // no attempt before this
}

func (r *retry) fail(now time.Time, first, limit time.Duration) {
	r.attempts++
	r.delay = min(first<<min(r.attempts-1, 30), limit)
	jitter := time.Duration(rand.Int64N(int64(r.delay)/5 + 1))
	r.next = now.Add(r.delay + jitter)
}

// Poke starts a pass soon; it never blocks. The receiver calls it for each
// new report.
func (rl *Relay) Poke() {
	select {
	case rl.Wake <- struct{}{}:
	default:
	}
}

// idlePass is how often Run looks at the outbox with nothing to wait for.
const idlePass = 30 * time.Second

// Run relays until ctx ends.
func (rl *Relay) Run(ctx context.Context) {
	for {
		rl.Pass(ctx)
		t := time.NewTimer(rl.wait())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-rl.Wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// wait is how long Run sleeps after a pass: until the server may be back,
// or else until the first report's retry is due, at most idlePass.
func (rl *Relay) wait() time.Duration {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	now := rl.clock()
	if rl.down.attempts > 0 {
		return max(0, rl.down.next.Sub(now))
	}
	wait := idlePass
	for _, j := range rl.jobs {
		wait = min(wait, j.next.Sub(now))
	}
	return max(0, wait)
}

func (rl *Relay) clock() time.Time {
	if rl.now != nil {
		return rl.now()
	}
	return time.Now()
}

func (rl *Relay) delays() (time.Duration, time.Duration) {
	first, limit := rl.MinDelay, rl.MaxDelay
	if limit <= 0 {
		limit = 5 * time.Minute
	}
	if first <= 0 {
		first = min(time.Second, limit)
	}
	return first, limit
}

func (rl *Relay) log() *slog.Logger {
	if rl.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return rl.Log
}

// errServer marks a failure to reach or greet the mail server: no
// report's fault, and the same for all of them.
type errServer struct{ err error }

func (e *errServer) Error() string { return e.err.Error() }
func (e *errServer) Unwrap() error { return e.err }

// Pass tries once each report in the outbox whose wait is over, reports
// that never failed first. It returns nil when each was mailed (or is in
// the store no more), else an error that says how many were not. A
// report that failed for good is recorded ([Store.Failures]) and not tried
// again; one that failed for now waits its turn.
func (rl *Relay) Pass(ctx context.Context) error {
	rl.passing.Lock()
	defer rl.passing.Unlock()
	ids, err := rl.Store.Outbox()
	if err != nil {
		err = fmt.Errorf("relay: reading the outbox: %w", err)
		rl.serverDown(err)
		return err
	}
	due := rl.due(ids)
	var first error
	failed := 0
	for i, id := range due {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := rl.relay(ctx, id)
		var down *errServer
		if errors.As(err, &down) {
			rl.serverDown(err)
			return fmt.Errorf("relay: %d report(s) not mailed: %w", len(due)-i, err)
		}
		rl.mu.Lock()
		rl.down = retry{}
		rl.mu.Unlock()
		if err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	if first != nil {
		return fmt.Errorf("relay: %d of %d report(s) not mailed; the first: %w", failed, len(due), first)
	}
	return nil
}

// due lists the reports in ids whose wait is over, those that failed
// least first, and forgets the state of reports no longer queued.
func (rl *Relay) due(ids []string) []string {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	queued := make(map[string]bool, len(ids))
	for _, id := range ids {
		queued[id] = true
	}
	for id := range rl.jobs {
		if !queued[id] {
			delete(rl.jobs, id)
		}
	}
	now := rl.clock()
	var due []string
	for _, id := range ids {
		if j := rl.jobs[id]; j == nil || !now.Before(j.next) {
			due = append(due, id)
		}
	}
	attempts := func(id string) int {
		if j := rl.jobs[id]; j != nil {
			return j.attempts
		}
		return 0
	}
	sort.SliceStable(due, func(a, b int) bool { return attempts(due[a]) < attempts(due[b]) })
	return due
}

func (rl *Relay) serverDown(err error) {
	rl.mu.Lock()
	first, limit := rl.delays()
	rl.down.fail(rl.clock(), first, limit)
	in := rl.down.delay
	rl.mu.Unlock()
	rl.log().Error("relay: cannot reach the mail server; no report is lost, will retry", "err", err, "in", in)
}

// relay mails one report and records the outcome.
func (rl *Relay) relay(ctx context.Context, id string) error {
	st, err := rl.Store.Get(id)
	if errors.Is(err, fs.ErrNotExist) {
		rl.log().Warn("relay: the outbox names a report the store does not hold; dropped from the outbox", "id", id)
		if err := rl.Store.Unqueue(id); err != nil {
			return rl.later(id, fmt.Errorf("report %s: dropping it from the outbox: %w", id, err))
		}
		return nil
	}
	if err != nil {
		return rl.later(id, fmt.Errorf("report %s: %w", id, err))
	}
	m, err := rl.compose(st)
	if err != nil {
		return rl.later(id, fmt.Errorf("report %s: %w", id, err))
	}
	if err := rl.send(ctx, m); err != nil {
		var down *errServer
		if errors.As(err, &down) {
			return err
		}
		if reason, permanent := permanentRefusal(err); permanent {
			if ferr := rl.Store.Failed(id, reason); ferr != nil {
				return rl.later(id, fmt.Errorf("report %s: recording its refusal (%s): %w", id, reason, ferr))
			}
			rl.forget(id)
			rl.log().Warn("relay: the mail server refused a report for good; it stays in the store", "id", id, "reason", reason)
			return fmt.Errorf("report %s: %s", id, reason)
		}
		return rl.later(id, fmt.Errorf("report %s: %w", id, err))
	}
	if err := rl.Store.Relayed(id, m.messageID); err != nil {
		// The server has it: a second copy, with the same Message-Id,
		// is better than none.
		return rl.later(id, fmt.Errorf("report %s was mailed, but recording it failed (it will be mailed again): %w", id, err))
	}
	rl.forget(id)
	if m.notice != "" {
		rl.log().Info("relay: mailed a notice for a report that cannot go by mail", "id", id, "to", rl.Config.To, "message_id", m.messageID, "why", m.notice)
	} else {
		rl.log().Info("relay: mailed a report", "id", id, "to", rl.Config.To, "message_id", m.messageID, "bytes", m.size)
	}
	return nil
}

// compose builds the mail for st: the report, or a notice when its mail
// would be too large or it has lines a mail cannot carry.
func (rl *Relay) compose(st *Stored) (*outMail, error) {
	c := &rl.Config
	m, err := newReportMail(st, c.From, c.To)
	switch {
	case errors.Is(err, ErrUnmailable):
		return noticeMail(st, c.From, c.To, "its file has lines a mail cannot carry (over 998 octets, or not ASCII)")
	case err != nil:
		return nil, err
	case m.size > c.maxMailBytes():
		return noticeMail(st, c.From, c.To, fmt.Sprintf("its mail would be %d bytes, over max_mail_bytes (%d)", m.size, c.maxMailBytes()))
	}
	return m.out(), nil
}

// later records a temporary failure of report id and returns err.
func (rl *Relay) later(id string, err error) error {
	rl.mu.Lock()
	if rl.jobs == nil {
		rl.jobs = map[string]*retry{}
	}
	j := rl.jobs[id]
	if j == nil {
		j = &retry{}
		rl.jobs[id] = j
	}
	first, limit := rl.delays()
	j.fail(rl.clock(), first, limit)
	attempts, in := j.attempts, j.delay
	rl.mu.Unlock()
	rl.log().Warn("relay: report not mailed; will retry", "id", id, "err", err, "attempts", attempts, "in", in)
	return err
}

func (rl *Relay) forget(id string) {
	rl.mu.Lock()
	delete(rl.jobs, id)
	rl.mu.Unlock()
}

// backoff returns report id's retry state, for tests.
func (rl *Relay) backoff(id string) (retry, bool) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	j, ok := rl.jobs[id]
	if !ok {
		return retry{}, false
	}
	return *j, true
}
