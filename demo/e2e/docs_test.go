//go:build !js

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/deliver"
)

// elsewhere are the documented commands run outside the docs tests, and
// where; a line of this kind must say so in its file.
var elsewhere = map[string][2]string{
	"make build": {"../../.ci/run", "make build"},
	"make demo":  {"demo_test.go", "TestTheDemoFilesOneReportPerSeedPage"},
	"make test":  {"../../.ci/run", "make test"},
	// The quick tier, run by CI with every other program hidden.
	"make test-quick": {"../../.ci/quick", "make\" test-quick"},
	// widget/README.md's locked and signed builds: their Makefile commands
	// run in lock_test.go; config sign in config_sign.txtar.
	"make build CONFIG_URL=https://www.example.com/sealpost/config.json":                                                        {"lock_test.go", "buildLocked(t, configURL, \"\")"},
	"make build CONFIG_URL=https://www.example.com/sealpost/config.json CONFIG_SIGNER=5F2DE5521C63A801AB59CCB603D49DE44B29100F": {"lock_test.go", "buildLocked(t, configURL, set.Keys[0].Fingerprint)"},
	"sealpost config sign --secret-key vendor-secret.asc config.json":                                                           {"../../core/cmd/sealpost/testdata/script/config_sign.txtar", "config sign --secret-key"},
}

// shellLines returns the commands of a Markdown file's sh blocks: comments
// after "  #" cut, continuation lines joined, each with the exit status
// its comment promises ("# exits 1: ...", else 0).
func shellLines(t *testing.T, path string) (lines []string, exits []int) {
	exitRE := regexp.MustCompile(`#\s*exits (\d+)`)
	for _, block := range codeBlocks(t, path, "sh") {
		joined := strings.ReplaceAll(block, "\\\n", " ")
		for _, line := range strings.Split(joined, "\n") {
			code := 0
			if m := exitRE.FindStringSubmatch(line); m != nil {
				code, _ = strconv.Atoi(m[1])
			}
			if i := strings.Index(line, "  #"); i >= 0 {
				line = line[:i]
			}
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				lines, exits = append(lines, strings.Join(strings.Fields(line), " ")), append(exits, code)
			}
		}
	}
	return lines, exits
}

// docsWorkdir is a folder to run documented commands in: bin/sealpost
// built from this tree, core/ (the examples) next to it, the files the
// commands name, and a GnuPG home.
func docsWorkdir(t *testing.T) (dir string, env []string) {
	dir = t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "sealpost"), "./core/cmd/sealpost")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building sealpost: %v\n%s", err, out)
	}
	core, _ := filepath.Abs("../../core")
	if err := os.Symlink(core, filepath.Join(dir, "core")); err != nil {
		t.Fatal(err)
	}
	video := make([]byte, 256<<10)
	rand.Read(video)
	minimal, _ := os.ReadFile("../../core/report/examples/minimal.json")
	key, _ := os.ReadFile("../../core/pgpkey/testdata/real/real-ruby-lang-security.asc")
	for name, data := range map[string][]byte{
		"poc.mp4": video, "report.json": minimal, "security.asc": key,
		"security.txt": []byte("# Example's security contact\nContact: mailto:security@example.com\nExpires: " +
			time.Now().AddDate(0, 6, 0).UTC().Format(time.RFC3339) + "\nEncryption: https://www.example.com/security.asc\n" +
			"Policy: https://www.example.com/disclosure\nPreferred-Languages: en, nl\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gnupg := filepath.Join(dir, ".gnupg")
	os.Mkdir(gnupg, 0o700)
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", gnupg, "--kill", "all").Run() })
	// No README command reaches the internet: config check on a seed
	// config would fetch the vendor's real key, whose state is not ours.
	return dir, append(os.Environ(), "GNUPGHOME="+gnupg, "HTTPS_PROXY=http://127.0.0.1:1", "NO_PROXY=127.0.0.1,localhost")
}

// runLine runs one documented command line with bash in dir.
func runLine(t *testing.T, dir string, env []string, line string, want int) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", line)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	got := 0
	if ee, ok := err.(*exec.ExitError); ok {
		got = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	if got != want {
		t.Errorf("%s\nexit status %d, the docs say %d:\n%s", line, got, want, out)
	}
	return string(out)
}

// TestTheREADMECommandsRun runs every command of the README's sh blocks, in
// order, as written; the make targets are checked to run elsewhere.
func TestTheREADMECommandsRun(t *testing.T) {
	dir, env := docsWorkdir(t)
	lines, exits := shellLines(t, "../../README.md")
	ran := 0
	for i, line := range lines {
		if where, ok := elsewhere[line]; ok {
			if data, err := os.ReadFile(where[0]); err != nil || !bytes.Contains(data, []byte(where[1])) {
				t.Errorf("%q is documented as run by %s, which does not hold %q", line, where[0], where[1])
			}
			continue
		}
		if !strings.HasPrefix(line, "bin/sealpost ") && !strings.HasPrefix(line, "gpg ") {
			t.Errorf("no test runs the README's %q", line)
			continue
		}
		// What a vendor would have at that point: reports in the receiver's
		// store, and the secret key in GnuPG.
		switch {
		case strings.Contains(line, "inbox --store receiver-store"):
			os.MkdirAll(filepath.Join(dir, "receiver-store", "reports"), 0o755)
			sealed, err := os.ReadFile(filepath.Join(dir, "sealed.asc"))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "receiver-store", "reports", "r-000000000000000000000001.asc"), sealed, 0o644)
		case strings.HasPrefix(line, "gpg ") && testing.Short():
			t.Logf("%s: skipped, needs GnuPG: run make deps (the full tier, make test, runs it)", line)
			continue
		case strings.HasPrefix(line, "gpg "):
			runLine(t, dir, env, "gpg --batch --import demo-keys/demo-secret.asc", 0)
			line = strings.Replace(line, "gpg ", "gpg --batch ", 1)
		}
		out := runLine(t, dir, env, line, exits[i])
		ran++
		// A few outputs say the line did what its comment says.
		for substr, want := range map[string]string{
			"validate --config core/config/examples/cocomm.json": "discovered_at",
			"key inspect security.asc":                           "usable",
			"open --secret-key":                                  "report-1",
			"inbox --store":                                      "r-000000000000000000000001",
			"init --name":                                        "<script src=\"https://widget.example.com/sealpost.js\"",
			"gpg ":                                               "Content-Type: multipart/mixed",
			"securitytxt gen":                                    "Contact: mailto:",
		} {
			if strings.Contains(line, substr) && !strings.Contains(out, want) {
				t.Errorf("%s: the output lacks %q:\n%s", line, want, out)
			}
		}
	}
	if ran < 10 {
		t.Errorf("only %d README commands ran", ran)
	}
}

