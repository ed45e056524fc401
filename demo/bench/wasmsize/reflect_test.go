//go:build !js

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoMethodIsKeptByReflection: when anything reachable calls
// reflect.Value.Method or MethodByName with a name not known at build
// time, the linker keeps every exported method of every type (validator's
// validateFn rule did: 23.1 MB instead of 15.5). The browser program, built
// as make build builds it, must have no such call; the linker's dependency
// dump marks one <ReflectMethod>.
func TestNoMethodIsKeptByReflection(t *testing.T) {
	cmd := exec.Command("go", "build", "-tags", "validator_novalidatefn", "-ldflags=-dumpdep", "-o", "/dev/null", "./wasm")
	cmd.Dir = "../../.."
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm", "GOTOOLCHAIN=local") // as make widget builds it
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%.2000s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "<ReflectMethod>") {
			t.Errorf("kept by reflection: %s", line)
		}
	}
}
