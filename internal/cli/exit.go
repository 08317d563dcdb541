package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Exit codes, mapped in one place. Each command's long help lists the ones
// it uses under EXIT STATUS.
const (
	ExitOK          = 0   // success
	ExitError       = 1   // an error stopped the command
	ExitUsage       = 2   // bad flags, arguments or input files
	ExitHostsFailed = 3   // the command ran, but some hosts failed or are blocked
	ExitLocked      = 11  // the journal is locked by another controller
	ExitInterrupted = 130 // interrupted (Ctrl-C); work in flight was left running
)

// exitError carries an exit code and optional hints through the error chain.
type exitError struct {
	code  int
	err   error
	hints []string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExit wraps err so that the process exits with code; hints are printed
// as "hint:" lines after the error.
func withExit(code int, err error, hints ...string) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err, hints: hints}
}

// usageError marks err as a usage problem (exit 2).
func usageError(format string, args ...any) error {
	return withExit(ExitUsage, fmt.Errorf(format, args...))
}

// silentExit makes the process exit with code without printing anything more;
// the command has already reported what happened.
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// ExitCode prints err to stderr in the user-facing voice and returns the
// process exit code for it.
func ExitCode(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var s silentExit
	if errors.As(err, &s) {
		return int(s)
	}
	code := ExitError
	var hints []string
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		hints = ee.hints
	} else if errors.Is(err, context.Canceled) {
		code = ExitInterrupted
	}
	fmt.Fprintf(stderr, "nimfleet: error: %v\n", err)
	for _, h := range hints {
		fmt.Fprintf(stderr, "hint: %s\n", h)
	}
	return code
}
