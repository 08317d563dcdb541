package simssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// Backend is the simulated world behind the SSH front (implemented by
// package sim's lab).
type Backend interface {
	// Exec runs a ksh command line on host and returns its exit status.
	// It writes the command's output to stdout and stderr and may read
	// stdin, which ends when the client closes its side. It must return
	// promptly when ctx is cancelled (the client went away, sent a signal,
	// or the server is closing). Exec is called concurrently, for the same
	// host and for different hosts.
	Exec(ctx context.Context, host, line string, stdin io.Reader, stdout, stderr io.Writer) int
	// Up reports whether host currently accepts connections: false while
	// it reboots, is powered off, or its sshd is down. It is asked once per
	// new connection; connections already open are not affected (call
	// [Server.Disconnect] to drop them).
	Up(host string) bool
}

// Options configure a [Server]. The zero value works: a lab with the empty
// seed, random loopback ports, and [UserKey]("") as the only authorized key.
type Options struct {
	// Seed derives the host keys ([HostKey]) and the default user key
	// ([UserKey]).
	Seed string
	// Addrs maps a host name to the address its sshd listens on, for
	// example "127.0.0.1:2222". Hosts not in the map listen on
	// "127.0.0.1:0" (a free port). Keep to loopback addresses.
	Addrs map[string]string
	// AuthorizedKeys are the public keys accepted for login on every host.
	// Nil means exactly the public half of UserKey(Seed).
	AuthorizedKeys []ssh.PublicKey
	// User, if not empty, is the only user name accepted; empty accepts any
	// user name (the lab is "root" for everyone).
	User string
	// MaxSessions caps the sessions open at once on one connection, like
	// sshd_config's MaxSessions (OpenSSH's default is 10). A session beyond
	// the cap is refused with "administratively prohibited: open failed".
	// Zero means no cap.
	MaxSessions int
	// HoldCommand, if not nil, is called before each exec request runs,
	// after [Faults.Latency] is known but before it is applied. It may block
	// to let a test control interleaving; ctx is cancelled when the client
	// goes away or the server closes, and the hook must then return.
	HoldCommand func(ctx context.Context, host, line string)
	// Trace, if not nil, receives one line per exec request (host, line,
	// outcome, duration). When nil and the environment has SIM_TRACE=1,
	// the lines go to os.Stderr.
	Trace io.Writer
	// ServerVersion is the SSH identification string. Empty means
	// "SSH-2.0-nimfleet_lab".
	ServerVersion string
}

// Endpoint is where one simulated host's sshd listens.
type Endpoint struct {
	// Host is the host's name in the lab.
	Host string
	// Addr is the listening address, "127.0.0.1:PORT".
	Addr string
	// HostKey is the host's public key (ed25519, see [HostKey]).
	HostKey ssh.PublicKey
}

// KnownHostsLine returns the OpenSSH known_hosts line for the endpoint,
// "[127.0.0.1]:PORT ssh-ed25519 AAAA...", with a trailing newline.
func (e Endpoint) KnownHostsLine() string {
	return knownHostsAddr(e.Addr) + " " + string(bytes.TrimSpace(ssh.MarshalAuthorizedKey(e.HostKey))) + "\n"
}

// knownHostsAddr formats addr as OpenSSH writes it in known_hosts: the bare
// host for port 22, "[host]:port" otherwise.
func knownHostsAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if port == "22" {
		return host
	}
	return "[" + host + "]:" + port
}

// Stats counts what one host's sshd has seen since [Serve].
type Stats struct {
	// Conns is the number of TCP connections accepted, including those
	// closed at once because the host was down or refusing.
	Conns int
	// Logins is the number of SSH handshakes that completed (authenticated
	// connections).
	Logins int
	// Execs is the number of exec requests started.
	Execs int
}

// Server serves the SSH front of a set of simulated hosts, each on its own
// loopback port. Its methods are safe for concurrent use.
type Server struct {
	b      Backend
	opts   Options
	hosts  map[string]*host
	order  []string
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	traceMu sync.Mutex
	trace   io.Writer

	closeOnce sync.Once
}

