package remediate_test

import (
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/sim"
)

func mustApprovals(t *testing.T, text string) *remediate.Approvals {
	t.Helper()
	if text == "" {
		return nil
	}
	a, err := remediate.ParseApprovals("approvals.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestActionsTwice runs every action against the lab: a dry run that
// changes nothing and records the commands, an --apply that fixes the
// finding and changes only what it should, and a second --apply that
// finds nothing to do and sends nothing.
func TestActionsTwice(t *testing.T) {
	tests := []struct {
		name      string
		id        string
		host      string // default aix01
		via       string // default ssh
		faults    []string
		edit      func(*sim.Config)
		approvals string
		// also are further actions fixed in the same run (follow-ups).
		also  []string
		check func(t *testing.T, g *rig, r *result)
	}{
		{name: "bosinst", id: "FIX-BOSINST", faults: []string{sim.FaultBosInstLeftover},
			check: func(t *testing.T, g *rig, r *result) {
				if _, rc := g.exec("aix01", "ls -ld "+aside); rc != 0 {
					t.Errorf("%s missing after the rename", aside)
				}
				a := r.action(t, "aix01", "FIX-BOSINST")
				if len(a.Undo) != 1 || a.Undo[0] != "aix01: /usr/bin/mv "+aside+" /bos_inst" {
					t.Errorf("undo = %q", a.Undo)
				}
				if len(a.Notes) != 0 {
					t.Errorf("notes for an empty /bos_inst: %q", a.Notes)
				}
			}},
		{name: "bosinst not empty, via master", id: "FIX-BOSINST", via: "master", faults: []string{sim.FaultBosInstLeftover},
			edit: func(c *sim.Config) {
				c.Clients[0].Files = []sim.FileSpec{{Path: "/bos_inst/usr/lib/boot/unix_64", Content: "x"}, {Path: "/bos_inst/notes", Content: "y"}}
			},
			check: func(t *testing.T, g *rig, r *result) {
				a := r.action(t, "aix01", "FIX-BOSINST")
				if len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "not empty (2 entries: notes usr)") {
					t.Errorf("notes = %q, want the entries moved, not deleted", a.Notes)
				}
				if out, _ := g.exec("aix01", "cat "+aside+"/notes"); out != "y" {
					t.Errorf("moved content = %q", out)
				}
			}},
		{name: "multibos", id: "FIX-MULTIBOS", faults: []string{sim.FaultMultibosStandby}},
		{name: "multibos leaves /bos_inst", id: "FIX-MULTIBOS", faults: []string{sim.FaultMultibosStandby},
			edit: func(c *sim.Config) { c.Clients[0].MultibosLeavesBosInst = true },
			also: []string{"FIX-BOSINST"},
			check: func(t *testing.T, g *rig, r *result) {
				if _, rc := g.exec("aix01", "ls -ld /bos_inst"); rc == 0 {
					t.Error("/bos_inst still there")
				}
			}},
		{name: "bosboot", id: "FIX-BOSBOOT", faults: []string{sim.FaultBLVLevelZero}},
		{name: "altinst", id: "FIX-ALTINST", faults: []string{sim.FaultAltinstExists}},
		{name: "oldrootvg approved", id: "FIX-OLDROOTVG", faults: []string{sim.FaultOldRootvgExists},
			approvals: "approvals:\n  - {host: aix01, action: FIX-OLDROOTVG, approved_by: jdoe, reason: CHG42 rollback window closed, expires: 2099-12-31}\n",
			check: func(t *testing.T, g *rig, r *result) {
				a := r.action(t, "aix01", "FIX-OLDROOTVG")
				if !strings.Contains(a.Approval, "approved by jdoe at approvals.yaml:2") {
					t.Errorf("approval = %q", a.Approval)
				}
			}},
		{name: "pvid", id: "FIX-PVID", faults: []string{sim.FaultNoPVID}},
		{name: "nimsh", id: "FIX-NIMSH", faults: []string{sim.FaultNimshDown}},
		{name: "nimreset", id: "FIX-NIMRESET", faults: []string{sim.FaultCstateNotReady},
			check: func(t *testing.T, g *rig, r *result) {
				for _, c := range r.action(t, "aix01", "FIX-NIMRESET").Commands {
					if c.Host != "nim73" {
						t.Errorf("%q ran on %s, want the master", c.Line, c.Host)
					}
				}
			}},
		{name: "mount", id: "FIX-MOUNT", faults: []string{sim.FaultUnmountedFS}},
		{name: "mount via master", id: "FIX-MOUNT", via: "master", faults: []string{sim.FaultUnmountedFS}},
		{name: "varyon", id: "FIX-VARYON", host: "nim73",
			edit: func(c *sim.Config) { c.Masters[0].Faults = []string{sim.FaultCacheVGVariedOff} }},
		{name: "efix approved", id: "FIX-EFIX", faults: []string{sim.FaultEfixLocks},
			approvals: "approvals:\n  - host: aix01\n    action: FIX-EFIX\n    labels: [IJ20785s2a]\n    approved_by: jdoe\n    reason: superseded by the 7.3 level\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			host := tc.host
			if host == "" {
				host = "aix01"
			}
			via := tc.via
			if via == "" {
				via = "ssh"
			}
			g := newRig(t, healthyWith(t, tc.faults, tc.edit), via)
			before := g.snapshots()
			ids := append([]string{tc.id}, tc.also...)
			o := runOpts{hosts: []string{host}, only: []string{tc.id}}

			// Dry run: would run, nothing changes, the decorator's plan
			// holds exactly the commands.
			o.dry, o.approvals = true, mustApprovals(t, tc.approvals)
			dry := g.run(o)
			a := dry.action(t, host, tc.id)
			if a.Status != remediate.StatusWouldRun {
				t.Fatalf("dry run: %s %s: %s (finding %q)", tc.id, a.Status, a.Reason, a.Finding)
			}
			if len(a.Commands) == 0 || len(dry.plan) < len(a.Commands) {
				t.Fatalf("dry run: commands %+v, plan %+v", a.Commands, dry.plan)
			}
			for i, c := range a.Commands {
				if !c.DryRun || c.ExitCode != nil || dry.plan[i].Line != c.Line || dry.plan[i].Host != c.Host {
					t.Errorf("dry-run command %d: %+v, plan %+v", i, c, dry.plan[i])
				}
			}
			if m := dry.mutations(); len(m) > 0 {
				t.Fatalf("dry run executed %+v", m)
			}
			for h, s := range g.snapshots() {
				if s != before[h] {
					t.Fatalf("dry run changed %s: %v", h, snapDiff(before[h], s))
				}
			}

			// First --apply: fixed.
			o.dry, o.approvals = false, mustApprovals(t, tc.approvals)
			first := g.run(o)
			f := fixed{actions: map[string]bool{}, nimReset: map[string]bool{}, target: "hdisk1"}
			sent := 0
			for _, id := range ids {
				a := first.action(t, host, id)
				if a.Status != remediate.StatusFixed {
					t.Fatalf("apply: %s %s: %s (finding %q)", id, a.Status, a.Reason, a.Finding)
				}
				if a.PostCheck == "" {
					t.Errorf("%s: no post-check", id)
				}
				for _, c := range a.Commands {
					if c.ExitCode == nil || *c.ExitCode != 0 {
						t.Errorf("%s: command %+v", id, c)
					}
				}
				sent += len(a.Commands)
				f.actions[id] = true
			}
			if m := first.mutations(); len(m) != sent {
				t.Errorf("audit log: %d state-changing commands, the report lists %d", len(m), sent)
			}
			after := g.snapshots()
			changed := false
			for h, s := range after {
				hf := f
				if h != host {
					hf = fixed{nimReset: map[string]bool{}}
					if tc.id == "FIX-NIMRESET" && h == "nim73" {
						hf.nimReset[host] = true
					}
				}
				for _, c := range snapDiff(before[h], s) {
					changed = true
					if !hf.explained(c) {
						t.Errorf("%s: unexpected change %v", h, c)
					}
				}
			}
			if !changed {
				t.Error("the fix changed nothing in the lab")
			}
			if tc.check != nil {
				tc.check(t, g, first)
			}

			// Second --apply: nothing to do, nothing sent.
			o.approvals = mustApprovals(t, tc.approvals)
			second := g.run(o)
			for _, id := range ids {
				if a := second.action(t, host, id); a.Status != remediate.StatusNotNeeded {
					t.Errorf("second run: %s %s: %s", id, a.Status, a.Reason)
				}
			}
			if m := second.mutations(); len(m) > 0 {
				t.Errorf("second run sent %+v", m)
			}
			for h, s := range g.snapshots() {
				if s != after[h] {
					t.Errorf("second run changed %s: %v", h, snapDiff(after[h], s))
				}
			}
		})
	}
}
