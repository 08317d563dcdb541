package simssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// signalled is the cancellation cause of a command killed by an SSH
// "signal" request.
type signalled struct{ sig string }

func (s *signalled) Error() string { return "signal " + s.sig }

// errClientGone is the cancellation cause of a command whose session was
// closed by the client or whose connection went away.
var errClientGone = errors.New("client gone")

// session serves one "session" channel: one exec request, signals, and a
// polite refusal of everything else (shell, pty-req, subsystem, env, ...).
func (s *Server) session(ctx context.Context, h *host, c *conn, nch ssh.NewChannel) {
	// release frees the session's MaxSessions slot. exec calls it before
	// it reports the exit, so that, as with sshd, a client that saw a
	// session end may open another at once.
	release := func() {}
	if limit := s.opts.MaxSessions; limit > 0 {
		if int(c.sessions.Add(1)) > limit {
			c.sessions.Add(-1)
			nch.Reject(ssh.Prohibited, "open failed")
			return
		}
		release = sync.OnceFunc(func() { c.sessions.Add(-1) })
		defer release()
	}
	ch, reqs, err := nch.Accept()
	if err != nil {
		return
	}
	defer ch.Close()
	cmdCtx, kill := context.WithCancelCause(ctx)
	defer kill(errClientGone)
	var done chan struct{}
	for req := range reqs {
		switch req.Type {
		case "exec":
			var p struct{ Command string }
			if done != nil || ssh.Unmarshal(req.Payload, &p) != nil {
				req.Reply(false, nil)
				continue
			}
			req.Reply(true, nil)
			done = make(chan struct{})
			s.wg.Go(func() {
				defer close(done)
				s.exec(cmdCtx, h, c, ch, p.Command, release)
			})
		case "signal":
			var p struct{ Signal string }
			if ssh.Unmarshal(req.Payload, &p) == nil && p.Signal != "" {
				kill(&signalled{p.Signal})
			}
			if req.WantReply {
				req.Reply(true, nil)
			}
		default:
			// Only exec is simulated: there is no terminal, no login shell
			// and no sftp. keepalive@openssh.com lands here too and gets a
			// failure reply, which proves the server alive.
			if req.WantReply {
				req.Reply(false, nil)
			}
		}
	}
	// The client closed the session, or the connection is gone.
	kill(errClientGone)
	if done != nil {
		<-done
	}
}

// exec runs one command line and reports its exit over ch.
func (s *Server) exec(ctx context.Context, h *host, c *conn, ch ssh.Channel, line string, release func()) {
	start := time.Now()
	h.nExecs.Add(1)
	f := h.getFaults()
	outcome := "exit ?"
	defer func() {
		s.tracef("simssh: %s: exec %q: %s (%v)\n", h.name, line, outcome, time.Since(start).Round(time.Microsecond))
	}()

	if hook := s.opts.HoldCommand; hook != nil {
		hook(ctx, h.name, line)
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}

	var stdout, stderr io.Writer = ch, ch.Stderr()
	var d *dropper
	if f.Drop {
		d = &dropper{left: f.DropAfter, conn: c.nc}
		if f.DropAfter <= 0 {
			d.drop()
			outcome = "dropped"
			return
		}
		stdout, stderr = d.writer(ch), d.writer(ch.Stderr())
	}

	// Coalesce the many small writes of a simulated command into few SSH
	// packets, as a real pipe to sshd would; flushed within a few
	// milliseconds so followers of a running command still see it live.
	cout, cerr := newCoalescer(stdout), newCoalescer(stderr)
	status := 0
	if ctx.Err() == nil {
		if f.Hang {
			<-ctx.Done()
		} else {
			status = s.b.Exec(ctx, h.name, line, ch, cout, cerr)
		}
	}
	cout.close()
	cerr.close()
	release()
	if d != nil {
		d.drop()
		outcome = "dropped"
		return
	}

	ch.CloseWrite()
	var sig *signalled
	switch cause := context.Cause(ctx); {
	case errors.As(cause, &sig):
		outcome = "signal " + sig.sig
		ch.SendRequest("exit-signal", false, ssh.Marshal(struct {
			Signal     string
			CoreDumped bool
			Error      string
			Lang       string
		}{sig.sig, false, "", ""}))
	case ctx.Err() != nil:
		outcome = "cancelled (" + cause.Error() + ")"
	default:
		outcome = "exit " + strconv.Itoa(status)
		ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(status)}))
	}
	ch.Close()
}