// host is one simulated host's sshd.
type host struct {
	name   string
	key    ssh.Signer
	config *ssh.ServerConfig
	addr   string // where it listens (fixed after the first listen)

	mu      sync.Mutex
	faults  Faults
	changed chan struct{} // closed and replaced whenever faults change
	ln      net.Listener  // nil while Offline or after Close
	conns   map[*conn]struct{}

	nConns, nLogins, nExecs atomic.Int64
}

// conn is one accepted connection.
type conn struct {
	nc       *faultConn
	sessions atomic.Int32
}

// handshakeTimeout bounds the SSH handshake of an accepted connection.
const handshakeTimeout = 30 * time.Second

// Serve starts an sshd for each host and returns at once. Each host listens
// on its own port (see [Options.Addrs]); [Server.Endpoints] tells where.
// The caller must call [Server.Close].
func Serve(b Backend, hosts []string, opts Options) (*Server, error) {
	if b == nil {
		return nil, errors.New("simssh: nil backend")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		b:      b,
		opts:   opts,
		hosts:  make(map[string]*host, len(hosts)),
		ctx:    ctx,
		cancel: cancel,
		trace:  opts.Trace,
	}
	if s.trace == nil && os.Getenv("SIM_TRACE") == "1" {
		s.trace = os.Stderr
	}
	authorized := opts.AuthorizedKeys
	if authorized == nil {
		signer, _ := UserKey(opts.Seed)
		authorized = []ssh.PublicKey{signer.PublicKey()}
	}
	version := opts.ServerVersion
	if version == "" {
		version = "SSH-2.0-nimfleet_lab"
	}
	for _, name := range hosts {
		if name == "" {
			s.Close()
			return nil, errors.New("simssh: empty host name")
		}
		if s.hosts[name] != nil {
			s.Close()
			return nil, fmt.Errorf("simssh: host %s listed twice", name)
		}
		addr := opts.Addrs[name]
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("simssh: host %s: %w", name, err)
		}
		h := &host{
			name:    name,
			key:     HostKey(opts.Seed, name),
			addr:    ln.Addr().String(),
			changed: make(chan struct{}),
			ln:      ln,
			conns:   make(map[*conn]struct{}),
		}
		h.config = s.serverConfig(h, authorized, version)
		s.hosts[name] = h
		s.order = append(s.order, name)
		s.wg.Go(func() { s.accept(h, ln) })
	}
	return s, nil
}

func (s *Server) serverConfig(h *host, authorized []ssh.PublicKey, version string) *ssh.ServerConfig {
	cfg := &ssh.ServerConfig{
		ServerVersion: version,
		PublicKeyCallback: func(cm ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if h.getFaults().RejectAuth {
				return nil, errors.New("simssh: RejectAuth fault")
			}
			if s.opts.User != "" && cm.User() != s.opts.User {
				return nil, fmt.Errorf("simssh: user %q not allowed", cm.User())
			}
			blob := key.Marshal()
			for _, k := range authorized {
				if bytes.Equal(k.Marshal(), blob) {
					return &ssh.Permissions{}, nil
				}
			}
			return nil, errors.New("simssh: key not authorized")
		},
	}
	cfg.AddHostKey(h.key)
	return cfg
}

// Endpoints lists the hosts in the order given to [Serve].
func (s *Server) Endpoints() []Endpoint {
	eps := make([]Endpoint, 0, len(s.order))
	for _, name := range s.order {
		h := s.hosts[name]
		eps = append(eps, Endpoint{Host: name, Addr: h.addr, HostKey: h.key.PublicKey()})
	}
	return eps
}

// Endpoint returns the endpoint of one host.
func (s *Server) Endpoint(name string) (Endpoint, bool) {
	h := s.hosts[name]
	if h == nil {
		return Endpoint{}, false
	}
	return Endpoint{Host: name, Addr: h.addr, HostKey: h.key.PublicKey()}, true
}

