package receiver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Run serves the intake on ln until ctx ends, then finishes the requests in
// flight (30 s at most) and stops the relay. It holds the store's lock
// (one intake per store), removes bodies and threads a crash left half
// made ([Store.Clean]), reconciles stored reports with the relay's queue,
// and sets every limit in cfg.Limits on the server and the listener.
func Run(ctx context.Context, ln net.Listener, cfg Config, storeDir string, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	store, err := OpenStore(storeDir)
	if err != nil {
		return err
	}
	unlock, err := lockStore(storeDir)
	if err != nil {
		return err
	}
	defer unlock()
	store.Clean()
	rc := New(cfg, store, log)
	var relayDone sync.WaitGroup
	if cfg.Relay != nil {
		n, err := store.Reconcile()
		if err != nil {
			return err
		}
		if n > 0 {
			log.Warn("queued reports a crash or a full disk had kept off the mail queue", "reports", n)
		}
		relay := &Relay{Config: *cfg.Relay, Store: store, Log: log, Wake: make(chan struct{}, 1)}
		rc.Stored = func(*Stored) { relay.Poke() }
		relayCtx, stopRelay := context.WithCancel(context.Background())
		defer func() { stopRelay(); relayDone.Wait() }()
		relayDone.Go(func() { relay.Run(relayCtx) })
	}
	srv := &http.Server{
		Handler:           rc,
		ReadHeaderTimeout: cfg.Limits.HeaderTimeout.or(defaultHeaderTimeout),
		IdleTimeout:       cfg.Limits.IdleTimeout.or(defaultIdleTimeout),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	proxies, _ := parseCIDRs(cfg.TrustedProxies)
	ln = &perAddressListener{Listener: ln, max: cfg.Limits.connsPerAddress(), proxies: proxies, open: map[string]int{}}
	log.Info("intake listening", "addr", "http://"+ln.Addr().String(), "store", storeDir, "relay", cfg.Relay != nil)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("intake stopping: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// perAddressListener closes a new connection at once when its client
// address (IPv6: its /64) already holds max; trusted proxies are exempt.
type perAddressListener struct {
	net.Listener
	max     int
	proxies []*net.IPNet
	mu      sync.Mutex
	open    map[string]int
}

func (l *perAddressListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := peerIP(c)
		if ip != nil && trusted(ip, l.proxies) {
			return c, nil
		}
		key := addressKey(ip, c.RemoteAddr().String())
		l.mu.Lock()
		if l.open[key] >= l.max {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.open[key]++
		l.mu.Unlock()
		return &countedConn{Conn: c, release: func() {
			l.mu.Lock()
			if l.open[key]--; l.open[key] <= 0 {
				delete(l.open, key)
			}
			l.mu.Unlock()
		}}, nil
	}
}

func peerIP(c net.Conn) net.IP {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP
	}
	return nil
}

type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}
