// Command site is the demo's vendor web site: a security page per seed
// policy (Comoo and Cocomm) with the widget embedded by one script tag, a
// third page with Comoo's policy as it is written (email only: the form
// seals the report, the reporter emails it; no server), the widget served
// from its own origin with the headers widget.Policy gives (frame-ancestors:
// the site), the intake (`sealpost serve`, run as a vendor runs it), and,
// when Mailpit is installed, the intake's mail relay into its mailbox.
//
//	go run ./demo/site -port 8080 -widget dist/widget -state demo/.state -sealpost bin/sealpost
//
// Ports: the site on PORT, the widget on PORT+1, the intake on PORT+2,
// Mailpit's web view on 8025. A demo key pair and the intake's operator
// credential (for sealpost reply) are made on the first run in STATE/keys,
// the key labelled as demo. Ctrl-C stops everything.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/receiver"
	"github.com/sealpost/sealpost/widget"
)

func main() {
	port := flag.Int("port", 8080, "the site's `port`; the widget uses PORT+1 and the intake PORT+2")
	sealpost := flag.String("sealpost", "bin/sealpost", "the sealpost `binary` (make widget builds it), run as the intake")
	widgetDir := flag.String("widget", "dist/widget", "the widget's static site (make build)")
	state := flag.String("state", "demo/.state", "`folder` for the demo key, the store and the mailbox")
	examples := flag.String("examples", "core/config/examples", "`folder` of the seed configs")
	mailpit := flag.String("mailpit", "bin/tools/mailpit", "Mailpit `binary` (make deps); none: no mail relay")
	mailSMTP := flag.String("mail-smtp", "127.0.0.1:1025", "Mailpit's SMTP `address`")
	mailWeb := flag.String("mail-web", "127.0.0.1:8025", "Mailpit's web view `address`")
	flag.Parse()
	mailSMTPAddr, mailWebAddr, sealpostBin = *mailSMTP, *mailWeb, *sealpost
	if err := run(*port, *widgetDir, *state, *examples, *mailpit); err != nil {
		fmt.Fprintf(os.Stderr, "site: error: %v\n", err)
		os.Exit(1)
	}
}

// seeds are the demo's pages, each with the seed config of its name:
// comoo-email is Comoo's policy as written (encrypt, then email it), whose
// address the demo replaces with emailAddress.
var seeds = []string{"comoo", "cocomm", "comoo-email"}

// emailAddress is where the email-only page's reports are addressed: no
// one's mailbox.
const emailAddress = "security@demo.invalid"

var mailSMTPAddr, mailWebAddr, sealpostBin string

