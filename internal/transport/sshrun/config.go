package sshrun

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Defaults used when the corresponding Config field is zero.
const (
	DefaultUser              = "root"
	DefaultPort              = "22"
	DefaultConnectTimeout    = 15 * time.Second
	DefaultCommandTimeout    = 10 * time.Minute
	DefaultKeepaliveInterval = 15 * time.Second
	DefaultKeepaliveCountMax = 3
	// DefaultMaxSessions matches OpenSSH sshd's MaxSessions default; a
	// runner that opened more sessions at once on one connection would be
	// refused by a stock sshd.
	DefaultMaxSessions = 10
	// DefaultMaxConcurrentDials bounds the handshakes in flight, so that a
	// fleet-wide first command does not start a thousand key exchanges
	// that all miss their connect timeout together.
	DefaultMaxConcurrentDials = 32
)

// maxJumps bounds a ProxyJump chain (and catches loops).
const maxJumps = 8

// HostConfig says how to reach one host. Zero fields take the defaults
// described on each.
type HostConfig struct {
	// Address is "host", "host:port", "ip" or "[ipv6]:port". Empty means
	// the inventory name itself. The port defaults to 22.
	Address string
	// User is the login name. Empty means "root".
	User string
	// IdentityFiles are the private key files to offer, in order. Empty
	// means Config.IdentityFiles.
	IdentityFiles []string
	// ProxyJump names the host to tunnel through, as ssh -J does: another
	// inventory host name, or "[user@]host[:port]". A comma-separated list
	// is a chain, first hop first. Jump hosts are host-key checked like
	// any other. Empty means a direct connection.
	ProxyJump string
	// HostKeyAlias, if not empty, is the name looked up in (and recorded
	// to) known_hosts instead of the address and port, as with ssh's
	// HostKeyAlias.
	HostKeyAlias string
	// ConnectTimeout bounds the TCP connect plus the SSH handshake. Zero
	// means Config.ConnectTimeout.
	ConnectTimeout time.Duration
	// CommandTimeout is the timeout of commands whose Command.Timeout is
	// zero. Zero means Config.CommandTimeout.
	CommandTimeout time.Duration
}

// Config configures a [Runner]. The zero value is usable: hosts must then
// come from Resolve or Hosts, and everything else is read from the
// invoking user's ~/.ssh and SSH_AUTH_SOCK like OpenSSH does.
type Config struct {
	// Hosts maps inventory names to how to reach them. A name that is in
	// neither Hosts nor Resolve is an unknown host (transport.ErrUnknownHost).
	Hosts map[string]HostConfig
	// Resolve, if not nil, is asked for names missing from Hosts. ok false
	// means an unknown host.
	Resolve func(name string) (hc HostConfig, ok bool)

	// KnownHostsFiles are the OpenSSH known_hosts files to check host keys
	// against ([host]:port and hashed entries are understood). Missing
	// files count as empty. Empty means ~/.ssh/known_hosts and
	// /etc/ssh/ssh_known_hosts.
	KnownHostsFiles []string
	// AcceptNew is the explicit opt-in to trust on first use: the key of a
	// host that no known_hosts file mentions is appended to the first file
	// and accepted. A key that differs from a known one is never replaced.
	// Appends are serialized across the runners of one process, each host
	// is recorded once, and each line is written with a single append.
	AcceptNew bool
	// HashKnownHosts records accepted hosts hashed (|1|salt|hash), as
	// ssh's HashKnownHosts does.
	HashKnownHosts bool

	// IdentityFiles are the private key files (OpenSSH, PEM or PKCS#8;
	// ed25519, ECDSA or RSA) offered to hosts whose HostConfig has none.
	// Empty means those of ~/.ssh/id_ed25519, ~/.ssh/id_ecdsa and
	// ~/.ssh/id_rsa that exist when New runs. Passphrase-protected keys
	// are used only through the agent.
	IdentityFiles []string
	// AgentSocket is the ssh-agent socket. Empty means $SSH_AUTH_SOCK;
	// "none" disables the agent.
	AgentSocket string

	// ConnectTimeout bounds the TCP connect plus the SSH handshake of one
	// hop. Zero means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// CommandTimeout is the timeout of commands that set none (neither
	// Command.Timeout nor HostConfig.CommandTimeout). Zero means
	// DefaultCommandTimeout. Long operations such as nimadm must set
	// their own.
	CommandTimeout time.Duration
	// KeepaliveInterval is how often an idle or busy connection is probed
	// (keepalive@openssh.com). Zero means DefaultKeepaliveInterval;
	// negative disables keepalives.
	KeepaliveInterval time.Duration
	// KeepaliveCountMax is how many intervals a probe may go unanswered
	// before the connection is declared dead (transport.ErrConnLost). Zero
	// means DefaultKeepaliveCountMax.
	KeepaliveCountMax int
	// MaxSessions caps the commands running at once on one host (sessions
	// on its one connection); more wait their turn. Zero means
	// DefaultMaxSessions.
	MaxSessions int
	// MaxConcurrentDials caps the connections being set up at once (TCP
	// connect plus SSH handshake), across all hosts. Further dials wait
	// their turn; their connect timeout starts when it comes. Zero means
	// DefaultMaxConcurrentDials.
	MaxConcurrentDials int

	// Logf, if not nil, receives notices that are not errors, such as a
	// host key recorded by AcceptNew.
	Logf func(format string, args ...any)
}

