package receiver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sealpost/sealpost/core/internal/pow"
	"github.com/sealpost/sealpost/core/thread"
)

func TestAReportWithAThreadHeaderOpensItsThread(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	code := codeN(t, 1)
	receipt := in.report("k-1", code)
	hash := thread.TokenHash(code.Token())
	m, err := in.store.meta(receipt.ID)
	if err != nil || m.TokenSHA256 != hash || !m.ReceivedAt.Equal(receipt.ReceivedAt) {
		t.Fatalf("meta.json: %+v, %v; want the token's hash and the receipt's time %v", m, err, receipt.ReceivedAt)
	}
	if id, err := in.store.indexed(hash); err != nil || id != receipt.ID {
		t.Errorf("threads/by-token/%s: %q, %v", hash, id, err)
	}
	v := in.view(code)
	if v.ReportID != receipt.ID || !v.ReceivedAt.Equal(now) || v.Entries == nil || len(v.Entries) != 0 || v.NextEnquiryAt != nil {
		t.Errorf("a new thread reads %+v", v)
	}
	if !receipt.ReceivedAt.Equal(now) {
		t.Errorf("the receipt says %v, the intake's clock %v", receipt.ReceivedAt, now)
	}
}

func TestTheReporterAndTheVendorWriteToTheThread(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	code := codeN(t, 2)
	id := in.report("k-2", code).ID
	first, second := in.message("reporter: here is more"), in.message("vendor: thanks, fixed")
	in.clock.Add(time.Hour)
	p1 := posted(t, in.reporterPost(code, first))
	in.clock.Add(time.Hour)
	p2 := posted(t, in.vendorPost(id, second))
	if p1.Seq != 1 || p2.Seq != 2 || !p1.At.Equal(now.Add(time.Hour)) || !p2.At.Equal(now.Add(2*time.Hour)) {
		t.Errorf("posted %+v and %+v", p1, p2)
	}
	for name, v := range map[string]thread.View{"reporter": in.view(code), "operator": operatorView(t, in, id)} {
		if len(v.Entries) != 2 {
			t.Fatalf("%s: %d entries", name, len(v.Entries))
		}
		for i, want := range []struct {
			from string
			msg  []byte
			at   time.Time
			text string
		}{{"reporter", first, p1.At, "reporter: here is more"}, {"vendor", second, p2.At, "vendor: thanks, fixed"}} {
			e := v.Entries[i]
			if e.Seq != i+1 || e.From != want.from || !e.At.Equal(want.at) || e.Message != string(want.msg) {
				t.Errorf("%s: entry %d is %d %s %v (%d bytes), want %s %v (%d bytes, as posted)", name, i, e.Seq, e.From, e.At, len(e.Message), want.from, want.at, len(want.msg))
			}
			if got := in.plaintext(e.Message); got != want.text {
				t.Errorf("%s: entry %d decrypts to %q", name, i, got)
			}
		}
	}
}

func operatorView(t *testing.T, in *intake, id string) thread.View {
	t.Helper()
	a := in.do(http.MethodGet, "/threads/"+id, nil, bearerOf(operatorCred))
	if a.code != http.StatusOK {
		t.Fatalf("GET /threads/%s: %d %s", id, a.code, a.body)
	}
	var v thread.View
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTokensThatOpenNoThreadAllGetTheSame404(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	code := codeN(t, 3)
	in.report("k-3", code)
	in.report("k-no-thread", thread.Code{})
	token := code.Token()
	want := `{"error":"` + noThreadForCode + `"}` + "\n"
	for _, c := range []struct{ name, authorization string }{
		{"another code's token", "Bearer " + codeN(t, 4).Token()},
		{"the token with one character changed", "Bearer " + token[:42] + map[bool]string{true: "B", false: "A"}[token[42] == 'A']},
		{"the token's hash instead of the token", "Bearer " + thread.TokenHash(token)},
		{"a token cut short", "Bearer " + token[:42]},
		{"a token with padding", "Bearer " + token + "="},
		{"a token in another scheme", "Basic " + token},
		{"a path in the token", "Bearer ../../reports"},
		{"no Authorization at all", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			// An address of its own for each: no throttling here.
			h := map[string]string{"RemoteAddr": fmt.Sprintf("198.51.100.%d:1", len(c.name))}
			if c.authorization != "" {
				h["Authorization"] = c.authorization
			}
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				a := in.do(method, "/thread", in.message("x"), h)
				if a.code != http.StatusNotFound || string(a.body) != want {
					t.Errorf("%s: %d %s, want 404 %s", method, a.code, a.body, want)
				}
			}
		})
	}
	if v := in.view(code); len(v.Entries) != 0 {
		t.Errorf("the refused posts left %d entries", len(v.Entries))
	}
}

