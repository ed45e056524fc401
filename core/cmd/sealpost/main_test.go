package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
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
		Setup: func(env *testscript.Env) error {
			env.Setenv("SEALPOST_NOW", "2026-11-23T12:00:00Z")
			for _, src := range []string{
				"../../config/examples/comoo.json", "../../config/examples/cocomm.json",
				"../../report/examples/minimal.json", "../../report/examples/full.json",
				"../../securitytxt/testdata/example.txt",
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
