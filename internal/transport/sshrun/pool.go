package sshrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
	"golang.org/x/crypto/ssh"
)

// errClosed is returned by Run after Close.
var errClosed = errors.New("ssh runner closed")

// Runner runs commands over SSH, one connection per host shared by all the
// commands to that host (a session each). It implements transport.Runner
// and is safe for concurrent use.
type Runner struct {
	cfg  Config
	keys *hostKeys
	ring *keyring

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // dials and connection monitors

	dials chan struct{} // MaxConcurrentDials tokens

	mu     sync.Mutex
	closed bool
	slots  map[string]*slot         // by target key
	sems   map[string]chan struct{} // per inventory host: MaxSessions
}

// slot holds the connection to one target, or the dial in progress.
type slot struct {
	ready chan struct{} // closed when the dial finished
	c     *conn         // set before ready is closed, if the dial worked
	err   error         // set before ready is closed, if it failed
}

// conn is an established connection.
type conn struct {
	*ssh.Client
	addr string

	dead    chan struct{} // closed once the connection is unusable
	once    sync.Once
	deadErr error // why; written before dead is closed
}

// kill marks c dead for reason and closes it.
func (c *conn) kill(reason error) {
	c.once.Do(func() {
		c.deadErr = reason
		close(c.dead)
	})
	c.Client.Close()
}

func (c *conn) isDead() bool {
	select {
	case <-c.dead:
		return true
	default:
		return false
	}
}

// New returns a Runner for cfg. It does not connect to anything yet.
func New(cfg Config) (*Runner, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("ssh config: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{
		cfg: cfg,
		keys: &hostKeys{
			files:     cfg.KnownHostsFiles,
			acceptNew: cfg.AcceptNew,
			hash:      cfg.HashKnownHosts,
			logf:      cfg.Logf,
		},
		ring:   &keyring{agentSocket: cfg.AgentSocket},
		dials:  make(chan struct{}, cfg.MaxConcurrentDials),
		ctx:    ctx,
		cancel: cancel,
		slots:  make(map[string]*slot),
		sems:   make(map[string]chan struct{}),
	}, nil
}

// Close closes every connection and waits for the runner's background
// work to stop. Commands still running fail with a lost connection; Run
// fails after Close.
func (r *Runner) Close() error {
	r.mu.Lock()
	r.closed = true
	slots := r.slots
	r.slots = make(map[string]*slot)
	r.mu.Unlock()
	r.cancel()
	for _, s := range slots {
		select {
		case <-s.ready:
			if s.c != nil {
				s.c.kill(errClosed)
			}
		default: // the dial sees r.ctx cancelled
		}
	}
	r.wg.Wait()
	return nil
}

// sem returns the session semaphore of an inventory host.
func (r *Runner) sem(host string) chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sems[host]
	if s == nil {
		s = make(chan struct{}, r.cfg.MaxSessions)
		r.sems[host] = s
	}
	return s
}

// client returns the connection to t, dialling it if there is none or it
// broke. Concurrent callers for the same target share one dial.
//
// via lists the targets this one is a hop for, to catch ProxyJump loops.
func (r *Runner) client(ctx context.Context, t target, via []string) (*conn, error) {
	for {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return nil, errClosed
		}
		s := r.slots[t.key]
		if s == nil {
			s = &slot{ready: make(chan struct{})}
			r.slots[t.key] = s
			r.wg.Add(1)
			go r.dialSlot(s, t, via)
		}
		r.mu.Unlock()
		select {
		case <-s.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if s.err != nil {
			return nil, s.err
		}
		if !s.c.isDead() {
			return s.c, nil
		}
		r.forget(t.key, s)
	}
}

// forget removes s from the pool if it is still the slot for key.
func (r *Runner) forget(key string, s *slot) {
	r.mu.Lock()
	if r.slots[key] == s {
		delete(r.slots, key)
	}
	r.mu.Unlock()
}

func (r *Runner) dialSlot(s *slot, t target, via []string) {
	defer r.wg.Done()
	c, err := r.dial(r.ctx, t, via)
	if err != nil && r.ctx.Err() != nil {
		err = errClosed
	}
	if err != nil {
		s.err = err
		r.forget(t.key, s)
		close(s.ready)
		return
	}
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		c.kill(errClosed)
		s.err = errClosed
		close(s.ready)
		return
	}
	s.c = c
	close(s.ready)
	r.wg.Go(func() {
		reason := fmt.Errorf("connection to %s closed", c.addr)
		if err := c.Wait(); err != nil && !errors.Is(err, io.EOF) {
			reason = fmt.Errorf("connection to %s closed: %v", c.addr, err)
		}
		c.kill(reason)
		r.forget(t.key, s)
	})
	if r.cfg.KeepaliveInterval > 0 {
		r.wg.Go(func() { r.keepalive(c) })
	}
}

