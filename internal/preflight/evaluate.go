package preflight

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/report"
)

func splitLines(s string) []string {
	return strings.Split(strings.ReplaceAll(strings.TrimRight(s, "\n"), "\r", ""), "\n")
}

// evaluation runs the checks of one run. A client's checks run as soon as
// its facts and its master's are in (while other hosts are still being
// gathered); the checks that read the whole run (the fleet view, every
// client of a master, the c_rsh probes: Check.AfterGather) run once
// everything is gathered. Clients are evaluated concurrently: masterView
// guards its lazy fields, the memo below its entries.
type evaluation struct {
	o       Options
	now     time.Time
	checks  []*Check
	early   []int // indexes into checks
	late    []int
	masters map[*inventory.Host]*masterState
	states  []*clientState

	mu     sync.Mutex // guards masterState.ready/waiting and memo
	memo   map[string]*memoEntry
	fv     *fleetView
	probes map[string]*CRshProbe
}

type memoEntry struct {
	once sync.Once
	r    check.Result
}

func newEvaluation(o Options, clients, masters []*inventory.Host) *evaluation {
	ev := &evaluation{o: o, now: time.Now(), checks: activeChecks(), masters: map[*inventory.Host]*masterState{}, memo: map[string]*memoEntry{}}
	if o.Now != nil {
		ev.now = o.Now()
	}
	for i, c := range ev.checks {
		if c.AfterGather {
			ev.late = append(ev.late, i)
		} else {
			ev.early = append(ev.early, i)
		}
	}
	for _, mh := range masters {
		st := &masterState{host: mh}
		st.view = &masterView{}
		ev.masters[mh] = st
	}
	for _, h := range clients {
		cs := &clientState{host: h, results: make([]check.Result, len(ev.checks))}
		ev.states = append(ev.states, cs)
		if st := ev.masters[h.Master]; st != nil {
			st.clients = append(st.clients, cs)
			st.view.clients = append(st.view.clients, cs)
		}
	}
	return ev
}

// masterDone records a master's facts (or why there are none) and
// evaluates the clients that were waiting for them.
func (ev *evaluation) masterDone(st *masterState, m *facts.Master, err error) {
	if m == nil {
		if err == nil {
			err = errNotGathered(st.host.Name)
		}
		m = unknownMaster(st.host.Name, err)
	}
	ev.mu.Lock()
	st.m, st.err = m, err
	st.view.m = m
	st.ready = true
	waiting := st.waiting
	st.waiting = nil
	ev.mu.Unlock()
	for _, cs := range waiting {
		ev.evalEarly(cs)
	}
}

// clientDone records a client's facts (or why there are none) and
// evaluates its early checks once its master's facts are in.
func (ev *evaluation) clientDone(cs *clientState, c *facts.Client, err error) {
	if c == nil {
		if err == nil {
			err = errNotGathered(cs.host.Name)
		}
		c = unknownClient(cs.host.Name, facts.PlanFor(cs.host), err)
	}
	cs.c, cs.err = c, err
	st := ev.masters[cs.host.Master]
	ev.mu.Lock()
	if !st.ready {
		st.waiting = append(st.waiting, cs)
		ev.mu.Unlock()
		return
	}
	ev.mu.Unlock()
	ev.evalEarly(cs)
}

// env builds a client's Env; the fleet view is set once gathering ends.
func (ev *evaluation) env(cs *clientState) *Env {
	st := ev.masters[cs.host.Master]
	e := &Env{Host: cs.host, MasterHost: cs.host.Master, C: cs.c, M: st.m, ClientErr: cs.err, MasterErr: st.err, mv: st.view, fv: ev.fv}
	e.Plan = planFor(e)
	return e
}

func (ev *evaluation) evalEarly(cs *clientState) {
	cs.env = ev.env(cs)
	ev.runChecks(cs, ev.early)
}

