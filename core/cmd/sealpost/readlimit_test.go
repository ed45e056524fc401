package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/securitytxt"
)

// sparseFile makes a file of size zero bytes without writing them.
func sparseFile(t *testing.T, path string, size int64) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}

// init reads a key file of at most pgpkey.MaxBytes: one past it is refused
// as too large, naming the file and the limit, before pgpkey.Parse sees
// it; one at it is read (and refused as not a key).
func TestInitKeyFileIsBounded(t *testing.T) {
	dir := t.TempDir()
	limit := strconv.Itoa(pgpkey.MaxBytes)
	for _, c := range []struct {
		name     string
		size     int64
		tooLarge bool
	}{
		{"a key file at the limit is read", pgpkey.MaxBytes, false},
		{"a key file one byte past the limit is refused as too large", pgpkey.MaxBytes + 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			key := sparseFile(t, filepath.Join(dir, strconv.FormatInt(c.size, 10)+".asc"), c.size)
			_, errs, code := sealpost(t, "", "init", "--name", "Example", "--key", key, "--email", "security@example.com", "--out", filepath.Join(dir, "c.json"))
			said := strings.Contains(errs, key+" is too large") && strings.Contains(errs, limit)
			if code != 1 || said != c.tooLarge || strings.Contains(errs, "too large") != c.tooLarge {
				t.Errorf("exit %d, want 1 (too large, naming the file and %s: %v):\n%s", code, limit, c.tooLarge, errs)
			}
		})
	}
}

// init reads a local security.txt of at most securitytxt.MaxBytes: one at
// the limit makes a config, one byte past it is refused, naming the file
// and the limit.
func TestInitSecurityTxtIsBounded(t *testing.T) {
	dir := t.TempDir()
	keyFile, _ := demoConfig(t, dir)
	const head = "Contact: mailto:security@example.com\nExpires: 2027-03-01T00:00:00Z\n"
	limit := strconv.Itoa(securitytxt.MaxBytes)
	for _, c := range []struct {
		name     string
		size     int
		tooLarge bool
	}{
		{"a security.txt at the limit makes a config", securitytxt.MaxBytes, false},
		{"a security.txt one byte past the limit is refused as too large", securitytxt.MaxBytes + 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := head + strings.Repeat("# padding\n", (c.size-len(head)-20)/10)
			body += "#" + strings.Repeat("x", c.size-len(body)-2) + "\n"
			if len(body) != c.size {
				t.Fatalf("the test wrote %d bytes, not %d", len(body), c.size)
			}
			stxt := writeFile(t, filepath.Join(dir, strconv.Itoa(c.size)+".txt"), body)
			out := filepath.Join(dir, strconv.Itoa(c.size)+".json")
			stdout, errs, code := sealpost(t, "", "init", "--name", "Example", "--security-txt", stxt, "--key", keyFile, "--out", out)
			switch {
			case c.tooLarge && (code != 1 || !strings.Contains(errs, stxt+" is too large") || !strings.Contains(errs, limit)):
				t.Errorf("exit %d, want 1 saying %s is too large (%s bytes):\n%s", code, stxt, limit, errs)
			case !c.tooLarge && (code != 0 || !strings.HasPrefix(stdout, "wrote "+out)):
				t.Errorf("exit %d, want a config written:\n%s%s", code, stdout, errs)
			}
		})
	}
}

// TestASecurityTxtRedirectedOffHTTPSIsRefused: init reads a vendor's
// security.txt (which names the key and its pin) over https only, redirects
// included: what a client that follows redirects brings from http is not
// used.
func TestASecurityTxtRedirectedOffHTTPSIsRefused(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "Contact: mailto:security@example.com\n")
	}))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.RedirectHandler(plain.URL+"/.well-known/security.txt", http.StatusFound))
	defer secure.Close()
	e := &env{client: secure.Client()}
	data, err := e.fetchOrRead(secure.URL+"/.well-known/security.txt", 1024)
	if err == nil || !strings.Contains(err.Error(), "which is not https") {
		t.Errorf("a redirect to http gave %q, %v", data, err)
	}
}
