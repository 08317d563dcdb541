// Package transporttest is the conformance suite that every
// [transport.Runner] must pass: the SSH runner against the lab's SSH
// server, and the lab's in-memory runner. Each test enforces a sentence of
// the contract in package transport's documentation.
//
// Adopting it takes a few lines in the implementation's tests:
//
//	func TestConformance(t *testing.T) {
//		transporttest.Run(t, transporttest.Harness{
//			Runner:        r,
//			Host:          "lpar1",
//			UnknownHost:   "nosuchhost",
//			DownHost:      "lpar-down",
//			HangLine:      "hang",
//			BigOutputLine: func(n int) string { return fmt.Sprintf("bigout %d", n) },
//		})
//	}
//
// The suite's own command lines use only portable constructs that every
// ksh (and the lab's) understands: echo with plain words, "exit N", "1>&2"
// and ";". The harness supplies the two lines that need more.
package transporttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// Harness describes the Runner under test and the hosts it can reach.
type Harness struct {
	// Runner is the runner under test. Required.
	Runner transport.Runner
	// Host is a reachable host whose shell runs echo, exit N, 1>&2 and ";".
	// Required.
	Host string
	// Hosts are more reachable hosts, used with Host by the concurrency
	// tests. Optional.
	Hosts []string
	// UnknownHost is a name the runner has no route to: not in its
	// inventory or lab. Required.
	UnknownHost string
	// DownHost, if not empty, is a host the runner knows but cannot reach
	// (powered off, rebooting, sshd down). Optional.
	DownHost string
	// HangLine is a command line that never finishes on its own (until it
	// is killed or its session closed). Required.
	HangLine string
	// BigOutputLine returns a command line that prints exactly n bytes on
	// stdout, nothing on stderr, and exits 0. Required.
	BigOutputLine func(n int) string
	// Timeout is the Command.Timeout used to time out HangLine. Zero means
	// 100ms.
	Timeout time.Duration
}

func (h *Harness) check(t *testing.T) {
	t.Helper()
	var missing []string
	if h.Runner == nil {
		missing = append(missing, "Runner")
	}
	if h.Host == "" {
		missing = append(missing, "Host")
	}
	if h.UnknownHost == "" {
		missing = append(missing, "UnknownHost")
	}
	if h.HangLine == "" {
		missing = append(missing, "HangLine")
	}
	if h.BigOutputLine == nil {
		missing = append(missing, "BigOutputLine")
	}
	if len(missing) > 0 {
		t.Fatalf("transporttest: Harness lacks %s", strings.Join(missing, ", "))
	}
	if h.Timeout == 0 {
		h.Timeout = 100 * time.Millisecond
	}
}

// Run runs the conformance suite against h.Runner.
func Run(t *testing.T, h Harness) {
	h.check(t)
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"Stdout", testStdout},
		{"Stderr", testStderr},
		{"StreamsSeparate", testStreamsSeparate},
		{"ExitCodeIsNotAnError", testExitCodes},
		{"UnknownHost", testUnknownHost},
		{"DownHost", testDownHost},
		{"Timeout", testTimeout},
		{"TimeoutKeepsPartialOutput", testTimeoutPartial},
		{"OutputCap", testOutputCap},
		{"DefaultOutputCap", testDefaultOutputCap},
		{"CancelledBeforeRun", testCancelledBefore},
		{"CancelReturnsPromptly", testCancelWhileRunning},
		{"Concurrent", testConcurrent},
		{"UsableAfterErrors", testUsableAfterErrors},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, h) })
	}
}

// watchdog bounds a call that must return promptly. The bound is generous:
// it catches a hang, it does not measure speed.
const watchdog = 30 * time.Second

// run runs line on host with cmd's other fields and fails the test if Run
// does not return within the watchdog.
func run(t *testing.T, ctx context.Context, r transport.Runner, cmd transport.Command) (transport.Result, error) {
	t.Helper()
	type ret struct {
		res transport.Result
		err error
	}
	ch := make(chan ret, 1)
	go func() {
		res, err := r.Run(ctx, cmd)
		ch <- ret{res, err}
	}()
	select {
	case got := <-ch:
		return got.res, got.err
	case <-time.After(watchdog):
		t.Fatalf("Run(%q on %s) did not return within %v", cmd.Line, cmd.Host, watchdog)
		return transport.Result{}, nil
	}
}