func TestGuessingTokensIsThrottledPerAddress(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	code := codeN(t, 5)
	in.report("k-5", code)
	guess := func(remote string) answer {
		return in.do(http.MethodGet, "/thread", nil, map[string]string{"Authorization": "Bearer " + codeN(t, 6).Token(), "RemoteAddr": remote})
	}
	for i := 1; i <= guessBurst; i++ {
		if a := guess("192.0.2.1:1"); a.code != http.StatusNotFound {
			t.Fatalf("wrong token %d of %d: %d %s, want 404", i, guessBurst, a.code, a.body)
		}
	}
	a := guess("192.0.2.1:2")
	if a.code != http.StatusTooManyRequests || a.header.Get("Retry-After") != "60" {
		t.Fatalf("wrong token %d: %d (Retry-After %q) %s, want 429 after 60 s", guessBurst+1, a.code, a.header.Get("Retry-After"), a.body)
	}
	if a := in.do(http.MethodGet, "/thread", nil, bearerOf(code.Token())); a.code != http.StatusTooManyRequests {
		t.Errorf("the right token from the throttled address: %d, want 429 (or a guesser learns when it hits)", a.code)
	}
	if a := guess("203.0.113.9:1"); a.code != http.StatusNotFound {
		t.Errorf("another address: %d, want 404", a.code)
	}
	in.clock.Add(time.Minute)
	if a := guess("192.0.2.1:3"); a.code != http.StatusNotFound {
		t.Errorf("a minute later: %d, want one more 404", a.code)
	}
	if a := guess("192.0.2.1:4"); a.code != http.StatusTooManyRequests {
		t.Errorf("and then: %d, want 429", a.code)
	}
	in.clock.Add(time.Minute)
	if v := in.view(code); len(v.Entries) != 0 {
		t.Errorf("%+v", v)
	}
}

