//go:build !js

package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// codeBlocks returns the fenced code blocks of a Markdown file tagged lang.
func codeBlocks(t *testing.T, path, lang string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []string
	var cur *strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && line == "```"+lang:
			cur = &strings.Builder{}
		case cur != nil && line == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	if len(blocks) == 0 {
		t.Fatalf("%s has no %s block", path, lang)
	}
	return blocks
}

// TestTheServerSnippetsServeAWorkingWidget runs the nginx and Caddy
// snippets of widget/README.md as written, on Debian's nginx and Caddy,
// with loopback ports in place of the host names and without TLS: the
// widget's origin serves the pre-compressed wasm with its headers, the
// vendor's serves the security page (with the README's embed snippet) and
// the config, and a report filed through that page arrives.
func TestTheServerSnippetsServeAWorkingWidget(t *testing.T) {
	needs(t, "nginx (with its brotli_static module), Caddy and Chromium")
	for _, server := range []string{"nginx", "caddy"} {
		t.Run(server, func(t *testing.T) {
			if _, err := exec.LookPath(server); err != nil {
				t.Fatalf("%s is not installed: run make deps (.ci/deps)", server)
			}
			widgetAddr, vendorAddr := freeAddr(t), freeAddr(t)
			widgetOrigin := "http://" + widgetAddr
			vendorOrigin := "http://localhost:" + strings.Split(vendorAddr, ":")[1] // another site
			v := setUp(t, "comoo", widgetOrigin)

			dir := t.TempDir()
			widgetRoot, vendorRoot := filepath.Join(dir, "widget"), filepath.Join(dir, "www")
			if err := os.CopyFS(widgetRoot, os.DirFS(site)); err != nil {
				t.Fatal(err)
			}
			wasm := filepath.Join(widgetRoot, "web", "app.wasm")
			for _, c := range [][]string{{"brotli", "-q", "4", "-k", "-f", wasm}, {"gzip", "-6", "-k", "-f", wasm}} {
				if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
					t.Fatalf("%v: %v\n%s", c, err, out)
				}
			}
			resp, err := http.Get(strings.TrimSuffix(v.widgetURL, "/?config=config.json") + "/config.json")
			if err != nil {
				t.Fatal(err)
			}
			cfg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			os.MkdirAll(filepath.Join(vendorRoot, "sealpost"), 0o755)
			os.WriteFile(filepath.Join(vendorRoot, "sealpost", "config.json"), cfg, 0o644)
			names := strings.NewReplacer(
				"https://widget.example.com", widgetOrigin, "https://www.example.com", vendorOrigin,
				"https://reports.example.com", v.receiverURL,
				"/srv/sealpost/dist/widget", widgetRoot, "/srv/www", vendorRoot)
			embed := names.Replace(codeBlocks(t, "../../widget/README.md", "html")[0])
			page := "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Security</title></head>\n<body><h1>Report a vulnerability</h1>\n" + embed + "</body></html>\n"
			os.WriteFile(filepath.Join(vendorRoot, "security.html"), []byte(page), 0o644)

			snippet := names.Replace(codeBlocks(t, "../../widget/README.md", server)[0])
			if server == "nginx" {
				startNginx(t, dir, snippet, widgetAddr, vendorAddr)
			} else {
				startCaddy(t, dir, snippet, widgetAddr, vendorAddr, vendorOrigin)
			}

			// The widget's origin: the brotli wasm, with the headers the README lists.
			req, _ := http.NewRequest("GET", widgetOrigin+"/web/app.wasm", nil)
			req.Header.Set("Accept-Encoding", "br, gzip")
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			if resp.StatusCode != 200 || h.Get("Content-Encoding") != "br" || h.Get("Content-Type") != "application/wasm" ||
				h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Content-Security-Policy"), "'wasm-unsafe-eval'") ||
				h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("app.wasm: %s %v", resp.Status, h)
			}
			resp, err = http.Get(vendorOrigin + "/sealpost/config.json")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("config.json: %s %v", resp.Status, resp.Header)
			}

			ctx, _ := browser(t)
			console := watchConsole(t, ctx)
			if err := doWithin(ctx, 60*time.Second, chromedp.Navigate(vendorOrigin+"/security.html"), chromedp.WaitVisible(chromedp.CSS("iframe"))); err != nil {
				t.Fatal(err)
			}
			frame := attachFrame(t, ctx, widgetOrigin, console.listen)
			err = fileMinimal(frame, "https://www.comoo.be/", "Filed through the "+server+" snippet.")
			if err != nil {
				t.Fatalf("%v\nthe frame shows: %s\nconsole: %v", err, pageText(frame), console.all())
			}
			if list, _ := v.store.List(); len(list) != 1 {
				t.Errorf("%d reports stored, want 1", len(list))
			}
			for _, line := range console.all() {
				if strings.Contains(line, "Content Security Policy") {
					t.Errorf("CSP violation: %s", line)
				}
			}
		})
	}
}

// startNginx runs nginx in the foreground on the snippet, its TLS lines
// replaced: the first server block listens on widgetAddr, the second on
// vendorAddr.
func startNginx(t *testing.T, dir, snippet, widgetAddr, vendorAddr string) {
	var lines []string
	listens := []string{widgetAddr, vendorAddr}
	for _, line := range strings.Split(snippet, "\n") {
		switch trimmed := strings.TrimSpace(line); {
		case strings.HasPrefix(trimmed, "ssl_certificate"):
			continue
		case trimmed == "listen 443 ssl;":
			if len(listens) == 0 {
				t.Fatal("the nginx snippet has more than two server blocks")
			}
			line, listens = "    listen "+listens[0]+";", listens[1:]
		}
		lines = append(lines, line)
	}
	tmp := filepath.Join(dir, "nginx-tmp")
	os.MkdirAll(tmp, 0o755)
	// user root: the test's files are in a folder only its owner reads.
	conf := fmt.Sprintf(`user root;
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, tmp, strings.Join(lines, "\n"))
	confFile := filepath.Join(dir, "nginx.conf")
	os.WriteFile(confFile, []byte(conf), 0o644)
	start(t, exec.Command("nginx", "-p", tmp, "-c", confFile, "-e", filepath.Join(tmp, "error.log"), "-g", "daemon off;"), widgetAddr, vendorAddr)
}

// startCaddy runs Caddy on the snippet, its site names replaced by
// loopback addresses over plain HTTP, with its admin API off.
func startCaddy(t *testing.T, dir, snippet, widgetAddr, vendorAddr, vendorOrigin string) {
	snippet = strings.NewReplacer("widget.example.com {", "http://"+widgetAddr+" {", "www.example.com {", vendorOrigin+" {").Replace(snippet)
	confFile := filepath.Join(dir, "Caddyfile")
	os.WriteFile(confFile, []byte("{\n\tadmin off\n}\n\n"+snippet), 0o644)
	cmd := exec.Command("caddy", "run", "--config", confFile, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(dir, "caddy-data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "caddy-config"), "HOME="+dir)
	start(t, cmd, widgetAddr, vendorAddr)
}

// start runs a server until the test ends, once it answers on both addresses.
func start(t *testing.T, cmd *exec.Cmd, addrs ...string) {
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// SIGTERM: nginx's master stops its workers too (a killed master
	// leaves them holding the output pipe).
	cmd.WaitDelay = 5 * time.Second
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	for _, addr := range addrs {
		for i := 0; ; i++ {
			resp, err := http.Get("http://" + addr + "/")
			if err == nil {
				resp.Body.Close()
				break
			}
			if i == 100 {
				t.Fatalf("%s does not answer on %s: %v\n%s", cmd.Path, addr, err, out.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