func run(port int, widgetDir, state, examples, mailpit string) error {
	if _, err := os.Stat(filepath.Join(widgetDir, "web", "app.wasm")); err != nil {
		return fmt.Errorf("no widget in %s: run make build first", widgetDir)
	}
	keys := filepath.Join(state, "keys")
	pub, err := demoKey(keys)
	if err != nil {
		return err
	}
	credentialFile := filepath.Join(keys, "operator-credential")
	credential, err := operatorCredential(credentialFile)
	if err != nil {
		return err
	}
	// The site is named localhost, the widget 127.0.0.1: two sites, as a
	// vendor and a widget host would be, so the browser isolates the frame.
	site := fmt.Sprintf("http://localhost:%d", port)
	widget := fmt.Sprintf("http://127.0.0.1:%d", port+1)
	receiverURL := fmt.Sprintf("http://127.0.0.1:%d", port+2)

	// The vendor publishes its key as public_key.zip, as Comoo does; the
	// configs carry the key read back from that zip.
	keyZip, err := zipOf("public_key.asc", pub)
	if err != nil {
		return err
	}
	set, err := pgpkey.Parse(keyZip, pgpkey.Options{})
	if err != nil {
		return fmt.Errorf("the demo key in public_key.zip: %w", err)
	}
	configs := map[string][]byte{}
	// One intake serves both seed pages, so its wait between a reporter's
	// unasked messages is the longest either policy sets (Cocomm's
	// status_enquiry_min_days, 14; Comoo sets none): neither vendor is
	// written to more often than its policy allows.
	enquiryDays := 0
	for _, seed := range seeds {
		cfg, err := config.LoadFile(filepath.Join(examples, seed+".json"))
		if err != nil {
			return err
		}
		enquiryDays = max(enquiryDays, cfg.Promises.StatusEnquiryMinDays)
		cfg.Key = config.Key{Armored: string(pub), Fingerprint: set.Keys[0].Fingerprint}
		if cfg.EmailOnly() {
			cfg.Org.SecurityEmail = emailAddress
		} else {
			cfg.Endpoint.URL = receiverURL + "/reports"
		}
		if configs[seed], err = json.MarshalIndent(cfg, "", "  "); err != nil {
			return err
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum := sha256.Sum256([]byte(credential))
	rcfg := receiver.Config{AllowedOrigins: []string{"null", widget}, RatePerMinute: -1,
		Threads: receiver.Threads{OperatorCredentialSHA256: hex.EncodeToString(sum[:]), EnquiryIntervalDays: enquiryDays}}
	mailbox := "no mail relay (make deps installs Mailpit)"
	if _, err := os.Stat(mailpit); err == nil {
		cmd := exec.CommandContext(ctx, mailpit, "--smtp", mailSMTPAddr, "--listen", mailWebAddr,
			"--database", filepath.Join(state, "mail.db"), "--quiet", "--disable-version-check")
		if err := cmd.Start(); err != nil {
			return err
		}
		defer cmd.Wait()
		rcfg.Relay = &receiver.RelayConfig{SMTPAddr: mailSMTPAddr, TLS: "none", From: "Sealpost demo <sealpost@demo.invalid>", To: "security@demo.invalid"}
		mailbox = "http://" + mailWebAddr
	}
	intake, err := startIntake(ctx, rcfg, state, fmt.Sprintf("127.0.0.1:%d", port+2))
	if err != nil {
		return err
	}
	defer intake.Wait()

	servers := []*http.Server{
		{Addr: fmt.Sprintf("127.0.0.1:%d", port), Handler: siteHandler(widget, keyZip, configs)},
		{Addr: fmt.Sprintf("127.0.0.1:%d", port+1), Handler: widgetHandler(widgetDir, widgetPolicy(receiverURL, site), configs)},
	}
	errc := make(chan error, len(servers))
	for _, s := range servers {
		ln, err := net.Listen("tcp", s.Addr)
		if err != nil {
			return fmt.Errorf("%w (choose other ports with make demo PORT=9000)", err)
		}
		go func() { errc <- s.Serve(ln) }()
	}
	secret, store := filepath.Join(keys, "demo-secret.asc"), filepath.Join(state, "store")
	fmt.Print(banner(set.Keys[0].Fingerprint, site, widget, receiverURL, mailbox, store, secret, credentialFile,
		filepath.Join(examples, "cocomm.json"), enquiryDays))
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		s.Shutdown(shutdown)
	}
	fmt.Println("stopped")
	return nil
}

// banner is what the demo prints once everything listens: where each part
// is, and the commands a vendor and a researcher run next.
func banner(fingerprint, site, widget, intake, mailbox, store, secret, credential, policy string, enquiryDays int) string {
	return fmt.Sprintf(`Sealpost demo (demo key %[1]s, labelled %[2]q)

  Comoo's security page:   %[3]s/comoo
  Cocomm's security page:  %[3]s/cocomm
  Comoo's, email only:     %[3]s/comoo-email   (no endpoint: the form seals the report, the reporter downloads it
                           and emails it to `+emailAddress+`; nothing is posted)
  the widget's origin:     %[4]s
  the intake:              %[5]s/reports   (sealpost serve, store: %[7]s; proof of work on, at the default difficulty;
                           threads on: a reporter writes unasked at most once every %[10]d days)
  the security mailbox:    %[6]s

The vendor: list what arrived (status, and Cocomm's reply and triage deadlines), decrypt it, answer through the intake
  bin/sealpost inbox --store %[7]s --secret-key %[8]s --config %[11]s
  bin/sealpost open --secret-key %[8]s --out /tmp/report-1 %[7]s/reports/<id>.asc
  printf 'Which firmware version?\n' > /tmp/reply.txt
  bin/sealpost reply --server %[5]s --credential %[9]s --secret-key %[8]s --report /tmp/report-1 --status triaged --message /tmp/reply.txt <id>
  bin/sealpost open --secret-key %[8]s --thread <id> --report /tmp/report-1 --server %[5]s --credential %[9]s
The researcher: follow a report with the reply code on its receipt (or the form's Follow link)
  bin/sealpost follow --server %[5]s --code CODE
Ctrl-C stops everything.
`, fingerprint, pgpkey.DemoLabel, site, widget, intake, mailbox, store, secret, credential, enquiryDays, policy)
}

// operatorCredential returns the intake's operator credential, the secret
// sealpost reply shows the intake, making it on the first run: 128 random
// bits in a file only its owner reads. The intake's config holds only its
// SHA-256.
func operatorCredential(file string) (string, error) {
	if b, err := os.ReadFile(file); err == nil {
		if c := strings.TrimSpace(string(b)); c != "" {
			return c, nil
		}
		return "", fmt.Errorf("%s is empty: delete it, and the demo makes a new operator credential", file)
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	c := rand.Text()
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return "", err
	}
	return c, os.WriteFile(file, []byte(c), 0o600)
}

// startIntake writes the intake's config to STATE/receiver.json and runs
// `sealpost serve` on addr, as a vendor would; it stops with ctx.
func startIntake(ctx context.Context, cfg receiver.Config, state, addr string) (*exec.Cmd, error) {
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	cfgFile := filepath.Join(state, "receiver.json")
	if err := os.WriteFile(cfgFile, data, 0o600); err != nil {
		return nil, err
	}
	if _, err := os.Stat(sealpostBin); err != nil {
		return nil, fmt.Errorf("no sealpost command at %s: run make widget first", sealpostBin)
	}
	cmd := exec.CommandContext(ctx, sealpostBin, "serve", "--addr", addr, "--store", filepath.Join(state, "store"), "--config", cfgFile)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 40 * time.Second
	cmd.Stderr = &levelFilter{w: os.Stderr}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// Wait until it listens, so the printed addresses work at once.
	for range 100 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return cmd, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, fmt.Errorf("sealpost serve did not start listening on %s", addr)
}

// levelFilter passes on the intake's warnings and errors, not its
// routine log lines, so the demo's terminal stays readable.
type levelFilter struct{ w io.Writer }

func (f *levelFilter) Write(p []byte) (int, error) {
	for _, line := range bytes.SplitAfter(p, []byte("\n")) {
		if bytes.Contains(line, []byte("level=WARN")) || bytes.Contains(line, []byte("level=ERROR")) {
			f.w.Write(line)
		}
	}
	return len(p), nil
}

// demoKey returns the demo public key, making the pair on the first run.
func demoKey(dir string) ([]byte, error) {
	pubFile := filepath.Join(dir, "demo-public.asc")
	if pub, err := os.ReadFile(pubFile); err == nil {
		return pub, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	pub, sec, err := pgpkey.DemoKey("Demo Vendor Security", "security@demo.invalid", time.Now().Add(-time.Minute))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "demo-secret.asc"), sec, 0o600); err != nil {
		return nil, err
	}
	return pub, os.WriteFile(pubFile, pub, 0o644)
}