// receiverDocs is the intake's operator guide.
const receiverDocs = "../../core/receiver/README.md"

// TestTheReceiverDocsRun runs core/receiver/README.md, the operators'
// guide: `sealpost serve` with the documented config file, then the
// documented inbox and open lines on what it stored.
func TestTheReceiverDocsRun(t *testing.T) {
	dir, env := docsWorkdir(t)
	lines, exits := shellLines(t, receiverDocs)
	runLine(t, dir, env, "bin/sealpost keygen --demo --out demo-keys", 0)
	runLine(t, dir, env, "bin/sealpost seal --key demo-keys/demo-public.asc report.json > sealed.asc", 0)
	cfg := codeBlocks(t, receiverDocs, "json")[0]
	// The documented mail server, moved to a closed loopback port: the
	// relay tries it, fails, and keeps the report queued.
	cfg = strings.Replace(cfg, "smtp.example.com:587", freeAddr(t), 1)
	os.WriteFile(filepath.Join(dir, "receiver.json"), []byte(cfg), 0o644)
	addr := freeAddr(t)
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "sealpost serve "):
			// The documented command, on a free port.
			line = strings.Replace(strings.Replace(line, "sealpost ", "bin/sealpost ", 1), "127.0.0.1:8082", addr, 1)
			cmd := exec.Command("bash", "-c", "exec "+line)
			cmd.Dir, cmd.Env = dir, append(env, "SEALPOST_SMTP_PASSWORD=unused")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			sealed, _ := os.ReadFile(filepath.Join(dir, "sealed.asc"))
			// The Go client, which solves the documented proof of work.
			client := &deliver.Client{Endpoint: "http://" + addr + "/reports", Attempts: 1}
			var err error
			for range 100 {
				if _, err = client.Post(context.Background(), bytes.NewReader(sealed), int64(len(sealed)), "docs-1"); err == nil {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("the documented receiver did not store a report: %v\n%s", err, out.String())
			}
		case strings.HasPrefix(line, "sealpost "):
			reports, _ := filepath.Glob(filepath.Join(dir, "receiver-store", "reports", "*.asc"))
			if len(reports) != 1 {
				t.Fatalf("the store holds %v", reports)
			}
			id := strings.TrimSuffix(filepath.Base(reports[0]), ".asc")
			line = strings.NewReplacer("sealpost ", "bin/sealpost ", "DIR", "receiver-store", "<id>", id,
				"vendor-secret.asc", "demo-keys/demo-secret.asc").Replace(line)
			out := runLine(t, dir, env, line, exits[i])
			if !strings.Contains(out, id) && !strings.Contains(out, "report-1") {
				t.Errorf("%s:\n%s", line, out)
			}
		default:
			t.Errorf("no test runs core/receiver/README.md's %q", line)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "report-1", "report.json")); err != nil {
		t.Errorf("the documented open unpacked nothing: %v", err)
	}
}