func TestTheOperatorEndpoints(t *testing.T) {
	t.Run("without an operator credential configured they answer 403", func(t *testing.T) {
		in := newIntake(t, Config{RatePerMinute: -1})
		id := in.report("k-7", codeN(t, 7)).ID
		want := `{"error":"` + noOperator + `"}` + "\n"
		for _, c := range []struct{ method, path string }{{"GET", "/threads"}, {"GET", "/threads/" + id}, {"POST", "/threads/" + id}} {
			if a := in.do(c.method, c.path, in.message("x"), bearerOf(operatorCred)); a.code != http.StatusForbidden || string(a.body) != want {
				t.Errorf("%s %s: %d %s", c.method, c.path, a.code, a.body)
			}
		}
	})
	in := newIntake(t, threadConfig(Threads{EnquiryIntervalDays: 14}))
	code := codeN(t, 8)
	id := in.report("k-8", code).ID
	plain := in.report("k-plain", thread.Code{}).ID
	for _, c := range []struct {
		name, method, path, cred string
		status                   int
		error                    string
	}{
		{"a wrong credential gets 401", "POST", "/threads/" + id, "wrong-credential", http.StatusUnauthorized, wrongOperator},
		{"a thread token is no operator credential", "GET", "/threads/" + id, code.Token(), http.StatusUnauthorized, wrongOperator},
		{"the right one posts the vendor's message", "POST", "/threads/" + id, operatorCred, http.StatusCreated, ""},
		{"the right one reads the thread", "GET", "/threads/" + id, operatorCred, http.StatusOK, ""},
		{"an unknown report is 404", "GET", "/threads/" + idFor("nobody"), operatorCred, http.StatusNotFound, "no report with this id"},
		{"a malformed id is 404", "GET", "/threads/..", operatorCred, http.StatusNotFound, "no report with this id"},
		{"a report without a thread says so", "POST", "/threads/" + plain, operatorCred, http.StatusNotFound, "report has no thread (it was sent without a reply code)"},
		{"a deeper path is 404", "GET", "/threads/" + id + "/x", operatorCred, http.StatusNotFound, "not found"},
		{"another method is 405", "DELETE", "/threads/" + id, operatorCred, http.StatusMethodNotAllowed, ""},
		{"the list takes no post", "POST", "/threads", operatorCred, http.StatusMethodNotAllowed, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := in.do(c.method, c.path, in.message("vendor"), bearerOf(c.cred))
			if a.code != c.status || c.error != "" && a.refusal().Error != c.error {
				t.Errorf("%d %s, want %d %q", a.code, a.body, c.status, c.error)
			}
			if a.code == http.StatusUnauthorized && !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
		})
	}
	t.Run("the list has every thread", func(t *testing.T) {
		a := in.do(http.MethodGet, "/threads", nil, bearerOf(operatorCred))
		var list []thread.Summary
		if err := json.Unmarshal(a.body, &list); a.code != http.StatusOK || err != nil {
			t.Fatalf("%d %s %v", a.code, a.body, err)
		}
		if len(list) != 1 || list[0].ReportID != id || list[0].Entries != 1 || list[0].LastFrom != "vendor" ||
			list[0].LastAt == nil || !list[0].LastAt.Equal(now) || !list[0].ReceivedAt.Equal(now) {
			t.Errorf("%s", a.body)
		}
	})
	t.Run("wrong credentials are throttled like tokens", func(t *testing.T) {
		h := map[string]string{"Authorization": "Bearer nope", "RemoteAddr": "198.51.100.7:1"}
		var codes []int
		for range guessBurst + 1 {
			codes = append(codes, in.do(http.MethodGet, "/threads", nil, h).code)
		}
		if want := strings.Repeat("401 ", guessBurst) + "429"; strings.Trim(fmt.Sprint(codes), "[]") != want {
			t.Errorf("codes %v, want %s", codes, want)
		}
	})
}

func TestTheEnquiryInterval(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{EnquiryIntervalDays: 14}))
	code := codeN(t, 9)
	id := in.report("k-9", code).ID
	fortnight := 14 * 24 * time.Hour
	refused := func(when string, next time.Time) {
		t.Helper()
		a := in.reporterPost(code, in.message("again"))
		r := a.refusal()
		if a.code != http.StatusTooManyRequests || r.NextEnquiryAt == nil || !r.NextEnquiryAt.Equal(next) {
			t.Fatalf("%s: %d %s, want 429 with next_enquiry_at %v", when, a.code, a.body, next)
		}
		if day := next.Format("2 January 2006"); !strings.HasPrefix(r.Error, "you can write again on "+day) {
			t.Errorf("%s: %q does not give the date %s", when, r.Error, day)
		}
		if got, want := a.header.Get("Retry-After"), strconv.Itoa(max(1, int(math.Ceil(next.Sub(in.clock.Now()).Seconds())))); got != want {
			t.Errorf("%s: Retry-After %s, want %s", when, got, want)
		}
		if v := in.view(code); v.NextEnquiryAt == nil || !v.NextEnquiryAt.Equal(next) || v.EnquiryIntervalDays != 14 {
			t.Errorf("%s: the view says next_enquiry_at %v, interval %d", when, v.NextEnquiryAt, v.EnquiryIntervalDays)
		}
	}
	in.clock.Add(time.Minute)
	refused("right after the report", now.Add(fortnight))

	in.clock.Add(time.Hour)
	posted(t, in.vendorPost(id, in.message("vendor: which version?")))
	if v := in.view(code); v.NextEnquiryAt != nil {
		t.Errorf("after the vendor wrote, the view still says wait until %v", v.NextEnquiryAt)
	}
	in.clock.Add(time.Hour)
	answered := posted(t, in.reporterPost(code, in.message("reporter: 2.4.1")))
	refused("after answering the vendor", answered.At.Add(fortnight))

	in.clock.Set(answered.At.Add(fortnight - time.Millisecond))
	refused("a millisecond before the interval ends", answered.At.Add(fortnight))
	in.clock.Set(answered.At.Add(fortnight))
	posted(t, in.reporterPost(code, in.message("reporter: any news?")))
	if v := in.view(code); len(v.Entries) != 3 {
		t.Errorf("%d entries", len(v.Entries))
	}
	t.Run("the vendor has no interval", func(t *testing.T) {
		posted(t, in.vendorPost(id, in.message("one")))
		posted(t, in.vendorPost(id, in.message("two")))
	})
	t.Run("without a vendor message, the interval after the report", func(t *testing.T) {
		code := codeN(t, 10)
		r := in.report("k-10", code)
		in.clock.Set(r.ReceivedAt.Add(fortnight))
		posted(t, in.reporterPost(code, in.message("after two weeks")))
	})
}

