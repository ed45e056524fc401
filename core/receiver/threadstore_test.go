package receiver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/thread"
)

// The intake keeps the token's hash; the token (and the code it comes
// from) is never written, whatever a thread goes through.
func TestTheStoreNeverHoldsTheToken(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{EnquiryIntervalDays: 14}))
	code := codeN(t, 20)
	token := code.Token()
	id := in.report("k-20", code).ID
	in.reporterPost(code, in.message("too soon")) // 429
	posted(t, in.vendorPost(id, in.message("vendor")))
	posted(t, in.reporterPost(code, in.message("reporter")))
	in.do(http.MethodGet, "/thread", nil, bearerOf(token))
	in.do(http.MethodGet, "/thread", nil, bearerOf(token[:42]+"x"))
	in.store.Clean()
	var hashSeen bool
	err := filepath.WalkDir(in.store.Dir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, secret := range []string{token, code.String(), strings.ReplaceAll(code.String(), "-", "")} {
			if strings.Contains(path, secret) {
				t.Errorf("the path %s holds the token or code", path)
			}
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, secret := range []string{token, code.String(), strings.ReplaceAll(code.String(), "-", "")} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds the token or code", path)
			}
		}
		hashSeen = hashSeen || bytes.Contains(data, []byte(thread.TokenHash(token)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hashSeen {
		t.Error("no file holds the token's hash either: the walk saw nothing")
	}
}

// Posts at once from both sides get the numbers 1 to n, each once, and
// every message is stored whole under its number. Run with -race.
func TestConcurrentPostsGetUniqueNumbers(t *testing.T) {
	cfg := threadConfig(Threads{})
	cfg.Limits.MaxUploadsPerAddress = 64
	in := newIntake(t, cfg)
	code := codeN(t, 21)
	id := in.report("k-21", code).ID
	const n = 24
	msgs := make([][]byte, n)
	for i := range msgs {
		msgs[i] = in.message(fmt.Sprintf("message %d", i))
	}
	seqs := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var a answer
			if i%2 == 0 {
				a = in.reporterPost(code, msgs[i])
			} else {
				a = in.vendorPost(id, msgs[i])
			}
			if a.code != http.StatusCreated {
				t.Errorf("post %d: %d %s", i, a.code, a.body)
				return
			}
			var p thread.Posted
			json.Unmarshal(a.body, &p)
			seqs[i] = p.Seq
		})
	}
	wg.Wait()
	v := in.view(code)
	if len(v.Entries) != n {
		t.Fatalf("%d entries, want %d", len(v.Entries), n)
	}
	for i, seq := range seqs {
		e := v.Entries[seq-1]
		if e.Seq != seq || e.Message != string(msgs[i]) || e.From != map[bool]string{true: "reporter", false: "vendor"}[i%2 == 0] {
			t.Errorf("post %d got number %d, which holds %s's %d bytes", i, seq, e.From, len(e.Message))
		}
	}
	sorted := append([]int(nil), seqs...)
	sort.Ints(sorted)
	for i, seq := range sorted {
		if seq != i+1 {
			t.Fatalf("numbers %v, want 1 to %d once each", sorted, n)
		}
	}
}