// KnownHosts returns a known_hosts file listing every host's key.
func (s *Server) KnownHosts() []byte {
	var b bytes.Buffer
	for _, ep := range s.Endpoints() {
		b.WriteString(ep.KnownHostsLine())
	}
	return b.Bytes()
}

// Stats returns the counters of one host (zero for an unknown host).
func (s *Server) Stats(name string) Stats {
	h := s.hosts[name]
	if h == nil {
		return Stats{}
	}
	return Stats{Conns: int(h.nConns.Load()), Logins: int(h.nLogins.Load()), Execs: int(h.nExecs.Load())}
}

// Disconnect closes every open connection to host abruptly, as a reboot or
// a crash does. Commands running on them see their context cancelled and
// their clients see the connection drop. New connections are not affected.
func (s *Server) Disconnect(name string) {
	h := s.hosts[name]
	if h == nil {
		return
	}
	for _, c := range h.takeConns(false) {
		c.nc.Close()
	}
}

// Close stops every listener, closes every connection, cancels running
// commands and waits for all of the server's goroutines to finish. It is
// safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		for _, h := range s.hosts {
			h.mu.Lock()
			if h.ln != nil {
				h.ln.Close()
				h.ln = nil
			}
			h.mu.Unlock()
			for _, c := range h.takeConns(true) {
				c.nc.Close()
			}
		}
	})
	s.wg.Wait()
	return nil
}

// takeConns returns the host's open connections; with forget it also
// empties the set.
func (h *host) takeConns(forget bool) []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	cs := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		cs = append(cs, c)
	}
	if forget {
		clear(h.conns)
	}
	return cs
}

func (s *Server) accept(h *host, ln net.Listener) {
	for {
		nc, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || s.ctx.Err() != nil {
				return
			}
			// A transient accept error (out of file descriptors): back off
			// briefly rather than spin.
			select {
			case <-time.After(5 * time.Millisecond):
			case <-s.ctx.Done():
				return
			}
			continue
		}
		h.nConns.Add(1)
		if h.getFaults().Refuse || !s.b.Up(h.name) {
			nc.Close()
			continue
		}
		s.wg.Go(func() { s.serveConn(h, nc) })
	}
}

func (s *Server) serveConn(h *host, nc net.Conn) {
	c := &conn{nc: newFaultConn(nc, h)}
	defer c.nc.Close()

	h.mu.Lock()
	if s.ctx.Err() != nil {
		h.mu.Unlock()
		return
	}
	h.conns[c] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.conns, c)
		h.mu.Unlock()
	}()

	c.nc.SetDeadline(time.Now().Add(handshakeTimeout))
	sc, chans, reqs, err := ssh.NewServerConn(c.nc, h.config)
	if err != nil {
		return
	}
	c.nc.SetDeadline(time.Time{})
	h.nLogins.Add(1)

	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	// Global requests: keepalive@openssh.com and anything else get a
	// failure reply, as OpenSSH's sshd gives; any reply proves the peer
	// alive. Port forwarding requests (tcpip-forward) are refused.
	s.wg.Go(func() {
		for req := range reqs {
			if req.WantReply {
				req.Reply(false, nil)
			}
		}
	})
	for nch := range chans {
		switch nch.ChannelType() {
		case "session":
			s.wg.Go(func() { s.session(ctx, h, c, nch) })
		case "direct-tcpip":
			s.wg.Go(func() { s.forward(ctx, nch) })
		default:
			nch.Reject(ssh.UnknownChannelType, "simssh: unsupported channel type "+strconv.Quote(nch.ChannelType()))
		}
	}
	// The connection is gone: running commands see ctx cancelled.
	cancel()
	sc.Close()
}

func (s *Server) tracef(format string, args ...any) {
	if s.trace == nil {
		return
	}
	s.traceMu.Lock()
	defer s.traceMu.Unlock()
	fmt.Fprintf(s.trace, format, args...)
}