func TestNextEnquiry(t *testing.T) {
	day := 24 * time.Hour
	at := func(d int) time.Time { return now.Add(time.Duration(d) * day) }
	e := func(from string, d int) entryInfo { return entryInfo{From: from, At: at(d)} }
	for _, c := range []struct {
		name     string
		entries  []entryInfo
		interval time.Duration
		want     time.Time
	}{
		{"no interval: now", []entryInfo{e("reporter", 1)}, 0, time.Time{}},
		{"no entries: the interval after the report", nil, 14 * day, at(14)},
		{"a vendor message first: now", []entryInfo{e("vendor", 1)}, 14 * day, time.Time{}},
		{"the reporter's message: the interval after it", []entryInfo{e("vendor", 1), e("reporter", 2)}, 14 * day, at(16)},
		{"a vendor answer after the reporter's: now", []entryInfo{e("reporter", 2), e("vendor", 3)}, 14 * day, time.Time{}},
		{"an entry dated before the report counts from the report", []entryInfo{e("reporter", -3)}, 14 * day, at(14)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := nextEnquiry(now, c.entries, c.interval); !got.Equal(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestThreadMessagesFollowTheReportsBodyRules(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	code := codeN(t, 11)
	in.report("k-11", code)
	msg, binary := in.message("hello"), in.v.sealed(t, "binary", false)
	for _, c := range []struct {
		name   string
		body   []byte
		ctype  string
		status int
		error  string
	}{
		{"a binary message is refused: armor it", binary, "application/pgp-encrypted", http.StatusUnsupportedMediaType, "ASCII-armored"},
		{"plaintext is refused", []byte("hello vendor"), "text/plain", http.StatusUnsupportedMediaType, "not an encrypted OpenPGP message"},
		{"an armored message with a header is refused", bytes.Replace(msg, []byte("-----\n\n"), []byte("-----\nComment: hi\n\n"), 1), "application/pgp-encrypted", http.StatusUnsupportedMediaType, "armor headers"},
		{"an empty body is refused", nil, "application/pgp-encrypted", http.StatusUnsupportedMediaType, "empty"},
		{"another content type is refused", msg, "image/png", http.StatusUnsupportedMediaType, "content type"},
		{"JSON carrying the message is taken", []byte(`{"message":` + strconv.Quote(string(msg)) + `}`), "application/json", http.StatusCreated, ""},
		{"the raw message is taken", msg, "application/pgp-encrypted", http.StatusCreated, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := bearerOf(code.Token())
			h["Content-Type"] = c.ctype
			a := in.do(http.MethodPost, "/thread", c.body, h)
			if a.code != c.status || !strings.Contains(a.refusal().Error, c.error) {
				t.Errorf("%d %s, want %d %q", a.code, a.body, c.status, c.error)
			}
			if left, _ := filepath.Glob(filepath.Join(in.store.Dir(), "tmp", "*")); len(left) != 0 {
				t.Errorf("tmp/ holds %v", left)
			}
		})
	}
	if v := in.view(code); len(v.Entries) != 2 || v.Entries[0].Message != string(msg) || v.Entries[1].Message != string(msg) {
		t.Errorf("the thread holds %d entries", len(v.Entries))
	}
}

func TestAMessageOfMaxMessageBytesIsTakenAndOneBytePastIsNot(t *testing.T) {
	probe := newIntake(t, threadConfig(Threads{}))
	msg := probe.message("limit")
	for _, c := range []struct {
		name   string
		max    int64
		status int
	}{
		{"a message of exactly max_message_bytes is taken", int64(len(msg)), http.StatusCreated},
		{"a message one byte over is refused", int64(len(msg)) - 1, http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := newIntake(t, threadConfig(Threads{MaxMessageBytes: c.max}))
			code := codeN(t, 12)
			id := in.report("k-12", code).ID
			for who, a := range map[string]answer{"reporter": in.reporterPost(code, msg), "vendor": in.vendorPost(id, msg)} {
				if a.code != c.status {
					t.Errorf("%s: %d %s, want %d", who, a.code, a.body, c.status)
				}
				if c.status == http.StatusRequestEntityTooLarge && !strings.Contains(a.refusal().Error, strconv.Itoa(int(c.max))) {
					t.Errorf("%s: %q does not name the limit", who, a.refusal().Error)
				}
			}
		})
	}
	if def := (Threads{}).maxMessageBytes(); def != thread.MaxMessageBytes {
		t.Errorf("the default max_message_bytes is %d, the wire contract's %d", def, thread.MaxMessageBytes)
	}
}

func TestAThreadHoldsMaxEntries(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{MaxEntries: 3}))
	code := codeN(t, 13)
	id := in.report("k-13", code).ID
	msg := in.message("m")
	posted(t, in.reporterPost(code, msg))
	posted(t, in.vendorPost(id, msg))
	if p := posted(t, in.reporterPost(code, msg)); p.Seq != 3 {
		t.Errorf("the third message is number %d", p.Seq)
	}
	for who, a := range map[string]answer{"reporter": in.reporterPost(code, msg), "vendor": in.vendorPost(id, msg)} {
		if a.code != http.StatusConflict || !strings.Contains(a.refusal().Error, "threads.max_entries") {
			t.Errorf("%s, past max_entries: %d %s, want 409", who, a.code, a.body)
		}
	}
	if v := in.view(code); len(v.Entries) != 3 {
		t.Errorf("%d entries", len(v.Entries))
	}
}

