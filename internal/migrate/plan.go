package migrate

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/nimadm"
	"github.com/nimfleet/nimfleet/internal/preflight"
	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/report"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// PlanSchemaVersion versions the JSON of a [Plan] (the journal's plan
// snapshot and `migrate plan --json`). Fields may be added, never change
// meaning.
const PlanSchemaVersion = 1

// Action is what a plan does with a client.
type Action string

// Plan actions.
const (
	// ActionMigrate: the client is ready; nimadm runs in its wave.
	ActionMigrate Action = "migrate"
	// ActionFixFirst: preflight found blockers that all have a safe fix;
	// the run applies the fixes (fresh re-check, audited), checks again,
	// and migrates the client if nothing blocks any more.
	ActionFixFirst Action = "fix-first"
	// ActionExclude: the client is left out, for Reason.
	ActionExclude Action = "exclude"
)

// HostPlan is one client of a plan.
type HostPlan struct {
	Name      string   `json:"name"`
	Master    string   `json:"master"`
	Disks     []string `json:"disks"`
	SPOT      string   `json:"spot"`
	LPPSource string   `json:"lpp_source"`
	CacheVG   string   `json:"cache_vg,omitempty"`
	// Level is the client's level now (oslevel -s); Target the level it
	// migrates to (the inventory's target_level, else the lpp_source's).
	Level  string `json:"level,omitempty"`
	Target string `json:"target,omitempty"`
	// RootvgUsedMB is the rootvg used size from the facts.
	RootvgUsedMB int `json:"rootvg_used_mb"`
	// CacheMB is the cache VG space the run holds while it runs (0 in NFS
	// mode): the rootvg's file systems rounded to the cache VG's
	// partitions, the rest of rootvg, and the migration's growth.
	CacheMB int `json:"cache_mb,omitempty"`
	// Expected is the duration model's estimate of one nimadm run.
	Expected time.Duration `json:"expected"`
	// Wave is the number of the plan wave (the canary wave is 1), 0 when
	// excluded.
	Wave   int    `json:"wave,omitempty"`
	Action Action `json:"action"`
	// Fixes are the FIX- actions a fix-first client gets before nimadm.
	Fixes []string `json:"fixes,omitempty"`
	// Blockers are the preflight checks that block the client.
	Blockers []string `json:"blockers,omitempty"`
	// Reason says why a client is excluded or what is fixed first.
	Reason string `json:"reason,omitempty"`
}

// MasterInfo is a master of a plan.
type MasterInfo struct {
	Name  string `json:"name"`
	Slots int    `json:"slots"`
	// CacheVG is the cache VG its clients use ("" in NFS mode);
	// CacheFreeMB its free space from the facts (0 when unknown).
	CacheVG     string `json:"cache_vg,omitempty"`
	CacheFreeMB int    `json:"cache_free_mb,omitempty"`
	// Clients counts the clients to migrate; Work is their expected
	// durations summed.
	Clients int           `json:"clients"`
	Work    time.Duration `json:"work"`
}

// Plan is what a migration will do: which clients migrate on which
// master, with which disk, SPOT, lpp_source and cache VG, in which wave;
// which are fixed first; which are left out and why. It marshals to JSON
// (schema_version 1) and is the run's plan snapshot in the journal.
type Plan struct {
	SchemaVersion int       `json:"schema_version"`
	Created       time.Time `json:"created"`
	Inventory     string    `json:"inventory"`
	// Preflight is false when the checks were skipped (--skip-preflight).
	Preflight bool `json:"preflight"`
	AutoFix   bool `json:"auto_fix"`
	Reboot    bool `json:"reboot"`
	// Schedule is the scheduler's plan: policy, waves, master limits.
	Schedule *sched.Plan `json:"schedule"`
	// Hosts lists every selected client in inventory order.
	Hosts   []HostPlan   `json:"hosts"`
	Masters []MasterInfo `json:"masters"`
	// LowerBound is the makespan no schedule can beat with the expected
	// durations (sched.Plan.LowerBound).
	LowerBound time.Duration `json:"lower_bound"`
}

// Host returns the plan of client name, nil if it is not in the plan.
func (p *Plan) Host(name string) *HostPlan {
	for i := range p.Hosts {
		if p.Hosts[i].Name == name {
			return &p.Hosts[i]
		}
	}
	return nil
}

// Count returns how many clients the plan gives each action.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, h := range p.Hosts {
		if h.Action == a {
			n++
		}
	}
	return n
}

