package preflight

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Options configure a preflight run.
type Options struct {
	// Runner reaches the hosts (required). Every command goes through it,
	// so its limits, retries and audit log apply.
	Runner transport.Runner
	// Inventory is the resolved inventory (required).
	Inventory *inventory.Inventory
	// Hosts are the selected hosts; nil means every client. A selected
	// master stands for all its clients. Masters of the selected clients
	// are always gathered.
	Hosts []*inventory.Host
	// Waivers accept known findings; nil waives nothing.
	Waivers *check.Waivers
	// Concurrency bounds the hosts gathered at once; 0 means 64.
	Concurrency int
	// GatherTimeout bounds one host's fact gathering; 0 means the facts
	// package default (3 minutes). A locked rootvg makes the LVM probes
	// hang until it expires.
	GatherTimeout time.Duration
	// CRshTimeout bounds each c_rsh probe; 0 means 30 seconds.
	CRshTimeout time.Duration
	// Now is the clock (for waiver expiry and the report time); nil means
	// time.Now.
	Now func() time.Time
}

// CRshProbe is the outcome of the c_rsh probe of one client, run on its
// master (see the package documentation).
type CRshProbe struct {
	// Master is the host the probe ran on; Command the command line.
	Master, Command string
	// Err is a transport error reaching the master: the probe's outcome is
	// then unknown.
	Err error
	// Exit is c_rsh's own exit status; Output its stdout and stderr.
	Exit   int
	Output []byte
	// RC is the client command's exit status from the "rc=N" trailer;
	// RCOK is false when the trailer is missing (the remote shell never
	// got as far as printing it).
	RC   int
	RCOK bool
	// Hostname is what the client printed.
	Hostname string
}

// clientState is one selected client, what was gathered from it and its
// results (by the position of the check in the evaluation).
type clientState struct {
	host    *inventory.Host
	c       *facts.Client
	err     error
	crsh    *CRshProbe
	env     *Env
	results []check.Result
}

// masterState is one master and what was gathered from it. ready and
// waiting are guarded by the evaluation's mutex.
type masterState struct {
	host    *inventory.Host
	m       *facts.Master
	err     error
	clients []*clientState
	view    *masterView
	ready   bool
	waiting []*clientState
}

// Run gathers facts from the selected clients and their masters, runs the
// c_rsh probes, evaluates every check and applies the waivers. It returns
// an error only for unusable options; hosts that fail are results.
//
// Each client is evaluated as soon as its facts and its master's are in,
// while the rest of the fleet is still being gathered; the checks that
// need the whole run (Check.AfterGather) run at the end.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Runner == nil || o.Inventory == nil {
		return nil, errors.New("preflight: a runner and an inventory are required")
	}
	clients, masters := o.Inventory.ClientsOf(o.Hosts)
	ev := newEvaluation(o, clients, masters)
	conc := o.Concurrency
	if conc <= 0 {
		conc = 64
	}
	var probes map[string]*CRshProbe
	var wg sync.WaitGroup
	wg.Go(func() { probes = probeCRsh(ctx, o, clients, conc) })
	ev.gather(ctx, conc)
	wg.Wait()
	return ev.finish(probes), nil
}

// gather collects the facts of every master and client with conc
// workers, masters first, as facts.Gatherer.Fleet does, but hands each host
// to the evaluation the moment it is done. A fixed pool of workers, not a
// goroutine per host: sessions go deep into the runner stack, and reused
// goroutines keep their grown stacks.
func (ev *evaluation) gather(ctx context.Context, conc int) {
	gat := &facts.Gatherer{Runner: ev.o.Runner, Timeout: ev.o.GatherTimeout}
	var masters []*masterState
	for _, st := range ev.masters {
		masters = append(masters, st)
	}
	sort.Slice(masters, func(i, j int) bool { return masters[i].host.Name < masters[j].host.Name })
	n := len(masters) + len(ev.states)
	order := interleaveClients(ev.states)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if i < len(masters) {
					st := masters[i]
					if err := ctx.Err(); err != nil {
						ev.masterDone(st, nil, &transport.HostError{Host: st.host.Name, Op: "gather facts", Err: err})
						continue
					}
					m, err := gat.Master(ctx, st.host.Name, facts.MasterPlanFor(st.host))
					ev.masterDone(st, m, err)
					continue
				}
				cs := ev.states[order[i-len(masters)]]
				if err := ctx.Err(); err != nil {
					ev.clientDone(cs, nil, &transport.HostError{Host: cs.host.Name, Op: "gather facts", Err: err})
					continue
				}
				c, err := gat.Client(ctx, cs.host.Name, facts.PlanFor(cs.host))
				ev.clientDone(cs, c, err)
			}
		})
	}
	wg.Wait()
}

