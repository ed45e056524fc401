package widget

import (
	"strings"
	"testing"

	"github.com/sealpost/sealpost/core/config"
)

// TestTheOutboxOffersWhatAnEarlierVisitCouldNotSend: a sealed report left
// in the outbox is listed when the form mounts, for its own endpoint only,
// showing what is known without decrypting it.
func TestTheOutboxOffersWhatAnEarlierVisitCouldNotSend(t *testing.T) {
	cfg, err := config.LoadFile("../core/config/examples/comoo.json")
	if err != nil {
		t.Fatal(err)
	}
	sealed := SealedBytes("-----BEGIN PGP MESSAGE-----\n\nwcBMA...\n-----END PGP MESSAGE-----\n")
	box := &MemoryOutbox{}
	box.Put(Pending{Key: "0123456789abcdef", Endpoint: cfg.Endpoint.URL, Fingerprint: "ABCD1234", Created: now, Sealed: sealed})
	box.Put(Pending{Key: "fedcba9876543210", Endpoint: "https://elsewhere.example/reports", Created: now, Sealed: sealed})
	f := NewForm(cfg, "en")
	f.Now, f.Outbox = clock, box
	// What OnMount does in the browser (go-app mounts natively without it).
	if f.outboxPanel().pending, err = f.outbox().List(cfg.Endpoint.URL); err != nil {
		t.Fatal(err)
	}
	page := html(f)
	for _, want := range []string{`id="sp-outbox"`, `Reports not sent yet`, `data-key="0123456789abcdef"`, `to key ABCD1234`,
		`download="sealpost-report-01234567.asc"`, `Send now`, `Remove from this browser`} {
		if !strings.Contains(page, want) {
			t.Errorf("the outbox lacks %q", want)
		}
	}
	if strings.Contains(page, "fedcba98") {
		t.Error("the outbox offers another endpoint's report")
	}
}

func TestTheMemoryOutboxKeepsOneEntryPerKey(t *testing.T) {
	box := &MemoryOutbox{}
	box.Put(Pending{Key: "a", Endpoint: "e", Sealed: SealedBytes("1")})
	box.Put(Pending{Key: "a", Endpoint: "e", Sealed: SealedBytes("2")})
	box.Put(Pending{Key: "b", Endpoint: "e"})
	list, _ := box.List("e")
	if len(list) != 2 || list[0].Key != "a" || string(list[0].Sealed.(SealedBytes)) != "2" {
		t.Errorf("list %+v", list)
	}
	box.Delete("a")
	if list, _ := box.List("e"); len(list) != 1 || list[0].Key != "b" || box.Durable() {
		t.Errorf("after delete %+v", list)
	}
}
