package seal

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestSameNamedFilesTakeOneTryEach: n attachments of one name take n
// tries, not n²/2 (4,000 of them took 27 s to open when each started again
// from "a.txt"), and never overwrite a file that was there.
func TestSameNamedFilesTakeOneTryEach(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a (3).txt"), []byte("there before"), 0o600); err != nil {
		t.Fatal(err)
	}
	nm := newNamer(dir)
	const n = 2000
	for i := range n {
		f, path, err := nm.create("a.txt")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		want := "a.txt"
		if k := i + 1; k > 1 {
			if k >= 3 {
				k++ // "a (3).txt" was taken
			}
			want = fmt.Sprintf("a (%d).txt", k)
		}
		if filepath.Base(path) != want {
			t.Fatalf("file %d is %s, want %s", i+1, filepath.Base(path), want)
		}
	}
	if nm.tries != n+1 {
		t.Errorf("%d files of one name took %d tries, want %d", n, nm.tries, n+1)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "a (3).txt")); string(data) != "there before" {
		t.Error("a file that was there was overwritten")
	}
}
