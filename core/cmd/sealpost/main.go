// Command sealpost validates, renders, seals and opens Sealpost reports,
// inspects vendor keys and checks vendor configs, runs the intake, and
// carries the conversation that follows a report (reply, follow), for
// vendors, researchers, CI pipelines and black-box tests. It is a thin
// wrapper over the core packages.
//
// Usage:
//
//	sealpost validate [--config FILE] [--lang xx] [--format text|json] [FILE|-]
//	sealpost key inspect [--pin FPR] [--format text|json] FILE|URL|ADDRESS
//	sealpost seal (--key FILE|URL|ADDRESS | --config FILE) [--pin FPR] [--attach FILE]... [--armor=false] [--reply-code FILE] [FILE|-]
//	sealpost post --endpoint URL [--format raw|multipart|json] [--reply-code FILE] [--format-out text|json] [FILE|-]
//	sealpost open --secret-key FILE [--passphrase-file FILE] [--out DIR] [--report PATH] [FILE|-]
//	sealpost open --secret-key FILE [--passphrase-file FILE] --server URL --credential FILE --thread REPORT-ID [--report PATH]
//	sealpost serve [--addr HOST:PORT] --store DIR [--config FILE]
//	sealpost inbox --store DIR --secret-key FILE [--passphrase-file FILE] [--config FILE]
//	sealpost reply --server URL --credential FILE --secret-key FILE [--passphrase-file FILE] --report PATH --status STATUS [--invite-confirm] [--message FILE|-] REPORT-ID
//	sealpost follow --server URL (--code CODE | --code-file FILE) [--key FILE|URL|ADDRESS [--pin FPR] | --config FILE] [--format text|json] [--write FILE|-]
//	sealpost follow --export-key (--code CODE | --code-file FILE) [--out FILE]
//	sealpost keygen --demo --out DIR
//	sealpost keygen --pq [--demo] [--name NAME] --email ADDRESS [--passphrase-file FILE] --out DIR
//	sealpost export --format ghsa|osv|csaf [--config FILE] [--vendor NAME] [--namespace URL] [--product NAME] [--ecosystem NAME] [--id ID] [--out FILE] REPORT-FOLDER
//	sealpost init --name ORG [--endpoint URL] (--security-txt FILE|URL | --key FILE|URL) [--widget-url URL] [--pages URLS] [--out FILE]
//	sealpost render [--format text|json|mime] [--attach FILE]... [FILE|-]
//	sealpost config check FILE
//	sealpost config sign --secret-key FILE [--passphrase-file FILE] [--out FILE] FILE
//	sealpost securitytxt parse [--format json|text] FILE|-
//	sealpost securitytxt gen --config FILE [--expires DAYS] [--canonical URL]
//
// # The conversation
//
// A report sealed with --reply-code carries a reply key made from a new
// reply code, which the reporter keeps (core/thread). Posted with the same
// code (post --reply-code, or the widget), it opens a thread on the
// intake. The vendor answers with reply (a status and a text, signed with
// its key, sealed to the reply key) and reads the thread with open
// --thread; the reporter reads it and answers with follow, knowing only
// the code. The intake sees ciphertext and times.
//
// Exit status: 0 success, 1 a refusal (an invalid report or config, a
// message that does not verify, an intake's refusal), 2 bad usage. Errors
// go to standard error as "sealpost: error: ...".
//
// SEALPOST_NOW (an RFC 3339 time) replaces the clock, for reproducible tests.
// SEALPOST_PASSPHRASE unlocks a protected secret key for open, inbox and
// reply (or use --passphrase-file; never a command-line argument, which
// others can see). SEALPOST_OPERATOR_CREDENTIAL is the intake's operator
// credential for reply and open --thread, when --credential is not given.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sealpost/sealpost/core/deliver"
)

