package receiver

import (
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per client. Its table is bounded: when full,
// it first forgets clients whose bucket has refilled (forgetting them
// changes nothing), then the tenth seen longest ago; it never resets
// everyone at once.
type limiter struct {
	off       bool
	perSecond rate.Limit
	burst     int
	max       int
	mu        sync.Mutex
	clients   map[string]*client
	now       func() time.Time
}

type client struct {
	bucket *rate.Limiter
	seen   time.Time
}

func newLimiter(perMinute, burst, max int) *limiter {
	if perMinute == 0 {
		perMinute = defaultRatePerMinute
	}
	if burst == 0 {
		burst = defaultBurst
	}
	return &limiter{off: perMinute < 0, perSecond: rate.Limit(float64(perMinute) / 60), burst: burst, max: max,
		clients: map[string]*client{}, now: time.Now}
}

func (l *limiter) allow(key string) bool {
	if l.off {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c, ok := l.clients[key]
	if !ok {
		if len(l.clients) >= l.max {
			l.evict(now)
		}
		c = &client{bucket: rate.NewLimiter(l.perSecond, l.burst)}
		l.clients[key] = c
	}
	c.seen = now
	return c.bucket.AllowN(now, 1)
}

// wait is how long key must wait for a token, taking none (0: it has one).
func (l *limiter) wait(key string) time.Duration {
	if l.off {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clients[key]
	if !ok {
		return 0
	}
	short := 1 - c.bucket.TokensAt(l.now())
	if short <= 0 {
		return 0
	}
	return time.Duration(short / float64(l.perSecond) * float64(time.Second))
}

// evict makes room in a full table.
func (l *limiter) evict(now time.Time) {
	for k, c := range l.clients {
		if c.bucket.TokensAt(now) >= float64(l.burst) {
			delete(l.clients, k)
		}
	}
	if len(l.clients) < l.max*9/10 {
		return
	}
	seen := make([]time.Time, 0, len(l.clients))
	for _, c := range l.clients {
		seen = append(seen, c.seen)
	}
	slices.SortFunc(seen, func(a, b time.Time) int { return a.Compare(b) })
	cutoff := seen[len(seen)/10]
	for k, c := range l.clients {
		if !c.seen.After(cutoff) {
			delete(l.clients, k)
		}
	}
}

// clientKey names the client a request comes from, for the limits: its
// address, an IPv6 one cut to its /64 (one subscriber's usual share).
// When the peer is a trusted proxy, the client is the right-most address
// in X-Forwarded-For that is not a trusted proxy itself.
func clientKey(r *http.Request, proxies []*net.IPNet) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip != nil && trusted(ip, proxies) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop := net.ParseIP(strings.TrimSpace(hops[i]))
			if hop == nil {
				break // a malformed hop: trust nothing to its left
			}
			ip = hop
			if !trusted(hop, proxies) {
				break
			}
		}
	}
	return addressKey(ip, host)
}

// addressKey groups an address: IPv4 as is, IPv6 by /64.
func addressKey(ip net.IP, fallback string) string {
	if ip == nil {
		return fallback
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

func trusted(ip net.IP, proxies []*net.IPNet) bool {
	for _, n := range proxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
