package b64lines

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

func TestAppendEncodeIsStandardBase64(t *testing.T) {
	src := make([]byte, 200)
	for i := range src {
		src[i] = byte(i*151 + i>>2)
	}
	for n := range len(src) + 1 {
		want := base64.StdEncoding.EncodeToString(src[:n])
		if got := string(AppendEncode([]byte("x"), src[:n])); got != "x"+want {
			t.Fatalf("%d bytes: %q, want %q", n, got, want)
		}
	}
}

// lines is the reference: base64 of data cut into lines of width
// characters.
func lines(data []byte, width int, eol string, between bool) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var parts []string
	for len(enc) > width {
		parts = append(parts, enc[:width])
		enc = enc[width:]
	}
	if enc != "" {
		parts = append(parts, enc)
	}
	if between {
		return strings.Join(parts, eol)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, eol) + eol
}

func TestWriterLines(t *testing.T) {
	data := make([]byte, 3*bufferSize+100)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	for _, c := range []struct {
		lineBytes int
		eol       string
		between   bool
	}{{57, "\r\n", true}, {48, "\n", false}} {
		for _, size := range []int{0, 1, 2, 3, c.lineBytes - 1, c.lineBytes, c.lineBytes + 1, 2 * c.lineBytes, 1000, bufferSize, len(data)} {
			want := lines(data[:size], c.lineBytes/3*4, c.eol, c.between)
			for _, chunk := range []int{1, 5, c.lineBytes, 4096, 1 << 20} {
				var got bytes.Buffer
				w := NewWriter(&got, c.lineBytes, c.eol, c.between)
				for p := data[:size]; len(p) > 0; {
					k := min(chunk, len(p))
					if _, err := w.Write(p[:k]); err != nil {
						t.Fatal(err)
					}
					p = p[k:]
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if got.String() != want {
					t.Fatalf("%d-byte lines %q (between %v), %d bytes in chunks of %d: wrong output", c.lineBytes, c.eol, c.between, size, chunk)
				}
			}
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func TestWriteErrorsStick(t *testing.T) {
	w := NewWriter(failWriter{}, 48, "\n", false)
	w.Write(make([]byte, 2*bufferSize))
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("a write after a failed one succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("Close did not report the failed write")
	}
}

// BenchmarkEncode encodes 1 MiB a 57-byte line at a time, with
// AppendEncode and with encoding/base64.
func BenchmarkEncode(b *testing.B) {
	for _, c := range []struct {
		name   string
		encode func(dst, src []byte) []byte
	}{{"pairs", AppendEncode}, {"stdlib", base64.StdEncoding.AppendEncode}} {
		b.Run(c.name, func(b *testing.B) {
			src := make([]byte, 1<<20)
			dst := make([]byte, 0, 2<<20)
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				dst = dst[:0]
				for p := src; len(p) > 0; p = p[min(57, len(p)):] {
					dst = c.encode(dst, p[:min(57, len(p))])
				}
			}
		})
	}
}

func BenchmarkWriter(b *testing.B) {
	src := make([]byte, 1<<20)
	w := NewWriter(io.Discard, 48, "\n", false)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		w.Write(src)
	}
}
