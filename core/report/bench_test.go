package report

import (
	"bytes"
	"io"
	"testing"
)

func BenchmarkValidate(b *testing.B) {
	r := validReport()
	o := Options{Rules: fullRules, Language: "nl", Now: clock}
	for b.Loop() {
		if err := Validate(r, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteMIME measures the MIME entity of a report with a 10 MB
// attachment: base64 and hashing, as sealing will stream them.
func BenchmarkWriteMIME(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 10<<20/16)
	r := validReport()
	r.Attachments = []Attachment{attach("video.mp4", "video/mp4", body)}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := WriteMIME(io.Discard, r, []io.Reader{bytes.NewReader(body)}); err != nil {
			b.Fatal(err)
		}
	}
}
