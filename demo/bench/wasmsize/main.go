// Command wasmsize says what a Go wasm binary carries: the size of each
// function's code (from the code section, named by the name section),
// summed by package, largest first. Build without -s (symbols are in the
// name section):
//
//	GOOS=js GOARCH=wasm go build -tags validator_novalidatefn -o app.wasm ./wasm
//	go run ./demo/bench/wasmsize app.wasm
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	top := flag.Int("top", 40, "packages to list")
	funcs := flag.Bool("funcs", false, "list functions instead of packages")
	flag.Parse()
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
	sizes, names, imported, dataBytes, err := parse(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
	byKey := map[string]int{}
	total := 0
	for i, size := range sizes {
		name := names[imported+i]
		key := name
		if !*funcs {
			key = pkgOf(name)
		}
		byKey[key] += size
		total += size
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return byKey[keys[a]] > byKey[keys[b]] })
	fmt.Printf("file %d bytes: code %d, data %d\n", len(data), total, dataBytes)
	for _, k := range keys[:min(*top, len(keys))] {
		fmt.Printf("%9d  %5.1f%%  %s\n", byKey[k], 100*float64(byKey[k])/float64(total), k)
	}
}

// pkgOf is the package of a symbol as the wasm name section spells it,
// "/" turned "_": "github.com_go_playground_validator_v10.init" gives
// "github.com_go_playground_validator_v10".
func pkgOf(sym string) string {
	start := 0
	if i := strings.Index(sym, "_"); i > 0 && strings.Contains(sym[:i], ".") {
		start = i // a module path's domain holds a dot
	}
	if dot := strings.Index(sym[start:], "."); dot >= 0 {
		return sym[:start+dot]
	}
	return sym
}

// parse reads the sections wasmsize needs; a malformed file is an error.
func parse(data []byte) (sizes []int, names map[int]string, imported, dataBytes int, err error) {
	defer func() {
		if recover() != nil {
			sizes, names, err = nil, nil, errors.New("malformed wasm file")
		}
	}()
	if len(data) < 8 || !bytes.Equal(data[:4], []byte("\x00asm")) {
		return nil, nil, 0, 0, errors.New("not a wasm file")
	}
	names = map[int]string{}
	r := &reader{b: data[8:]}
	for len(r.b) > 0 {
		id := r.byte()
		size := int(r.uleb())
		sec := &reader{b: r.b[:size]}
		r.b = r.b[size:]
		switch id {
		case 2: // imports: imported functions come first in the index space
			for n := int(sec.uleb()); n > 0; n-- {
				sec.name()
				sec.name()
				switch sec.byte() {
				case 0:
					sec.uleb()
					imported++
				case 1:
					sec.byte()
					sec.limits()
				case 2:
					sec.limits()
				case 3:
					sec.byte()
					sec.byte()
				}
			}
		case 10: // code
			for n := int(sec.uleb()); n > 0; n-- {
				body := int(sec.uleb())
				sizes = append(sizes, body)
				sec.b = sec.b[body:]
			}
		case 11:
			dataBytes = size
		case 0:
			if sec.name() != "name" {
				continue
			}
			for len(sec.b) > 0 {
				sub := sec.byte()
				n := int(sec.uleb())
				part := &reader{b: sec.b[:n]}
				sec.b = sec.b[n:]
				if sub != 1 {
					continue
				}
				for count := int(part.uleb()); count > 0; count-- {
					idx := int(part.uleb())
					names[idx] = part.name()
				}
			}
		}
	}
	return sizes, names, imported, dataBytes, nil
}

type reader struct{ b []byte }

func (r *reader) byte() byte { c := r.b[0]; r.b = r.b[1:]; return c }

func (r *reader) uleb() uint64 {
	v, n := binary.Uvarint(r.b)
	r.b = r.b[n:]
	return v
}

func (r *reader) name() string {
	n := int(r.uleb())
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *reader) limits() {
	if r.byte()&1 != 0 {
		r.uleb()
	}
	r.uleb()
}
