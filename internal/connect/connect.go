// Package connect turns an inventory into one transport.Runner that reaches
// every host the way the inventory says: over SSH, through the client's NIM
// master with c_rsh, or locally on the master nimfleet runs on. The runner
// is wrapped in the decorator stack (retry, per-master and global limits,
// audit log, dry run) of package transport.
package connect

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
	"github.com/nimfleet/nimfleet/internal/transport/local"
	"github.com/nimfleet/nimfleet/internal/transport/sshrun"
)

// Options tune how the fleet is reached. The zero value is usable.
type Options struct {
	// AcceptNew records the keys of hosts not yet in known_hosts instead of
	// refusing them. Mismatched keys are always refused.
	AcceptNew bool
	// KnownHosts overrides the known_hosts files of every host.
	KnownHosts []string
	// IdentityFiles are used for hosts whose inventory names none.
	IdentityFiles []string
	// Concurrency bounds commands in flight across the fleet; 0 means 64.
	Concurrency int
	// PerMaster bounds commands in flight per NIM master, counting the
	// commands of the clients reached through it (see LimitKey); 0 means 16.
	PerMaster int
	// ConnectTimeout and CommandTimeout are the SSH defaults; 0 keeps the
	// transport's defaults.
	ConnectTimeout, CommandTimeout time.Duration
	// AuditLog receives one line per remote command; nil disables it.
	AuditLog *transport.AuditLog
	// DryRun stops state-changing commands and records them in Plan.
	DryRun bool
	Plan   *transport.Plan
	// Base replaces the per-host routing with another runner (the lab's
	// in-memory hosts in tests). The decorators still apply.
	Base transport.Runner
	// NoRetry disables the retry of transient errors (tests).
	NoRetry bool
	// Now is the audit log's clock; nil means the wall clock.
	Now func() time.Time
}

// Fleet reaches the hosts of one inventory.
type Fleet struct {
	Inv    *inventory.Inventory
	Runner transport.Runner
	ssh    *sshrun.Runner
}

// Close closes every connection.
func (f *Fleet) Close() error {
	if f.ssh != nil {
		return f.ssh.Close()
	}
	return nil
}

// TransportOf names how a host is reached: "ssh", "via-master", "local".
func TransportOf(inv *inventory.Inventory, host string) string {
	h := inv.Host(host)
	if h == nil {
		return "unknown"
	}
	switch h.Via {
	case inventory.ViaMaster:
		return "via-master"
	case inventory.ViaLocal:
		return "local"
	}
	return "ssh"
}

// MasterOf returns the name of the NIM master a host belongs to (a master
// belongs to itself), or the host itself when it is not in the inventory.
func MasterOf(inv *inventory.Inventory, host string) string {
	if h := inv.Host(host); h != nil && h.Master != nil {
		return h.Master.Name
	}
	return host
}

// LimitKey is the per-master concurrency key of a command's host: the
// master for the master itself and for clients reached through it (their
// commands run on the master, as c_rsh), the host itself for a client
// reached directly over SSH (its commands cost the master nothing).
func LimitKey(inv *inventory.Inventory, host string) string {
	if h := inv.Host(host); h != nil && h.Master != nil && h.Via != inventory.ViaMaster {
		return host
	}
	return MasterOf(inv, host)
}

// Open builds the runner for inv. It does not connect: connections are
// made on first use, one per host, and reused.
func Open(inv *inventory.Inventory, o Options) (*Fleet, error) {
	f := &Fleet{Inv: inv}
	base := o.Base
	if base == nil {
		var err error
		base, err = f.route(o)
		if err != nil {
			return nil, err
		}
	}
	global := o.Concurrency
	if global <= 0 {
		global = 64
	}
	perMaster := o.PerMaster
	if perMaster <= 0 {
		perMaster = 16
	}
	so := transport.StackOptions{
		TransportOf: func(h string) string { return TransportOf(inv, h) },
		Limit: transport.LimitOptions{
			Global: global,
			PerKey: perMaster,
			Key:    func(c transport.Command) string { return LimitKey(inv, c.Host) },
		},
		AuditLog: o.AuditLog,
		Now:      o.Now,
		DryRun:   o.DryRun,
		Plan:     o.Plan,
	}
	// Three attempts, one and two seconds apart: enough to ride out a
	// blip, short enough that an unreachable host fails fast.
	so.Retry = transport.RetryOptions{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 5 * time.Second}
	if o.NoRetry {
		so.Retry.MaxAttempts = 1
	}
	f.Runner = transport.Stack(base, so)
	return f, nil
}

// route builds the per-host router: SSH for hosts reached over SSH, c_rsh
// on the master for clients reached through it, the local shell for the
// master nimfleet runs on.
func (f *Fleet) route(o Options) (transport.Runner, error) {
	inv := f.Inv
	cfg := sshrun.Config{
		Hosts:          map[string]sshrun.HostConfig{},
		AcceptNew:      o.AcceptNew,
		IdentityFiles:  o.IdentityFiles,
		ConnectTimeout: o.ConnectTimeout,
		CommandTimeout: o.CommandTimeout,
	}
	seenKH := map[string]bool{}
	var localRunner *local.Runner
	for _, h := range inv.Hosts {
		switch h.Via {
		case inventory.ViaSSH:
			port := h.SSH.Port
			if port == 0 {
				port = inventory.DefaultPort
			}
			addr := h.SSH.Address
			if addr == "" {
				addr = h.Name
			}
			cfg.Hosts[h.Name] = sshrun.HostConfig{
				Address:       net.JoinHostPort(addr, strconv.Itoa(port)),
				User:          h.SSH.User,
				IdentityFiles: h.SSH.IdentityFiles,
				ProxyJump:     h.SSH.ProxyJump,
			}
			if kh := h.SSH.KnownHosts; kh != "" && !seenKH[kh] {
				seenKH[kh] = true
				cfg.KnownHostsFiles = append(cfg.KnownHostsFiles, kh)
			}
		case inventory.ViaLocal:
			localRunner = local.New(h.Name)
		}
	}
	if len(o.KnownHosts) > 0 {
		cfg.KnownHostsFiles = o.KnownHosts
	}
	var sshR transport.Runner = transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		return transport.Result{}, &transport.HostError{Host: c.Host, Err: fmt.Errorf("%w: no host is reached over ssh", transport.ErrUnknownHost)}
	})
	if len(cfg.Hosts) > 0 {
		r, err := sshrun.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("ssh transport: %w", err)
		}
		f.ssh = r
		sshR = r
	}
	direct := transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		h := inv.Host(c.Host)
		if h != nil && h.Via == inventory.ViaLocal && localRunner != nil {
			return localRunner.Run(ctx, c)
		}
		return sshR.Run(ctx, c)
	})
	via := transport.ViaMaster(direct, func(client string) (string, string, error) {
		h := inv.Host(client)
		if h == nil || h.Master == nil || h.Via != inventory.ViaMaster {
			return "", "", fmt.Errorf("%w: %s is not a client reached through its master", transport.ErrUnknownHost, client)
		}
		return h.Master.Name, h.NIMName, nil
	})
	return transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		h := inv.Host(c.Host)
		if h == nil {
			return transport.Result{}, &transport.HostError{Host: c.Host, Err: fmt.Errorf("%w: not in the inventory %s", transport.ErrUnknownHost, inv.File)}
		}
		if h.Via == inventory.ViaMaster {
			return via.Run(ctx, c)
		}
		return direct.Run(ctx, c)
	}), nil
}