// A crash leaves, at worst: a thread being made (.new-*), a thread whose
// report was never linked, an index record half written or naming no
// thread, a message still in tmp/. Clean removes each; it keeps whole
// threads, and a thread whose report an operator removed but which holds
// messages.
func TestCleanRemovesWhatACrashLeftOfThreads(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	s := in.store
	code := codeN(t, 22)
	kept := in.report("k-kept", code).ID
	posted(t, in.reporterPost(code, in.message("kept")))
	keptHash := thread.TokenHash(code.Token())
	// A stored thread whose index record is gone: restored.
	other := codeN(t, 23)
	restored := in.report("k-restored", other).ID
	os.Remove(filepath.Join(s.byToken(), thread.TokenHash(other.Token())))
	// A thread whose report was never linked, and its record.
	orphanHash := thread.TokenHash(codeN(t, 24).Token())
	if err := s.openThread(idFor("k-orphan"), orphanHash, now); err != nil {
		t.Fatal(err)
	}
	// A thread whose report was removed by hand, with a message: kept.
	removedCode := codeN(t, 25)
	removed := in.report("k-removed", removedCode).ID
	posted(t, in.reporterPost(removedCode, in.message("x")))
	os.Remove(filepath.Join(s.Dir(), "reports", removed+".asc"))
	// Half-made things.
	os.MkdirAll(filepath.Join(s.Dir(), "threads", ".new-123"), 0o700)
	os.WriteFile(filepath.Join(s.Dir(), "threads", ".new-123", "meta.json"), []byte("{"), 0o600)
	os.WriteFile(filepath.Join(s.byToken(), ".new-456"), []byte("r-"), 0o600)
	os.WriteFile(filepath.Join(s.Dir(), "tmp", "body-789"), in.message("half"), 0o600)
	garbage := strings.Repeat("ab", 32)
	os.WriteFile(filepath.Join(s.byToken(), garbage), []byte("not an id"), 0o600)
	dangling := strings.Repeat("cd", 32)
	os.WriteFile(filepath.Join(s.byToken(), dangling), []byte(idFor("k-never")), 0o600)
	wrong := strings.Repeat("ef", 32) // names a thread of another token
	os.WriteFile(filepath.Join(s.byToken(), wrong), []byte(kept), 0o600)

	s.Clean()

	for _, gone := range []string{
		filepath.Join("threads", idFor("k-orphan")), filepath.Join("threads", "by-token", orphanHash),
		filepath.Join("threads", ".new-123"), filepath.Join("threads", "by-token", ".new-456"), filepath.Join("tmp", "body-789"),
		filepath.Join("threads", "by-token", garbage), filepath.Join("threads", "by-token", dangling), filepath.Join("threads", "by-token", wrong),
	} {
		if exists(filepath.Join(s.Dir(), gone)) {
			t.Errorf("%s is still there", gone)
		}
	}
	for _, kept := range []string{
		filepath.Join("threads", kept, "meta.json"), filepath.Join("threads", kept, entryName(1, fromReporter)),
		filepath.Join("threads", "by-token", keptHash), filepath.Join("threads", removed, entryName(1, fromReporter)),
	} {
		if !exists(filepath.Join(s.Dir(), kept)) {
			t.Errorf("%s was removed", kept)
		}
	}
	if id, err := s.indexed(thread.TokenHash(other.Token())); err != nil || id != restored {
		t.Errorf("the missing record was not restored: %q %v", id, err)
	}
	if v := in.view(code); len(v.Entries) != 1 {
		t.Errorf("the kept thread reads %+v", v)
	}
	if a := in.do(http.MethodGet, "/thread", nil, bearerOf(removedCode.Token())); a.code != http.StatusNotFound {
		t.Errorf("the thread of a removed report: %d, want 404", a.code)
	}
	list, _ := s.Threads()
	if len(list) != 2 {
		t.Errorf("Threads lists %+v, want the kept and the restored", list)
	}
}

// A crash (or a full disk) after the thread was made but before the report
// was linked: the client's retry stores the report, with its thread.
func TestARetryFinishesAThreadWhoseReportWasNeverLinked(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	code := codeN(t, 26)
	hash := thread.TokenHash(code.Token())
	if err := in.store.openThread(idFor("k-26"), hash, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if a := in.do(http.MethodGet, "/thread", nil, bearerOf(code.Token())); a.code != http.StatusNotFound {
		t.Errorf("a thread whose report is not stored: %d, want 404", a.code)
	}
	r := in.report("k-26", code)
	if v := in.view(code); v.ReportID != r.ID {
		t.Errorf("the retry's thread is %+v", v)
	}
	// Another code for the same key, before any report: the leftover goes.
	in2 := newIntake(t, threadConfig(Threads{}))
	in2.store.openThread(idFor("k-27"), thread.TokenHash(codeN(t, 27).Token()), now)
	in2.report("k-27", codeN(t, 28))
	if _, err := in2.store.indexed(thread.TokenHash(codeN(t, 27).Token())); err == nil {
		t.Error("the leftover's index record is still there")
	}
	in2.view(codeN(t, 28))
}

// The streamed view is exactly json.Marshal of the view: one home for the
// wire format, thread.View.
func TestTheStreamedViewIsTheMarshalledView(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{EnquiryIntervalDays: 14}))
	code := codeN(t, 29)
	id := in.report("k-29", code).ID
	for i := range 4 { // vendor, reporter, vendor, reporter
		in.clock.Add(time.Minute)
		if i%2 == 0 {
			posted(t, in.vendorPost(id, in.message("v")))
		} else {
			posted(t, in.reporterPost(code, in.message("r")))
		}
	}
	for name, path := range map[string]string{"reporter": "/thread", "operator": "/threads/" + id} {
		cred := map[string]string{"reporter": code.Token(), "operator": operatorCred}[name]
		a := in.do(http.MethodGet, path, nil, bearerOf(cred))
		v, err := in.store.Thread(id)
		if err != nil {
			t.Fatal(err)
		}
		v.EnquiryIntervalDays = 14
		next := in.clock.Now().Add(14 * 24 * time.Hour)
		v.NextEnquiryAt = &next
		want, _ := jsonMarshal(v)
		if !bytes.Equal(a.body, want) {
			t.Errorf("%s: streamed\n%s\nmarshalled\n%s", name, a.body, want)
		}
	}
	if _, err := in.store.Thread(idFor("nobody")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Thread of no report: %v", err)
	}
	plain := in.report("k-plain", thread.Code{}).ID
	if _, err := in.store.Thread(plain); !errors.Is(err, fs.ErrNotExist) || err.Error() != errNoThread.Error() {
		t.Errorf("Thread of a report without one: %v", err)
	}
}

