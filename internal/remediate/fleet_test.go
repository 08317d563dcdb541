package remediate_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// fixFor maps the lab's faults to the action that repairs them. All are
// marked fixable in the lab's truth except altinst_rootvg_exists (a clone
// may be kept on purpose; nimfleet removes it only when it is provably
// stale) and old_rootvg_exists (needs an approval, like efix_locks).
var fixFor = map[string]string{
	sim.FaultBosInstLeftover:  "FIX-BOSINST",
	sim.FaultMultibosStandby:  "FIX-MULTIBOS",
	sim.FaultBLVLevelZero:     "FIX-BOSBOOT",
	sim.FaultNoPVID:           "FIX-PVID",
	sim.FaultNimshDown:        "FIX-NIMSH",
	sim.FaultCstateNotReady:   "FIX-NIMRESET",
	sim.FaultUnmountedFS:      "FIX-MOUNT",
	sim.FaultCacheVGVariedOff: "FIX-VARYON",
	sim.FaultEfixLocks:        "FIX-EFIX",
	sim.FaultAltinstExists:    "FIX-ALTINST",
	sim.FaultOldRootvgExists:  "FIX-OLDROOTVG",
}

// gone checks, with plain AIX commands on the lab host (not the product's
// facts), that a fault is no longer present.
func (g *rig) gone(host, master, fault string) (bool, string) {
	out := func(h, line string) string { o, _ := g.exec(h, line); return o }
	switch fault {
	case sim.FaultBosInstLeftover:
		o, rc := g.exec(host, "ls -ld /bos_inst")
		return rc != 0, o
	case sim.FaultMultibosStandby:
		o := out(host, "lsvg -l rootvg")
		_, rc := g.exec(host, "ls -ld /bos_inst")
		return !strings.Contains(o, "bos_hd5") && !strings.Contains(o, "/bos_inst") && rc != 0, o
	case sim.FaultBLVLevelZero:
		o := out(host, "/usr/lpp/bosinst/blvset -d /dev/ipldevice -g level")
		return strings.TrimSpace(o) != "0.0", o
	case sim.FaultNoPVID:
		o := out(host, "lspv")
		for _, l := range strings.Split(o, "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "hdisk1" {
				return f[1] != "none", o
			}
		}
		return false, o
	case sim.FaultNimshDown:
		o := out(host, "lssrc -s nimsh")
		return strings.Contains(o, " active") && !strings.Contains(o, "inoperative"), o
	case sim.FaultCstateNotReady:
		o := out(master, "lsnim -l "+host)
		return strings.Contains(o, "Cstate         = ready for a NIM operation") || strings.Contains(o, "Cstate = ready for a NIM operation"), o
	case sim.FaultUnmountedFS:
		o := out(host, "lsvg -l rootvg")
		for _, l := range strings.Split(o, "\n") {
			f := strings.Fields(l)
			if len(f) == 7 && (f[1] == "jfs2" || f[1] == "jfs") && !strings.HasPrefix(f[6], "/bos_inst") && strings.HasPrefix(f[5], "closed/") {
				return false, o
			}
		}
		return true, o
	case sim.FaultCacheVGVariedOff:
		o := out(host, "lsvg -o")
		return strings.Contains(o, "nimadmvg"), o
	case sim.FaultEfixLocks:
		o := out(host, "emgr -P")
		return strings.TrimSpace(o) == "", o
	case sim.FaultAltinstExists:
		o := out(host, "lspv")
		return !strings.Contains(o, "altinst_rootvg"), o
	case sim.FaultOldRootvgExists:
		o := out(host, "lspv")
		return !strings.Contains(o, "old_rootvg"), o
	}
	return false, "no predicate for " + fault
}

// blockers are injected faults that legitimately stop an action: the
// host cannot be reached or its LVM answers nothing, or the precondition
// of that particular action fails.
var blockers = map[string][]string{
	"*":            {sim.FaultUnreachable, sim.FaultRootvgLocked},
	"FIX-MULTIBOS": {sim.FaultStaleRootvg},
	"FIX-BOSBOOT":  {sim.FaultBadIPLDevice},
	"FIX-EFIX":     {sim.FaultEfixRebootPending},
	"FIX-NIMSH":    {sim.FaultRshBroken},
}

func blocked(faults []string, id string) string {
	for _, b := range append(append([]string(nil), blockers["*"]...), blockers[id]...) {
		for _, f := range faults {
			if f == b {
				return b
			}
		}
	}
	return ""
}

