package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/rogpeppe/go-internal/testscript"

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
			"mimecheck": mimecheck,
			"truncate":  truncate,
			"genfile":   genfile,
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

// mimecheck PLAIN REPORT [ATTACHMENT...] checks that PLAIN, a decrypted
// message, is the MIME entity of REPORT (report.json as given to seal) with
// exactly the ATTACHMENT files' bytes, in order.
func mimecheck(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mimecheck PLAIN REPORT [ATTACHMENT...]")
	}
	ent, err := message.Read(strings.NewReader(ts.ReadFile(args[0])))
	ts.Check(err)
	want, err := report.Parse(strings.NewReader(ts.ReadFile(args[1])))
	ts.Check(err)
	mr := ent.MultipartReader()
	if mr == nil {
		ts.Fatalf("%s is not a multipart entity", args[0])
	}
	var parts [][]byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		ts.Check(err)
		body, err := io.ReadAll(p.Body)
		ts.Check(err)
		parts = append(parts, body)
	}
	files := args[2:]
	if len(parts) != 2+len(files) {
		ts.Fatalf("%d parts, want %d", len(parts), 2+len(files))
	}
	got, err := report.Parse(bytes.NewReader(parts[1]))
	ts.Check(err)
	if got.Title != want.Title || got.Description != want.Description || !slices.Equal(got.Targets, want.Targets) ||
		got.Steps != want.Steps || got.Reporter != want.Reporter || got.CVSS != want.CVSS {
		ts.Fatalf("report.json differs:\n got %+v\nwant %+v", got, want)
	}
	if !bytes.Contains(parts[0], []byte(want.Description)) {
		ts.Fatalf("the text part lacks the description")
	}
	for i, f := range files {
		if string(parts[2+i]) != ts.ReadFile(f) {
			ts.Fatalf("attachment %d differs from %s", i+1, f)
		}
	}
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
