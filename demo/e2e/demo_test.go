//go:build !js

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-message"

	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/core/seal"
)

// TestTheDemoFilesOneReportPerSeedPage runs the demo's site command (what
// make demo runs), files a report on each seed page in Chromium, and checks
// that both arrive in the receiver's store and, as PGP/MIME emails, in
// Mailpit, and decrypt.
func TestTheDemoFilesOneReportPerSeedPage(t *testing.T) {
	needs(t, "Chromium and Mailpit")
	mailpit, _ := filepath.Abs("../../bin/tools/mailpit")
	if _, err := os.Stat(mailpit); err != nil {
		t.Fatal("Mailpit is not installed: run make deps (.ci/deps)")
	}
	bin, sealpost := filepath.Join(t.TempDir(), "site"), filepath.Join(t.TempDir(), "sealpost")
	for out, pkg := range map[string]string{bin: "../site", sealpost: "../../core/cmd/sealpost"} {
		if log, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, log)
		}
	}
	port := freeBase(t)
	state := t.TempDir()
	mailSMTP, mailWeb := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "-port", fmt.Sprint(port), "-widget", site, "-state", state,
		"-examples", "../../core/config/examples", "-sealpost", sealpost, "-mailpit", mailpit, "-mail-smtp", mailSMTP, "-mail-web", mailWeb)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "Ctrl-C") {
	}
	go func() {
		for sc.Scan() {
		}
	}()

	ctx, _ := browser(t)
	siteURL := fmt.Sprintf("http://localhost:%d", port)
	widgetOrigin := fmt.Sprintf("http://127.0.0.1:%d", port+1)
	fill := map[string][][2]string{
		"comoo": {{"#sp-targets", "https://www.comoo.be/demo"}, {"#sp-description", "DEMO-COMOO-7a1"}},
		"cocomm": {{"#sp-targets", "198.51.100.4"}, {"#sp-description", "DEMO-COCOMM-2b2"},
			{"#sp-expected", "A login prompt."}, {"#sp-steps", "Open /admin."}},
	}
	for _, seed := range []string{"comoo", "cocomm"} {
		if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(siteURL+"/"+seed), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
			t.Fatal(err)
		}
		console := &consoleLog{}
		frame := attachFrame(t, ctx, widgetOrigin, console.listen)
		steps := []chromedp.Action[chromedp.Void]{formReady()}
		for _, f := range fill[seed] {
			steps = append(steps, clickThenType(chromedp.CSS(f[0]), f[1]))
		}
		if seed == "cocomm" {
			steps = append(steps, chromedp.SetValue(chromedp.CSS("#sp-discovered-at"), "2026-11-20"), dispatchInput("discovered_at"))
		}
		steps = append(steps, click(chromedp.CSS("#sp-policy-accepted")), chromedp.WaitVisible(chromedp.CSS("#sp-policy-accepted:checked")),
			click(chromedp.CSS("#sp-submit")), chromedp.WaitVisible(chromedp.CSS("[data-sealpost-receipt]")))
		if err := doWithin(frame, 60*time.Second, steps...); err != nil {
			t.Fatalf("%s: %v\nthe frame shows:\n%s\nconsole: %v", seed, err, pageText(frame), console.all())
		}
	}

	secret, err := os.ReadFile(filepath.Join(state, "keys", "demo-secret.asc"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.ReadSecretKeys(secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := receiver.ReadStore(filepath.Join(state, "store"))
	if err != nil {
		t.Fatal(err)
	}
	list, _ := store.List()
	var descriptions []string
	for _, st := range list {
		f, _ := os.Open(st.Path)
		r, err := seal.ReadReport(f, keys)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		descriptions = append(descriptions, r.Description)
	}
	if got := strings.Join(descriptions, ","); got != "DEMO-COMOO-7a1,DEMO-COCOMM-2b2" {
		t.Errorf("stored reports decrypt to %q", got)
	}
	var mails struct {
		Messages []struct{ ID string } `json:"messages"`
	}
	for range 100 {
		resp, err := http.Get("http://" + mailWeb + "/api/v1/messages")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&mails)
			resp.Body.Close()
			if len(mails.Messages) == 2 {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(mails.Messages) != 2 {
		t.Fatalf("%d emails in the mailbox, want 2", len(mails.Messages))
	}
	for _, m := range mails.Messages {
		resp, err := http.Get("http://" + mailWeb + "/api/v1/message/" + m.ID + "/raw")
		if err != nil {
			t.Fatal(err)
		}
		ent, err := message.Read(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		mr := ent.MultipartReader()
		mr.NextPart() // "Version: 1"
		encrypted, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		r, err := seal.ReadReport(encrypted.Body, keys)
		resp.Body.Close()
		if err != nil || !strings.HasPrefix(r.Description, "DEMO-") {
			t.Errorf("email %s: %v", m.ID, err)
		}
	}
}

// freeBase finds three free consecutive loopback ports.
func freeBase(t *testing.T) int {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := l.Addr().(*net.TCPAddr).Port
		l.Close()
		ok := true
		for p := base; p < base+3; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no three free consecutive ports")
	return 0
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
