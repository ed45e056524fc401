package main

import (
	"testing"
)

// A minimal module: one imported function, one function of 4 code bytes
// named "main.f" in the name section.
var module = []byte("\x00asm\x01\x00\x00\x00" +
	"\x02\x07\x01\x01m\x01f\x00\x00" + // import m.f, function type 0
	"\x0a\x06\x01\x04\x00\x41\x00\x1a" + // code: one body of 4 bytes
	"\x00\x10\x04name\x01\x09\x01\x01\x06main.f") // names: function 1 is main.f

func TestParse(t *testing.T) {
	sizes, names, imported, _, err := parse(module)
	if err != nil || len(sizes) != 1 || sizes[0] != 4 || imported != 1 || names[1] != "main.f" {
		t.Errorf("sizes %v names %v imported %d: %v", sizes, names, imported, err)
	}
	if pkgOf("github.com_go_playground_validator_v10.init") != "github.com_go_playground_validator_v10" || pkgOf("runtime.mallocgc") != "runtime" {
		t.Error("pkgOf")
	}
}

// FuzzParse: any file gives sizes or an error, never a crash.
func FuzzParse(f *testing.F) {
	f.Add(module)
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x0a\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parse(data)
	})
}