// PlanOptions configure [NewPlan].
type PlanOptions struct {
	// Inventory is the resolved inventory (required).
	Inventory *inventory.Inventory
	// Hosts are the selected hosts; nil means every client. A master
	// stands for its clients.
	Hosts []*inventory.Host
	// Runner reaches the fleet (read-only commands only).
	Runner transport.Runner
	// Policy is the rollout policy.
	Policy sched.Policy
	// AutoFix plans safe fixes for clients whose blockers all have one;
	// without it such clients are excluded.
	AutoFix bool
	// Reboot is recorded in the plan (the run reboots onto the new disk).
	Reboot bool
	// SkipPreflight skips the checks: only the facts the plan needs are
	// gathered, and nimadm finds what is wrong.
	SkipPreflight bool
	// Waivers accept known preflight findings.
	Waivers *check.Waivers
	// Journal, when set, leaves out clients it shows migrated already.
	Journal journal.Journal
	// Concurrency bounds the hosts gathered at once; 0 means 64.
	Concurrency int
	// GatherTimeout bounds one host's facts; 0 means the facts default.
	GatherTimeout time.Duration
	// Now stamps the plan; nil means time.Now.
	Now func() time.Time
	// Model estimates durations; the zero value is the default model.
	Model nimadm.Model
}

