package remediate_test

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// testNow is the controller clock of every test run: /bos_inst moves to
// /bos_inst.nimfleet.20240304-101500.
var testNow = time.Date(2024, 3, 4, 10, 15, 0, 0, time.UTC)

const aside = "/bos_inst.nimfleet.20240304-101500"

// rig is a lab with an inventory; every run gets its own fleet runner
// (with or without the dry-run layer) over the same lab, and an audit log.
type rig struct {
	t   testing.TB
	k   *labkit.Kit
	via string
}

func newRig(t testing.TB, cfg sim.Config, via string) *rig {
	t.Helper()
	return &rig{t: t, k: labkit.New(t, cfg, labkit.Options{Via: via}), via: via}
}

// syncBuf is an audit-log sink safe for concurrent writes.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// result is one run: the report, the audit records, the dry-run plan.
type result struct {
	rep   *remediate.Report
	audit []transport.AuditRecord
	plan  []transport.Command
}

// mutations returns the audit records of state-changing commands that
// were executed (not stopped by the dry run).
func (r *result) mutations() []transport.AuditRecord {
	var out []transport.AuditRecord
	for _, a := range r.audit {
		if a.Mutates && !a.DryRun {
			out = append(out, a)
		}
	}
	return out
}

// action returns host's result for action id.
func (r *result) action(t testing.TB, host, id string) remediate.ActionResult {
	t.Helper()
	for _, h := range r.rep.Hosts {
		if h.Host != host {
			continue
		}
		for _, a := range h.Actions {
			if a.ID == id {
				return a
			}
		}
		t.Fatalf("%s: no result for %s (host error %q)", host, id, h.Error)
	}
	t.Fatalf("no result for host %s", host)
	return remediate.ActionResult{}
}

type runOpts struct {
	dry       bool
	hosts     []string // nil: every host
	only      []string
	approvals *remediate.Approvals
}

func (g *rig) run(o runOpts) *result {
	g.t.Helper()
	var sink syncBuf
	log := transport.NewAuditLog(&sink)
	plan := &transport.Plan{}
	fl, err := connect.Open(g.k.Inv, connect.Options{Base: g.base(), NoRetry: true, DryRun: o.dry, Plan: plan, AuditLog: log})
	if err != nil {
		g.t.Fatal(err)
	}
	acts, err := remediate.Select(o.only)
	if err != nil {
		g.t.Fatal(err)
	}
	env := &remediate.Env{
		Runner: fl.Runner,
		// A locked rootvg hangs its LVM probes until the session times
		// out; keep that short.
		Gatherer: &facts.Gatherer{Runner: fl.Runner, Timeout: time.Second},
		DryRun:   o.dry,
		Now:      func() time.Time { return testNow },
	}
	hosts := g.k.Inv.Hosts
	if o.hosts != nil {
		hosts = nil
		for _, n := range o.hosts {
			h := g.k.Inv.Host(n)
			if h == nil {
				g.t.Fatalf("no host %s", n)
			}
			hosts = append(hosts, h)
		}
	}
	rep := remediate.Run(context.Background(), hosts, remediate.Options{Env: env, Actions: acts, Approvals: o.approvals})
	recs, err := transport.ReadAudit(bytes.NewReader(sink.b.Bytes()))
	if err != nil {
		g.t.Fatal(err)
	}
	return &result{rep: rep, audit: recs, plan: plan.Commands()}
}

// base routes like the product: clients reached via master go through
// c_rsh on their master.
func (g *rig) base() transport.Runner {
	lab := g.k.Lab.Runner()
	if g.via != "master" {
		return lab
	}
	inv := g.k.Inv
	vm := transport.ViaMaster(lab, func(client string) (string, string, error) {
		h := inv.Host(client)
		if h == nil || h.Master == nil {
			return "", "", transport.ErrUnknownHost
		}
		return h.Master.Name, h.NIMName, nil
	})
	return transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		if h := inv.Host(c.Host); h != nil && h.Via == inventory.ViaMaster {
			return vm.Run(ctx, c)
		}
		return lab.Run(ctx, c)
	})
}

// snapshots returns every host's lab snapshot.
func (g *rig) snapshots() map[string]string {
	out := map[string]string{}
	for _, h := range g.k.Lab.Hosts() {
		out[h] = g.k.Lab.Snapshot(h)
	}
	return out
}

// exec runs a command line on a lab host and returns its output and status.
func (g *rig) exec(host, line string) (string, int) {
	var out bytes.Buffer
	rc := g.k.Lab.Exec(context.Background(), host, line, nil, &out, &out)
	return out.String(), rc
}

// healthyWith returns the "healthy" scenario (one 7.3 master, clients
// aix01..aix03) with faults on its first client and edits applied.
func healthyWith(t testing.TB, faults []string, edit func(*sim.Config)) sim.Config {
	t.Helper()
	cfg, err := sim.LoadScenario("healthy")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeScale = 1e9
	cfg.Clients[0].Faults = append([]string(nil), faults...)
	if edit != nil {
		edit(&cfg)
	}
	return cfg
}

// statuses renders host:ID=status for the actions that were needed.
func statuses(rep *remediate.Report) string {
	var out []string
	for _, h := range rep.Hosts {
		if h.Error != "" {
			out = append(out, h.Host+":error")
		}
		for _, a := range h.Actions {
			if a.Status != remediate.StatusNotNeeded {
				out = append(out, h.Host+":"+a.ID+"="+string(a.Status))
			}
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