// interleaveClients returns the indices of states round-robin across
// their masters, so that a per-master limit below does not leave the
// workers waiting on the clients of one master.
func interleaveClients(states []*clientState) []int {
	byMaster := map[string][]int{}
	var masters []string
	for i, st := range states {
		m := ""
		if st.host.Master != nil {
			m = st.host.Master.Name
		}
		if _, ok := byMaster[m]; !ok {
			masters = append(masters, m)
		}
		byMaster[m] = append(byMaster[m], i)
	}
	order := make([]int, 0, len(states))
	for k := 0; len(order) < len(states); k++ {
		for _, m := range masters {
			if is := byMaster[m]; k < len(is) {
				order = append(order, is[k])
			}
		}
	}
	return order
}

// gathered is what a run collected.
type gathered struct {
	fleet *facts.Fleet
	crsh  map[string]*CRshProbe
}

// gather collects the facts of clients and masters and, at the same time,
// runs the c_rsh probes of the clients reached over SSH.
func gather(ctx context.Context, o Options, clients, masters []*inventory.Host) *gathered {
	conc := o.Concurrency
	if conc <= 0 {
		conc = 64
	}
	hosts := append(append([]*inventory.Host{}, masters...), clients...)
	g := &gathered{}
	var wg sync.WaitGroup
	wg.Go(func() {
		gat := &facts.Gatherer{Runner: o.Runner, Timeout: o.GatherTimeout}
		g.fleet = gat.Fleet(ctx, hosts, conc)
	})
	g.crsh = probeCRsh(ctx, o, clients, conc)
	wg.Wait()
	return g
}

// crshProbeMaxOutput caps a probe's output: a host name and a trailer.
const crshProbeMaxOutput = 64 << 10

// probeCRsh runs the c_rsh probe for every client reached over SSH.
func probeCRsh(ctx context.Context, o Options, clients []*inventory.Host, conc int) map[string]*CRshProbe {
	timeout := o.CRshTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	var todo []*inventory.Host
	for _, h := range clients {
		if h.Via == inventory.ViaSSH && h.Master != nil {
			todo = append(todo, h)
		}
	}
	// A fixed pool of workers, not a goroutine per client: the probes go
	// deep into the runner stack, and reused goroutines keep their grown
	// stacks.
	probes := make([]*CRshProbe, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(conc, len(todo)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				probes[i] = runCRshProbe(ctx, o.Runner, todo[i], timeout)
			}
		})
	}
	wg.Wait()
	res := make(map[string]*CRshProbe, len(todo))
	for i, h := range todo {
		if probes[i] != nil {
			res[h.Name] = probes[i]
		}
	}
	return res
}

func runCRshProbe(ctx context.Context, r transport.Runner, h *inventory.Host, timeout time.Duration) *CRshProbe {
	p := &CRshProbe{Master: h.Master.Name}
	nim, err := cmdline.NIM(h.NIMName)
	if err != nil {
		p.Err = fmt.Errorf("c_rsh probe: %w", err)
		return p
	}
	p.Command = cmdline.CRsh(nim, cmdline.Build("/usr/bin/hostname"))
	res, err := r.Run(ctx, transport.Command{Host: h.Master.Name, Line: p.Command, Timeout: timeout, MaxOutput: crshProbeMaxOutput})
	if err != nil && !errors.Is(err, transport.ErrTimeout) {
		p.Err = err
		return p
	}
	p.Exit = res.ExitCode
	body, rc, ok := cmdline.ParseRCTrailer(res.Stdout)
	p.RC, p.RCOK = rc, ok
	p.Output = append(append([]byte{}, res.Stdout...), res.Stderr...)
	if err != nil {
		// The master answered, but c_rsh hung: the client did not.
		p.RCOK = false
		p.Output = append(p.Output, []byte(err.Error()+"\n")...)
		return p
	}
	if ok {
		p.Hostname = firstWord(string(body))
	}
	return p
}

func firstWord(s string) string {
	for _, l := range splitLines(s) {
		if l != "" {
			return l
		}
	}
	return ""
}