// dropper counts output bytes and closes the connection once left reaches
// zero.
type dropper struct {
	mu      sync.Mutex
	left    int
	dropped bool
	conn    net.Conn
}

var errDropped = errors.New("simssh: connection dropped (Drop fault)")

func (d *dropper) drop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dropLocked()
}

func (d *dropper) dropLocked() {
	if !d.dropped {
		d.dropped = true
		d.conn.Close()
	}
}

func (d *dropper) writer(w io.Writer) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.dropped {
			return 0, errDropped
		}
		if len(p) < d.left {
			d.left -= len(p)
			return w.Write(p)
		}
		n, err := w.Write(p[:d.left])
		d.left = 0
		d.dropLocked()
		if err == nil {
			err = errDropped
		}
		return n, err
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// forward serves a "direct-tcpip" channel, which is how a client jumps
// through this host to another (ssh -J). Only lab hosts are reachable: by
// name with port 22 ("lpar2:22"), or by their loopback address and port.
func (s *Server) forward(ctx context.Context, nch ssh.NewChannel) {
	var p struct {
		Addr     string
		Port     uint32
		OrigAddr string
		OrigPort uint32
	}
	if err := ssh.Unmarshal(nch.ExtraData(), &p); err != nil {
		nch.Reject(ssh.ConnectionFailed, "simssh: malformed direct-tcpip request")
		return
	}
	target, ok := s.route(p.Addr, p.Port)
	if !ok {
		nch.Reject(ssh.Prohibited, fmt.Sprintf("simssh: %s port %d is not a lab host", p.Addr, p.Port))
		return
	}
	var dialer net.Dialer
	tc, err := dialer.DialContext(ctx, "tcp", target)
	if err != nil {
		nch.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	ch, reqs, err := nch.Accept()
	if err != nil {
		tc.Close()
		return
	}
	s.wg.Go(func() { ssh.DiscardRequests(reqs) })
	done := make(chan struct{}, 2)
	s.wg.Go(func() { io.Copy(tc, ch); done <- struct{}{} })
	s.wg.Go(func() { io.Copy(ch, tc); done <- struct{}{} })
	select {
	case <-done:
	case <-ctx.Done():
	}
	tc.Close()
	ch.Close()
}

// route maps a direct-tcpip destination to a lab host's listening address.
func (s *Server) route(addr string, port uint32) (string, bool) {
	if h := s.hosts[addr]; h != nil && port == 22 {
		return h.addr, true
	}
	ip := net.ParseIP(addr)
	if addr == "localhost" {
		ip = net.IPv4(127, 0, 0, 1)
	}
	if ip == nil || !ip.IsLoopback() {
		return "", false
	}
	for _, h := range s.hosts {
		_, hp, _ := net.SplitHostPort(h.addr)
		if hp == strconv.FormatUint(uint64(port), 10) {
			return h.addr, true
		}
	}
	return "", false
}

// coalescer buffers writes and passes them on when 16 KiB have gathered,
// 5 ms after the first unsent byte, or at close.
type coalescer struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	timer *time.Timer
	err   error
}

const (
	coalesceSize  = 16 << 10
	coalesceDelay = 5 * time.Millisecond
)

func newCoalescer(w io.Writer) *coalescer { return &coalescer{w: w} }

func (c *coalescer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	c.buf = append(c.buf, p...)
	if len(c.buf) >= coalesceSize {
		c.flushLocked()
	} else if c.timer == nil {
		c.timer = time.AfterFunc(coalesceDelay, func() {
			c.mu.Lock()
			c.flushLocked()
			c.mu.Unlock()
		})
	}
	return len(p), c.err
}

func (c *coalescer) flushLocked() {
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if len(c.buf) == 0 || c.err != nil {
		return
	}
	_, c.err = c.w.Write(c.buf)
	c.buf = c.buf[:0]
}

func (c *coalescer) close() {
	c.mu.Lock()
	c.flushLocked()
	c.mu.Unlock()
}
