package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

// The conversation after a report, end to end through the real intake
// (core/receiver, in process): a report sealed with a reply code and
// posted, the vendor's reply, the reporter following and answering, and
// the vendor reading the thread. The command's clock is pinned (t0); the
// intake's is the real one, so no test asserts the times it gives.

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const testCredential = "op-credential-0123456789abcdef"

// sealpost runs the command in process with the clock at t0.
func sealpost(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, now: func() time.Time { return t0 }}
	code = e.run(args)
	return out.String(), errb.String(), code
}

// mustRun runs the command and fails the test unless it succeeds.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errs, code := sealpost(t, stdin, args...)
	if code != 0 {
		t.Fatalf("sealpost %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// mustFail runs the command and fails the test unless it exits with code
// and its standard error holds want.
func mustFail(t *testing.T, code int, want, stdin string, args ...string) (stdout, stderr string) {
	t.Helper()
	out, errs, got := sealpost(t, stdin, args...)
	if got != code || !strings.Contains(errs, want) {
		t.Fatalf("sealpost %s: exit %d, want %d with %q\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, code, want, out, errs)
	}
	return out, errs
}

// conversation is a vendor, its intake, and one report sent with a reply code.
type conversation struct {
	dir                   string
	server                string // the intake's base URL
	storeDir              string
	vendorPub, vendorSec  string
	credFile              string
	codeFile, sealed      string
	id                    string
	reportJSON            string
	enquiryIntervalInDays int
}

func (c *conversation) path(name string) string { return filepath.Join(c.dir, name) }

func writeFile(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const threadReport = `{"schema": "sealpost.report/v1", "title": "Firmware update accepts unsigned images",
 "targets": ["https://example.com/"], "description": "The updater flashes any image.", "policy_accepted": true,
 "reporter": {"email": "finder@example.org"}}`

// newConversation starts an intake whose reporters wait 7 days between
// enquiries, and seals and posts one report with a reply code.
func newConversation(t *testing.T) *conversation {
	t.Helper()
	c := &conversation{dir: t.TempDir(), storeDir: t.TempDir(), enquiryIntervalInDays: 7}
	pub, sec, err := pgpkey.DemoKey("Vendor Security", "security@example.com", t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	c.vendorPub = writeFile(t, c.path("vendor-public.asc"), string(pub))
	c.vendorSec = writeFile(t, c.path("vendor-secret.asc"), string(sec))
	c.credFile = writeFile(t, c.path("credential"), testCredential+"\n")
	c.reportJSON = writeFile(t, c.path("report.json"), threadReport)

	store, err := receiver.OpenStore(c.storeDir)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(testCredential))
	cfg := receiver.Config{
		RatePerMinute: -1,
		ProofOfWork:   &receiver.ProofOfWork{Difficulty: 1000},
		Threads:       receiver.Threads{EnquiryIntervalDays: c.enquiryIntervalInDays, OperatorCredentialSHA256: hex.EncodeToString(sum[:])},
	}
	srv := httptest.NewServer(receiver.New(cfg, store, nil))
	t.Cleanup(srv.Close)
	c.server = srv.URL

	c.id, c.codeFile, c.sealed = c.send(t, "first", true)
	return c
}

// send seals and posts one more report (named name), with a reply code or
// without, and returns its id, code file and sealed file.
func (c *conversation) send(t *testing.T, name string, withCode bool) (id, codeFile, sealed string) {
	t.Helper()
	seal := []string{"seal", "--key", c.vendorPub}
	post := []string{"post", "--endpoint", c.server + "/reports", "--format-out", "json"}
	if withCode {
		codeFile = c.path(name + "-reply-code.txt")
		seal = append(seal, "--reply-code", codeFile)
		post = append(post, "--reply-code", codeFile)
	}
	sealed = writeFile(t, c.path(name+"-sealed.asc"), mustRun(t, "", append(seal, c.reportJSON)...))
	out := mustRun(t, "", append(post, sealed)...)
	var receipt struct{ ID string }
	if err := json.Unmarshal([]byte(out), &receipt); err != nil || receipt.ID == "" {
		t.Fatalf("post printed %q: %v", out, err)
	}
	return receipt.ID, codeFile, sealed
}

// reply answers as the vendor; extra flags go before the report's id.
func (c *conversation) reply(t *testing.T, status, text string, extra ...string) string {
	t.Helper()
	args := append([]string{"reply", "--server", c.server, "--credential", c.credFile, "--secret-key", c.vendorSec,
		"--report", c.sealed, "--status", status, "--message", "-"}, extra...)
	return mustRun(t, text, append(args, c.id)...)
}

// follow reads the thread as the reporter, as JSON.
func (c *conversation) follow(t *testing.T, extra ...string) *shownThread {
	t.Helper()
	out := mustRun(t, "", append([]string{"follow", "--server", c.server, "--code-file", c.codeFile, "--format", "json"}, extra...)...)
	var s shownThread
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("follow --format json printed %q: %v", out, err)
	}
	return &s
}

func TestReplyFollowAnswerAndOpenTheThread(t *testing.T) {
	c := newConversation(t)

	out := c.reply(t, "need-info", "Which firmware version did you test?\n")
	if !strings.HasPrefix(out, "posted reply #1 to the thread of "+c.id) {
		t.Errorf("reply printed %q", out)
	}

	// The reporter, with the code and the vendor's key.
	s := c.follow(t, "--key", c.vendorPub)
	if s.Status != "need-info" || len(s.Messages) != 1 || s.Problems != 0 || !s.VendorSignaturesChecked {
		t.Fatalf("follow: %+v", s)
	}
	if m := s.Messages[0]; m.From != "vendor" || m.Text != "Which firmware version did you test?" || m.Signature != "verified" || m.Status != "need-info" {
		t.Errorf("the vendor's message as followed: %+v", m)
	}
	text := mustRun(t, "", "follow", "--server", c.server+"/reports", "--code-file", c.codeFile, "--key", c.vendorPub)
	for _, want := range []string{"status:   need-info, since ", "from the vendor, status need-info  [signature verified]", "    Which firmware version did you test?", "write:    you may write to the vendor now"} {
		if !strings.Contains(text, want) {
			t.Errorf("follow's text lacks %q:\n%s", want, text)
		}
	}

	// The reporter answers (the vendor asked: taken at once).
	out = mustRun(t, "4.2.1, on the EU build\n", "follow", "--server", c.server, "--code-file", c.codeFile, "--key", c.vendorPub, "--write", "-")
	if !strings.HasPrefix(out, "sent message #2 to the thread of "+c.id) {
		t.Errorf("follow --write printed %q", out)
	}

	// The vendor reads the whole thread.
	out = mustRun(t, "", "open", "--secret-key", c.vendorSec, "--server", c.server, "--credential", c.credFile, "--thread", c.id, "--report", c.sealed)
	for _, want := range []string{"status:   need-info", "from you (the vendor), status need-info  [signature verified]", "from the reporter  [signature verified]", "    4.2.1, on the EU build"} {
		if !strings.Contains(out, want) {
			t.Errorf("open --thread lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "PROBLEM") || strings.Contains(out, "warning") {
		t.Errorf("open --thread sees problems:\n%s", out)
	}

	// Unasked, the reporter waits: the intake refuses, and says until when.
	s = c.follow(t, "--key", c.vendorPub)
	if s.NextEnquiryAt == nil {
		t.Fatal("after the reporter's answer, the intake gives no next enquiry time")
	}
	_, errs := mustFail(t, 1, "nothing was sent: you can write again on "+when(*s.NextEnquiryAt), "And another thing.", "follow", "--server", c.server, "--code-file", c.codeFile, "--key", c.vendorPub, "--write", "-")
	if strings.Contains(errs, "run \"sealpost -h\"") {
		t.Errorf("a refusal is not a usage error: %s", errs)
	}
	if got := c.follow(t, "--key", c.vendorPub); len(got.Messages) != 2 {
		t.Errorf("the refused message was stored: %d messages", len(got.Messages))
	}

	// The intake's store files open one by one, checked against the report beside them.
	for _, f := range []struct{ name, want string }{
		{"000001.vendor.asc", "signature:  verified: signed by your key "},
		{"000002.reporter.asc", "signature:  verified: signed by the report's reply key "},
	} {
		out := mustRun(t, "", "open", "--secret-key", c.vendorSec, filepath.Join(c.storeDir, "threads", c.id, f.name))
		if !strings.Contains(out, f.want) || !strings.Contains(out, "thread message of report "+c.id) {
			t.Errorf("open %s:\n%s", f.name, out)
		}
	}

	// The inbox shows the status and who wrote last.
	out = mustRun(t, "", "inbox", "--store", c.storeDir, "--secret-key", c.vendorSec)
	if !strings.Contains(out, c.id) || !strings.Contains(out, "  need-info  reporter 20") || !strings.Contains(out, "Answer one in its thread with: sealpost reply") {
		t.Errorf("inbox:\n%s", out)
	}
}

func TestSealWritesAReplyCodeWhoseKeyIsInTheReport(t *testing.T) {
	dir := t.TempDir()
	pub, sec, err := pgpkey.DemoKey("Vendor Security", "security@example.com", t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	pubFile := writeFile(t, filepath.Join(dir, "public.asc"), string(pub))
	reportFile := writeFile(t, filepath.Join(dir, "report.json"), threadReport)
	codeFile := filepath.Join(dir, "code.txt")

	sealed, errs, code := sealpost(t, "", "seal", "--key", pubFile, "--reply-code", codeFile, reportFile)
	if code != 0 || !strings.Contains(errs, "the reply code is in "+codeFile) {
		t.Fatalf("seal --reply-code: exit %d: %s", code, errs)
	}
	st, err := os.Stat(codeFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the code file: %v, %v; want mode 0600", st, err)
	}
	data, _ := os.ReadFile(codeFile)
	c, err := thread.ParseCode(string(data))
	if err != nil || c.String()+"\n" != string(data) {
		t.Fatalf("the code file holds %q: %v", data, err)
	}
	keys, err := seal.ReadSecretKeys(sec, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := seal.ReadReport(strings.NewReader(sealed), keys)
	if err != nil {
		t.Fatal(err)
	}
	// The key's self-signatures are salted afresh each time: compare keys, not bytes.
	replyKey, _ := c.ReplyKey()
	set, err := pgpkey.Parse([]byte(r.ReplyKey), pgpkey.Options{Now: func() time.Time { return t0 }})
	if err != nil || set.Keys[0].Fingerprint != fmt.Sprintf("%X", replyKey.PrimaryKey.Fingerprint) || set.Keys[0].Encryption.Fingerprint != fmt.Sprintf("%X", replyKey.Subkeys[0].PublicKey.Fingerprint) {
		t.Errorf("the sealed report's reply_key is not the code's (%v):\n%s", err, r.ReplyKey)
	}

	t.Run("an existing code file is never overwritten", func(t *testing.T) {
		out, _ := mustFail(t, 1, codeFile+" already exists: nothing is overwritten", "", "seal", "--key", pubFile, "--reply-code", codeFile, reportFile)
		if out != "" {
			t.Errorf("sealed anyway: %d bytes", len(out))
		}
		if again, _ := os.ReadFile(codeFile); !bytes.Equal(again, data) {
			t.Error("the code file changed")
		}
	})
	t.Run("without the flag the report has no reply key", func(t *testing.T) {
		r, err := seal.ReadReport(strings.NewReader(mustRun(t, "", "seal", "--key", pubFile, reportFile)), keys)
		if err != nil || r.ReplyKey != "" {
			t.Errorf("reply_key %q, %v", r.ReplyKey, err)
		}
	})
	t.Run("an invalid report writes no code", func(t *testing.T) {
		bad := writeFile(t, filepath.Join(dir, "bad.json"), `{"schema": "sealpost.report/v1", "policy_accepted": true}`)
		mustFail(t, 1, "nothing was sealed", "", "seal", "--key", pubFile, "--reply-code", filepath.Join(dir, "code2.txt"), bad)
		if fileExists(filepath.Join(dir, "code2.txt")) {
			t.Error("a code was written for a report that was not sealed")
		}
	})
}

func TestFollowRefusesAWrongCode(t *testing.T) {
	c := newConversation(t)
	other, _ := thread.NewCode(nil)
	mustFail(t, 1, "no thread for this code on "+c.server+": check the code and the server", "", "follow", "--server", c.server, "--code", other.String())

	// A typo: one character changed (the check characters catch almost all).
	data, _ := os.ReadFile(c.codeFile)
	good := strings.TrimSpace(string(data))
	for _, alt := range "0123456789ABCDEFGHJKMNPQRSTVWXYZ" {
		typo := []byte(good)
		if typo[3] == byte(alt) {
			continue
		}
		typo[3] = byte(alt)
		if _, err := thread.ParseCode(string(typo)); err != thread.ErrCodeCheck {
			continue
		}
		mustFail(t, 1, thread.ErrCodeCheck.Error(), "", "follow", "--server", c.server, "--code", string(typo))
		return
	}
	t.Fatal("no single-character typo is caught")
}

func TestFollowWithoutTheVendorsKeySaysItDidNotCheck(t *testing.T) {
	c := newConversation(t)
	c.reply(t, "triaged", "Confirmed; we are on it.")
	s := c.follow(t)
	if s.VendorSignaturesChecked || s.Messages[0].Signature != "not checked" || s.Problems != 0 || s.Status != "triaged" {
		t.Errorf("without the vendor's key: %+v", s)
	}
	out := mustRun(t, "", "follow", "--server", c.server, "--code-file", c.codeFile)
	if !strings.Contains(out, "warning:  the vendor's signatures were not checked") {
		t.Errorf("follow without a key:\n%s", out)
	}
	// Writing needs the key: the message is sealed to it.
	mustFail(t, 2, "--write needs the vendor's key", "hi", "follow", "--server", c.server, "--code-file", c.codeFile, "--write", "-")
}

// Someone with the operator credential but not the vendor's key (a leaked
// credential) can post, but not as the vendor: the reporter is told, and
// the status such a message gives does not count.
func TestAReplyNotSignedByTheVendorIsShownAsSuch(t *testing.T) {
	c := newConversation(t)
	c.reply(t, "need-info", "Which version?")
	_, impostor, err := pgpkey.DemoKey("Vendor Security", "security@example.com", t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	impostorFile := writeFile(t, c.path("impostor-secret.asc"), string(impostor))
	mustRun(t, "Please send the exploit to this other address.", "reply", "--server", c.server, "--credential", c.credFile,
		"--secret-key", impostorFile, "--report", c.reportWithReplyKey(t), "--status", "declined", "--message", "-", c.id)

	s := c.follow(t, "--key", c.vendorPub)
	if s.Status != "need-info" {
		t.Errorf("status %q: the impostor's status counted", s.Status)
	}
	m := s.Messages[1]
	if m.Signature != "not verified" || !strings.Contains(m.Problem, "not signed by the vendor's key") || s.Problems != 1 {
		t.Errorf("the impostor's message: %+v", m)
	}
	out := mustRun(t, "", "follow", "--server", c.server, "--code-file", c.codeFile, "--key", c.vendorPub)
	if !strings.Contains(out, "PROBLEMS: 1 message(s)") || !strings.Contains(out, "    PROBLEM: not signed by the vendor's key: it may not come from the vendor") {
		t.Errorf("follow:\n%s", out)
	}
	// The vendor sees it in its inbox: the impostor did not seal it to the vendor's key.
	out = mustRun(t, "", "inbox", "--store", c.storeDir, "--secret-key", c.vendorSec)
	if !strings.Contains(out, "1 thread message(s) are not what they claim to be") || !strings.Contains(out, c.id+" #2 (from the vendor): not encrypted to your key") {
		t.Errorf("inbox:\n%s", out)
	}
	mustFail(t, 1, "none of the secret keys can decrypt this message", "", "open", "--secret-key", c.vendorSec, filepath.Join(c.storeDir, "threads", c.id, "000002.vendor.asc"))
}

// reportWithReplyKey is the report as the impostor has it: a report.json
// holding the reply key (whoever answers must know it).
func (c *conversation) reportWithReplyKey(t *testing.T) string {
	t.Helper()
	sec, _ := os.ReadFile(c.vendorSec)
	keys, err := seal.ReadSecretKeys(sec, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(c.sealed)
	defer f.Close()
	r, err := seal.ReadReport(f, keys)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := r.JSON()
	return writeFile(t, c.path("leaked-report.json"), string(js))
}

// An intake (or anyone with its disk) that changes a stored message, or
// moves one in from another report's thread, is caught by the reader.
func TestTamperedAndMovedEntriesAreMarked(t *testing.T) {
	c := newConversation(t)
	c.reply(t, "need-info", "Which version?")
	c.reply(t, "triaged", "Reproduced.")
	threadDir := filepath.Join(c.storeDir, "threads", c.id)

	// Entry 2: one byte of its ciphertext flipped, armored again (a valid checksum).
	entry := filepath.Join(threadDir, "000002.vendor.asc")
	block, err := armor.Decode(bytes.NewReader(mustRead(t, entry)))
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	raw.ReadFrom(block.Body)
	body := raw.Bytes()
	body[len(body)-30] ^= 0x40
	var rearmored bytes.Buffer
	w, _ := armor.Encode(&rearmored, "PGP MESSAGE", nil)
	w.Write(body)
	w.Close()
	writeFile(t, entry, rearmored.String()+"\n")

	// Entry 3: a real vendor message, for the same reply key, written in another report's thread.
	sec, _ := os.ReadFile(c.vendorSec)
	keys, _ := seal.ReadSecretKeys(sec, nil)
	code, _ := readCode("", c.codeFile)
	pub, _ := code.ReplyPublicKey()
	replySet, _ := pgpkey.Parse([]byte(pub), pgpkey.Options{Now: func() time.Time { return t0 }})
	vendorSet, _ := pgpkey.Parse(mustRead(t, c.vendorPub), pgpkey.Options{Now: func() time.Time { return t0 }})
	moved, err := thread.Seal(&thread.Message{Schema: thread.MessageSchema, ReportID: "r-0000000000000000000000zz", From: thread.FromVendor, Status: "fixed", Text: "Fixed in 4.3.", WrittenAt: t0},
		append(replySet.Keys, vendorSet.Keys...), keys[0], seal.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(threadDir, "000003.vendor.asc"), string(moved))

	s := c.follow(t, "--key", c.vendorPub)
	if len(s.Messages) != 3 || s.Problems != 2 {
		t.Fatalf("follow: %+v", s)
	}
	if m := s.Messages[1]; !strings.HasPrefix(m.Problem, "changed after it was written") || m.Text != "" || m.Signature != "not verified" {
		t.Errorf("the changed entry: %+v", m)
	}
	if m := s.Messages[2]; m.Problem != "belongs to another report's thread" || m.Text != "" {
		t.Errorf("the moved entry: %+v", m)
	}
	if s.Status != "need-info" {
		t.Errorf("status %q: a changed or moved message counted", s.Status)
	}
	out := mustRun(t, "", "open", "--secret-key", c.vendorSec, "--server", c.server, "--credential", c.credFile, "--thread", c.id)
	if strings.Count(out, "PROBLEM: ") != 2 || !strings.Contains(out, "warning:  the reporter's signatures were not checked") {
		t.Errorf("open --thread:\n%s", out)
	}
	out, _ = mustFail(t, 1, "", "", "open", "--secret-key", c.vendorSec, filepath.Join(threadDir, "000003.vendor.asc"))
	if !strings.Contains(out, "PROBLEM:    it is in the thread of "+c.id+" but belongs to another report's: it was moved") {
		t.Errorf("open of the moved entry:\n%s", out)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReplyRefusals(t *testing.T) {
	c := newConversation(t)
	base := []string{"reply", "--server", c.server, "--secret-key", c.vendorSec, "--report", c.sealed, "--message", "-"}
	args := func(extra ...string) []string { return append(append(append([]string{}, base...), extra...), c.id) }

	t.Run("a report sent without a reply code", func(t *testing.T) {
		plain := writeFile(t, c.path("plain.asc"), mustRun(t, "", "seal", "--key", c.vendorPub, c.reportJSON))
		mustFail(t, 1, "the report has no reply_key: the reporter sent it without a reply code, so it has no thread to answer in; answer by email to finder@example.org", "hi",
			"reply", "--server", c.server, "--credential", c.credFile, "--secret-key", c.vendorSec, "--report", plain, "--status", "triaged", "--message", "-", c.id)
	})
	t.Run("a status that is not one of the list", func(t *testing.T) {
		mustFail(t, 2, `--status must be one of received, triaged, need-info, accepted, fixed, declined, closed, not "done"`, "hi", args("--credential", c.credFile, "--status", "done")...)
	})
	t.Run("an invitation to confirm without fixed", func(t *testing.T) {
		mustFail(t, 2, "--invite-confirm goes with --status fixed only", "hi", args("--credential", c.credFile, "--status", "triaged", "--invite-confirm")...)
	})
	t.Run("no credential at all", func(t *testing.T) {
		t.Setenv("SEALPOST_OPERATOR_CREDENTIAL", "")
		mustFail(t, 2, "give the intake's operator credential in a file (--credential FILE) or in SEALPOST_OPERATOR_CREDENTIAL", "hi", args("--status", "triaged")...)
	})
	t.Run("the credential from the environment", func(t *testing.T) {
		t.Setenv("SEALPOST_OPERATOR_CREDENTIAL", testCredential)
		if out := mustRun(t, "Seen.", args("--status", "triaged")...); !strings.HasPrefix(out, "posted reply #1") {
			t.Errorf("reply printed %q", out)
		}
	})
	t.Run("a wrong credential: the intake's answer is shown", func(t *testing.T) {
		t.Setenv("SEALPOST_OPERATOR_CREDENTIAL", "not-the-credential")
		mustFail(t, 1, "the intake answered 401 Unauthorized: wrong operator credential", "hi", args("--status", "triaged")...)
	})
	t.Run("an unknown report id", func(t *testing.T) {
		bad := append(append([]string{}, base...), "--credential", c.credFile, "--status", "triaged", "r-0000000000000000000000zz")
		mustFail(t, 1, "no report with this id: check the report's id", "hi", bad...)
	})
	t.Run("the report, opened into a folder, works as well", func(t *testing.T) {
		dir := c.path("opened")
		mustRun(t, "", "open", "--secret-key", c.vendorSec, "--out", dir, c.sealed)
		out := mustRun(t, "Fixed in 4.3; please confirm.", "reply", "--server", c.server, "--credential", c.credFile, "--secret-key", c.vendorSec,
			"--report", dir, "--status", "fixed", "--invite-confirm", "--message", "-", c.id)
		if !strings.HasPrefix(out, "posted reply #2") {
			t.Errorf("reply printed %q", out)
		}
		if s := c.follow(t, "--key", c.vendorPub); s.Status != "fixed" || !s.Messages[1].InviteConfirm {
			t.Errorf("follow: %+v", s)
		}
	})
}

func TestReplyAlsoSealsToTheReportersOwnKey(t *testing.T) {
	c := newConversation(t)
	// A report whose reporter gave its own key: the reply is sealed to it too.
	reporterPub, reporterSec, err := pgpkey.DemoKey("Finder", "finder@example.org", t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Parse(strings.NewReader(threadReport))
	if err != nil {
		t.Fatal(err)
	}
	r.Reporter.PGPKey = string(reporterPub)
	code, _ := readCode("", c.codeFile)
	r.ReplyKey, _ = code.ReplyPublicKey()
	js, _ := r.JSON()
	withKey := writeFile(t, c.path("with-key.json"), string(js))
	c.reply(t, "triaged", "Thanks.", "--report", withKey)

	keys, err := seal.ReadSecretKeys(reporterSec, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := thread.Open(mustRead(t, filepath.Join(c.storeDir, "threads", c.id, "000001.vendor.asc")), keys, nil)
	if err != nil || o.Message.Text != "Thanks." {
		t.Errorf("the reporter's own key does not open the reply: %v", err)
	}

	// A reporter key that cannot be used is skipped with a warning.
	r.Reporter.PGPKey = strings.Replace(string(reporterPub), "PUBLIC KEY BLOCK", "PRIVATE KEY BLOCK", 2)
	js, _ = r.JSON()
	writeFile(t, withKey, string(js))
	_, errs, code2 := sealpost(t, "Again.", "reply", "--server", c.server, "--credential", c.credFile, "--secret-key", c.vendorSec,
		"--report", withKey, "--status", "triaged", "--message", "-", c.id)
	if code2 != 0 || !strings.Contains(errs, "sealpost: warning: the reporter's own key (reporter.pgp_key) is refused") {
		t.Errorf("exit %d: %s", code2, errs)
	}
}

// What a message says reaches the reader's terminal only cleaned; the
// JSON output carries it exactly, escaped.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	c := newConversation(t)
	const hostile = "Fixed.\n\x1b]0;owned\x07\x1b[2J\u009b2J\u202eevil\u200b"
	c.reply(t, "fixed", hostile)
	for _, out := range []string{
		mustRun(t, "", "follow", "--server", c.server, "--code-file", c.codeFile, "--key", c.vendorPub),
		mustRun(t, "", "follow", "--server", c.server, "--code-file", c.codeFile, "--key", c.vendorPub, "--format", "json"),
		mustRun(t, "", "open", "--secret-key", c.vendorSec, "--server", c.server, "--credential", c.credFile, "--thread", c.id),
		mustRun(t, "", "open", "--secret-key", c.vendorSec, filepath.Join(c.storeDir, "threads", c.id, "000001.vendor.asc")),
	} {
		if strings.ContainsAny(out, "\x1b\x07\u009b\u202e\u200b") || !strings.Contains(out, "Fixed.") {
			t.Errorf("a terminal control reached the output:\n%q", out)
		}
	}
	if s := c.follow(t, "--key", c.vendorPub); s.Messages[0].Text != hostile {
		t.Errorf("the JSON output changed the text: %q", s.Messages[0].Text)
	}
}

// The reply key for GnuPG needs no intake: it comes from the code alone.
func TestFollowExportsTheReplyKey(t *testing.T) {
	code, err := thread.NewCode(nil)
	if err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "follow", "--export-key", "--code", strings.ToLower(code.String()))
	keys, err := seal.ReadSecretKeys([]byte(out), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := code.ReplyKey()
	if len(keys) != 1 || !bytes.Equal(keys[0].PrimaryKey.Fingerprint, want.PrimaryKey.Fingerprint) || keys[0].PrivateKey == nil {
		t.Errorf("follow --export-key wrote another key")
	}
	mustFail(t, 2, "give the report's reply code", "", "follow", "--export-key")
	mustFail(t, 2, "--server URL is required", "", "follow", "--code", code.String())
}
