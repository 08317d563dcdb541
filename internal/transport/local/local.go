// Package local is a transport.Runner that runs commands on the machine
// nimfleet itself runs on, for when the controller runs on the NIM master.
//
// It keeps the transport contract: a non-zero exit is a Result, not an
// error; a command that outlives its timeout is killed, together with every
// process it started (its process group), and reported as
// transport.ErrTimeout with the output so far and ExitCode -1; output
// beyond the cap kills the command and is reported as
// transport.ErrOutputTooLarge with the zero Result. Errors are
// *transport.HostError values naming the host and the command. Run is safe
// for concurrent use.
package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// DefaultShell returns the shell commands run in: /usr/bin/ksh on AIX,
// /bin/sh elsewhere.
func DefaultShell() string {
	if runtime.GOOS == "aix" {
		return "/usr/bin/ksh"
	}
	return "/bin/sh"
}

// waitDelay bounds how long Run waits, once the shell has exited, for
// background processes that keep its output open (a "cmd &" without
// redirection). Tests set it to zero (wait for ever) to prove that a killed
// command's whole process group is gone.
var waitDelay = 5 * time.Second

// Runner runs commands locally with "<Shell> -c <line>", in the directory
// "/", with standard input from /dev/null.
type Runner struct {
	// Host is the only host name this runner accepts; commands addressed to
	// any other host fail with transport.ErrUnknownHost, so that a client's
	// command can never run on the master by mistake.
	Host string
	// Shell is the shell that runs command lines. Empty means
	// DefaultShell().
	Shell string
	// Timeout is used for commands whose Timeout is zero. Zero means no
	// timeout.
	Timeout time.Duration
	// Env is the environment of commands. Nil means the controller's own
	// environment with LANG and every LC_ variable removed and LANG=C,
	// LC_ALL=C added, so that AIX commands print their untranslated
	// messages, as they do through c_rsh.
	Env []string
}

// New returns a Runner for the named local host with default settings.
func New(host string) *Runner { return &Runner{Host: host} }

// Run runs c.Line in the local shell.
func (r *Runner) Run(ctx context.Context, c transport.Command) (transport.Result, error) {
	res, err := r.run(ctx, c)
	if err != nil {
		return res, &transport.HostError{Host: c.Host, Op: "run " + quoteLine(c.Line), Err: err}
	}
	return res, nil
}

func (r *Runner) run(ctx context.Context, c transport.Command) (transport.Result, error) {
	if c.Host != r.Host {
		return transport.Result{}, fmt.Errorf("%w: the local runner runs commands on %s only", transport.ErrUnknownHost, r.Host)
	}
	if err := ctx.Err(); err != nil {
		return transport.Result{}, err
	}
	shell := r.Shell
	if shell == "" {
		shell = DefaultShell()
	}
	env := r.Env
	if env == nil {
		env = cEnv(os.Environ())
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = r.Timeout
	}
	maxOut := c.MaxOutput
	if maxOut <= 0 {
		maxOut = transport.DefaultMaxOutput
	}

	runCtx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	killCtx, kill := context.WithCancel(runCtx)
	defer kill()

	out := &capped{max: maxOut, onExceed: kill}
	var stdout, stderr []byte
	cmd := exec.CommandContext(killCtx, shell, "-c", c.Line)
	cmd.Env = env
	cmd.Dir = "/"
	cmd.Stdout = out.writer(&stdout)
	cmd.Stderr = out.writer(&stderr)
	cmd.WaitDelay = waitDelay
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return killProcessGroup(cmd) }

	start := time.Now()
	err := cmd.Run()
	res := transport.Result{Duration: time.Since(start)}
	out.mu.Lock()
	res.Stdout, res.Stderr = stdout, stderr
	exceeded := out.exceeded
	out.mu.Unlock()

	switch {
	case exceeded:
		return transport.Result{}, fmt.Errorf("%w: more than %d bytes on stdout and stderr (output discarded)", transport.ErrOutputTooLarge, maxOut)
	case ctx.Err() != nil:
		return transport.Result{}, ctx.Err()
	case runCtx.Err() != nil:
		res.ExitCode = -1
		return res, fmt.Errorf("%w: killed after %v", transport.ErrTimeout, timeout)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.ExitCode = exitCode(ee.ProcessState)
	case errors.Is(err, exec.ErrWaitDelay):
		// The shell exited; a background process kept its output open.
		res.ExitCode = exitCode(cmd.ProcessState)
	default:
		return transport.Result{}, fmt.Errorf("start %s: %w", shell, err)
	}
	return res, nil
}

// quoteLine quotes a command line for an error message, cut at 120
// characters (as the ssh runner does).
func quoteLine(line string) string {
	const max = 120
	if r := []rune(line); len(r) > max {
		return fmt.Sprintf("%q", string(r[:max])) + "..."
	}
	return fmt.Sprintf("%q", line)
}

// cEnv returns env without locale variables, plus LANG=C and LC_ALL=C.
func cEnv(env []string) []string {
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		if strings.HasPrefix(kv, "LANG=") || strings.HasPrefix(kv, "LC_") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "LANG=C", "LC_ALL=C")
}

// capped limits stdout and stderr together to max bytes; past the limit it
// discards output and calls onExceed once.
type capped struct {
	mu       sync.Mutex
	max      int
	n        int
	exceeded bool
	onExceed func()
}

func (c *capped) writer(dst *[]byte) *cappedWriter { return &cappedWriter{c: c, dst: dst} }

type cappedWriter struct {
	c   *capped
	dst *[]byte
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	c := w.c
	c.mu.Lock()
	defer c.mu.Unlock()
	room := c.max - c.n
	if len(p) > room {
		*w.dst = append(*w.dst, p[:max(room, 0)]...)
		c.n = c.max
		if !c.exceeded {
			c.exceeded = true
			c.onExceed()
		}
		return len(p), nil
	}
	*w.dst = append(*w.dst, p...)
	c.n += len(p)
	return len(p), nil
}