// TestFleet200 is the acceptance test on a generated 200-client
// fleet with the realistic fault mix: the dry run changes nothing;
// --apply clears every fault a fix exists for (the destructive ones with
// approvals taken from the plan's own lines), and every snapshot changed
// only where a fix meant to; a second --apply sends no state-changing
// command.
func TestFleet200(t *testing.T) {
	cfg := sim.Generate(sim.GenOptions{Clients: 200, Masters: 2, Seed: 16, MasterFaultRate: 1})
	cfg.TimeScale = 1e9
	g := newRig(t, cfg, "ssh")
	truth := map[string][]string{}
	masterOf := map[string]string{}
	injected := map[string]int{}
	for _, h := range g.k.Lab.Truth().Hosts {
		for _, f := range h.Faults {
			truth[h.Host] = append(truth[h.Host], f.Name)
			if fixFor[f.Name] != "" {
				injected[f.Name]++
			}
		}
		masterOf[h.Host] = h.Master
	}
	for _, f := range sim.Faults() {
		if f.Fixable && fixFor[f.Name] == "" {
			t.Errorf("the lab marks %s fixable (%s), but no action is mapped to it", f.Name, f.Fix)
		}
	}
	for f := range fixFor {
		if injected[f] == 0 {
			t.Errorf("the generated fleet has no %s; pick another seed", f)
		}
	}
	before := g.snapshots()

	// 1. The plan changes nothing.
	plan := g.run(runOpts{dry: true})
	if m := plan.mutations(); len(m) > 0 {
		t.Fatalf("dry run executed %d state-changing commands, first %+v", len(m), m[0])
	}
	for h, s := range g.snapshots() {
		if s != before[h] {
			t.Errorf("dry run changed %s: %v", h, snapDiff(before[h], s))
		}
	}
	var wouldRun, recorded []string
	var approvalLines []string
	for _, h := range plan.rep.Hosts {
		for _, a := range h.Actions {
			switch a.Status {
			case remediate.StatusWouldRun:
				for _, c := range a.Commands {
					if !c.DryRun {
						t.Errorf("%s %s: command %q not marked dry_run", h.Host, a.ID, c.Line)
					}
					wouldRun = append(wouldRun, c.Host+": "+c.Line)
				}
			case remediate.StatusNeedsApproval:
				approvalLines = append(approvalLines, a.Approval)
			case remediate.StatusFixed, remediate.StatusFailed:
				t.Errorf("dry run: %s %s is %s", h.Host, a.ID, a.Status)
			}
		}
	}
	for _, c := range plan.plan {
		recorded = append(recorded, c.Host+": "+c.Line)
	}
	sort.Strings(wouldRun)
	sort.Strings(recorded)
	if strings.Join(wouldRun, "\n") != strings.Join(recorded, "\n") {
		t.Errorf("the dry-run decorator recorded\n%s\nthe report says would run\n%s", strings.Join(recorded, "\n"), strings.Join(wouldRun, "\n"))
	}
	if len(approvalLines) == 0 {
		t.Fatal("no action needs approval in the plan")
	}

	// 2. Approve the destructive ones with the plan's own lines.
	file := "approvals:\n"
	for _, l := range approvalLines {
		l = strings.Replace(l, "<name>", "fleet-test", 1)
		l = strings.Replace(l, "<why>", "rehearsal in the lab", 1)
		file += "  " + l + "\n"
	}
	approvals := func() *remediate.Approvals {
		a, err := remediate.ParseApprovals("approvals.yaml", []byte(file))
		if err != nil {
			t.Fatalf("the plan's approval lines do not parse: %v\n%s", err, file)
		}
		return a
	}

	// 3. Apply.
	applied := g.run(runOpts{approvals: approvals()})
	if u := applied.rep.UnusedApprovals; len(u) > 0 {
		t.Errorf("unused approvals: %+v", u[0])
	}
	after := g.snapshots()
	fixedOn := map[string]fixed{}
	fixedCount := map[string]int{}
	for _, h := range applied.rep.Hosts {
		f := fixedOn[h.Host]
		if f.actions == nil {
			f = fixed{actions: map[string]bool{}, nimReset: map[string]bool{}, target: "hdisk1"}
		}
		for _, a := range h.Actions {
			switch a.Status {
			case remediate.StatusFixed:
				f.actions[a.ID] = true
				fixedCount[a.ID]++
				if a.ID == "FIX-NIMRESET" {
					m := fixedOn[h.Master]
					if m.actions == nil {
						m = fixed{actions: map[string]bool{}, nimReset: map[string]bool{}}
					}
					m.nimReset[h.Host] = true
					fixedOn[h.Master] = m
				}
			case remediate.StatusFailed, remediate.StatusSkipped, remediate.StatusWouldRun:
				t.Errorf("%s %s: %s: %s", h.Host, a.ID, a.Status, a.Reason)
			}
		}
		if h.Error != "" && blocked(truth[h.Host], "") == "" && !strings.Contains(strings.Join(truth[h.Host], ","), "unreachable") {
			t.Errorf("%s (faults %v): %s", h.Host, truth[h.Host], h.Error)
		}
		// A host the lab made unreachable says so in ErrorClass, which
		// the migration uses to wait an outage out.
		if slices.Contains(truth[h.Host], sim.FaultUnreachable) && (h.Error == "" || h.ErrorClass != "unreachable") {
			t.Errorf("%s (faults %v): error %q class %q, want class unreachable", h.Host, truth[h.Host], h.Error, h.ErrorClass)
		}
		fixedOn[h.Host] = f
	}

	// Every fault with a fix is gone, unless another injected fault
	// legitimately blocks the fix; checked with plain AIX commands.
	cleared := map[string]int{}
	for host, faults := range truth {
		for _, fault := range faults {
			id := fixFor[fault]
			if id == "" {
				continue
			}
			ok, evidence := g.gone(host, masterOf[host], fault)
			if ok {
				cleared[fault]++
				continue
			}
			if b := blocked(faults, id); b != "" {
				t.Logf("%s: %s stays, blocked by %s (%s)", host, fault, b, actionStatus(applied, host, id))
				continue
			}
			t.Errorf("%s (faults %v): %s not cleared by %s (%s):\n%s", host, faults, fault, id, actionStatus(applied, host, id), evidence)
		}
	}

	// Snapshots changed only where a fix meant to, and every fix changed
	// something.
	for host, s := range after {
		diff := snapDiff(before[host], s)
		f := fixedOn[host]
		for _, c := range diff {
			if !f.explained(c) {
				t.Errorf("%s: unexpected change %v (fixed %v)", host, c, keys(f.actions))
			}
		}
		for id := range f.actions {
			if id == "FIX-NIMRESET" {
				continue // it changes the master
			}
			if !changedBy(f, id, diff) {
				t.Errorf("%s: %s fixed, but nothing in the snapshot changed for it", host, id)
			}
		}
		for client := range f.nimReset {
			if !changedBy(fixed{nimReset: map[string]bool{client: true}}, "", diff) {
				t.Errorf("%s: FIX-NIMRESET of %s fixed, but its NIM object did not change", host, client)
			}
		}
	}

	// 4. Again: nothing to do, nothing sent.
	again := g.run(runOpts{approvals: approvals()})
	if m := again.mutations(); len(m) > 0 {
		t.Errorf("second --apply sent %d state-changing commands, first %s: %s", len(m), m[0].Host, m[0].Line)
	}
	for _, h := range again.rep.Hosts {
		for _, a := range h.Actions {
			if a.Status == remediate.StatusFixed || a.Status == remediate.StatusWouldRun || a.Status == remediate.StatusFailed {
				t.Errorf("second run: %s %s is %s", h.Host, a.ID, a.Status)
			}
		}
	}
	for h, s := range g.snapshots() {
		if s != after[h] {
			t.Errorf("second run changed %s: %v", h, snapDiff(after[h], s))
		}
	}

	for _, h := range applied.rep.Hosts {
		for _, a := range h.Actions {
			if a.Status.Attention() {
				t.Logf("%s (faults %v): %s %s: %s", h.Host, truth[h.Host], a.ID, a.Status, a.Reason)
			}
		}
		if h.Error != "" {
			t.Logf("%s (faults %v): %s", h.Host, truth[h.Host], h.Error)
		}
	}
	var summary []string
	for _, f := range sortedKeys(injected) {
		summary = append(summary, fmt.Sprintf("%s %d/%d (%s fixed %d)", f, cleared[f], injected[f], fixFor[f], fixedCount[fixFor[f]]))
	}
	t.Logf("faults cleared/injected: %s", strings.Join(summary, ", "))
	c, hostErrs := applied.rep.Counts()
	t.Logf("apply: %v, %d hosts not reachable; %d state-changing commands", c, hostErrs, len(applied.mutations()))
}

// changedBy reports whether some change is explained by action id alone
// (by the NIM resets of f when id is empty).
func changedBy(f fixed, id string, diff []change) bool {
	only := fixed{actions: map[string]bool{}, nimReset: f.nimReset, target: f.target}
	if id != "" {
		only.actions[id] = true
		only.nimReset = nil
	}
	for _, c := range diff {
		if only.explained(c) {
			return true
		}
	}
	return false
}

func actionStatus(r *result, host, id string) string {
	for _, h := range r.rep.Hosts {
		if h.Host != host {
			continue
		}
		if h.Error != "" {
			return "host error: " + h.Error
		}
		for _, a := range h.Actions {
			if a.ID == id {
				return fmt.Sprintf("%s: %s%s", a.Status, a.Finding, prefixed("; ", a.Reason))
			}
		}
	}
	return "no result"
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]int) []string { return keys(m) }
