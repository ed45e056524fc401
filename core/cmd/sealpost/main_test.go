package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/report"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sealpost": func() {
			e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now}
			os.Exit(e.run(os.Args[1:]))
		},
	})
}

// TestScripts runs the txtar scripts in testdata/script against the real
// command. Each script's work folder starts with the shipped example configs
// (comoo.json, cocomm.json) and example reports (minimal.json, full.json).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mimecheck":  mimecheck,
			"truncate":   truncate,
			"genfile":    genfile,
			"dearmor":    dearmor,
			"zipdeflate": zipDeflate,
			"cmpkey":     cmpKey,
			"jsonset":    jsonSet,
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("SEALPOST_NOW", "2026-11-23T12:00:00Z")
			ojs, err := filepath.Abs("../../seal/testdata/openpgpjs/decrypt.mjs")
			if err != nil {
				return err
			}
			env.Setenv("OPENPGPJS_DECRYPT", ojs)
			for _, src := range []string{
				"../../config/examples/comoo.json", "../../config/examples/cocomm.json",
				"../../report/examples/minimal.json", "../../report/examples/full.json",
				"../../securitytxt/testdata/example.txt",
				"../../pgpkey/testdata/real/real-ruby-lang-security.asc",
				"../../pgpkey/testdata/real/real-sittard-geleen-pgp-key.asc",
			} {
				data, err := os.ReadFile(src)
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(env.WorkDir, filepath.Base(src)), data, 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// TestEveryScriptThatRunsAnotherToolSkipsUnderShort: the quick tier (make
// test-quick, -short) runs no program but Go's, so a script reaches its
// first gpg, sq, rnp or node line only past a [short] skip that names the
// make deps item bringing it; without -short it runs them all.
func TestEveryScriptThatRunsAnotherToolSkipsUnderShort(t *testing.T) {
	scripts, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	tool := regexp.MustCompile(`^(\[[^\]]*\] )?!? *exec (gpg|sq|rnp|node)\b`)
	for _, path := range scripts {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		skipped := false
		for i, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "-- ") {
				break // the files
			}
			if strings.HasPrefix(line, "[short] skip") && strings.Contains(line, "make deps") {
				skipped = true
			}
			if m := tool.FindStringSubmatch(line); m != nil && !skipped && !strings.Contains(m[1], "!short") {
				t.Errorf("%s:%d runs %s with no [short] skip naming make deps before it", path, i+1, m[2])
				break
			}
		}
	}
}

// mimecheck PLAIN REPORT [ATTACHMENT...] checks that PLAIN, a decrypted
// message, is the MIME entity of REPORT (report.json as given to seal) with
// exactly the ATTACHMENT files' bytes, in order.
func mimecheck(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mimecheck PLAIN REPORT [ATTACHMENT...]")
	}
	want, err := report.Parse(strings.NewReader(ts.ReadFile(args[1])))
	ts.Check(err)
	m, err := report.ReadMIME(strings.NewReader(ts.ReadFile(args[0])))
	ts.Check(err)
	var parts [][]byte
	for {
		a, err := m.NextAttachment()
		if err == io.EOF {
			break
		}
		ts.Check(err)
		body, err := io.ReadAll(a.Body)
		ts.Check(err)
		parts = append(parts, body)
	}
	files := args[2:]
	if len(parts) != len(files) {
		ts.Fatalf("%d attachments, want %d", len(parts), len(files))
	}
	got := m.Report
	if got.Title != want.Title || got.Description != want.Description || !slices.Equal(got.Targets, want.Targets) ||
		got.Steps != want.Steps || got.Reporter != want.Reporter || got.CVSS != want.CVSS {
		ts.Fatalf("report.json differs:\n got %+v\nwant %+v", got, want)
	}
	if !bytes.Contains(m.Text, []byte(want.Description)) {
		ts.Fatalf("the text part lacks the description")
	}
	for i, f := range files {
		if string(parts[i]) != ts.ReadFile(f) {
			ts.Fatalf("attachment %d differs from %s", i+1, f)
		}
	}
}

// dearmor IN OUT writes the binary packets of the armored file IN to OUT,
// as gpg --dearmor does: a key as a .gpg file.
func dearmor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: dearmor IN OUT")
	}
	block, err := armor.Decode(strings.NewReader(ts.ReadFile(args[0])))
	ts.Check(err)
	data, err := io.ReadAll(block.Body)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), data, 0o644))
}

// zipdeflate OUT NAME=FILE... writes a .zip whose entries NAME hold the
// FILEs, deflated (as a vendor's public_key.zip is).
func zipDeflate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: zipdeflate OUT NAME=FILE...")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, arg := range args[1:] {
		name, file, ok := strings.Cut(arg, "=")
		if !ok {
			ts.Fatalf("usage: zipdeflate OUT NAME=FILE...")
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		ts.Check(err)
		_, err = w.Write([]byte(ts.ReadFile(file)))
		ts.Check(err)
	}
	ts.Check(zw.Close())
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o644))
}

// cmpkey A B checks that the configs A and B hold the same key: the same
// pin and the same armored text.
func cmpKey(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cmpkey A B")
	}
	a, err := config.LoadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	b, err := config.LoadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	if a.Key != b.Key {
		ts.Fatalf("the keys differ:\n%s: %+v\n%s: %+v", args[0], a.Key, args[1], b.Key)
	}
}

// jsonset FILE PATH VALUE sets the string at the dotted PATH of the JSON
// object in FILE to VALUE (a vendor editing its config).
func jsonSet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: jsonset FILE PATH VALUE")
	}
	var doc map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	keys := strings.Split(args[1], ".")
	m := doc
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			ts.Fatalf("%s: no object at %s", args[0], k)
		}
		m = next
	}
	m[keys[len(keys)-1]] = args[2]
	out, err := json.MarshalIndent(doc, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), out, 0o644))
}

// truncate FILE N keeps the first N bytes of FILE.
func truncate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: truncate FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	ts.Check(os.Truncate(ts.MkAbs(args[0]), int64(n)))
}

// genfile NAME SIZE writes SIZE bytes (suffixes k and M) of a fixed,
// incompressible-looking pattern to NAME, without holding them in memory.
func genfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: genfile NAME SIZE")
	}
	size, unit := args[1], int64(1)
	switch {
	case strings.HasSuffix(size, "M"):
		size, unit = strings.TrimSuffix(size, "M"), 1<<20
	case strings.HasSuffix(size, "k"):
		size, unit = strings.TrimSuffix(size, "k"), 1<<10
	}
	n, err := strconv.ParseInt(size, 10, 64)
	ts.Check(err)
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	buf := make([]byte, 64<<10)
	for off := int64(0); off < n*unit; {
		chunk := buf[:min(int64(len(buf)), n*unit-off)]
		for i := range chunk {
			x := uint64(off+int64(i)) * 0x9E3779B97F4A7C15
			chunk[i] = byte(x >> 56)
		}
		_, err := f.Write(chunk)
		ts.Check(err)
		off += int64(len(chunk))
	}
}