func zipOf(name string, data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		return nil, err
	}
	w.Write(data)
	err = zw.Close()
	return buf.Bytes(), err
}

// widgetPolicy is the widget origin's policy: it fetches from itself (the
// configs carry the key) and posts to the intake, and only the site's
// pages may frame it.
func widgetPolicy(receiverURL, site string) widget.Policy {
	return widget.Policy{Connect: []string{receiverURL}, FrameAncestors: []string{site}}
}

// widgetHandler serves the widget's static site and the seed configs, with
// the headers widget/README.md asks for (widget.Policy).
func widgetHandler(dir string, policy widget.Policy, configs map[string][]byte) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		policy.Set(w.Header())
		if seed, ok := strings.CutPrefix(r.URL.Path, "/configs/"); ok {
			cfg, found := configs[strings.TrimSuffix(seed, ".json")]
			if !found {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(cfg)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		files.ServeHTTP(w, r)
	})
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}}: responsible disclosure (Sealpost demo)</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem">
<p><a href="/comoo">Comoo</a> · <a href="/cocomm">Cocomm</a> · <a href="/comoo-email">Comoo, by email</a> · <a href="/public_key.zip">public_key.zip</a></p>
<h1>{{.Name}}: responsible disclosure{{if .Email}}, by email{{end}}</h1>
<p>{{.Summary}}</p>
{{if .Email}}<p>This is a demo page of a vendor with no server: the form encrypts the report to a demo key, and you download it and email it from your own mail program to {{.Email}} (no one's mailbox).</p>
{{else}}<p>This is a demo page: reports go to a local receiver, encrypted to a demo key.</p>
{{end}}
<script src="{{.Widget}}/sealpost.js" data-config="{{.Widget}}/configs/{{.Seed}}.json" async></script>
</body></html>`))

// siteHandler serves the vendor's pages and its public_key.zip. A page's
// address with a trailing slash redirects to the page.
func siteHandler(widget string, keyZip []byte, configs map[string][]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", fmt.Sprintf("default-src 'self'; script-src %s; frame-src %s; style-src 'unsafe-inline'", widget, widget))
		seed := strings.TrimPrefix(r.URL.Path, "/")
		switch {
		case r.URL.Path == "/":
			http.Redirect(w, r, "/comoo", http.StatusFound)
		case strings.HasSuffix(seed, "/") && configs[strings.TrimSuffix(seed, "/")] != nil:
			// /comoo/ is /comoo: one canonical address per page, where
			// links and the reporter's bookmarks point.
			target := "/" + strings.TrimSuffix(seed, "/")
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
		case r.URL.Path == "/public_key.zip":
			w.Header().Set("Content-Type", "application/zip")
			w.Write(keyZip)
		case configs[seed] != nil:
			var cfg config.Config
			json.Unmarshal(configs[seed], &cfg)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			email := ""
			if cfg.EmailOnly() {
				email = cfg.Org.SecurityEmail
			}
			page.Execute(w, map[string]string{"Name": cfg.Org.Name, "Summary": cfg.String(cfg.Org.PolicySummary), "Widget": widget, "Seed": seed, "Email": email})
		default:
			http.NotFound(w, r)
		}
	})
}
