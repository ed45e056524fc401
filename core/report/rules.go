package report

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/sealpost/sealpost/core/pgpkey"
)

// Rules are the vendor's requirements for a report, taken from its config.
// The zero value requires only what every report needs (an accepted policy).
type Rules struct {
	// Required lists the JSON names of required fields, e.g. "targets",
	// "description", "discovered_at", "reporter.email". A required "targets"
	// is waived for the "physical" category.
	Required []string
	// StepsOrAttachment requires written steps or at least one attachment
	// (e.g. a video showing them).
	StepsOrAttachment bool
	// Attachment limits; zero means no attachments allowed at all for
	// MaxAttachments, and no per-file or total limit for the byte limits.
	MaxAttachments int
	MaxFileBytes   int64
	MaxTotalBytes  int64
	// AttachmentTypes are the accepted media types ("video/*",
	// "image/png"); empty means any.
	AttachmentTypes []string
}

// TypeAccepted reports whether media type mt is one of accepted (where
// "video/*" takes every video type); an empty list accepts every type.
func TypeAccepted(mt string, accepted []string) bool {
	if len(accepted) == 0 {
		return true
	}
	base, _, err := mime.ParseMediaType(mt)
	if err != nil {
		return false
	}
	for _, a := range accepted {
		a = strings.ToLower(a)
		if a == base || strings.HasSuffix(a, "/*") && strings.HasPrefix(base, a[:len(a)-1]) {
			return true
		}
	}
	return false
}

// Requirable lists the JSON names that [Rules.Required] may hold.
var Requirable = []string{
	"title", "category", "targets", "discovered_at", "description", "expected",
	"steps", "impact", "cvss", "cwe", "reporter.name", "reporter.email",
	"reporter.pgp_key",
}

// isEmpty reports whether the field named by a [Requirable] JSON name is unset.
func (r *Report) isEmpty(field string) bool {
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	switch field {
	case "title":
		return blank(r.Title)
	case "category":
		return blank(r.Category)
	case "targets":
		return len(r.Targets) == 0
	case "discovered_at":
		return r.DiscoveredAt == nil || r.DiscoveredAt.IsZero()
	case "description":
		return blank(r.Description)
	case "expected":
		return blank(r.Expected)
	case "steps":
		return blank(r.Steps)
	case "impact":
		return blank(r.Impact)
	case "cvss":
		return blank(r.CVSS)
	case "cwe":
		return blank(r.CWE)
	case "reporter.name":
		return blank(r.Reporter.Name)
	case "reporter.email":
		return blank(r.Reporter.Email)
	case "reporter.pgp_key":
		return blank(r.Reporter.PGPKey)
	}
	panic(fmt.Sprintf("report: %q is not a requirable field", field))
}

// clockSkew is how far in the future a time may lie before it counts as
// "in the future": browsers' clocks are not exact.
const clockSkew = 10 * time.Minute

var (
	hostnameRE = regexp.MustCompile(`^(\*\.)?([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.?$`)
	cweRE      = regexp.MustCompile(`^CWE-[1-9][0-9]{0,5}$`)
	sha256RE   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// IsTarget reports whether s names something a report can be about: an
// absolute URL with a host, an IP address, a CIDR range, a hostname (a
// leading "*." wildcard allowed) or a host with a port.
func IsTarget(s string) bool {
	if s == "" || s != strings.TrimSpace(s) {
		return false
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		return err == nil && u.Scheme != "" && u.Host != "" && isHost(u.Hostname())
	}
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	if isHost(s) {
		return true
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return false
	}
	return isHost(host)
}

func isHost(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	return len(s) <= 253 && hostnameRE.MatchString(s)
}

// isSingleLine reports whether s holds no control characters at all.
func isSingleLine(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// isText reports whether s holds no control characters but line breaks and tabs.
func isText(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	})
}

func isMediaType(s string) bool {
	mt, _, err := mime.ParseMediaType(s)
	return err == nil && strings.Count(mt, "/") == 1 && !strings.HasPrefix(mt, "multipart/")
}

// pgpKeyProblem says what is wrong with a reporter's public key: "" when it
// is an OpenPGP public key, "pgpkey_private" for secret key material, and
// "pgpkey" otherwise.
func pgpKeyProblem(s string) string {
	block, err := armor.Decode(strings.NewReader(strings.TrimSpace(s)))
	if err != nil {
		return "pgpkey"
	}
	if block.Type == openpgp.PrivateKeyType {
		return "pgpkey_private"
	}
	if block.Type != openpgp.PublicKeyType {
		return "pgpkey"
	}
	data, err := io.ReadAll(block.Body)
	if err != nil || pgpkey.CheckSizes(data) != nil {
		return "pgpkey" // sized before go-crypto checks a signature (see pgpkey.CheckSizes)
	}
	keys, err := openpgp.ReadKeyRing(bytes.NewReader(data))
	if err != nil || len(keys) == 0 {
		return "pgpkey"
	}
	for _, k := range keys {
		if k.PrivateKey != nil {
			return "pgpkey_private"
		}
	}
	return ""
}

func isLanguage(s string) bool { return slices.Contains(Languages, s) }
