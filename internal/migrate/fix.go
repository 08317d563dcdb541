package migrate

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/preflight"
	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/report"
)

// applyFixes runs the remediation actions ids (and their follow-ups) on
// clients, and on their masters for master actions, through the
// remediation engine: fresh facts, the precondition re-checked, the
// commands through the audited runner, fresh facts again to confirm. Each
// action fixed is journaled on the client it was for. It returns, per
// client, what stands in the way ("" when every needed action is fixed).
func (m *Orchestrator) applyFixes(ctx context.Context, clients []*inventory.Host, ids []string, why string) (problems map[string]string, unreachable map[string]bool, err error) {
	acts, err := remediate.Select(ids)
	if err != nil {
		return nil, nil, err
	}
	hosts := append([]*inventory.Host{}, clients...)
	masterActs := false
	for _, a := range acts {
		masterActs = masterActs || a.Role() == inventory.RoleMaster
	}
	if masterActs {
		seen := map[*inventory.Host]bool{}
		for _, c := range clients {
			if c.Master != nil && !seen[c.Master] {
				seen[c.Master] = true
				hosts = append(hosts, c.Master)
			}
		}
	}
	env := &remediate.Env{Runner: m.o.Runner, Gatherer: &facts.Gatherer{Runner: m.o.Runner, Timeout: m.o.GatherTimeout}, Now: m.clock.Now}
	rep := remediate.Run(ctx, hosts, remediate.Options{Env: env, Actions: acts, Approvals: m.o.Approvals, Concurrency: m.o.Concurrency})
	byHost := map[string]*remediate.HostResult{}
	for i := range rep.Hosts {
		byHost[rep.Hosts[i].Host] = &rep.Hosts[i]
	}
	problems, unreachable = map[string]string{}, map[string]bool{}
	for _, c := range clients {
		var probs []string
		passing := true // every problem so far is a host not reached
		results := []*remediate.HostResult{byHost[c.Name]}
		if masterActs && c.Master != nil {
			results = append(results, byHost[c.Master.Name])
		}
		for _, hr := range results {
			if hr == nil {
				continue
			}
			where := ""
			if hr.Host != c.Name {
				where = " on " + hr.Host
			}
			if hr.Error != "" {
				probs = append(probs, hr.Host+": "+hr.Error)
				passing = passing && (hr.ErrorClass == "unreachable" || hr.ErrorClass == "conn_lost")
				continue
			}
			for _, a := range hr.Actions {
				switch {
				case a.Status == remediate.StatusFixed:
					data, _ := json.Marshal(a)
					if err := m.record(journal.Event{Kind: journal.KindFix, Host: c.Name, Fix: a.ID,
						Detail: clip(fmt.Sprintf("%s%s %s: %s", a.Title, where, why, commandsOf(a))), Data: data}); err != nil {
						return nil, nil, err
					}
				case a.Status.Attention():
					probs = append(probs, fmt.Sprintf("%s%s %s: %s", a.ID, where, a.Status, a.Reason))
					passing = false
				}
			}
		}
		problems[c.Name] = strings.Join(probs, "; ")
		unreachable[c.Name] = len(probs) > 0 && passing
	}
	return problems, unreachable, nil
}

func commandsOf(a remediate.ActionResult) string {
	var cs []string
	for _, c := range a.Commands {
		cs = append(cs, c.Host+": "+c.Line)
	}
	if len(cs) == 0 {
		return "no command"
	}
	return strings.Join(cs, "; ")
}

// blockers returns the blocking results of a preflight host, whether all
// have a safe fix, the fixes, and a one-line description.
func blockers(h *report.Host) (ids []string, fixable bool, fixes []string, desc string) {
	if h.Error != "" {
		return nil, false, nil, "not reached: " + h.Error
	}
	fixable = true
	var why []string
	for _, r := range h.Results {
		if !r.Blocks() {
			continue
		}
		ids = append(ids, r.ID)
		why = append(why, r.ID+" "+strings.TrimSuffix(r.Summary, "."))
		if r.Status != check.Fail || r.Fix == "" || r.NoFix {
			fixable = false
			continue
		}
		fixes = append(fixes, r.Fix)
	}
	return ids, fixable && len(ids) > 0, orderFixes(fixes), strings.Join(why, "; ")
}