// want checks a successful run's outcome.
func want(t *testing.T, res transport.Result, err error, stdout, stderr string, code int) {
	t.Helper()
	if err != nil {
		t.Fatalf("Run: unexpected error %v", err)
	}
	if string(res.Stdout) != stdout || string(res.Stderr) != stderr || res.ExitCode != code {
		t.Errorf("got stdout %q, stderr %q, exit %d; want %q, %q, %d", res.Stdout, res.Stderr, res.ExitCode, stdout, stderr, code)
	}
	if res.OK() != (code == 0) {
		t.Errorf("OK() = %v for exit %d", res.OK(), res.ExitCode)
	}
	if res.Duration < 0 {
		t.Errorf("negative Duration %v", res.Duration)
	}
}

// wantClass checks that err is of class and names the host.
func wantClass(t *testing.T, err error, class error, host string) {
	t.Helper()
	if !errors.Is(err, class) {
		t.Fatalf("got error %v, want one wrapping %q", err, class)
	}
	if !strings.Contains(err.Error(), host) {
		t.Errorf("error %q does not name host %s", err, host)
	}
}

func wantZero(t *testing.T, res transport.Result) {
	t.Helper()
	if res.Stdout != nil || res.Stderr != nil || res.ExitCode != 0 || res.Duration != 0 {
		t.Errorf("got Result %+v with the error, want the zero Result", res)
	}
}

// "Run reports what the command printed": stdout.
func testStdout(t *testing.T, h Harness) {
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: "echo hello world"})
	want(t, res, err, "hello world\n", "", 0)
}

// ...and stderr, separately.
func testStderr(t *testing.T, h Harness) {
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: "echo oops 1>&2"})
	want(t, res, err, "", "oops\n", 0)
}

func testStreamsSeparate(t *testing.T, h Harness) {
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: "echo one; echo two 1>&2; echo three; exit 3"})
	want(t, res, err, "one\nthree\n", "two\n", 3)
}

// "A command that ran and exited non-zero is NOT an error."
func testExitCodes(t *testing.T, h Harness) {
	for _, code := range []int{0, 1, 2, 42, 127, 255} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: fmt.Sprintf("echo before; exit %d", code)})
			want(t, res, err, "before\n", "", code)
		})
	}
}

// ErrUnknownHost: "the runner has no route to the named host". Permanent.
func testUnknownHost(t *testing.T, h Harness) {
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.UnknownHost, Line: "echo hello"})
	wantClass(t, err, transport.ErrUnknownHost, h.UnknownHost)
	wantZero(t, res)
	if transport.IsTransient(err) {
		t.Errorf("IsTransient(%v) = true, want false", err)
	}
}

// ErrUnreachable: "the host could not be reached". Transient.
func testDownHost(t *testing.T, h Harness) {
	if h.DownHost == "" {
		t.Skip("Harness.DownHost not set")
	}
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.DownHost, Line: "echo hello"})
	wantClass(t, err, transport.ErrUnreachable, h.DownHost)
	wantZero(t, res)
	if !transport.IsTransient(err) {
		t.Errorf("IsTransient(%v) = false, want true", err)
	}
}

// ErrTimeout: "the command did not finish within its timeout", with the
// Result so far and ExitCode -1.
func testTimeout(t *testing.T, h Harness) {
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: h.HangLine, Timeout: h.Timeout})
	wantClass(t, err, transport.ErrTimeout, h.Host)
	if res.ExitCode != -1 {
		t.Errorf("got ExitCode %d with ErrTimeout, want -1", res.ExitCode)
	}
	if transport.IsTransient(err) {
		t.Errorf("IsTransient(%v) = true, want false (the command may still run)", err)
	}
}

// "On ErrTimeout ... Run returns the Result received so far." Whether the
// first echo arrives before the deadline depends on timing, so only what
// did arrive is checked.
func testTimeoutPartial(t *testing.T, h Harness) {
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: "echo started; " + h.HangLine, Timeout: h.Timeout})
	wantClass(t, err, transport.ErrTimeout, h.Host)
	if !bytes.HasPrefix([]byte("started\n"), res.Stdout) {
		t.Errorf("partial stdout %q is not a prefix of %q", res.Stdout, "started\n")
	}
	if res.ExitCode != -1 {
		t.Errorf("got ExitCode %d with ErrTimeout, want -1", res.ExitCode)
	}
}

