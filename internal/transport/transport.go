// Package transport is the seam between nimfleet and the hosts it drives.
//
// Production code depends only on the [Runner] interface. Implementations
// live in sub-packages (ssh, local, the via-master c_rsh wrapper) and in the
// lab simulator, which implements Runner in memory. Cross-cutting behaviour
// (concurrency limits, retries, the audit log, dry-run) is added by
// decorators that wrap a Runner; see [Stack].
//
// # Contract
//
// A Runner executes one shell command line on one host and reports what the
// command printed and how it exited:
//
//   - A command that ran and exited non-zero is NOT an error: Run returns a
//     Result with ExitCode != 0 and a nil error.
//   - An error means the command's outcome is unknown or it could not be
//     started: the host was unreachable, authentication or host-key
//     verification failed, the connection dropped, the command timed out, or
//     its output exceeded the cap. Such errors wrap one of the sentinel
//     errors below so callers can classify them with [errors.Is],
//     [IsTransient] and friends.
//   - Run is safe for concurrent use by multiple goroutines, for the same
//     host and for different hosts.
//   - Run does not retry; retrying is the job of the retry decorator, which
//     retries only transient errors and only commands that do not change state.
//   - On ErrTimeout and ErrConnLost, Run returns the Result received so far
//     (partial Stdout and Stderr, ExitCode -1) together with the error, so a
//     caller that streams markers (fact gathering) can keep what completed.
//     On every other error the Result is the zero value.
//   - A command killed on the host by a signal reports ExitCode 128+n and a
//     nil error. A cancelled or expired caller context returns the zero
//     Result and an error wrapping ctx.Err() (not ErrTimeout).
//   - A dry-run decorator returns the zero Result and an error wrapping
//     ErrDryRun for a state-changing command; see IsDryRun.
//   - Command.Line is passed to the remote shell verbatim. Callers build it
//     from validated tokens with the quoting helpers of package cmdline; a
//     Runner never interprets or re-quotes it.
package transport

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Command is one remote command.
type Command struct {
	// Host is the inventory name of the target host (a NIM master or client).
	Host string
	// Line is the complete command line for the remote ksh, already quoted.
	Line string
	// Mutates marks a command that changes state on the host. The dry-run
	// decorator does not execute such commands, the retry decorator never
	// retries them, and the audit log records the flag.
	Mutates bool
	// Timeout bounds the command's run time. Zero means the runner's default.
	Timeout time.Duration
	// MaxOutput caps stdout plus stderr in bytes. Zero means the runner's
	// default (DefaultMaxOutput). Output beyond the cap makes Run fail with
	// ErrOutputTooLarge.
	MaxOutput int
}

// DefaultMaxOutput is the output cap used when Command.MaxOutput is zero.
const DefaultMaxOutput = 16 << 20

// Result is the outcome of a command that ran.
type Result struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
	// Duration is the wall-clock time the command took, as seen by the runner.
	Duration time.Duration
}

// OK reports whether the command exited with status 0.
func (r Result) OK() bool { return r.ExitCode == 0 }

// Runner runs commands on hosts. See the package documentation for the
// contract every implementation keeps.
type Runner interface {
	Run(ctx context.Context, c Command) (Result, error)
}

// RunnerFunc adapts a function to the Runner interface.
type RunnerFunc func(ctx context.Context, c Command) (Result, error)

// Run calls f(ctx, c).
func (f RunnerFunc) Run(ctx context.Context, c Command) (Result, error) { return f(ctx, c) }

// Error classes. Runners wrap these with host and command context.
var (
	// ErrUnreachable: the host could not be reached (DNS, refused, no route,
	// connect timeout). Transient.
	ErrUnreachable = errors.New("host unreachable")
	// ErrAuth: the host refused our credentials. Permanent.
	ErrAuth = errors.New("authentication failed")
	// ErrHostKey: the host key is unknown or does not match known_hosts.
	// Permanent; never retried, never silently accepted.
	ErrHostKey = errors.New("host key verification failed")
	// ErrConnLost: the connection dropped while the command ran; whether the
	// command took effect is unknown. Transient for read-only commands.
	ErrConnLost = errors.New("connection lost")
	// ErrTimeout: the command did not finish within its timeout. It may still
	// be running on the host.
	ErrTimeout = errors.New("command timed out")
	// ErrOutputTooLarge: the command printed more than the output cap.
	ErrOutputTooLarge = errors.New("output too large")
	// ErrDryRun: the dry-run decorator did not execute a state-changing command.
	ErrDryRun = errors.New("not executed (dry run)")
	// ErrUnknownHost: the runner has no route to the named host (not in the
	// inventory or the lab).
	ErrUnknownHost = errors.New("unknown host")
)

// IsTransient reports whether err is worth retrying for a command that does
// not change state.
func IsTransient(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrConnLost)
}

// HostError is the error of one host in a fleet-wide operation. One failing
// host returns a HostError; the others carry on.
type HostError struct {
	Host string
	// Op names what was being done ("gather facts", "run \"lsvg -o\"").
	Op  string
	Err error
}

func (e *HostError) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("host %s: %v", e.Host, e.Err)
	}
	return fmt.Sprintf("host %s: %s: %v", e.Host, e.Op, e.Err)
}

func (e *HostError) Unwrap() error { return e.Err }
