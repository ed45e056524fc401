package thread

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/sealpost/sealpost/core/internal/strictjson"
	"github.com/sealpost/sealpost/core/internal/testkeys"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/seal"
)

var now = testkeys.Now

func fixedCode(t *testing.T, b byte) Code {
	t.Helper()
	c, err := NewCode(bytes.NewReader(bytes.Repeat([]byte{b}, 26)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCodeRoundTripsAsTyped(t *testing.T) {
	c, err := NewCode(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if len(s) != 34 || strings.Count(s, "-") != 6 {
		t.Fatalf("code %q: want seven groups of four", s)
	}
	typed := []string{
		s,
		strings.ToLower(s),
		strings.ReplaceAll(s, "-", " "),
		strings.ReplaceAll(s, "-", ""),
		"  " + strings.ReplaceAll(strings.ReplaceAll(s, "0", "o"), "1", "l") + "\n",
	}
	for _, in := range typed {
		got, err := ParseCode(in)
		if err != nil || got != c {
			t.Errorf("ParseCode(%q) = %v, %v; want the code back", in, got, err)
		}
	}
}

func TestCodeTypoIsCaught(t *testing.T) {
	c := fixedCode(t, 7)
	s := []byte(c.String())
	caught := 0
	for _, alt := range alphabet {
		typo := append([]byte(nil), s...)
		if typo[5] == byte(alt) {
			continue
		}
		typo[5] = byte(alt)
		if _, err := ParseCode(string(typo)); errors.Is(err, ErrCodeCheck) {
			caught++
		} else if err != nil {
			t.Fatalf("typo %s: %v, want ErrCodeCheck", typo, err)
		}
	}
	// 10 check bits: a single typo slips through about 1 time in 1024.
	if caught < 30 {
		t.Errorf("only %d of 31 single-character typos caught", caught)
	}
	for _, bad := range []string{"", "ABCD", s2(c) + "X", "UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU", strings.Repeat("é", 28)} {
		if _, err := ParseCode(bad); !errors.Is(err, ErrCodeFormat) {
			t.Errorf("ParseCode(%q) = %v, want ErrCodeFormat", bad, err)
		}
	}
}

func s2(c Code) string { return c.String() }

// The reply key and token of a code never change: a code written down today
// must still open replies after any upgrade. These values are pinned.
func TestDerivationIsPinned(t *testing.T) {
	c := fixedCode(t, 0)
	if got, want := c.String(), "0000-0000-0000-0000-0000-0000-00QK"; got != want {
		t.Errorf("code %s, want %s", got, want)
	}
	if got, want := c.Token(), "CrJ-AOPEIVvkUpVO4Ua8veQcW449uZmSJ6Ic-kmz3CE"; got != want {
		t.Errorf("token %s, want %s", got, want)
	}
	e, err := c.ReplyKey()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprintf("%X", e.PrimaryKey.Fingerprint), "312F215EE6F03C85DB2F816E80828B0D35B653C9"; got != want {
		t.Errorf("reply key %s, want %s", got, want)
	}
	if got, want := fmt.Sprintf("%X", e.Subkeys[0].PublicKey.Fingerprint), "EDEF6F2C49723DDFFF2CF3B246626FE308372A08"; got != want {
		t.Errorf("reply subkey %s, want %s", got, want)
	}
	other := fixedCode(t, 1)
	if other.Token() == c.Token() {
		t.Error("two codes, one token")
	}
}

func TestTokenShapes(t *testing.T) {
	tok := fixedCode(t, 3).Token()
	if !ValidToken(tok) || ValidToken(tok[1:]) || ValidToken(tok[:42]+"=") {
		t.Error("ValidToken misjudges")
	}
	h := TokenHash(tok)
	if !ValidTokenHash(h) || ValidTokenHash(strings.ToUpper(h)) || ValidTokenHash(h[1:]) || strings.Contains(h, tok) {
		t.Error("ValidTokenHash misjudges")
	}
}

// the reply key, as the vendor reads it from report.json
func replyRecipient(t *testing.T, c Code) *pgpkey.Key {
	t.Helper()
	pub, err := c.ReplyPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse([]byte(pub), pgpkey.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("the reply key is refused: %v", err)
	}
	return set.Keys[0]
}

type party struct {
	entity *openpgp.Entity
	key    *pgpkey.Key
}

func newVendor(t *testing.T, name string) party {
	t.Helper()
	e, err := testkeys.New(name, "security@example.com", packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	set, err := pgpkey.Parse(testkeys.Public(e), pgpkey.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return party{e, set.Keys[0]}
}

func opts() seal.Options { return seal.Options{Now: func() time.Time { return now }} }

type fixture struct {
	code     Code
	reply    *openpgp.Entity
	vendor   party
	view     *View
	replyKey *pgpkey.Key
}

func newFixture(t *testing.T) *fixture {
	c := fixedCode(t, 9)
	reply, err := c.ReplyKey()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{code: c, reply: reply, vendor: newVendor(t, "Vendor"), replyKey: replyRecipient(t, c),
		view: &View{ReportID: "r-1", ReceivedAt: now}}
}

func (f *fixture) post(t *testing.T, from string, m *Message, signer *openpgp.Entity) {
	t.Helper()
	to := []*pgpkey.Key{f.vendor.key, f.replyKey}
	out, err := Seal(m, to, signer, opts())
	if err != nil {
		t.Fatal(err)
	}
	f.view.Entries = append(f.view.Entries, Entry{Seq: len(f.view.Entries) + 1, From: from, At: now.Add(time.Duration(len(f.view.Entries)+1) * time.Hour), Message: string(out)})
}

func vendorMsg(status, text string) *Message {
	return &Message{Schema: MessageSchema, ReportID: "r-1", From: FromVendor, Status: status, Text: text, WrittenAt: now}
}

func TestConversationBothWays(t *testing.T) {
	f := newFixture(t)
	f.post(t, FromVendor, vendorMsg("need-info", "Which firmware version?"), f.vendor.entity)
	f.post(t, FromReporter, &Message{Schema: MessageSchema, ReportID: "r-1", From: FromReporter, Text: "4.2.1", WrittenAt: now}, f.reply)

	// the reporter, with only the code
	reply, _ := f.code.ReplyKey()
	items := Timeline(f.view, openpgp.EntityList{reply}, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{reply})
	for _, it := range items {
		if !it.Verified || it.Problem != "" {
			t.Fatalf("entry %d: verified %v, problem %q", it.Seq, it.Verified, it.Problem)
		}
	}
	if items[0].Message.Text != "Which firmware version?" || items[1].Message.Text != "4.2.1" {
		t.Errorf("texts %q %q", items[0].Message.Text, items[1].Message.Text)
	}
	if s, _ := Status(f.view, items); s != "need-info" {
		t.Errorf("status %q", s)
	}
	// the vendor, with its secret key, reads the same thread
	items = Timeline(f.view, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{f.replyKey.Entity})
	if !items[0].Verified || !items[1].Verified {
		t.Errorf("vendor view: %+v", items)
	}
}

func TestWrongCodeReadsNothing(t *testing.T) {
	f := newFixture(t)
	f.post(t, FromVendor, vendorMsg("triaged", "Confirmed."), f.vendor.entity)
	wrong, _ := fixedCode(t, 10).ReplyKey()
	it := Timeline(f.view, openpgp.EntityList{wrong}, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{wrong})[0]
	if it.Message != nil || it.Verified || it.Problem != "not encrypted to your key" {
		t.Errorf("wrong code: %+v", it)
	}
}

func TestReplyNotSignedByTheVendor(t *testing.T) {
	f := newFixture(t)
	impostor := newVendor(t, "Impostor")
	f.post(t, FromVendor, vendorMsg("fixed", "All done, send us your password"), impostor.entity)
	it := Timeline(f.view, openpgp.EntityList{f.reply}, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{f.reply})[0]
	if it.Verified || !strings.Contains(it.Problem, "not signed by the vendor") {
		t.Errorf("impostor reply: verified %v, problem %q", it.Verified, it.Problem)
	}
	if s, _ := Status(f.view, []Item{it}); s != "received" {
		t.Errorf("an unverified status counts: %q", s)
	}
}

func TestTamperedEntry(t *testing.T) {
	f := newFixture(t)
	f.post(t, FromVendor, vendorMsg("accepted", "Thank you."), f.vendor.entity)
	orig := f.view.Entries[0].Message
	lines := strings.Split(orig, "\n")
	// flip one base64 character in the middle of the body
	mid := len(lines) / 2
	b := []byte(lines[mid])
	if b[10] == 'A' {
		b[10] = 'B'
	} else {
		b[10] = 'A'
	}
	lines[mid] = string(b)
	f.view.Entries[0].Message = strings.Join(lines, "\n")
	it := Timeline(f.view, openpgp.EntityList{f.reply}, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{f.reply})[0]
	if it.Verified || it.Message != nil || !strings.HasPrefix(it.Problem, "changed after it was written") {
		t.Errorf("tampered: %+v", it)
	}

	// moved from another report's thread, or relabelled as the reporter's
	f.view.Entries[0].Message = orig
	f.view.ReportID = "r-2"
	if it := Timeline(f.view, openpgp.EntityList{f.reply}, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{f.reply})[0]; it.Verified || it.Problem != "belongs to another report's thread" {
		t.Errorf("moved: %+v", it)
	}
	f.view.ReportID = "r-1"
	f.view.Entries[0].From = FromReporter
	if it := Timeline(f.view, openpgp.EntityList{f.reply}, openpgp.EntityList{f.vendor.entity}, openpgp.EntityList{f.reply})[0]; it.Verified {
		t.Errorf("relabelled: %+v", it)
	}
}

func TestMessageChecks(t *testing.T) {
	long := strings.Repeat("é", MaxTextRunes)
	ok := []*Message{vendorMsg("received", ""), vendorMsg("", "hi"), vendorMsg("fixed", long)}
	ok[2].InviteConfirm = true
	for _, m := range ok {
		if err := m.Check(); err != nil {
			t.Errorf("%+v: %v", m.Status, err)
		}
	}
	bad := map[string]*Message{
		"unknown status":   vendorMsg("done", "x"),
		"reporter status":  {Schema: MessageSchema, ReportID: "r", From: FromReporter, Status: "fixed", WrittenAt: now},
		"empty":            vendorMsg("", "  "),
		"one past the cap": vendorMsg("", long+"x"),
		"invite unfixed":   {Schema: MessageSchema, ReportID: "r", From: FromVendor, Status: "accepted", InviteConfirm: true, WrittenAt: now},
		"no time":          {Schema: MessageSchema, ReportID: "r", From: FromVendor, Text: "x"},
		"who":              {Schema: MessageSchema, ReportID: "r", From: "server", Text: "x", WrittenAt: now},
	}
	for name, m := range bad {
		if err := m.Check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSealRefusesUnsigned(t *testing.T) {
	f := newFixture(t)
	if _, err := Seal(vendorMsg("received", ""), []*pgpkey.Key{f.vendor.key}, nil, opts()); err == nil {
		t.Error("an unsigned message was sealed")
	}
}

func TestWorkingDays(t *testing.T) {
	fri := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	cases := []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{fri, 0, fri},
		{fri, 1, time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)},
		{fri, 5, time.Date(2026, 12, 11, 15, 0, 0, 0, time.UTC)},
		{fri, 10, time.Date(2026, 12, 18, 15, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC), 1, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}, // Saturday
	}
	for _, c := range cases {
		if got := AddWorkingDays(c.from, c.n); !got.Equal(c.want) {
			t.Errorf("%s + %d working days = %s, want %s", c.from.Format("Mon 2"), c.n, got.Format("Mon 2"), c.want.Format("Mon 2"))
		}
	}
}

func TestDeadlines(t *testing.T) {
	received := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC) // a Friday
	replied := Item{Entry: Entry{From: FromVendor, At: received.AddDate(0, 0, 3)}, Verified: true, Message: vendorMsg("received", "")}
	triaged := Item{Entry: Entry{From: FromVendor, At: received.AddDate(0, 0, 20)}, Verified: true, Message: vendorMsg("triaged", "")}
	d := Deadlines(received, 5, 10, []Item{replied, triaged}, received.AddDate(0, 0, 30))
	if len(d) != 2 || !d[0].Met || d[0].Overdue || !d[1].Met || !d[1].Overdue {
		t.Errorf("deadlines %+v", d)
	}
	d = Deadlines(received, 5, 10, nil, AddWorkingDays(received, 5).Add(time.Minute))
	if d[0].Met || !d[0].Overdue || d[1].Overdue {
		t.Errorf("just past the reply promise: %+v", d)
	}
	d = Deadlines(received, 5, 10, nil, AddWorkingDays(received, 5))
	if d[0].Overdue {
		t.Errorf("at the reply promise: %+v", d)
	}
	if d := Deadlines(received, 0, 0, nil, received); len(d) != 0 {
		t.Errorf("no promises, deadlines %+v", d)
	}
}

func TestNextEnquiry(t *testing.T) {
	const days14 = 14 * 24 * time.Hour
	var entries []Entry
	if got := NextEnquiry(now, entries, 0); !got.IsZero() {
		t.Errorf("no interval: %s", got)
	}
	if got := NextEnquiry(now, entries, days14); !got.Equal(now.AddDate(0, 0, 14)) {
		t.Errorf("right after the report: %s", got)
	}
	entries = append(entries, Entry{From: FromVendor, At: now.Add(time.Hour)})
	if got := NextEnquiry(now, entries, days14); !got.IsZero() {
		t.Errorf("after the vendor wrote: %s", got)
	}
	answered := now.Add(2 * time.Hour)
	entries = append(entries, Entry{From: FromReporter, At: answered})
	if got := NextEnquiry(now, entries, days14); !got.Equal(answered.AddDate(0, 0, 14)) {
		t.Errorf("after the answer: %s", got)
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://x.example/api/reports": "https://x.example/api/thread",
		"https://x.example/reports":     "https://x.example/thread",
		"https://x.example/hook":        "",
		"https://x.example/reports?a=b": "",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%s) = %q, want %q", in, got, want)
		}
	}
	if got := OperatorURL("https://x.example/", "a/b"); got != "https://x.example/threads/a%2Fb" {
		t.Errorf("OperatorURL = %s", got)
	}
}

func FuzzParseCode(f *testing.F) {
	f.Add("0000-0000-0000-0000-0000-0000-00QK")
	f.Add("oooo oooo")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		again, err := ParseCode(c.String())
		if err != nil || again != c {
			t.Fatalf("%q parsed, but its String %q does not", s, c.String())
		}
	})
}

func FuzzOpen(f *testing.F) {
	c, _ := NewCode(bytes.NewReader(make([]byte, 26)))
	reply, _ := c.ReplyKey()
	pub, _ := c.ReplyPublicKey()
	set, _ := pgpkey.Parse([]byte(pub), pgpkey.Options{Now: func() time.Time { return now }})
	m := &Message{Schema: MessageSchema, ReportID: "r", From: FromReporter, Text: "hello", WrittenAt: now}
	good, _ := Seal(m, set.Keys, reply, seal.Options{Now: func() time.Time { return now }})
	f.Add(good)
	f.Add([]byte("-----BEGIN PGP MESSAGE-----\n\n-----END PGP MESSAGE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Open(data, openpgp.EntityList{reply}, openpgp.EntityList{reply})
		if err == nil && o.Message.Check() != nil {
			t.Fatal("Open returned a message that fails its checks")
		}
	})
}

// The message shown in core/README.md is a valid one.
func TestTheDocumentedMessageIsValid(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "## The conversation")
	if !ok {
		t.Fatal("core/README.md has no conversation section")
	}
	_, rest, ok = strings.Cut(rest, "```json\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("the conversation section has no json block")
	}
	var m Message
	if err := strictjson.Decode([]byte(block), &m); err != nil {
		t.Fatal(err)
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
}