func TestParseEntryName(t *testing.T) {
	for _, c := range []struct {
		name string
		seq  int
		from string
		ok   bool
	}{
		{"000001.vendor.asc", 1, "vendor", true},
		{"000042.reporter.asc", 42, "reporter", true},
		{entryName(maxMaxEntries, fromVendor), maxMaxEntries, "vendor", true},
		{"000000.vendor.asc", 0, "", false},
		{"00001.vendor.asc", 0, "", false},
		{"000001.operator.asc", 0, "", false},
		{"000001.vendor.pgp", 0, "", false},
		{"+00001.vendor.asc", 0, "", false},
		{"meta.json", 0, "", false},
		{".new-000001.vendor.asc", 0, "", false},
	} {
		seq, from, ok := parseEntryName(c.name)
		if seq != c.seq || from != c.from || ok != c.ok {
			t.Errorf("%q: %d %q %v", c.name, seq, from, ok)
		}
	}
}

func TestConfigThreads(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if th := cfg.Threads; th.maxMessageBytes() != thread.MaxMessageBytes || th.maxEntries() != 500 || th.enquiryInterval() != 0 || th.OperatorCredentialSHA256 != "" {
		t.Errorf("the defaults are %+v", th)
	}
	cfg, err = ParseConfig([]byte(`{"threads": {"max_message_bytes": 1000, "max_entries": 7, "enquiry_interval_days": 14, "operator_credential_sha256": "` + operatorHash() + `"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if th := cfg.Threads; th.maxMessageBytes() != 1000 || th.maxEntries() != 7 || th.enquiryInterval() != 14*24*time.Hour || th.OperatorCredentialSHA256 != operatorHash() {
		t.Errorf("parsed %+v", th)
	}
	for _, c := range []struct{ json, names string }{
		{`{"threads": {"max_message_bytes": -1}}`, "threads.max_message_bytes"},
		{`{"threads": {"max_message_bytes": 16777217}}`, "threads.max_message_bytes"},
		{`{"threads": {"max_entries": -1}}`, "threads.max_entries"},
		{`{"threads": {"max_entries": 100001}}`, "threads.max_entries"},
		{`{"threads": {"enquiry_interval_days": -14}}`, "threads.enquiry_interval_days"},
		{`{"threads": {"enquiry_interval_days": 3651}}`, "threads.enquiry_interval_days"},
		{`{"threads": {"operator_credential_sha256": "` + strings.ToUpper(operatorHash()) + `"}}`, "threads.operator_credential_sha256"},
		{`{"threads": {"operator_credential_sha256": "secret"}}`, "threads.operator_credential_sha256"},
		{`{"threads": {"operator_credential": "secret"}}`, "operator_credential"},
	} {
		if _, err := ParseConfig([]byte(c.json)); err == nil || !strings.Contains(err.Error(), c.names) {
			t.Errorf("ParseConfig(%s): %v, want an error naming %s", c.json, err, c.names)
		}
	}
}

// Reports posted at once with one reply code: one opens the thread, the
// others get 409, whichever of them links its report first.
func TestOneCodeOpensOneThreadWhenReportsRace(t *testing.T) {
	cfg := threadConfig(Threads{})
	cfg.Limits.MaxUploadsPerAddress = 64
	in := newIntake(t, cfg)
	code := codeN(t, 42)
	body := in.v.sealed(t, "race", true)
	const n = 12
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			codes[i] = in.do(http.MethodPost, "/reports", body, map[string]string{
				"Idempotency-Key": fmt.Sprintf("race-%d", i), thread.HeaderThread: thread.TokenHash(code.Token())}).code
		})
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Errorf("status %d", c)
		}
	}
	list, _ := in.store.Threads()
	if created != 1 || len(list) != 1 || list[0].ReportID != in.view(code).ReportID {
		t.Errorf("%d created (%v), threads %+v", created, codes, list)
	}
}
