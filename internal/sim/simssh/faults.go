package simssh

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// Faults are the per-host fault knobs of a [Server]. The zero value injects
// no fault. Set them at any time with [Server.SetFaults]; a change applies
// to connections accepted and commands started after it, except Stall,
// which also applies to open connections at once.
type Faults struct {
	// Latency is added before each command runs (after HoldCommand).
	Latency time.Duration
	// RejectAuth makes public-key authentication fail for every key, as
	// when authorized_keys was lost in a migration.
	RejectAuth bool
	// Drop closes the connection abruptly (TCP close, no SSH disconnect,
	// no exit status) once a command has started and written DropAfter
	// bytes of output, stdout and stderr counted together; a command that
	// ends before that is dropped when it ends. So with Drop set a client
	// never learns how a command exited.
	Drop bool
	// DropAfter is the number of output bytes written before a Drop. Zero
	// drops as soon as the command starts.
	DropAfter int
	// Hang makes commands never complete: the backend is not called and the
	// session waits until the client sends a signal, closes the session or
	// goes away, or the server closes.
	Hang bool
	// Refuse makes the host accept TCP connections and close them at once,
	// before the SSH handshake: clients see a connection error. (This is
	// also what a host whose Backend.Up is false does.)
	Refuse bool
	// Offline closes the host's listener, so connections are refused by
	// the kernel. Clearing it listens again on the same address.
	Offline bool
	// Stall makes the host's connections go silent, new and open alike:
	// the server stops reading and writing, as when a host freezes or the
	// network drops packets. Clients notice only through timeouts and
	// keepalives. Clearing it resumes the connections where they were.
	Stall bool
}

// SetFaults replaces the fault knobs of host. It fails for an unknown host,
// or when clearing Offline cannot listen again on the host's address.
func (s *Server) SetFaults(name string, f Faults) error {
	h := s.hosts[name]
	if h == nil {
		return fmt.Errorf("simssh: unknown host %s", name)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = f
	close(h.changed)
	h.changed = make(chan struct{})
	switch {
	case f.Offline && h.ln != nil:
		h.ln.Close()
		h.ln = nil
	case !f.Offline && h.ln == nil && s.ctx.Err() == nil:
		ln, err := net.Listen("tcp", h.addr)
		if err != nil {
			h.faults.Offline = true
			return fmt.Errorf("simssh: host %s: listen again: %w", name, err)
		}
		h.ln = ln
		s.wg.Go(func() { s.accept(h, ln) })
	}
	return nil
}

// Faults returns the current fault knobs of host (zero for an unknown host).
func (s *Server) Faults(name string) Faults {
	h := s.hosts[name]
	if h == nil {
		return Faults{}
	}
	return h.getFaults()
}

func (h *host) getFaults() Faults {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.faults
}

// stallState reports whether the host stalls and a channel closed at the
// next change of its faults.
func (h *host) stallState() (bool, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.faults.Stall, h.changed
}

// faultConn is an accepted connection that obeys the Stall knob.
type faultConn struct {
	net.Conn
	h         *host
	closed    chan struct{}
	closeOnce sync.Once
}

func newFaultConn(nc net.Conn, h *host) *faultConn {
	return &faultConn{Conn: nc, h: h, closed: make(chan struct{})}
}

// waitUnstalled blocks while the host stalls.
func (c *faultConn) waitUnstalled() error {
	for {
		stalled, changed := c.h.stallState()
		if !stalled {
			return nil
		}
		select {
		case <-changed:
		case <-c.closed:
			return net.ErrClosed
		}
	}
}

func (c *faultConn) Read(p []byte) (int, error) {
	if err := c.waitUnstalled(); err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(p)
	// A stall that began while the read was blocked holds what arrived.
	if werr := c.waitUnstalled(); werr != nil {
		return 0, werr
	}
	return n, err
}

func (c *faultConn) Write(p []byte) (int, error) {
	if err := c.waitUnstalled(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

func (c *faultConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}
