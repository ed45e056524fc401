//go:build js && wasm

package main

import (
	"slices"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// TestWebStorageReadsAndWritesAWebStorageObject runs webStorage against
// the in-memory Storage the shim puts in a sandboxed frame: the same
// methods as localStorage.
func TestWebStorageReadsAndWritesAWebStorageObject(t *testing.T) {
	app.Window().Set("sealpostTestStorage", memoryStorage())
	s := webStorage{name: "sealpostTestStorage"}
	if _, ok := s.Get("a"); ok {
		t.Fatal("an empty store has a")
	}
	if err := s.Set("a", "1"); err != nil {
		t.Fatal(err)
	}
	s.Set("b", "2")
	if v, ok := s.Get("a"); !ok || v != "1" {
		t.Errorf("Get(a) = %q, %v", v, ok)
	}
	if keys := s.Keys(); !slices.Equal(keys, []string{"a", "b"}) {
		t.Errorf("Keys = %v", keys)
	}
	s.Remove("a")
	if keys := s.Keys(); !slices.Equal(keys, []string{"b"}) {
		t.Errorf("after Remove, Keys = %v", keys)
	}
}
