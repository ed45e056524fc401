package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
)

// The inbox lists titles from messages anyone can seal: no control
// character (C1 included), bidi override or isolate, or invisible format
// character reaches the terminal, in a title or in an error.
func TestInboxTitlesAreCleaned(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	pub, sec, err := pgpkey.DemoKey("Inbox Test", "security@example.com", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(pub, pgpkey.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.ReadSecretKeys(sec, nil)
	if err != nil {
		t.Fatal(err)
	}
	const hostile = "a\x1b[2J\u009b2J\u0085\u202eb\u2066c\u200bd\u00ade\U000E0041"
	entity := func(title, jsonKey string) []byte {
		js := `{"schema": "sealpost.report/v1", "title": "` + strings.NewReplacer("\x1b", `\u001b`).Replace(title) + `"` + jsonKey + `}`
		return []byte("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: application/json\r\n\r\n" + js + "\r\n--b--\r\n")
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name, plain, want string
	}{
		{"a title with every kind of hidden character", string(entity(hostile, "")), "a\uFFFD[2J\uFFFD2J\uFFFD\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD"},
		{"an unknown JSON key with terminal escapes", string(entity("t", `, "\u001b]0;x\u0007\u009b": 1`)), "(cannot open: "},
		{"a malformed MIME header", "MIME-Version: 1.0\r\n\x1b[2J\u009b\r\n\r\n", "(cannot open: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			msg, err := seal.Bytes([]byte(c.plain), set.Keys, seal.Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".pgp")
			os.WriteFile(path, msg, 0o600)
			got := readTitle(path, keys)
			if !strings.HasPrefix(got, c.want) || got != report.Clean(got) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestCleanErrorKeepsTheChain(t *testing.T) {
	err := cleanError(errors.Join(seal.ErrNotAReport, errors.New("key \"\x1b[2J\"")))
	if !errors.Is(err, seal.ErrNotAReport) || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("%q", err)
	}
}

// Thread messages are text anyone with a reply code or a leaked credential
// can write: several lines, printed to a terminal. Line breaks and tabs
// stay; nothing else that a terminal acts on does.
func TestThreadTextIsCleaned(t *testing.T) {
	const hostile = "line one\r\n\tindented \x1b[2J\u009b2J\u0085\u202eb\u2066c\u200bd\u00ade\U000E0041\x7f\nlast"
	got := cleanText(hostile)
	if want := "line one\n\tindented \uFFFD[2J\uFFFD2J\uFFFD\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD\uFFFD\nlast"; got != want {
		t.Errorf("cleanText:\n got %q\nwant %q", got, want)
	}

	// JSON output keeps the text exactly, with every such character escaped.
	var b bytes.Buffer
	if err := writeJSON(&b, map[string]string{"text": hostile}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\u009b\u0085\u202e\u2066\u200b\u00ad\U000E0041\x7f\r") {
		t.Errorf("writeJSON let a terminal control through: %q", b.String())
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["text"] != hostile {
		t.Errorf("writeJSON's output reads back as %q (%v)", back["text"], err)
	}
}
