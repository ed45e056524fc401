package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/pgpkey"
)

// terminalControls are characters a terminal acts on or that hide text:
// ESC, BEL, C1 CSI, a bidirectional override, a zero-width space.
const terminalControls = "\x1b\x07\u009b\u202e\u200b"

// forged is an org.name that, printed raw, clears the screen, retitles the
// terminal and forges a line of config check's output.
const forged = "Comoo\x1b[2J\x1b]0;owned\x07\u009b2J\u202e\u200b\nc.json: ok (fake)"

// demoConfig writes a demo key and a valid config pinned to it (as init
// writes it), and returns the config decoded, to change and write back.
func demoConfig(t *testing.T, dir string) (keyFile string, cfg map[string]any) {
	t.Helper()
	pub, _, err := pgpkey.DemoKey("Example Security", "security@example.com", t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	keyFile = writeFile(t, filepath.Join(dir, "key.asc"), string(pub))
	out := filepath.Join(dir, "base.json")
	mustRun(t, "", "init", "--name", "Comoo", "--key", keyFile, "--email", "security@example.com", "--out", out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	return keyFile, cfg
}

// assertClean fails unless out holds no terminal control and each of its
// lines is empty or begins with one of prefixes (no line was forged).
func assertClean(t *testing.T, out string, prefixes ...string) {
	t.Helper()
	if strings.ContainsAny(out, terminalControls) {
		t.Errorf("a terminal control reached the output:\n%q", out)
	}
	for line := range strings.SplitSeq(strings.TrimSuffix(out, "\n"), "\n") {
		ok := line == ""
		for _, p := range prefixes {
			ok = ok || strings.HasPrefix(line, p)
		}
		if !ok {
			t.Errorf("a line that the command did not write: %q\nin:\n%q", line, out)
		}
	}
}

// A config is text anyone may hand over (a vendor's, a colleague's): what
// config check prints of it, on standard output and standard error, is
// cleaned, and none of it forges a line.
func TestConfigCheckPrintsNoTerminalControls(t *testing.T) {
	dir := t.TempDir()
	_, cfg := demoConfig(t, dir)
	write := func(name string, change func(org map[string]any)) string {
		org := cfg["org"].(map[string]any)
		saved := map[string]any{}
		for k, v := range org {
			saved[k] = v
		}
		change(org)
		data, err := json.Marshal(cfg)
		cfg["org"] = saved
		if err != nil {
			t.Fatal(err)
		}
		return writeFile(t, filepath.Join(dir, name), string(data))
	}

	t.Run("an org.name with escapes and a line break is printed cleaned on the ok line", func(t *testing.T) {
		file := write("c.json", func(org map[string]any) { org["name"] = forged })
		out, errs, code := sealpost(t, "", "config", "check", file)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		assertClean(t, out, file+": ")
		if !strings.Contains(out, file+": ok (Comoo\uFFFD[2J") {
			t.Errorf("the ok line does not name the org, cleaned:\n%q", out)
		}
	})
	t.Run("a policy_summary language with escapes is printed cleaned in the problem's path", func(t *testing.T) {
		file := write("lang.json", func(org map[string]any) {
			org["policy_summary"] = map[string]any{"e\x1b[2J\u009b\u202e\nc.json: ok (fake)": "x"}
		})
		_, errs, code := sealpost(t, "", "config", "check", file)
		if code != 1 || !strings.Contains(errs, "org.policy_summary.e\uFFFD[2J") {
			t.Fatalf("exit %d, want 1 naming org.policy_summary:\n%q", code, errs)
		}
		assertClean(t, errs, "sealpost: error: "+file+": ")
	})
	t.Run("an unknown key with escapes is printed cleaned in the problem's path", func(t *testing.T) {
		file := write("unknown.json", func(org map[string]any) { org["\x1b]0;owned\x07\u202e\nc.json: ok (fake)"] = 1 })
		_, errs, code := sealpost(t, "", "config", "check", file)
		if code != 1 || !strings.Contains(errs, "unknown key") {
			t.Fatalf("exit %d, want 1 saying unknown key:\n%q", code, errs)
		}
		assertClean(t, errs, "sealpost: error: "+file+": ")
	})
}

// init prints the name and what it read (a security.txt from anyone's
// site, a key) cleaned too.
func TestInitPrintsNoTerminalControls(t *testing.T) {
	dir := t.TempDir()
	keyFile, _ := demoConfig(t, dir)
	out := mustRun(t, "", "init", "--name", forged, "--key", keyFile, "--email", "security@example.com", "--out", filepath.Join(dir, "c.json"))
	assertClean(t, out, "wrote ", "email only: ", "Give --widget-url")
	if !strings.Contains(out, "for Comoo\uFFFD[2J") {
		t.Errorf("init does not name the org, cleaned:\n%q", out)
	}
}

// securitytxt parse prints a security.txt's values, which may come from
// anyone's site: its JSON escapes what a terminal acts on, and reads back
// as the same text.
func TestSecuritytxtParsePrintsNoTerminalControls(t *testing.T) {
	const policy = "https://example.com/\u202eevil\u200b"
	file := writeFile(t, filepath.Join(t.TempDir(), "security.txt"),
		"Contact: mailto:security@example.com\nExpires: 2027-03-01T00:00:00Z\nPolicy: "+policy+"\n")
	out := mustRun(t, "", "securitytxt", "parse", file)
	if strings.ContainsAny(out, terminalControls) {
		t.Errorf("a terminal control reached the output:\n%q", out)
	}
	var got struct{ Policy []string }
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Policy) != 1 || got.Policy[0] != policy {
		t.Errorf("the JSON reads back as %q (%v), want %q", got.Policy, err, policy)
	}
}