func TestARetryMustNameTheSameThread(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	code, other := codeN(t, 14), codeN(t, 15)
	body := in.v.sealed(t, "retried", true)
	post := func(key string, c thread.Code) answer {
		h := map[string]string{"Idempotency-Key": key}
		if !c.IsZero() {
			h[thread.HeaderThread] = thread.TokenHash(c.Token())
		}
		return in.do(http.MethodPost, "/reports", body, h)
	}
	for _, c := range []struct {
		name   string
		key    string
		code   thread.Code
		status int
	}{
		{"the first post opens the thread", "k-14", code, http.StatusCreated},
		{"a retry with the same thread gets the receipt again", "k-14", code, http.StatusOK},
		{"a retry with another thread is a conflict", "k-14", other, http.StatusConflict},
		{"a retry without the thread is a conflict", "k-14", thread.Code{}, http.StatusConflict},
		{"a report without a thread", "k-plain", thread.Code{}, http.StatusCreated},
		{"its retry with a thread is a conflict", "k-plain", code, http.StatusConflict},
		{"another report with a code in use is a conflict", "k-16", code, http.StatusConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			if a := post(c.key, c.code); a.code != c.status {
				t.Errorf("%d %s, want %d", a.code, a.body, c.status)
			}
		})
	}
	if v := in.view(code); v.ReportID != idFor("k-14") {
		t.Errorf("the code's thread is %s's", v.ReportID)
	}
	if _, err := in.store.meta(idFor("k-plain")); !os.IsNotExist(err) {
		t.Errorf("the report without a thread got one: %v", err)
	}
	if list, _ := in.store.List(); len(list) != 2 {
		t.Errorf("%d reports stored", len(list))
	}
}