func (ev *evaluation) runChecks(cs *clientState, idx []int) {
	e := cs.env
	pk := cs.host.Master.Name + "\x00" + planKey(e.Plan)
	for _, i := range idx {
		c := ev.checks[i]
		if c.Scope == check.ScopeMaster {
			cs.results[i] = ev.masterResult(c, c.ID+"\x00"+pk, e)
		} else {
			cs.results[i] = runCheck(c, e)
		}
	}
}

// masterResult computes a master-scoped result once per master and plan;
// the first client to need it computes it, the others wait for it.
func (ev *evaluation) masterResult(c *Check, key string, e *Env) check.Result {
	ev.mu.Lock()
	m, ok := ev.memo[key]
	if !ok {
		m = &memoEntry{}
		ev.memo[key] = m
	}
	ev.mu.Unlock()
	m.once.Do(func() {
		me := *e
		me.Host, me.C, me.ClientErr, me.CRsh = nil, nil, nil, nil
		m.r = runCheck(c, &me)
	})
	return m.r
}

// finish runs the checks that need the whole run, applies the waivers and
// builds the report. Every host must be done (masterDone, clientDone).
func (ev *evaluation) finish(probes map[string]*CRshProbe) *Report {
	ev.fv = newFleetView(ev.states)
	forEach(len(ev.states), func(i int) {
		cs := ev.states[i]
		if cs.env == nil { // its master never reported (cannot happen after a full gather)
			ev.evalEarly(cs)
		}
		cs.crsh = probes[cs.host.Name]
		cs.env.CRsh, cs.env.fv = cs.crsh, ev.fv
		ev.runChecks(cs, ev.late)
	})
	run := ev.o.Waivers.Start(ev.now)
	rep := &report.Report{Command: "nimfleet check", GeneratedAt: ev.now, Inventory: ev.o.Inventory.File}
	rep.Summary.Masters = len(ev.masters)
	for _, c := range ev.checks {
		rep.Checks = append(rep.Checks, report.Check{ID: c.ID, Title: c.Title, Severity: c.Severity, Phase: c.Phase,
			Scope: string(c.Scope), Errors: c.Errors, Fix: c.Fix, Remediation: strings.TrimSpace(c.Remediation), Commands: c.Commands})
	}
	rep.Hosts = make([]report.Host, len(ev.states))
	for i, cs := range ev.states {
		h := report.Host{Host: cs.host.Name, Master: cs.host.Master.Name, Via: string(cs.host.Via), Results: cs.results}
		if cs.err != nil {
			h.Error = tidy(cs.err.Error())
		}
		for j := range h.Results {
			run.Apply(cs.host.Name, &h.Results[j])
		}
		rep.Hosts[i] = h
	}
	if ev.o.Waivers != nil {
		rep.Waivers.File = ev.o.Waivers.File
	}
	rep.Waivers.Unmatched = run.Unmatched()
	rep.Waivers.Expired = run.Expired()
	rep.Finalize()
	return rep
}