// dial connects to t (through its jump host, if any) and logs in. It waits
// for the jump host's connection, then for a dial token; ConnectTimeout
// runs from then on.
func (r *Runner) dial(ctx context.Context, t target, via []string) (*conn, error) {
	var jc *conn
	var jname string
	if t.hc.ProxyJump != "" {
		jt, err := r.cfg.jump(t.hc.ProxyJump)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", transport.ErrUnreachable, err)
		}
		chain := append(slices.Clone(via), t.key)
		if slices.Contains(chain, jt.key) || len(chain) > maxJumps {
			return nil, fmt.Errorf("%w: proxy jump loop or chain too long: %s -> %s", transport.ErrUnreachable, strings.Join(chain, " -> "), jt.key)
		}
		if jc, err = r.client(ctx, jt, chain); err != nil {
			return nil, fmt.Errorf("jump host %s: %w", jt.name, err)
		}
		jname = jt.name
	}

	select {
	case r.dials <- struct{}{}:
		defer func() { <-r.dials }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, t.hc.ConnectTimeout)
	defer cancel()
	var nc net.Conn
	var err error
	if jc != nil {
		if nc, err = jc.DialContext(ctx, "tcp", t.addr); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("no connection within %v", t.hc.ConnectTimeout)
			}
			return nil, fmt.Errorf("%w: %s via jump host %s: %v", transport.ErrUnreachable, t.addr, jname, err)
		}
	} else {
		var d net.Dialer
		if nc, err = d.DialContext(ctx, "tcp", t.addr); err != nil {
			return nil, fmt.Errorf("%w: %v", transport.ErrUnreachable, err)
		}
	}

	l := r.ring.login(t.hc.IdentityFiles)
	defer l.close()
	if len(l.signers) == 0 {
		nc.Close()
		return nil, fmt.Errorf("%w: %s@%s: %s", transport.ErrAuth, t.hc.User, t.addr, l.describe())
	}
	var hostKeyErr error
	cfg := &ssh.ClientConfig{
		User: t.hc.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeys(l.signers...)},
		HostKeyCallback: func(_ string, remote net.Addr, key ssh.PublicKey) error {
			hostKeyErr = r.keys.verify(t.check, remote, key)
			return hostKeyErr
		},
		HostKeyAlgorithms: r.keys.algorithms(t.check),
		ClientVersion:     "SSH-2.0-nimfleet",
	}
	// Abort the handshake when ctx ends (connect timeout, Close).
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	cc, chans, reqs, err := ssh.NewClientConn(nc, t.check, cfg)
	if !stop() && err == nil {
		cc.Close()
		err = ctx.Err()
	}
	if err != nil {
		switch {
		case hostKeyErr != nil:
			return nil, hostKeyErr
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, fmt.Errorf("%w: %s@%s refused every key: %s", transport.ErrAuth, t.hc.User, t.addr, l.describe())
		case ctx.Err() != nil:
			return nil, fmt.Errorf("%w: %s: no SSH handshake within %v", transport.ErrUnreachable, t.addr, t.hc.ConnectTimeout)
		default:
			return nil, fmt.Errorf("%w: %s: %v", transport.ErrUnreachable, t.addr, err)
		}
	}
	return &conn{Client: ssh.NewClient(cc, chans, reqs), addr: t.addr, dead: make(chan struct{})}, nil
}

// keepalive probes c every interval and kills it when a probe goes
// unanswered for KeepaliveCountMax intervals.
func (r *Runner) keepalive(c *conn) {
	interval, countMax := r.cfg.KeepaliveInterval, r.cfg.KeepaliveCountMax
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-c.dead:
			return
		}
		reply := make(chan error, 1)
		go func() {
			_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
			reply <- err
		}()
		for missed := 0; ; {
			select {
			case err := <-reply:
				if err != nil {
					c.kill(fmt.Errorf("keepalive to %s: %v", c.addr, err))
					return
				}
			case <-t.C:
				if missed++; missed < countMax {
					continue
				}
				c.kill(fmt.Errorf("%s did not answer keepalives for %v", c.addr, time.Duration(countMax)*interval))
				return
			case <-c.dead:
				return
			}
			break
		}
	}
}
