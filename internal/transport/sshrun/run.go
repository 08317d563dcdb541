package sshrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
	"golang.org/x/crypto/ssh"
)

var _ transport.Runner = (*Runner)(nil)

// Run runs c.Line on c.Host and keeps the transport.Runner contract: a
// non-zero exit is a Result, not an error; errors wrap the transport
// classes and are *transport.HostError values naming the host and the
// command.
//
// The command's timeout covers waiting for a free session, connecting and
// running. When it expires Run sends the remote command SIGKILL (sshd
// delivers it when it supports signal requests), closes the session and
// returns what was printed so far with transport.ErrTimeout. When ctx is
// cancelled Run closes the session and returns at once; the remote command
// may keep running, as with a killed ssh client.
func (r *Runner) Run(ctx context.Context, c transport.Command) (transport.Result, error) {
	res, err := r.run(ctx, c)
	if err != nil {
		return res, &transport.HostError{Host: c.Host, Op: "run " + quoteLine(c.Line), Err: err}
	}
	return res, nil
}

// notRun is the Result of ErrTimeout and ErrConnLost before any output:
// nothing received, exit unknown.
var notRun = transport.Result{ExitCode: -1}

func (r *Runner) run(ctx context.Context, c transport.Command) (transport.Result, error) {
	hc, ok := r.cfg.resolve(c.Host)
	if !ok {
		return transport.Result{}, fmt.Errorf("%w: not in the inventory", transport.ErrUnknownHost)
	}
	if err := ctx.Err(); err != nil {
		return transport.Result{}, err
	}
	t := r.cfg.target(c.Host, c.Host, hc)
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = t.hc.CommandTimeout
	}
	maxOut := c.MaxOutput
	if maxOut <= 0 {
		maxOut = transport.DefaultMaxOutput
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// early reports an expiry before the command started.
	early := func(err error, phase string) (transport.Result, error) {
		if ctx.Err() != nil {
			return transport.Result{}, ctx.Err()
		}
		if tctx.Err() != nil {
			return notRun, fmt.Errorf("%w: no start within %v (%s)", transport.ErrTimeout, timeout, phase)
		}
		return transport.Result{}, err
	}

	sem := r.sem(c.Host)
	select {
	case sem <- struct{}{}:
	case <-tctx.Done():
		return early(nil, "waiting for a free session")
	}
	defer func() { <-sem }()

	var (
		cl   *conn
		sess *ssh.Session
		err  error
	)
	backoff := 5 * time.Millisecond
	for redialled := false; ; {
		if cl, err = r.client(tctx, t, nil); err != nil {
			return early(err, "connecting")
		}
		if sess, err = cl.NewSession(); err == nil {
			break
		}
		var oce *ssh.OpenChannelError
		switch {
		case errors.As(err, &oce) && (oce.Reason == ssh.Prohibited || oce.Reason == ssh.ResourceShortage):
			// sshd's MaxSessions is lower than ours, or it has not yet
			// freed a session that just ended: wait for a slot.
			select {
			case <-time.After(backoff):
				backoff = min(2*backoff, 200*time.Millisecond)
				continue
			case <-tctx.Done():
				return early(err, "waiting for the host to accept a session")
			}
		case errors.As(err, &oce):
			return notRun, fmt.Errorf("%w: %s refused a session: %v", transport.ErrConnLost, cl.addr, err)
		case redialled:
			return notRun, fmt.Errorf("%w: open session on %s: %v", transport.ErrConnLost, cl.addr, err)
		}
		// The connection broke while idle. Nothing ran yet, so one fresh
		// connection is safe even for a command that mutates.
		cl.kill(fmt.Errorf("open session: %v", err))
		redialled = true
	}

	out := &capture{limit: maxOut, over: make(chan struct{})}
	sess.Stdout = out.writer(&out.stdout)
	sess.Stderr = out.writer(&out.stderr)
	start := time.Now()
	if err := sess.Start(c.Line); err != nil {
		sess.Close()
		if cl.isDead() {
			return notRun, fmt.Errorf("%w: %v", transport.ErrConnLost, cl.deadErr)
		}
		return notRun, fmt.Errorf("%w: %s refused the exec request: %v", transport.ErrConnLost, cl.addr, err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()

	partial := func() transport.Result {
		stdout, stderr := out.freeze()
		return transport.Result{Stdout: stdout, Stderr: stderr, ExitCode: -1, Duration: time.Since(start)}
	}
	lost := func() (transport.Result, error) {
		res := partial()
		reason := fmt.Errorf("connection to %s closed", cl.addr)
		select {
		case <-cl.dead:
			reason = cl.deadErr
		default:
		}
		return res, fmt.Errorf("%w: %v before the command exited", transport.ErrConnLost, reason)
	}
	select {
	case err := <-done:
		if out.overflowed() {
			return transport.Result{}, tooLarge(maxOut)
		}
		res := partial()
		var ee *ssh.ExitError
		switch {
		case err == nil:
			res.ExitCode = 0
		case errors.As(err, &ee):
			res.ExitCode = ee.ExitStatus()
		default:
			// No exit status: the connection dropped (the monitor will
			// notice) or sshd closed the session. Either way the outcome
			// is unknown.
			return lost()
		}
		return res, nil
	case <-out.over:
		go sess.Close()
		return transport.Result{}, tooLarge(maxOut)
	case <-cl.dead:
		go sess.Close()
		return lost()
	case <-tctx.Done():
		if ctx.Err() != nil {
			go sess.Close()
			out.freeze()
			return transport.Result{}, ctx.Err()
		}
		go func() {
			sess.Signal(ssh.SIGKILL)
			sess.Close()
		}()
		return partial(), fmt.Errorf("%w: no exit after %v (sent KILL)", transport.ErrTimeout, timeout)
	}
}

func tooLarge(limit int) error {
	return fmt.Errorf("%w: more than %d bytes on stdout and stderr (output discarded)", transport.ErrOutputTooLarge, limit)
}

// capture collects stdout and stderr up to a shared limit.
type capture struct {
	mu             sync.Mutex
	limit, n       int
	stdout, stderr bytes.Buffer
	over           chan struct{} // closed when the limit is exceeded
	exceeded       bool
	frozen         bool
}

var errTooLarge = errors.New("output limit exceeded")

func (c *capture) writer(buf *bytes.Buffer) io.Writer { return &captureWriter{c: c, buf: buf} }

// captureWriter is one stream of a capture. It implements io.ReaderFrom
// with a pooled buffer, so x/crypto/ssh's io.Copy of each session's stdout
// and stderr does not allocate 32 KiB per stream per command.
type captureWriter struct {
	c   *capture
	buf *bytes.Buffer
}

func (w *captureWriter) Write(p []byte) (int, error) {
	c := w.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return len(p), nil // the result is decided; drain quietly
	}
	if c.n+len(p) > c.limit {
		if !c.exceeded {
			c.exceeded = true
			close(c.over)
		}
		return 0, errTooLarge
	}
	c.n += len(p)
	return w.buf.Write(p)
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}

func (w *captureWriter) ReadFrom(r io.Reader) (int64, error) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	var total int64
	for {
		n, err := r.Read(*bp)
		if n > 0 {
			if _, werr := w.Write((*bp)[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// freeze stops collecting and returns what was collected.
func (c *capture) freeze() (stdout, stderr []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = true
	return c.stdout.Bytes(), c.stderr.Bytes()
}

func (c *capture) overflowed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exceeded
}

// quoteLine quotes a command line for messages, shortening a long one.
func quoteLine(line string) string {
	const maxRunes = 120
	if r := []rune(line); len(r) > maxRunes {
		return fmt.Sprintf("%q", string(r[:maxRunes])) + "..."
	}
	return fmt.Sprintf("%q", line)
}