// withDefaults validates c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.ConnectTimeout < 0 {
		errs = append(errs, fmt.Errorf("connect timeout %v: must not be negative", c.ConnectTimeout))
	}
	if c.CommandTimeout < 0 {
		errs = append(errs, fmt.Errorf("command timeout %v: must not be negative", c.CommandTimeout))
	}
	if c.KeepaliveCountMax < 0 {
		errs = append(errs, fmt.Errorf("keepalive count %d: must not be negative", c.KeepaliveCountMax))
	}
	if c.MaxConcurrentDials < 0 {
		errs = append(errs, fmt.Errorf("max concurrent dials %d: must not be negative", c.MaxConcurrentDials))
	}
	if c.MaxSessions < 0 {
		errs = append(errs, fmt.Errorf("max sessions %d: must not be negative", c.MaxSessions))
	}
	for name, hc := range c.Hosts {
		if hc.ConnectTimeout < 0 || hc.CommandTimeout < 0 {
			errs = append(errs, fmt.Errorf("host %s: timeouts must not be negative", name))
		}
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.CommandTimeout == 0 {
		c.CommandTimeout = DefaultCommandTimeout
	}
	if c.KeepaliveInterval == 0 {
		c.KeepaliveInterval = DefaultKeepaliveInterval
	}
	if c.KeepaliveCountMax == 0 {
		c.KeepaliveCountMax = DefaultKeepaliveCountMax
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.MaxConcurrentDials == 0 {
		c.MaxConcurrentDials = DefaultMaxConcurrentDials
	}
	if c.AgentSocket == "" {
		c.AgentSocket = os.Getenv("SSH_AUTH_SOCK")
	}
	if len(c.KnownHostsFiles) == 0 || len(c.IdentityFiles) == 0 {
		home, err := os.UserHomeDir()
		switch {
		case err != nil && len(c.KnownHostsFiles) == 0:
			errs = append(errs, fmt.Errorf("no known_hosts file given and no home directory: %w", err))
		case err == nil && len(c.KnownHostsFiles) == 0:
			c.KnownHostsFiles = []string{filepath.Join(home, ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"}
		}
		if err == nil && len(c.IdentityFiles) == 0 {
			for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
				p := filepath.Join(home, ".ssh", n)
				if _, err := os.Stat(p); err == nil {
					c.IdentityFiles = append(c.IdentityFiles, p)
				}
			}
		}
	}
	return c, errors.Join(errs...)
}

// resolve looks an inventory name up.
func (c *Config) resolve(name string) (HostConfig, bool) {
	if hc, ok := c.Hosts[name]; ok {
		return hc, true
	}
	if c.Resolve != nil {
		return c.Resolve(name)
	}
	return HostConfig{}, false
}

// target is one resolved hop: where to connect and how to log in.
type target struct {
	key   string // connection-pool key: the inventory name or "jump:SPEC"
	name  string // for messages
	hc    HostConfig
	addr  string // host:port to dial
	check string // host:port to look up in known_hosts
}

func (c *Config) target(key, name string, hc HostConfig) target {
	addr := hc.Address
	if addr == "" {
		addr = name
	}
	addr = withPort(addr)
	check := addr
	if hc.HostKeyAlias != "" {
		// As in OpenSSH, the alias replaces host and port.
		check = net.JoinHostPort(hc.HostKeyAlias, DefaultPort)
	}
	if hc.User == "" {
		hc.User = DefaultUser
	}
	if len(hc.IdentityFiles) == 0 {
		hc.IdentityFiles = c.IdentityFiles
	}
	if hc.ConnectTimeout == 0 {
		hc.ConnectTimeout = c.ConnectTimeout
	}
	if hc.CommandTimeout == 0 {
		hc.CommandTimeout = c.CommandTimeout
	}
	return target{key: key, name: name, hc: hc, addr: addr, check: check}
}

// withPort adds the default port to an address that has none.
func withPort(addr string) string {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	return net.JoinHostPort(strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"), DefaultPort)
}

// jump resolves a ProxyJump value to the hop that connects last (the one
// next to the target); earlier hops become its own ProxyJump.
func (c *Config) jump(spec string) (target, error) {
	spec = strings.TrimSpace(spec)
	prefix, last := "", spec
	if i := strings.LastIndexByte(spec, ','); i >= 0 {
		prefix, last = strings.TrimSpace(spec[:i]), strings.TrimSpace(spec[i+1:])
	}
	if last == "" {
		return target{}, fmt.Errorf("proxy jump %q: empty host", spec)
	}
	if hc, ok := c.resolve(last); ok {
		if prefix != "" {
			hc.ProxyJump = prefix
		}
		key := last
		if prefix != "" {
			key = "jump:" + spec
		}
		return c.target(key, last, hc), nil
	}
	var hc HostConfig
	hostport := last
	if i := strings.LastIndexByte(last, '@'); i >= 0 {
		hc.User, hostport = last[:i], last[i+1:]
	}
	if hostport == "" || hc.User == "" && strings.Contains(last, "@") {
		return target{}, fmt.Errorf("proxy jump %q: want an inventory name or [user@]host[:port]", spec)
	}
	hc.Address = hostport
	hc.ProxyJump = prefix
	return c.target("jump:"+spec, last, hc), nil
}