// forEach calls f(0..n-1) on one worker per CPU.
func forEach(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// evaluate runs every check on facts gathered beforehand (tests,
// benchmarks, facts saved by hand) and builds the report.
func evaluate(o Options, clients, masters []*inventory.Host, g *gathered) *Report {
	ev := newEvaluation(o, clients, masters)
	for _, mh := range masters {
		ev.masterDone(ev.masters[mh], g.fleet.Masters[mh.Name], g.fleet.Errors[mh.Name])
	}
	forEach(len(ev.states), func(i int) {
		cs := ev.states[i]
		ev.clientDone(cs, g.fleet.Clients[cs.host.Name], g.fleet.Errors[cs.host.Name])
	})
	return ev.finish(g.crsh)
}

// activeChecks are the registered checks that are not deprecated.
func activeChecks() []*Check {
	var out []*Check
	for _, c := range registry.All() {
		if c.Deprecated == "" {
			out = append(out, c)
		}
	}
	return out
}

func planKey(p Plan) string {
	return strings.Join([]string{p.Spot, p.LppSource, p.CacheVG, itoa(p.Slots), p.Target.String(), p.Target.From}, "\x00")
}

// runCheck evaluates one check (applying its levels) and completes the
// result from the metadata: ID, severity, fix action and commands.
func runCheck(c *Check, e *Env) check.Result {
	var r check.Result
	if t := e.Plan.Target; c.Levels.Target != nil && t.Known && !c.Levels.Target(t.Level) {
		r = check.SkipResult("applies to " + c.Levels.Text + "; the target is " + t.String())
	} else {
		r = c.Run(e)
	}
	r.ID = c.ID
	r.Summary, r.Reason = tidy(r.Summary), tidy(r.Reason)
	for i := range r.Evidence {
		for j, l := range r.Evidence[i].Lines {
			if len(l) > maxReason {
				r.Evidence[i].Lines[j] = tidy(l)
			}
		}
	}
	if r.Severity == 0 {
		r.Severity = c.Severity
	}
	if r.Status != check.Fail {
		r.Fix, r.Commands, r.Vars = "", nil, nil
		return r
	}
	if r.Fix == "" && !r.NoFix {
		r.Fix = c.Fix
	}
	if r.NoFix {
		r.Fix = ""
	}
	if r.Commands == nil && len(c.Commands) > 0 {
		vars := e.vars()
		for k, v := range r.Vars {
			vars[k] = v
		}
		for _, cmd := range c.Commands {
			r.Commands = append(r.Commands, check.Expand(cmd, vars))
		}
	}
	r.Vars = nil
	return r
}

// planFor derives a client's migration plan, its target level included.
func planFor(e *Env) Plan {
	h := e.Host
	p := Plan{Spot: h.SPOT, LppSource: h.LPPSource, CacheVG: h.CacheVG, Slots: e.MasterHost.Slots}
	if p.Slots <= 0 {
		p.Slots = inventory.DefaultSlots
	}
	p.Target = targetFor(e, h)
	return p
}

// targetFor resolves the target level: the inventory's target_level, else
// the lpp_source's bos.mp64 level.
func targetFor(e *Env, h *inventory.Host) Target {
	if tl := h.TargetLevel; tl.Form != 0 {
		t := Target{Known: true, From: "inventory target_level",
			Level: aix.Level{V: tl.Version, R: tl.Release}}
		switch {
		case tl.TL < 0:
			t.VROnly = true
			t.Level.Parts = 2
		case tl.SP < 0:
			t.Level.TL, t.Level.Parts = tl.TL, 2
		case tl.Build < 0:
			t.Level.TL, t.Level.SP, t.Level.Parts = tl.TL, tl.SP, 3
		default:
			t.Level.TL, t.Level.SP, t.Level.Build, t.Level.Parts = tl.TL, tl.SP, tl.Build, 4
		}
		file := "the inventory"
		if h.Line > 0 {
			file = "inventory line " + itoa(h.Line)
		}
		t.Ev = check.Evidence{Host: "inventory", Command: file, Lines: []string{"target_level: " + tl.String()}}
		return t
	}
	if h.LPPSource == "" {
		return Target{Reason: "the inventory names neither a target_level nor an lpp_source"}
	}
	f := lookupFact(e.M.LppLevel, h.LPPSource, e.masterReason("nim -o showres "+h.LPPSource))
	lv, ok := f.Get()
	if !ok {
		return Target{Reason: "the inventory has no target_level and the level of lpp_source " + h.LPPSource + " is unknown: " + f.Reason}
	}
	return Target{Known: true, Level: aix.Level{V: lv.V, R: lv.R, TL: lv.M, Parts: 2},
		From: "lpp_source " + h.LPPSource + " (bos.mp64 " + lv.String() + ")",
		Ev:   factEv(e, e.master(), f, 1, "bos.mp64")}
}
