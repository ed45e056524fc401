package main

import (
	"errors"

	"github.com/sealpost/sealpost/core/report"
)

// cleanedError is an error whose text may quote what came out of a message
// or a key (a JSON key, a MIME header line, a file name): its text is
// printed through report.Clean, as report.txt's fields are, and its chain
// is kept for errors.Is.
type cleanedError struct{ err error }

func (c cleanedError) Error() string { return report.Clean(c.err.Error()) }
func (c cleanedError) Unwrap() error { return c.err }

// cleanError wraps err, unless it is nil or an exit status, whose message
// the command wrote itself.
func cleanError(err error) error {
	var ee *exitError
	if err == nil || errors.As(err, &ee) {
		return err
	}
	return cleanedError{err}
}
