//go:build linux

package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// BenchmarkOpenBomb opens a message whose compressed packet inflates to
// 1 GiB (about 1 MB sealed) and reports the bytes Open writes, from the
// kernel's count of the process's write calls (/proc/self/io wchar), for
// `make bench`'s open_bomb_bytes_written (target 0). Before compressed data
// was refused, Open wrote the whole GiB, then refused it for its size.
func BenchmarkOpenBomb(b *testing.B) {
	v := newVendor(b, packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	var msg bytes.Buffer
	compressedMessage(b, &msg, v, bomb(1<<30))
	var written int64
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "report")
		before := writtenBytes(b)
		_, err := Open(bytes.NewReader(msg.Bytes()), v.secret, dir)
		written = writtenBytes(b) - before
		if !errors.Is(err, ErrCompressed) {
			b.Logf("not refused as compressed: %v", err)
		}
	}
	b.ReportMetric(float64(written), "bytes-written")
	b.ReportMetric(float64(msg.Len()), "sealed-bytes")
}

// writtenBytes is the bytes this process has passed to write calls.
func writtenBytes(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		b.Skip("no /proc/self/io:", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Skip("no wchar in /proc/self/io")
	return 0
}