// Command.MaxOutput: "Output beyond the cap makes Run fail with
// ErrOutputTooLarge"; output up to the cap is fine.
func testOutputCap(t *testing.T, h Harness) {
	const limit = 64 << 10
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: h.BigOutputLine(limit), MaxOutput: limit})
	if err != nil {
		t.Fatalf("output of exactly the cap: %v", err)
	}
	if len(res.Stdout) != limit {
		t.Errorf("got %d bytes, want %d", len(res.Stdout), limit)
	}
	res, err = run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: h.BigOutputLine(16 * limit), MaxOutput: limit})
	wantClass(t, err, transport.ErrOutputTooLarge, h.Host)
	wantZero(t, res)

	// stdout and stderr count together.
	res, err = run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: "echo 12345678; echo 12345678 1>&2", MaxOutput: 12})
	wantClass(t, err, transport.ErrOutputTooLarge, h.Host)
	wantZero(t, res)
}

// "Zero means the runner's default (DefaultMaxOutput)."
func testDefaultOutputCap(t *testing.T, h Harness) {
	const n = 1 << 20
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: h.BigOutputLine(n)})
	if err != nil {
		t.Fatalf("1 MiB under the default cap: %v", err)
	}
	if len(res.Stdout) != n || len(res.Stderr) != 0 || res.ExitCode != 0 {
		t.Errorf("got %d bytes stdout, %d stderr, exit %d; want %d, 0, 0", len(res.Stdout), len(res.Stderr), res.ExitCode, n)
	}
}

func testCancelledBefore(t *testing.T, h Harness) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res, err := run(t, ctx, h.Runner, transport.Command{Host: h.Host, Line: "echo hello"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	wantZero(t, res)
}

// Cancelling the context makes Run return promptly (within the watchdog)
// even though the command would never finish and its timeout is far away.
func testCancelWhileRunning(t *testing.T, h Harness) {
	ctx, cancel := context.WithCancel(t.Context())
	stop := time.AfterFunc(h.Timeout, cancel)
	defer stop.Stop()
	_, err := run(t, ctx, h.Runner, transport.Command{Host: h.Host, Line: h.HangLine, Timeout: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// "Run is safe for concurrent use by multiple goroutines, for the same host
// and for different hosts." Successes, exit codes, timeouts and unknown
// hosts run at once.
func testConcurrent(t *testing.T, h Harness) {
	hosts := append([]string{h.Host}, h.Hosts...)
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		host := hosts[i%len(hosts)]
		wg.Go(func() {
			ctx := t.Context()
			switch i % 10 {
			case 7:
				_, err := h.Runner.Run(ctx, transport.Command{Host: host, Line: h.HangLine, Timeout: h.Timeout})
				if !errors.Is(err, transport.ErrTimeout) {
					errs <- fmt.Errorf("%s: hang: got %v, want ErrTimeout", host, err)
				}
			case 8:
				_, err := h.Runner.Run(ctx, transport.Command{Host: h.UnknownHost, Line: "echo x"})
				if !errors.Is(err, transport.ErrUnknownHost) {
					errs <- fmt.Errorf("unknown host: got %v, want ErrUnknownHost", err)
				}
			default:
				line := fmt.Sprintf("echo out%d; echo err%d 1>&2; exit %d", i, i, i%4)
				res, err := h.Runner.Run(ctx, transport.Command{Host: host, Line: line})
				wantOut, wantErr := fmt.Sprintf("out%d\n", i), fmt.Sprintf("err%d\n", i)
				if err != nil || string(res.Stdout) != wantOut || string(res.Stderr) != wantErr || res.ExitCode != i%4 {
					errs <- fmt.Errorf("%s: %q: got %q, %q, exit %d, err %v", host, line, res.Stdout, res.Stderr, res.ExitCode, err)
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(watchdog):
		t.Fatalf("%d concurrent commands did not finish within %v", n, watchdog)
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A timeout or an output overflow on one command does not spoil the next.
func testUsableAfterErrors(t *testing.T, h Harness) {
	run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: h.HangLine, Timeout: h.Timeout})
	run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: h.BigOutputLine(1 << 16), MaxOutput: 1 << 10})
	res, err := run(t, t.Context(), h.Runner, transport.Command{Host: h.Host, Line: "echo still fine"})
	want(t, res, err, "still fine\n", "", 0)
}
