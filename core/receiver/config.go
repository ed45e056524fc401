package receiver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// Config is the receiver's configuration (JSON; unknown keys are errors).
// Every limit has a default, written beside it; [Limits] holds the ones
// that bound a connection.
type Config struct {
	// onAdmit, when set (by tests), is told each decision on an upload
	// slot, as it is made.
	onAdmit func(ok bool)

	// MaxBytes bounds a report's body (default 256 MiB).
	MaxBytes int64 `json:"max_bytes,omitempty"`
	// AllowedOrigins may post from a browser. "null" (a sandboxed iframe)
	// is allowed only when listed.
	AllowedOrigins []string `json:"allowed_origins,omitempty"`
	// RatePerMinute and Burst limit posts per client (defaults 30 and 10;
	// IPv6 clients are grouped by /64); a negative RatePerMinute turns the
	// limit off.
	RatePerMinute int `json:"rate_per_minute,omitempty"`
	Burst         int `json:"burst,omitempty"`
	// TrustedProxies lists the addresses (CIDRs) of reverse proxies whose
	// X-Forwarded-For names the client. Empty (the default): the client
	// is the connection's peer, and X-Forwarded-For is ignored.
	TrustedProxies []string `json:"trusted_proxies,omitempty"`
	Limits         Limits   `json:"limits,omitzero"`
	// Relay, when set, mails each report to the security team.
	Relay *RelayConfig `json:"relay,omitempty"`
	// ProofOfWork asks each post for a proof of work (pow.go); ParseConfig
	// sets the default when the config does not mention it.
	ProofOfWork *ProofOfWork `json:"proof_of_work,omitempty"`
	// Threads bounds the conversations that follow reports sent with a
	// reply code, and enables the operator's endpoints (threads.go).
	Threads Threads `json:"threads,omitzero"`
}

// Limits bound what one client can hold. Durations are Go durations in
// strings ("30s", "2m").
type Limits struct {
	// HeaderTimeout bounds reading a request's headers (default 10s).
	HeaderTimeout Duration `json:"header_timeout,omitzero"`
	// IdleTimeout closes a keep-alive connection idle this long (default 60s).
	IdleTimeout Duration `json:"idle_timeout,omitzero"`
	// WriteTimeout bounds writing a response (default 30s).
	WriteTimeout Duration `json:"write_timeout,omitzero"`
	// MinUploadRate is the slowest a body may arrive, in bytes per second,
	// measured over each UploadWindow (defaults 4096 and 20s); -1 turns it off.
	MinUploadRate int      `json:"min_upload_bytes_per_second,omitempty"`
	UploadWindow  Duration `json:"upload_window,omitzero"`
	// MaxConcurrentUploads bounds the reports being received at once;
	// beyond it a post gets 503 with Retry-After (default 64).
	MaxConcurrentUploads int `json:"max_concurrent_uploads,omitempty"`
	// MaxUploadsPerAddress bounds the reports one client (IPv6: one /64)
	// uploads at once (default 4): a handful of slow clients cannot hold
	// every slot.
	MaxUploadsPerAddress int `json:"max_uploads_per_address,omitempty"`
	// MaxConnsPerAddress bounds the open connections from one client
	// address (IPv6: one /64); more are closed at once (default 16; not
	// applied to trusted proxies).
	MaxConnsPerAddress int `json:"max_conns_per_address,omitempty"`
}

const (
	defaultMaxBytes       = 256 << 20
	defaultHeaderTimeout  = 10 * time.Second
	defaultIdleTimeout    = 60 * time.Second
	defaultWriteTimeout   = 30 * time.Second
	defaultMinUploadRate  = 4096
	defaultUploadWindow   = 20 * time.Second
	defaultMaxUploads     = 64
	defaultConnsPerAddr   = 16
	defaultUploadsPerAddr = 4
	maxLimiterEntries     = 100_000
	defaultRatePerMinute  = 30
	defaultBurst          = 10
)

func (c *Config) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return defaultMaxBytes
}

func (l Limits) minRate() int {
	switch {
	case l.MinUploadRate < 0:
		return 0
	case l.MinUploadRate == 0:
		return defaultMinUploadRate
	}
	return l.MinUploadRate
}

func (l Limits) maxUploads() int {
	if l.MaxConcurrentUploads > 0 {
		return l.MaxConcurrentUploads
	}
	return defaultMaxUploads
}

func (l Limits) uploadsPerAddress() int {
	if l.MaxUploadsPerAddress > 0 {
		return l.MaxUploadsPerAddress
	}
	return defaultUploadsPerAddr
}

func (l Limits) connsPerAddress() int {
	if l.MaxConnsPerAddress > 0 {
		return l.MaxConnsPerAddress
	}
	return defaultConnsPerAddr
}

// Duration is a time.Duration written as a Go duration string in JSON.
type Duration time.Duration

func (d Duration) or(def time.Duration) time.Duration {
	if d > 0 {
		return time.Duration(d)
	}
	return def
}

func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

func (d *Duration) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return errors.New(`a duration is a string such as "30s" or "2m"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("duration %q: write a positive Go duration such as \"30s\" or \"2m\"", s)
	}
	*d = Duration(v)
	return nil
}

// LoadConfig reads a receiver config file, strictly.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(data)
}

// ParseConfig parses a receiver config, strictly: unknown keys are errors.
func ParseConfig(data []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("receiver config: %w", err)
	}
	if dec.More() {
		return nil, errors.New("receiver config: data after the JSON object")
	}
	if c.MaxBytes < 0 || c.Burst < 0 || c.Limits.MaxConcurrentUploads < 0 || c.Limits.MaxUploadsPerAddress < 0 || c.Limits.MaxConnsPerAddress < 0 {
		return nil, errors.New("receiver config: max_bytes, burst, max_concurrent_uploads, max_uploads_per_address and max_conns_per_address cannot be negative")
	}
	if c.Limits.MinUploadRate < -1 {
		return nil, errors.New("receiver config: min_upload_bytes_per_second is a rate in bytes per second, or -1 for none")
	}
	if _, err := parseCIDRs(c.TrustedProxies); err != nil {
		return nil, err
	}
	if err := c.checkWork(); err != nil {
		return nil, err
	}
	if err := c.Threads.check(); err != nil {
		return nil, err
	}
	if c.Relay != nil {
		if err := c.Relay.check(); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// parseCIDRs reads trusted proxy addresses: CIDRs, or single addresses.
func parseCIDRs(list []string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, s := range list {
		if !strings.Contains(s, "/") {
			if ip := net.ParseIP(s); ip != nil {
				bits := 8 * len(ip.To16())
				if ip.To4() != nil {
					ip, bits = ip.To4(), 32
				}
				out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
				continue
			}
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("receiver config: trusted_proxies: %q is not an address or CIDR", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func jsonMarshal(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	return append(data, '\n'), err
}