const usage = `usage: sealpost <command> [flags]

commands:
  validate     check a report.json against the rules (of a vendor config)
  render       write a report as text, report.json or the MIME entity that is sealed
  seal         validate a report and encrypt it, with attachments, to the vendor's key
  post         send a sealed report to the vendor's endpoint, and get its receipt
  open         decrypt a sealed report with the vendor's secret key and unpack it,
               or print a thread message, or a report's whole thread (--thread)
  key inspect  load a vendor key (file, URL, email address) and say if it can be used
  serve        run the intake: take sealed reports over HTTP, store them, mail them on
  inbox        list the reports in an intake's store: titles, statuses, deadlines, relay failures
  reply        answer a report in its thread: a status and a message, for the reporter only
  follow       read a report's thread with its reply code, and write to the vendor
  keygen       make a demo key pair (--demo) or a post-quantum one (--pq)
  export       write an advisory draft (GitHub, OSV, CSAF 2.0) from an opened report
  init         write a vendor config from flags or a security.txt, and print the embed snippet
  config       check a vendor config and judge its key (config check FILE), or sign it (config sign --secret-key KEY FILE)
  securitytxt  parse or generate a security.txt (RFC 9116)

Run "sealpost <command> -h" for a command's flags.
`

// exitError carries an exit status; its message, when not empty, is printed.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageError(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

// refused is exit status 1 with the details already printed.
var refused = &exitError{code: 1}

type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	client         deliver.Doer // fetches the key a config names; nil: http.DefaultClient
}

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now}
	os.Exit(e.run(os.Args[1:]))
}

func (e *env) run(args []string) int {
	if v := os.Getenv("SEALPOST_NOW"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fmt.Fprintf(e.stderr, "sealpost: error: SEALPOST_NOW %q is not an RFC 3339 time\n", v)
			return 2
		}
		e.now = func() time.Time { return t }
	}
	err := e.dispatch(args)
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintf(e.stderr, "sealpost: error: %s\n", ee.msg)
		}
		if ee.code == 2 {
			fmt.Fprint(e.stderr, "run \"sealpost -h\" for usage\n")
		}
		return ee.code
	default:
		// Errors can quote a config, a report or a key: whatever a command
		// did not clean itself is cleaned here (cleanText: line breaks
		// stay, every other control becomes U+FFFD).
		fmt.Fprintf(e.stderr, "sealpost: error: %s\n", cleanText(err.Error()))
		return 1
	}
}

func (e *env) dispatch(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return &exitError{code: 2}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return nil
	case "validate":
		return e.validate(rest)
	case "render":
		return e.render(rest)
	case "key":
		if len(rest) == 0 || rest[0] != "inspect" {
			return usageError("usage: sealpost key inspect [--pin FPR] [--format text|json] FILE|URL|ADDRESS")
		}
		return e.keyInspect(rest[1:])
	case "keygen":
		return e.keygen(rest)
	case "export":
		return e.export(rest)
	case "seal":
		return e.seal(rest)
	case "serve":
		return e.serve(rest)
	case "inbox":
		return e.inbox(rest)
	case "post":
		return e.post(rest)
	case "reply":
		return e.reply(rest)
	case "follow":
		return e.follow(rest)
	case "init":
		return e.initConfig(rest)
	case "open":
		return e.open(rest)
	case "config":
		if len(rest) > 0 && rest[0] == "sign" {
			return e.configSign(rest[1:])
		}
		if len(rest) == 0 || rest[0] != "check" {
			return usageError("usage: sealpost config check FILE | sealpost config sign --secret-key FILE FILE")
		}
		return e.configCheck(rest[1:])
	case "securitytxt":
		if len(rest) == 0 {
			return usageError("usage: sealpost securitytxt parse|gen ...")
		}
		switch rest[0] {
		case "parse":
			return e.securitytxtParse(rest[1:])
		case "gen":
			return e.securitytxtGen(rest[1:])
		}
		return usageError("unknown securitytxt command %q: use parse or gen", rest[0])
	}
	return usageError("unknown command %q", cmd)
}

// flags makes a flag set whose errors are usage errors and whose help goes
// to stdout.
func (e *env) flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: sealpost %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, allowing them after the positional arguments too, and
// returns at most max positional arguments.
func parse(fs *flag.FlagSet, args []string, max int) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &exitError{code: 2}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	if len(positional) > max {
		return nil, usageError("%s: too many arguments: %s", fs.Name(), strings.Join(positional, " "))
	}
	return positional, nil
}

// open returns the named input, or standard input for "" and "-".
func (e *env) openInput(name string) (io.ReadCloser, error) {
	if name == "" || name == "-" {
		return io.NopCloser(e.stdin), nil
	}
	return os.Open(name)
}
