package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

// Lab is a running world of simulated NIM masters and clients. It is safe
// for concurrent use. Build one with [New]; stop it with [Lab.Close].
type Lab struct {
	cfg      Config
	scale    float64
	start    time.Time
	t0       time.Time
	bootSecs int

	hosts   map[string]*host
	order   []string
	masters []string
	clients map[string][]string

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	trace   io.Writer
	traceMu sync.Mutex

	// clock, when set (tests), replaces the scaled wall clock.
	clock func() time.Time

	hookMu    sync.RWMutex
	hooks     map[string]CommandHook // key host+"\x00"+command; host "" = every host
	phaseHook PhaseHook
}

// CommandHook intercepts a command before the lab runs it. It receives the
// host and the command's arguments (Args[0] as typed). Returning handled
// true skips the simulated command and uses status instead; returning
// false runs the command as usual (after whatever the hook did, such as
// waiting: a hook that blocks until ctx is done models a hung command).
type CommandHook func(ctx context.Context, host string, args []string) (status int, handled bool)

// PhaseHook is called by nimadm on the master at the start of each phase,
// before the banner. A test can block in it to observe a run mid-way; it
// must return when ctx is done.
type PhaseHook func(ctx context.Context, master, client string, phase int)

// New validates cfg and builds the lab. Validation reports every problem at
// once. Hosts start up (reachable) unless a fault says otherwise.
func New(cfg Config) (*Lab, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start, _ := cfg.start()
	l := &Lab{
		cfg:      cfg,
		scale:    cfg.TimeScale,
		start:    start,
		t0:       time.Now(),
		bootSecs: cfg.BootSeconds,
		hosts:    map[string]*host{},
		clients:  map[string][]string{},
		hooks:    map[string]CommandHook{},
	}
	if l.scale == 0 {
		l.scale = 1
	}
	if l.bootSecs == 0 {
		l.bootSecs = defaultBootSecs
	}
	if os.Getenv("SIM_TRACE") == "1" {
		l.trace = os.Stderr
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	var errs []error
	for i, m := range cfg.Masters {
		h, err := l.buildHost(m.HostSpec, roleMaster, i)
		if err != nil {
			errs = append(errs, fmt.Errorf("master %q: %w", m.Name, err))
			continue
		}
		h.intent = m.Intent
		var cl []ClientSpec
		for _, c := range cfg.Clients {
			if c.Master == m.Name {
				cl = append(cl, c)
				l.clients[m.Name] = append(l.clients[m.Name], c.Name)
			}
		}
		l.buildNIM(h, m, cl)
		l.add(h)
		l.masters = append(l.masters, m.Name)
	}
	for i, c := range cfg.Clients {
		h, err := l.buildHost(c.HostSpec, roleClient, len(cfg.Masters)+i)
		if err != nil {
			errs = append(errs, fmt.Errorf("client %q: %w", c.Name, err))
			continue
		}
		h.master = c.Master
		h.targetDisk = c.TargetDisk
		if h.targetDisk == "" {
			h.targetDisk = defaultTarget
		}
		h.leaveBosInst = c.MultibosLeavesBosInst
		connect := c.NIM.Connect
		masterHost := c.Master
		if m := l.hosts[c.Master]; m != nil {
			masterHost = m.hostname
			if nc := m.nim.client(c.Name); nc != nil {
				connect = nc.connect
			}
		}
		h.os().files.writeFile("/etc/niminfo", []byte(niminfo(c.Name, h.hostname, masterHost, connect)), l.start)
		l.add(h)
	}
	if err := errors.Join(errs...); err != nil {
		l.cancel()
		return nil, err
	}
	l.writeEtcHosts()
	// Faults, masters first: client faults read the master's target.
	for _, n := range l.order {
		h := l.hosts[n]
		var faults []string
		if h.role == roleMaster {
			faults = cfgHost(cfg, n).Faults
		} else {
			faults = cfgHost(cfg, n).Faults
		}
		for _, f := range faults {
			if err := l.applyFault(h, f); err != nil {
				errs = append(errs, fmt.Errorf("%s %q: %w", h.role, n, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		l.cancel()
		return nil, err
	}
	return l, nil
}

func cfgHost(cfg Config, name string) HostSpec {
	for _, m := range cfg.Masters {
		if m.Name == name {
			return m.HostSpec
		}
	}
	for _, c := range cfg.Clients {
		if c.Name == name {
			return c.HostSpec
		}
	}
	return HostSpec{}
}

func (l *Lab) add(h *host) {
	h.ctx, h.cancel = context.WithCancel(l.ctx)
	l.hosts[h.name] = h
	l.order = append(l.order, h.name)
}

// Close stops every background job (nohup'ed nimadm runs included) and
// pending reboot, and waits for them. The lab must not be used afterwards.
func (l *Lab) Close() error {
	l.cancel()
	for _, h := range l.hosts {
		h.procs.killAll()
	}
	l.wg.Wait()
	return nil
}

// Hosts returns every host name: masters first, then clients, in
// configuration order.
func (l *Lab) Hosts() []string { return append([]string(nil), l.order...) }

// Masters returns the NIM masters in configuration order.
func (l *Lab) Masters() []string { return append([]string(nil), l.masters...) }

// Clients returns the clients served by master, in configuration order.
func (l *Lab) Clients(master string) []string { return append([]string(nil), l.clients[master]...) }

// Config returns the configuration the lab was built from.
func (l *Lab) Config() Config { return l.cfg }

// Up reports whether host accepts SSH connections: it exists, is booted
// (not rebooting or powered off), is not marked unreachable, and its sshd
// runs. After a migration whose sshd_config the new OpenSSH rejects (E45)
// the host runs but is not Up. It implements the SSH front's Backend.Up.
func (l *Lab) Up(host string) bool {
	h := l.hosts[host]
	if h == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.up || h.unreachable {
		return false
	}
	s := h.subsystem("sshd")
	return s != nil && s.active
}

// Running reports whether host is booted and on the network, whatever its
// sshd does (NIM's c_rsh and Mstate follow this).
func (l *Lab) Running(host string) bool {
	h := l.hosts[host]
	return h != nil && h.running()
}

func (h *host) running() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.up && !h.unreachable
}

// SetDown marks a host powered off (down true) or powers it on again.
// Powering off kills its background jobs; powering on boots it from its
// bootlist as a reboot would.
func (l *Lab) SetDown(host string, down bool) error {
	h := l.hosts[host]
	if h == nil {
		return fmt.Errorf("set down %s: %w", host, errUnknownHost)
	}
	h.mu.Lock()
	if down == !h.up {
		h.mu.Unlock()
		return nil
	}
	if down {
		h.goDown()
		h.mu.Unlock()
		return nil
	}
	h.boot()
	h.mu.Unlock()
	return nil
}

// SetUnreachable marks a host as not answering (network) without
// changing its state; it keeps running its jobs.
func (l *Lab) SetUnreachable(host string, unreachable bool) error {
	h := l.hosts[host]
	if h == nil {
		return fmt.Errorf("set unreachable %s: %w", host, errUnknownHost)
	}
	h.mu.Lock()
	h.unreachable = unreachable
	h.mu.Unlock()
	return nil
}

// SetFault injects a named fault (see [Faults]) into a running host. The
// fault is recorded for [Lab.Truth].
func (l *Lab) SetFault(host, fault string) error {
	h := l.hosts[host]
	if h == nil {
		return fmt.Errorf("set fault %s: %w", host, errUnknownHost)
	}
	return l.applyFault(h, fault)
}

// SetCommandHook installs hook for command (a base name such as "lsvg")
// on host; host "" means every host. A nil hook removes it.
func (l *Lab) SetCommandHook(host, command string, hook CommandHook) {
	l.hookMu.Lock()
	defer l.hookMu.Unlock()
	k := host + "\x00" + command
	if hook == nil {
		delete(l.hooks, k)
		return
	}
	l.hooks[k] = hook
}

// SetLatency makes command on host take d of simulated time before it
// runs (scaled by TimeScale like every lab delay).
func (l *Lab) SetLatency(host, command string, d time.Duration) {
	l.SetCommandHook(host, command, func(ctx context.Context, _ string, _ []string) (int, bool) {
		if err := l.sleep(ctx, d); err != nil {
			return shell.StatusKilled, true
		}
		return 0, false
	})
}

// SetHang makes command on host block until its context is done (the
// session ends, the command times out, or it is killed).
func (l *Lab) SetHang(host, command string, hang bool) {
	if !hang {
		l.SetCommandHook(host, command, nil)
		return
	}
	l.SetCommandHook(host, command, func(ctx context.Context, _ string, _ []string) (int, bool) {
		<-ctx.Done()
		return shell.StatusKilled, true
	})
}

// SetPhaseHook installs a hook nimadm calls at the start of each phase.
func (l *Lab) SetPhaseHook(h PhaseHook) {
	l.hookMu.Lock()
	l.phaseHook = h
	l.hookMu.Unlock()
}

func (l *Lab) hook(host, command string) CommandHook {
	l.hookMu.RLock()
	defer l.hookMu.RUnlock()
	if h := l.hooks[host+"\x00"+command]; h != nil {
		return h
	}
	return l.hooks["\x00"+command]
}

var errUnknownHost = errors.New("unknown host")

// Exec runs a command line on host through its shell, as sshd would, and
// returns the exit status. A host that is not running gets the status 255
// and an ssh-style message on stderr; use [Lab.Up] (or the Runner) to tell
// that apart from a command's own failure. Exec does not look at sshd:
// the SSH front checks [Lab.Up] when a connection opens.
func (l *Lab) Exec(ctx context.Context, host, line string, stdin io.Reader, stdout, stderr io.Writer) int {
	h := l.hosts[host]
	if stderr == nil {
		stderr = io.Discard
	}
	if h == nil {
		fmt.Fprintf(stderr, "ssh: Could not resolve hostname %s: Name or service not known\n", host)
		return 255
	}
	if !h.running() {
		fmt.Fprintf(stderr, "ssh: connect to host %s port 22: Connection timed out\n", host)
		return 255
	}
	return l.exec(ctx, h, line, stdin, stdout, stderr)
}

// exec runs line on h; the session dies with the host (reboot, power off).
func (l *Lab) exec(ctx context.Context, h *host, line string, stdin io.Reader, stdout, stderr io.Writer) int {
	rc, _ := l.execSession(ctx, h, line, stdin, stdout, stderr)
	return rc
}

// execSession is exec that also reports whether the host went down while
// the session ran (the connection was lost).
func (l *Lab) execSession(ctx context.Context, h *host, line string, stdin io.Reader, stdout, stderr io.Writer) (int, bool) {
	h.mu.Lock()
	hctx := h.ctx
	h.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(hctx, cancel)
	defer stop()
	l.tracef("%s: $ %s", h.name, line)
	rc := shell.Run(ctx, &session{h: h}, line, stdin, stdout, stderr)
	lost := hctx.Err() != nil
	l.afterCommand(h)
	return rc, lost
}

// invoke runs one simulated command with tracing and hooks.
func (l *Lab) invoke(ctx context.Context, h *host, d *cmdDef, inv *shell.Invocation) int {
	if hk := l.hook(h.name, d.name); hk != nil {
		if st, handled := hk(ctx, h.name, inv.Args); handled {
			l.tracef("%s: %s -> %d (hook)", h.name, strings.Join(inv.Args, " "), st)
			return st
		}
	}
	rc := d.fn(ctx, h, inv)
	l.tracef("%s: %s -> %d", h.name, strings.Join(inv.Args, " "), rc)
	return rc
}

func (l *Lab) tracef(format string, a ...any) {
	if l.trace == nil {
		return
	}
	l.traceMu.Lock()
	fmt.Fprintf(l.trace, "sim: "+format+"\n", a...)
	l.traceMu.Unlock()
}

// now is the lab's wall clock: Start plus real elapsed time times TimeScale.
func (l *Lab) now() time.Time {
	if l.clock != nil {
		return l.clock()
	}
	secs := time.Since(l.t0).Seconds() * l.scale
	if secs > maxLabSeconds {
		secs = maxLabSeconds // keep far-future lab dates representable
	}
	return l.start.Add(time.Duration(secs * float64(time.Second)))
}

// maxLabSeconds caps how far the lab clock runs ahead of Start (about a
// century), so huge time scales cannot overflow a time.Duration.
const maxLabSeconds = 100 * 365 * 24 * 3600

// Now returns the lab's current (simulated) wall-clock time.
func (l *Lab) Now() time.Time { return l.now() }

// sleep waits d of simulated time, i.e. d/TimeScale of real time.
func (l *Lab) sleep(ctx context.Context, d time.Duration) error {
	real := time.Duration(float64(d) / l.scale)
	if real <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(real)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// afterCommand performs a reboot requested by shutdown -r once the command
// (or background job) that asked for it has returned.
func (l *Lab) afterCommand(h *host) {
	h.mu.Lock()
	mode := h.pending
	if mode == 0 {
		h.mu.Unlock()
		return
	}
	h.pending = 0
	h.goDown()
	h.mu.Unlock()
	if mode == 2 {
		return // halted: stays down until SetDown(host, false)
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if l.sleep(l.ctx, time.Duration(l.bootSecs)*time.Second) != nil {
			return
		}
		h.mu.Lock()
		if !h.up {
			h.boot()
		}
		h.mu.Unlock()
	}()
}

// WaitUp blocks until host is running again (after a reboot) or ctx is
// done. It does not wait for sshd, which may stay down (E45).
func (l *Lab) WaitUp(ctx context.Context, host string) error {
	for !l.Running(host) {
		if l.hosts[host] == nil {
			return fmt.Errorf("wait for %s: %w", host, errUnknownHost)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Microsecond):
		}
	}
	return nil
}

// writeEtcHosts gives every master an /etc/hosts naming itself and its
// clients, one address each (the lab has no network; the addresses are
// derived from the host order) [U layout: the usual AIX /etc/hosts].
func (l *Lab) writeEtcHosts() {
	addr := map[string]string{}
	for i, n := range l.order {
		addr[n] = fmt.Sprintf("10.%d.%d.%d", 1+i/62500, (i/250)%250, i%250+1)
	}
	for _, m := range l.masters {
		mh := l.hosts[m]
		var b strings.Builder
		b.WriteString("127.0.0.1               loopback localhost      # loopback (lo0) name/address\n")
		fmt.Fprintf(&b, "%-23s %s\n", addr[m], mh.hostname)
		for _, c := range l.clients[m] {
			fmt.Fprintf(&b, "%-23s %s\n", addr[c], l.hosts[c].hostname)
		}
		mh.os().files.writeFile("/etc/hosts", []byte(b.String()), l.start)
	}
}