// prefix applies, before any nimadm of the run, the fixes the plan calls
// for (fix-first clients): preflight again on fresh facts, the fixes, and
// preflight once more; a client whose blockers are gone is planned, the
// others are excluded with the reason. On resume it finishes what a
// crash interrupted (it is idempotent: a fixed client has nothing left to
// fix).
func (m *Orchestrator) prefix(ctx context.Context) error {
	var todo []*inventory.Host
	for _, hp := range m.plan.Hosts {
		if hp.Action != ActionFixFirst {
			continue
		}
		hs, err := m.hostState(hp.Name)
		if err != nil {
			return err
		}
		if hs.Run == m.runID && (hs.State == journal.StatePlanned || hs.State == journal.StateFixing) && m.attemptsThisRun(hs) == 0 && len(hs.Attempts) == countOtherRuns(hs, m.runID) {
			todo = append(todo, m.o.Inventory.Host(hp.Name))
		}
	}
	if len(todo) == 0 || ctx.Err() != nil {
		return nil
	}
	pre := func(hosts []*inventory.Host) (map[string]*report.Host, error) {
		rep, err := preflight.Run(ctx, preflight.Options{Runner: m.o.Runner, Inventory: m.o.Inventory, Hosts: hosts,
			Waivers: m.o.Waivers, Concurrency: m.o.Concurrency, GatherTimeout: m.o.GatherTimeout, Now: m.clock.Now})
		if err != nil {
			return nil, err
		}
		out := map[string]*report.Host{}
		for i := range rep.Hosts {
			out[rep.Hosts[i].Host] = &rep.Hosts[i]
		}
		return out, nil
	}
	first, err := pre(todo)
	if err != nil || ctx.Err() != nil {
		return err
	}
	var fix []*inventory.Host
	var ids []string
	for _, h := range todo {
		ph := first[h.Name]
		if ph == nil {
			continue
		}
		bl, fixable, fixes, desc := blockers(ph)
		switch {
		case len(bl) == 0 && ph.Error == "":
			if err := m.moveTo(h.Name, journal.StatePlanned, "preflight passes; nothing to fix"); err != nil {
				return err
			}
		case fixable && m.plan.AutoFix:
			if err := m.moveTo(h.Name, journal.StateFixing, "fix first: "+strings.Join(fixes, ", ")+" ("+desc+")"); err != nil {
				return err
			}
			fix = append(fix, h)
			ids = append(ids, fixes...)
		default:
			if err := m.moveTo(h.Name, journal.StateExcluded, "blocked: "+desc); err != nil {
				return err
			}
		}
	}
	if len(fix) == 0 {
		return nil
	}
	probs, _, err := m.applyFixes(ctx, fix, orderFixes(ids), "before the first nimadm run")
	if err != nil || ctx.Err() != nil {
		return err
	}
	var recheck []*inventory.Host
	for _, h := range fix {
		if p := probs[h.Name]; p != "" {
			if err := m.setState(h.Name, journal.StateExcluded, "fix not applied: "+p); err != nil {
				return err
			}
			continue
		}
		recheck = append(recheck, h)
	}
	if len(recheck) == 0 {
		return nil
	}
	second, err := pre(recheck)
	if err != nil || ctx.Err() != nil {
		return err
	}
	for _, h := range recheck {
		ph := second[h.Name]
		if ph == nil {
			continue
		}
		if bl, _, _, desc := blockers(ph); len(bl) > 0 || ph.Error != "" {
			if err := m.setState(h.Name, journal.StateExcluded, "still blocked after the fixes: "+desc); err != nil {
				return err
			}
			continue
		}
		hs, err := m.hostState(h.Name)
		if err != nil {
			return err
		}
		var done []string
		for _, f := range hs.Fixes {
			done = append(done, f.Fix)
		}
		if err := m.setState(h.Name, journal.StatePlanned, "fixed ("+strings.Join(orderFixes(done), ", ")+"); preflight passes"); err != nil {
			return err
		}
	}
	return nil
}

// countOtherRuns counts the host's attempts of earlier runs.
func countOtherRuns(hs journal.HostState, run string) int {
	n := 0
	for _, a := range hs.Attempts {
		if a.Run != run {
			n++
		}
	}
	return n
}