func TestAMalformedThreadHeaderIsRefused(t *testing.T) {
	in := newIntake(t, threadConfig(Threads{}))
	hash := thread.TokenHash(codeN(t, 17).Token())
	for _, c := range []struct{ name, value string }{
		{"upper-case hex", strings.ToUpper(hash)},
		{"63 digits", hash[:63]},
		{"the token itself", codeN(t, 17).Token()},
		{"empty", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := in.do(http.MethodPost, "/reports", in.v.sealed(t, "h", true), map[string]string{thread.HeaderThread: c.value})
			if a.code != http.StatusBadRequest || !strings.Contains(string(a.body), thread.HeaderThread) {
				t.Errorf("%d %s, want 400 naming the header", a.code, a.body)
			}
		})
	}
	t.Run("twice", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, "/reports", bytes.NewReader(in.v.sealed(t, "h", true)))
		req.Header.Set("Content-Type", "application/pgp-encrypted")
		req.Header.Add(thread.HeaderThread, hash)
		req.Header.Add(thread.HeaderThread, hash)
		if _, ok := threadHeader(req.Header); ok {
			t.Error("two Sealpost-Thread headers were taken")
		}
	})
	if list, _ := in.store.List(); len(list) != 0 {
		t.Errorf("%d reports stored", len(list))
	}
}

func TestTheThreadHasTheReportsCORSGrant(t *testing.T) {
	const widget = "https://widget.example.com"
	cfg := threadConfig(Threads{})
	cfg.AllowedOrigins = []string{widget}
	in := newIntake(t, cfg)
	code := codeN(t, 18)
	in.report("k-18", code)
	preflight := func(path, origin string) answer {
		return in.do(http.MethodOptions, path, nil, map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"})
	}
	a := preflight("/thread", widget)
	if a.code != http.StatusNoContent || a.header.Get("Access-Control-Allow-Origin") != widget ||
		a.header.Get("Access-Control-Allow-Methods") != "GET, POST" || a.header.Get("Access-Control-Allow-Headers") != "Authorization, Content-Type" {
		t.Errorf("preflight /thread: %d %v", a.code, a.header)
	}
	if a := preflight("/thread", "https://evil.example"); a.code != http.StatusForbidden || a.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight /thread from another origin: %d %v", a.code, a.header)
	}
	if a := preflight("/reports", widget); !strings.Contains(a.header.Get("Access-Control-Allow-Headers"), thread.HeaderThread) {
		t.Errorf("preflight /reports does not allow %s: %v", thread.HeaderThread, a.header)
	}
	h := bearerOf(code.Token())
	h["Origin"] = widget
	if a := in.do(http.MethodGet, "/thread", nil, h); a.code != http.StatusOK || a.header.Get("Access-Control-Allow-Origin") != widget ||
		!strings.Contains(a.header.Get("Access-Control-Expose-Headers"), "Retry-After") {
		t.Errorf("GET /thread from the widget: %d %v", a.code, a.header)
	}
	for _, path := range []string{"/threads", "/threads/" + idFor("k-18")} {
		h := bearerOf(operatorCred)
		h["Origin"] = widget
		if a := in.do(http.MethodGet, path, nil, h); a.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s granted %q", path, a.header.Get("Access-Control-Allow-Origin"))
		}
		if a := preflight(path, widget); a.header.Get("Access-Control-Allow-Origin") != "" || a.code/100 == 2 {
			t.Errorf("preflight %s: %d %v", path, a.code, a.header)
		}
	}
}

func TestThreadPostsNeedNoProofOfWorkButReportsStillDo(t *testing.T) {
	cfg := threadConfig(Threads{})
	cfg.ProofOfWork = &ProofOfWork{Difficulty: testDifficulty, Key: bytes.Repeat([]byte{7}, 32)}
	in := newIntake(t, cfg)
	code := codeN(t, 19)
	report := in.v.sealed(t, "pow", true)
	h := map[string]string{thread.HeaderThread: thread.TokenHash(code.Token())}
	if a := in.do(http.MethodPost, "/reports", report, h); a.code != http.StatusPreconditionRequired {
		t.Fatalf("a report without a proof of work: %d, want 428", a.code)
	}
	if _, err := os.Stat(filepath.Join(in.store.Dir(), "threads", "by-token", h[thread.HeaderThread])); !os.IsNotExist(err) {
		t.Errorf("a refused report opened its thread: %v", err)
	}
	h[pow.Header] = solveFor(t, in.rc.work.challenge(), report)
	if a := in.do(http.MethodPost, "/reports", report, h); a.code != http.StatusCreated {
		t.Fatalf("a report with its proof of work: %d %s", a.code, a.body)
	}
	posted(t, in.reporterPost(code, in.message("no work needed")))
	posted(t, in.vendorPost(in.view(code).ReportID, in.message("nor here")))
}
