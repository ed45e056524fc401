package main

import (
	"strings"
	"testing"
)

// TestAnInboxRowsReasonIsBounded: the reason a report does not open can
// quote the report, which anyone can seal: a row shows at most
// maxInboxError characters of it.
func TestAnInboxRowsReasonIsBounded(t *testing.T) {
	at, past := strings.Repeat("é", maxInboxError), strings.Repeat("é", maxInboxError+1)
	if got := cut(at, maxInboxError); got != at {
		t.Errorf("a reason of %d characters is cut: %q", maxInboxError, got)
	}
	if got := cut(past, maxInboxError); len([]rune(got)) != maxInboxError || !strings.HasSuffix(got, "…") {
		t.Errorf("a reason of %d characters gives %d: %q", maxInboxError+1, len([]rune(got)), got)
	}
}
