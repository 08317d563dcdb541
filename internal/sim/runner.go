package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// Runner returns an in-memory [transport.Runner] over the lab: Command.Host
// names a lab host and Command.Line runs through that host's shell. It
// keeps the transport contract:
//
//   - an unknown host gives an error wrapping transport.ErrUnknownHost;
//   - a host that is down (rebooting, powered off) or marked unreachable
//     gives transport.ErrUnreachable before anything runs;
//   - Command.Timeout (real time) expiring gives transport.ErrTimeout with
//     the partial output and ExitCode -1; the command is killed;
//   - output beyond Command.MaxOutput (stdout plus stderr; zero means
//     transport.DefaultMaxOutput) gives transport.ErrOutputTooLarge;
//   - a host that goes down while the command runs (shutdown from another
//     session, SetDown) gives transport.ErrConnLost with the partial output;
//   - a command's own non-zero exit is a Result, not an error.
//
// `shutdown -Fr` itself returns normally; the host goes down right after.
// It is safe for concurrent use.
func (l *Lab) Runner() transport.Runner { return labRunner{l} }

type labRunner struct{ l *Lab }

// Run implements transport.Runner; see [Lab.Runner] for the contract.
func (r labRunner) Run(ctx context.Context, c transport.Command) (transport.Result, error) {
	l := r.l
	h := l.hosts[c.Host]
	if h == nil {
		return transport.Result{}, fmt.Errorf("host %s: %w", c.Host, transport.ErrUnknownHost)
	}
	if !l.Up(c.Host) {
		return transport.Result{}, fmt.Errorf("host %s: %w", c.Host, transport.ErrUnreachable)
	}
	if err := ctx.Err(); err != nil {
		return transport.Result{}, fmt.Errorf("host %s: %w", c.Host, err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if c.Timeout > 0 {
		var c2 context.CancelFunc
		runCtx, c2 = context.WithTimeout(runCtx, c.Timeout)
		defer c2()
	}
	max := c.MaxOutput
	if max <= 0 {
		max = transport.DefaultMaxOutput
	}
	cp := &capped{max: max, cancel: cancel}
	start := time.Now()
	rc, lost := l.execSession(runCtx, h, c.Line, nil, cp.writer(&cp.stdout), cp.writer(&cp.stderr))
	cp.mu.Lock()
	res := transport.Result{Stdout: cp.stdout.Bytes(), Stderr: cp.stderr.Bytes(), ExitCode: rc, Duration: time.Since(start)}
	over := cp.over
	cp.mu.Unlock()
	switch {
	case over:
		return transport.Result{}, fmt.Errorf("host %s: run %q: %w (cap %d bytes)", c.Host, c.Line, transport.ErrOutputTooLarge, max)
	case ctx.Err() != nil:
		return transport.Result{}, fmt.Errorf("host %s: run %q: %w", c.Host, c.Line, ctx.Err())
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		res.ExitCode = -1
		return res, fmt.Errorf("host %s: run %q: %w after %v", c.Host, c.Line, transport.ErrTimeout, c.Timeout)
	case lost:
		res.ExitCode = -1
		return res, fmt.Errorf("host %s: run %q: %w", c.Host, c.Line, transport.ErrConnLost)
	}
	return res, nil
}

// capped collects stdout and stderr under one shared byte cap.
type capped struct {
	mu             sync.Mutex
	max, n         int
	over           bool
	cancel         context.CancelFunc
	stdout, stderr bytes.Buffer
}

type cappedWriter struct {
	c   *capped
	buf *bytes.Buffer
}

func (c *capped) writer(b *bytes.Buffer) *cappedWriter { return &cappedWriter{c, b} }

func (w *cappedWriter) Write(p []byte) (int, error) {
	c := w.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.over {
		return len(p), nil
	}
	if c.n+len(p) > c.max {
		c.over = true
		c.cancel()
		return len(p), nil
	}
	c.n += len(p)
	w.buf.Write(p)
	return len(p), nil
}
