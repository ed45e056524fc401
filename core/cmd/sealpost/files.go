package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/sealpost/sealpost/core/thread"
)

// writeNew writes data to a new file with mode perm, refusing to replace
// an existing one: what it writes (a reply code, a secret key) cannot be
// made again from the old file's contents.
func writeNew(name string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: nothing is overwritten; choose another file name, or move the old file away if you no longer need it", name)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// readCode reads a reply code given on the command line (typed) or in a
// file (as `sealpost seal --reply-code` writes it).
func readCode(typed, file string) (thread.Code, error) {
	source := "--code"
	switch {
	case typed != "" && file != "":
		return thread.Code{}, usageError("give the reply code once: --code or --code-file, not both")
	case file != "":
		data, err := readAtMost(file, 1024)
		if err != nil {
			return thread.Code{}, err
		}
		typed, source = string(data), file
	case typed == "":
		return thread.Code{}, usageError("give the report's reply code: --code-file FILE (as sealpost seal --reply-code wrote it) or --code CODE")
	}
	c, err := thread.ParseCode(typed)
	if err != nil {
		return thread.Code{}, fmt.Errorf("%s: %w", source, err)
	}
	return c, nil
}

// operatorCredential is the vendor's operator credential for the intake's
// /threads endpoints: from file (trimmed), or SEALPOST_OPERATOR_CREDENTIAL.
// Never a flag's value, which anyone on the machine can read in the list
// of processes.
func operatorCredential(file string) (string, error) {
	cred, source := os.Getenv("SEALPOST_OPERATOR_CREDENTIAL"), "SEALPOST_OPERATOR_CREDENTIAL"
	if file != "" {
		data, err := readAtMost(file, 4096)
		if err != nil {
			return "", err
		}
		cred, source = string(data), file
	}
	cred = strings.TrimSpace(cred)
	if source == "SEALPOST_OPERATOR_CREDENTIAL" && cred == "" {
		return "", usageError("give the intake's operator credential in a file (--credential FILE) or in SEALPOST_OPERATOR_CREDENTIAL; never on the command line")
	}
	if cred == "" || strings.ContainsFunc(cred, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return "", fmt.Errorf("%s does not hold an operator credential: it must be one line of printable ASCII without spaces (the credential whose SHA-256 is the intake's threads.operator_credential_sha256)", source)
	}
	return cred, nil
}

// readText reads a message's text from a file or standard input ("-"):
// UTF-8, at most [thread.MaxTextRunes] characters, trailing blank lines
// and spaces dropped. "" reads nothing.
func (e *env) readText(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	in, err := e.openInput(name)
	if err != nil {
		return "", err
	}
	defer in.Close()
	limit := int64(thread.MaxTextRunes * utf8.UTFMax)
	data, err := io.ReadAll(io.LimitReader(in, limit+1))
	if err != nil {
		return "", err
	}
	if int64(len(data)) > limit || utf8.RuneCount(data) > thread.MaxTextRunes {
		return "", fmt.Errorf("the message is longer than %d characters: shorten it, or attach the rest to a new report", thread.MaxTextRunes)
	}
	if !utf8.Valid(data) {
		return "", errors.New("the message is not UTF-8 text: save it as UTF-8")
	}
	return string(bytes.TrimRight(data, " \t\r\n")), nil
}