// TestEveryDocBlockIsExercised: each fenced block of the project's
// Markdown is run by a test (sh, go, html, nginx, caddy, json), or is one
// of the few that only describe (the folder map, the MIME layout).
func TestEveryDocBlockIsExercised(t *testing.T) {
	out, err := exec.Command("git", "-C", "../..", "ls-files", "*.md").Output()
	if err != nil {
		t.Fatal(err)
	}
	readmeLines, _ := shellLines(t, "../../README.md")
	receiverLines, _ := shellLines(t, receiverDocs)
	example, err := os.ReadFile("../../core/deliver/flow_example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	runBy := map[string]string{ // file and block language: the test that runs it
		"README.md sh": "TestTheREADMECommandsRun", "core/receiver/README.md sh": "TestTheReceiverDocsRun",
		"core/receiver/README.md json": "TestTheReceiverDocsRun",
		"widget/README.md html":        "TestTheServerSnippetsServeAWorkingWidget", "widget/README.md nginx": "TestTheServerSnippetsServeAWorkingWidget",
		"widget/README.md caddy": "TestTheServerSnippetsServeAWorkingWidget",
		"core/README.md json":    "TestTheDocumentedMessageIsValid (core/thread)",
		"README.md html":         "TestTheTwoDeploymentsWorkAsDocumented", "README.md http": "TestTheTwoDeploymentsWorkAsDocumented",
	}
	describes := map[string]string{"README.md": "core/report/", "core/README.md": "Content-Type: multipart/mixed"}
	for _, file := range strings.Fields(string(out)) {
		if strings.Contains(file, "/testdata/") {
			continue // fixtures (a real key inside Markdown), not docs
		}
		data, err := os.ReadFile(filepath.Join("../..", file))
		if err != nil {
			t.Fatal(err)
		}
		var lang string
		var body strings.Builder
		inBlock := false
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "```") {
				if inBlock {
					body.WriteString(line + "\n")
				}
				continue
			}
			if !inBlock {
				inBlock, lang = true, strings.TrimPrefix(line, "```")
				body.Reset()
				continue
			}
			inBlock = false
			block := body.String()
			switch key := file + " " + lang; {
			case lang == "sh" && file != "README.md" && file != "core/receiver/README.md":
				for _, l := range strings.Split(block, "\n") {
					if l = strings.TrimSpace(strings.SplitN(l, "#", 2)[0]); l != "" {
						if _, ok := elsewhere[l]; !ok {
							t.Errorf("%s: no test runs %q", file, l)
						}
					}
				}
			case lang == "sh":
				n := len(readmeLines)
				if file == "core/receiver/README.md" {
					n = len(receiverLines)
				}
				if n == 0 {
					t.Errorf("%s: its sh lines were not found", file)
				}
			case lang == "go":
				for _, l := range strings.Split(block, "\n") {
					code := strings.TrimSpace(strings.SplitN(l, "//", 2)[0])
					if code != "" && !bytes.Contains(example, []byte(code)) {
						t.Errorf("%s: %q is not in Example_validateSealDeliver", file, code)
					}
				}
			case lang == "":
				if want, ok := describes[file]; !ok || !strings.Contains(block, want) {
					t.Errorf("%s: an untagged block no test runs:\n%s", file, block)
				}
			default:
				if _, ok := runBy[key]; !ok {
					t.Errorf("%s: no test runs its %s block", file, lang)
				}
			}
		}
	}
}

// TestTheCLIDemoRuns runs make demo-cli's script (demo/run) once through,
// on free ports and a state folder of its own: the command line on both
// seed policies, a post to the receiver, and the vendor's inbox.
func TestTheCLIDemoRuns(t *testing.T) {
	needs(t, "curl (demo/run posts with it)")
	build := exec.Command("go", "build", "-o", "bin/sealpost", "./core/cmd/sealpost")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cmd := exec.Command("bash", "demo/run")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "ONCE=1", "STATE="+t.TempDir(), "PORT="+strconv.Itoa(freeBase(t)),
		"MAIL_SMTP="+freeAddr(t), "MAIL_WEB="+freeAddr(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo/run: %v\n%s", err, out)
	}
	for _, want := range []string{"== Cocomm also wants", "== Post it to the intake", `"sha256"`, "== Plaintext is refused",
		"Other customers' orders readable by changing an id", "1 report(s)"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the CLI demo shows no %q:\n%s", want, out)
		}
	}
}

// TestEveryConfigOptionIsDocumented: each JSON key of the vendor config
// (core/config) has its row in widget/README.md's Configure table.
func TestEveryConfigOptionIsDocumented(t *testing.T) {
	data, err := os.ReadFile("../../widget/README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return
		}
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			path := prefix + name
			ft := typ.Field(i).Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(config.Contact{}) {
				walk(path+".", ft)
				continue
			}
			if !strings.Contains(doc, "`"+path+"`") && !(ft == reflect.TypeOf(config.Contact{}) && strings.Contains(doc, "`"+path+"` (")) {
				t.Errorf("widget/README.md does not document %s", path)
			}
		}
	}
	walk("", reflect.TypeOf(config.Config{}))
}
