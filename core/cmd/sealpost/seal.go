package main

import (
	"fmt"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/config"
	"github.com/sealpost/sealpost/core/pgpkey"
	"github.com/sealpost/sealpost/core/report"
	"github.com/sealpost/sealpost/core/seal"
	"github.com/sealpost/sealpost/core/thread"
)

func (e *env) seal(args []string) error {
	fs := e.flags("seal", "seal (--key FILE|URL|ADDRESS | --config FILE) [--pin FPR] [--attach FILE]... [--armor=false] [--reply-code FILE] [REPORT.json|-] > sealed.asc")
	keySource := fs.String("key", "", "the vendor's public key: a `file`, an https URL or an email address (WKD)")
	cfgFile := fs.String("config", "", "vendor `config`: its rules apply, and its key when --key is not given")
	pin := fs.String("pin", "", "refuse any key but the one with this `fingerprint`")
	armor := fs.Bool("armor", true, "write ASCII armor; --armor=false writes binary")
	codeFile := fs.String("reply-code", "", "make a reply code, put its reply key in the report, and write the code to this new `file` (mode 0600): keep it, to follow the report's thread (sealpost post, sealpost follow)")
	var attach []string
	fs.Func("attach", "attach a `file` (repeatable)", func(s string) error {
		attach = append(attach, s)
		return nil
	})
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *keySource == "" && *cfgFile == "" {
		return usageError("seal: give the vendor's key with --key, or a config with --config")
	}
	rules, lang := defaultRules, ""
	var cfg *config.Config
	if *cfgFile != "" {
		if cfg, err = config.LoadFile(*cfgFile); err != nil {
			return err
		}
		rules, lang = cfg.Rules(), cfg.Language()
	}
	r, err := e.readReport(first(files))
	if e.printProblems(err) {
		return &exitError{code: 1, msg: "the report is invalid: nothing was sealed"}
	}
	if err != nil {
		return err
	}
	bodies, closeAll, err := attachFiles(r, attach)
	defer closeAll()
	if err != nil {
		return err
	}
	if r.SubmittedAt == nil {
		now := e.now().UTC().Truncate(time.Second)
		r.SubmittedAt = &now
	}
	if r.Client == "" {
		r.Client = "sealpost-cli"
	}
	var code thread.Code
	if *codeFile != "" {
		if r.ReplyKey != "" {
			return usageError("seal: the report already has a reply_key; leave out --reply-code, or remove reply_key to make a new code")
		}
		if fileExists(*codeFile) {
			return fmt.Errorf("%s already exists: nothing is overwritten and nothing was sealed; choose another file for the new reply code", *codeFile)
		}
		if code, err = thread.NewCode(nil); err != nil {
			return err
		}
		if r.ReplyKey, err = code.ReplyPublicKey(); err != nil {
			return err
		}
	}
	if err := report.Validate(r, report.Options{Rules: rules, Language: lang, Now: e.now}); e.printProblems(err) {
		return &exitError{code: 1, msg: "the report is invalid: nothing was sealed"}
	} else if err != nil {
		return err
	}

	var keys *pgpkey.Set
	if *keySource != "" {
		keys, err = e.loadKeys(*keySource, *pin)
	} else {
		if *pin != "" {
			cfg.Key.Fingerprint = *pin
		}
		keys, err = e.configKeys(cfg)
	}
	if err != nil {
		return err
	}
	for _, k := range keys.Keys {
		for _, w := range k.Warnings {
			fmt.Fprintf(e.stderr, "sealpost: warning: key %s: %s\n", k.Fingerprint, w)
		}
	}
	// The code is written before the report is sealed: a sealed report
	// whose code was lost could never be followed.
	if !code.IsZero() {
		if err := writeNew(*codeFile, []byte(code.String()+"\n"), 0o600); err != nil {
			return fmt.Errorf("%w; nothing was sealed", err)
		}
	}
	// Streamed to stdout: on failure the output is incomplete, and the exit
	// status and message say so.
	if err := seal.Report(e.stdout, r, bodies, keys.Keys, seal.Options{Armor: *armor, Now: e.now}); err != nil {
		if !code.IsZero() {
			os.Remove(*codeFile)
		}
		return fmt.Errorf("sealing failed, discard the output: %w", err)
	}
	if !code.IsZero() {
		fmt.Fprintf(e.stderr, "sealpost: the reply code is in %s: keep it secret and safe; it is the only way to read the vendor's replies (sealpost follow)\n", *codeFile)
	}
	return nil
}

func trimNewline(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// maxPassphraseBytes bounds a passphrase file.
const maxPassphraseBytes = 4096

// secretKeys reads the vendor's secret keys, unlocked with the passphrase
// from passFile or SEALPOST_PASSPHRASE (never from the command line).
func (e *env) secretKeys(keyFile, passFile string) (openpgp.EntityList, error) {
	keyData, err := readAtMost(keyFile, pgpkey.MaxBytes)
	if err != nil {
		return nil, err
	}
	passphrase := []byte(os.Getenv("SEALPOST_PASSPHRASE"))
	if passFile != "" {
		if passphrase, err = readAtMost(passFile, maxPassphraseBytes); err != nil {
			return nil, err
		}
		passphrase = []byte(trimNewline(string(passphrase)))
	}
	return seal.ReadSecretKeys(keyData, passphrase)
}