// NewPlan gathers the facts the plan needs (rootvg used sizes, the cache
// VGs' free space, levels) and, unless o.SkipPreflight, runs the
// preflight checks at the same time; then it decides each client's
// action and schedules the ones that migrate. Hosts that cannot be
// reached or are blocked are results (excluded, with the reason), not
// errors.
func NewPlan(ctx context.Context, o PlanOptions) (*Plan, error) {
	if o.Inventory == nil || o.Runner == nil {
		return nil, errors.New("plan: an inventory and a runner are required")
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	clients, masters := o.Inventory.ClientsOf(o.Hosts)
	if len(clients) == 0 {
		return nil, errors.New("plan: no client selected")
	}
	var (
		fleet *facts.Fleet
		rep   *report.Report
		err   error
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		g := &facts.Gatherer{Runner: o.Runner, Timeout: o.GatherTimeout}
		fleet = g.Fleet(ctx, append(append([]*inventory.Host{}, masters...), clients...), o.Concurrency)
	})
	if !o.SkipPreflight {
		wg.Go(func() {
			rep, err = preflight.Run(ctx, preflight.Options{Runner: o.Runner, Inventory: o.Inventory, Hosts: clients,
				Waivers: o.Waivers, Concurrency: o.Concurrency, GatherTimeout: o.GatherTimeout, Now: now})
		})
	}
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("plan: preflight: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return buildPlan(o, now(), clients, masters, fleet, rep)
}

// buildPlan decides the actions and schedules the migrating clients.
func buildPlan(o PlanOptions, created time.Time, clients, masters []*inventory.Host, fleet *facts.Fleet, rep *report.Report) (*Plan, error) {
	p := &Plan{SchemaVersion: PlanSchemaVersion, Created: created.UTC(), Inventory: o.Inventory.File,
		Preflight: rep != nil, AutoFix: o.AutoFix, Reboot: o.Reboot}
	pre := map[string]*report.Host{}
	if rep != nil {
		for i := range rep.Hosts {
			pre[rep.Hosts[i].Host] = &rep.Hosts[i]
		}
	}
	var states map[string]journal.HostState
	if o.Journal != nil {
		hs, err := o.Journal.Hosts()
		if err != nil {
			return nil, fmt.Errorf("plan: journal: %w", err)
		}
		states = map[string]journal.HostState{}
		for _, h := range hs {
			states[h.Host] = h
		}
	}
	var sc []sched.Client
	for _, h := range clients {
		hp := HostPlan{Name: h.Name, Master: h.Master.Name, Disks: append([]string{}, h.Disks...), SPOT: h.SPOT,
			LPPSource: h.LPPSource, CacheVG: h.CacheVG, Action: ActionMigrate}
		c := fleet.Clients[h.Name]
		m := fleet.Masters[h.Master.Name]
		if c != nil {
			if v, ok := c.OSLevel.Get(); ok {
				hp.Level = v.String()
			}
			if v, ok := c.Rootvg.Get(); ok {
				hp.RootvgUsedMB = v.UsedMB
			}
		}
		hp.Target = targetOf(h, m)
		if h.CacheVG != "" {
			hp.CacheMB = cacheNeedMB(c, m, h.CacheVG, hp.RootvgUsedMB)
		}
		hp.Expected = o.Model.Total(nimadm.Workload{RootvgUsedMB: hp.RootvgUsedMB, Cache: h.CacheVG != ""})
		decide(&hp, o, h, c, fleet.Errors[h.Name], pre[h.Name], states)
		cl := sched.ClientFromHost(h)
		cl.RootvgUsedMB, cl.Expected = hp.RootvgUsedMB, hp.Expected
		if hp.CacheMB > 0 {
			// The scheduler reserves RootvgUsedMB plus its margin.
			cl.RootvgUsedMB = max(hp.CacheMB-sched.DefaultMarginMB, 0)
		}
		if hp.Action == ActionExclude {
			cl.Excluded, cl.Reason = true, hp.Reason
		}
		sc = append(sc, cl)
		p.Hosts = append(p.Hosts, hp)
	}
	var sm []sched.Master
	for _, mh := range masters {
		mi := MasterInfo{Name: mh.Name, Slots: mh.Slots}
		for _, c := range mh.Clients {
			if c.CacheVG != "" {
				mi.CacheVG = c.CacheVG
				break
			}
		}
		if m := fleet.Masters[mh.Name]; m != nil && mi.CacheVG != "" {
			if f, ok := m.CacheVGs[mi.CacheVG]; ok {
				if v, ok := f.Get(); ok {
					mi.CacheFreeMB = v.FreeMB
				}
			}
		}
		p.Masters = append(p.Masters, mi)
		x := sched.MasterFromHost(mh)
		x.CacheFreeMB = mi.CacheFreeMB
		sm = append(sm, x)
	}
	sp, err := sched.NewPlan(sc, sm, o.Policy)
	if err != nil {
		return nil, err
	}
	p.Schedule = sp
	p.syncFromSchedule()
	return p, nil
}

// syncFromSchedule copies the waves, the scheduler's own exclusions (a
// client too big for its master's cache VG) and the master totals from
// the schedule into the host list.
func (p *Plan) syncFromSchedule() {
	wave := map[string]int{}
	for _, w := range p.Schedule.Waves {
		for _, h := range w.Hosts {
			wave[h.Name] = w.Number
		}
	}
	excl := map[string]string{}
	for _, e := range p.Schedule.Excluded {
		excl[e.Host] = e.Reason
	}
	for i := range p.Hosts {
		h := &p.Hosts[i]
		h.Wave = wave[h.Name]
		if h.Wave == 0 && h.Action != ActionExclude {
			h.Action, h.Reason, h.Fixes = ActionExclude, excl[h.Name], nil
		}
	}
	for i := range p.Masters {
		for _, m := range p.Schedule.Masters {
			if m.Name == p.Masters[i].Name {
				p.Masters[i].Slots, p.Masters[i].Clients, p.Masters[i].Work = m.Slots, m.Hosts, m.Work
			}
		}
	}
	p.LowerBound = p.Schedule.LowerBound()
}

// decide sets the action of one client from what was gathered, the
// preflight results and the journal.
func decide(hp *HostPlan, o PlanOptions, h *inventory.Host, c *facts.Client, gatherErr error, pre *report.Host, states map[string]journal.HostState) {
	exclude := func(format string, a ...any) {
		hp.Action, hp.Reason, hp.Fixes = ActionExclude, fmt.Sprintf(format, a...), nil
	}
	if st, ok := states[h.Name]; ok {
		switch st.State {
		case journal.StateSucceeded, journal.StateRebooting, journal.StateVerifying, journal.StateVerified:
			exclude("already migrated (%s in run %s)", st.State, st.Run)
			return
		case journal.StateStarting, journal.StateRunning, journal.StateRetrying:
			exclude("a nimadm of run %s may still run (%s): resume that run", st.Run, st.State)
			return
		}
	}
	if pre != nil {
		if pre.Error != "" {
			exclude("not reached: %s", pre.Error)
			return
		}
		var blocks []check.Result
		for _, r := range pre.Results {
			if r.Blocks() {
				blocks = append(blocks, r)
			}
		}
		if len(blocks) == 0 {
			return
		}
		fixable := true
		var fixes, why []string
		for _, r := range blocks {
			hp.Blockers = append(hp.Blockers, r.ID)
			s := r.ID
			if r.Summary != "" {
				s += " " + strings.TrimSuffix(r.Summary, ".")
			}
			why = append(why, s)
			if r.Status != check.Fail || r.Fix == "" || r.NoFix {
				fixable = false
				continue
			}
			fixes = append(fixes, r.Fix)
		}
		fixes = orderFixes(fixes)
		switch {
		case fixable && o.AutoFix:
			hp.Action, hp.Fixes = ActionFixFirst, fixes
			hp.Reason = "fix first: " + strings.Join(fixes, ", ") + " (" + strings.Join(why, "; ") + ")"
		case fixable:
			exclude("blocked: %s; 'nimfleet fix' repairs it (%s), or run with --auto-fix", strings.Join(why, "; "), strings.Join(fixes, ", "))
		default:
			exclude("blocked: %s", strings.Join(why, "; "))
		}
		return
	}
	// Preflight skipped: only what the plan itself needs.
	if c == nil {
		why := "facts not gathered"
		if gatherErr != nil {
			why = gatherErr.Error()
		}
		exclude("not reached: %s", why)
		return
	}
	if _, ok := c.Rootvg.Get(); !ok {
		exclude("rootvg size unknown: %s", c.Rootvg.Reason)
	}
}

// orderFixes returns the distinct fixes in the remediation engine's order.
func orderFixes(ids []string) []string {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []string
	for _, a := range remediate.All() {
		if want[a.ID()] {
			out = append(out, a.ID())
			delete(want, a.ID())
		}
	}
	rest := make([]string, 0, len(want))
	for id := range want {
		rest = append(rest, id)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// targetOf returns the level client h migrates to: the inventory's
// target_level, else the lpp_source's bos.mp64 level as VR00-TT.
func targetOf(h *inventory.Host, m *facts.Master) string {
	if h.TargetLevel.Form != 0 {
		return h.TargetLevel.String()
	}
	if m == nil || h.LPPSource == "" {
		return ""
	}
	if f, ok := m.LppLevel[h.LPPSource]; ok {
		if v, ok := f.Get(); ok {
			return fmt.Sprintf("%d%d00-%02d", v.V, v.R, v.M)
		}
	}
	return ""
}

// levelReached reports whether the level got (oslevel -s) is the target
// want ("VR00-TT[-SS[-YYWW]]" or "V.R") at the precision want gives.
func levelReached(got aix.Level, want string) bool {
	if want == "" {
		return true
	}
	if len(want) == 3 && want[1] == '.' {
		return fmt.Sprintf("%d.%d", got.V, got.R) == want
	}
	w, err := aix.ParseLevel(want)
	if err != nil {
		return false
	}
	if got.V != w.V || got.R != w.R || got.TL != w.TL {
		return false
	}
	if w.Parts >= 3 && got.SP != w.SP {
		return false
	}
	return w.Parts < 4 || got.Build == w.Build
}

// growthMB is what a migration adds to rootvg: IBM asks for about 500 MB
// more than rootvg (nimadm.md §4.1 item 5); nimfleet uses 512 MB (errors.md
// E09, the preflight's figure) [U].
const growthMB = 512

// cacheNeedMB estimates the cache VG space a client's run holds [U: IBM
// gives no formula; errors.md E12]: each rootvg file system rounded up to
// the cache VG's partition size, the rest of rootvg, the growth rounded
// up, and one partition of slack. Without the facts it needs, it is the
// rootvg used size plus the growth.
func cacheNeedMB(c *facts.Client, m *facts.Master, vg string, usedMB int) int {
	need := usedMB + growthMB
	if c == nil || m == nil {
		return need
	}
	cv, ok := m.CacheVGs[vg]
	if !ok {
		return need
	}
	info, ok := cv.Get()
	root, rok := c.Rootvg.Get()
	lvs, lok := c.RootvgLVs.Get()
	if !ok || !rok || !lok || info.PPSizeMB <= 0 || root.PPSizeMB <= 0 {
		return need
	}
	pp := info.PPSizeMB
	up := func(n int) int { return (n + pp - 1) / pp * pp }
	total, fs, rounded := 0, 0, 0
	for _, lv := range lvs.LVs {
		mb := lv.LPs * root.PPSizeMB
		total += mb
		if (lv.Type == "jfs2" || lv.Type == "jfs") && lv.MountPoint != "" &&
			lv.MountPoint != "/bos_inst" && !strings.HasPrefix(lv.MountPoint, "/bos_inst/") {
			fs += mb
			rounded += up(mb)
		}
	}
	return total - fs + rounded + up(growthMB) + pp
}
