package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The policy's deadlines count working days from the receipt, and are
// judged at the command's clock (t0, Monday 23 November 2026) against the
// thread's times, which the test sets in the store (a report's time is
// its file's, a message's its file's, as core/receiver keeps them).
func TestInboxAndFollowShowThePolicysDeadlines(t *testing.T) {
	c := newConversation(t)
	c.reply(t, "triaged", "Reproduced; a fix is planned.")
	silent, silentCode, _ := c.send(t, "silent", true)
	byMail, _, _ := c.send(t, "by-mail", false)

	received := time.Date(2026, 11, 6, 15, 0, 0, 0, time.UTC) // a Friday
	repliedAt := time.Date(2026, 11, 9, 10, 0, 0, 0, time.UTC)
	for _, id := range []string{c.id, silent, byMail} {
		setTime(t, filepath.Join(c.storeDir, "reports", id+".asc"), received)
		if id != byMail {
			setReceived(t, filepath.Join(c.storeDir, "threads", id, "meta.json"), received)
		}
	}
	setTime(t, filepath.Join(c.storeDir, "threads", c.id, "000001.vendor.asc"), repliedAt)

	cocomm, err := filepath.Abs("../../config/examples/cocomm.json") // reply within 5 working days, triage within 10
	if err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "inbox", "--store", c.storeDir, "--secret-key", c.vendorSec, "--config", cocomm)
	if !regexp.MustCompile(`(?m)^ID +RECEIVED +SIZE +STATUS +LAST MESSAGE +REPLY DUE +TRIAGE DUE +TITLE$`).MatchString(out) {
		t.Errorf("inbox header:\n%s", out)
	}
	for _, row := range []struct{ id, want string }{
		{c.id, `triaged +vendor 2026-11-09 10:00 +2026-11-13 15:00 met +2026-11-20 15:00 met +Firmware`},
		{silent, `received +none +OVERDUE 2026-11-13 15:00 +OVERDUE 2026-11-20 15:00 +Firmware`},
		{byMail, `\(no thread\) +- +2026-11-13 15:00, by email +2026-11-20 15:00, by email +Firmware`},
	} {
		if !regexp.MustCompile(`(?m)^` + row.id + ` +2026-11-06T15:00:00Z +\S+ kB +` + row.want).MatchString(out) {
			t.Errorf("inbox row of %s does not match %q:\n%s", row.id, row.want, out)
		}
	}

	// The reporter sees the same promises, from the same config.
	s := c.follow(t, "--key", c.vendorPub, "--config", cocomm)
	if len(s.Deadlines) != 2 || !s.Deadlines[0].Met || s.Deadlines[0].Overdue || !s.Deadlines[1].Met || !s.Deadlines[1].MetAt.Equal(repliedAt) {
		t.Errorf("follow's deadlines: %+v", s.Deadlines)
	}
	text := mustRun(t, "", "follow", "--server", c.server, "--code-file", silentCode, "--key", c.vendorPub, "--config", cocomm)
	for _, want := range []string{"reply:    promised by 2026-11-13 15:00 UTC: OVERDUE", "triage:   promised by 2026-11-20 15:00 UTC: OVERDUE", "no messages yet"} {
		if !strings.Contains(text, want) {
			t.Errorf("follow lacks %q:\n%s", want, text)
		}
	}
}

func setTime(t *testing.T, path string, at time.Time) {
	t.Helper()
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

// setReceived rewrites a thread's meta.json with another receipt time.
func setReceived(t *testing.T, path string, at time.Time) {
	t.Helper()
	var meta map[string]any
	if err := json.Unmarshal(mustRead(t, path), &meta); err != nil {
		t.Fatal(err)
	}
	meta["received_at"] = at
	data, _ := json.Marshal(meta)
	writeFile(t, path, string(data))
}
