package remediate_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/sim"
)

const healthyNimadm = "nimadm -j nimadmvg -c aix01 -s spot_7300-03-01 -l lpp_7300-03-01 -d hdisk1 -Y"

// TestRefusals: the finding is there, but the host is not in the state
// the action requires. The engine runs nothing and says why.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name      string
		id        string
		faults    []string
		edit      func(*sim.Config)
		setup     func(t *testing.T, g *rig)
		approvals string
		// running: a nimadm keeps changing the lab; compare no snapshots.
		running bool
		want    remediate.Status
		reason  string // substring of the reason
	}{
		{name: "bosinst while multibos runs", id: "FIX-BOSINST", faults: []string{sim.FaultBosInstLeftover},
			edit:   func(c *sim.Config) { c.Clients[0].Processes = []string{"/usr/bin/ksh /usr/sbin/multibos -Xs"} },
			want:   remediate.StatusRefused,
			reason: "a multibos or alt_disk operation is running: pid"},
		{name: "bosinst is a file", id: "FIX-BOSINST",
			edit:   func(c *sim.Config) { c.Clients[0].Files = []sim.FileSpec{{Path: "/bos_inst", Content: "x"}} },
			want:   remediate.StatusRefused,
			reason: "/bos_inst is not a directory"},
		{name: "bosinst target name taken", id: "FIX-BOSINST", faults: []string{sim.FaultBosInstLeftover},
			edit:   func(c *sim.Config) { c.Clients[0].Files = []sim.FileSpec{{Path: aside, Dir: true}} },
			want:   remediate.StatusRefused,
			reason: aside + " already exists"},
		{name: "bosinst on a locked rootvg", id: "FIX-BOSINST", faults: []string{sim.FaultBosInstLeftover, sim.FaultRootvgLocked},
			want:   remediate.StatusUnknown,
			reason: "whether a standby instance uses it is rootvg logical volumes (lsvg -l rootvg) unknown"},
		{name: "multibos on a mirrored rootvg", id: "FIX-MULTIBOS", faults: []string{sim.FaultStaleRootvg, sim.FaultMultibosStandby},
			want:   remediate.StatusRefused,
			reason: "rootvg is mirrored"},
		{name: "multibos standby mounted", id: "FIX-MULTIBOS", faults: []string{sim.FaultMultibosStandby},
			setup: func(t *testing.T, g *rig) {
				if out, rc := g.exec("aix01", "mount /bos_inst"); rc != 0 {
					t.Fatalf("mount /bos_inst: %s", out)
				}
			},
			want:   remediate.StatusRefused,
			reason: "standby LV bos_hd4 is open"},
		{name: "altinst in the bootlist after a finished nimadm", id: "FIX-ALTINST",
			setup: func(t *testing.T, g *rig) {
				if out, rc := g.exec("nim73", healthyNimadm); rc != 0 {
					t.Fatalf("nimadm failed:\n%s", out)
				}
			},
			want:   remediate.StatusRefused,
			reason: "hdisk1 of altinst_rootvg is in the bootlist"},
		{name: "altinst while nimadm runs", id: "FIX-ALTINST", faults: []string{sim.FaultNimadmHang},
			setup: startHungNimadm, running: true, want: remediate.StatusRefused,
			reason: "a nimadm or NIM operation for aix01 runs on nim73: pid"},
		{name: "nimreset while nimadm runs", id: "FIX-NIMRESET", faults: []string{sim.FaultNimadmHang},
			setup: startHungNimadm, running: true, want: remediate.StatusRefused,
			reason: "an operation for aix01 is running on nim73: pid"},
		{name: "oldrootvg without approval", id: "FIX-OLDROOTVG", faults: []string{sim.FaultOldRootvgExists},
			want:   remediate.StatusNeedsApproval,
			reason: "no approvals file given"},
		{name: "oldrootvg approval expired", id: "FIX-OLDROOTVG", faults: []string{sim.FaultOldRootvgExists},
			approvals: "approvals:\n  - {host: aix01, action: FIX-OLDROOTVG, approved_by: jdoe, reason: r, expires: 2024-03-03}\n",
			want:      remediate.StatusNeedsApproval,
			reason:    "the approval at approvals.yaml:2 expired (2024-03-03)"},
		{name: "oldrootvg approved for another host", id: "FIX-OLDROOTVG", faults: []string{sim.FaultOldRootvgExists},
			approvals: "approvals:\n  - {host: aix02, action: FIX-OLDROOTVG, approved_by: jdoe, reason: r}\n",
			want:      remediate.StatusNeedsApproval,
			reason:    "no approval for aix01 in approvals.yaml"},
		{name: "efix approval lacks a label", id: "FIX-EFIX", faults: []string{sim.FaultEfixLocks},
			approvals: "approvals:\n  - {host: aix01, action: FIX-EFIX, labels: [IJ00001s1a], approved_by: jdoe, reason: r}\n",
			want:      remediate.StatusNeedsApproval,
			reason:    "does not name IJ20785s2a"},
		{name: "efix waiting for a reboot", id: "FIX-EFIX", faults: []string{sim.FaultEfixLocks, sim.FaultEfixRebootPending},
			want:   remediate.StatusRefused,
			reason: "interim fix IJ30808s1a waits for a reboot"},
		{name: "bosboot without ipldevice", id: "FIX-BOSBOOT", faults: []string{sim.FaultBLVLevelZero, sim.FaultBadIPLDevice},
			want:   remediate.StatusUnknown,
			reason: "/dev/ipldevice does not exist (PRE-0310)"},
		{name: "varyon of a missing cache VG", id: "FIX-VARYON",
			edit:   func(c *sim.Config) { c.Masters[0].Faults = []string{sim.FaultCacheVGMissing} },
			want:   remediate.StatusNotNeeded,
			reason: "create it with mkvg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, healthyWith(t, tc.faults, tc.edit), "ssh")
			if tc.setup != nil {
				tc.setup(t, g)
			}
			host := "aix01"
			if tc.id == "FIX-VARYON" {
				host = "nim73"
			}
			before := g.snapshots()
			r := g.run(runOpts{hosts: []string{host}, only: []string{tc.id}, approvals: mustApprovals(t, tc.approvals)})
			a := r.action(t, host, tc.id)
			text := a.Reason
			if tc.want == remediate.StatusNotNeeded {
				text = a.Finding
			}
			if a.Status != tc.want || !strings.Contains(text, tc.reason) {
				t.Errorf("%s: %s %q, want %s with %q", tc.id, a.Status, text, tc.want, tc.reason)
			}
			if tc.want == remediate.StatusNeedsApproval {
				if !strings.HasPrefix(a.Approval, "- {host: aix01, action: "+tc.id+", ") {
					t.Errorf("approval line = %q", a.Approval)
				}
				if len(a.Commands) == 0 {
					t.Error("no commands listed for approval")
				}
			}
			if m := r.mutations(); len(m) > 0 {
				t.Errorf("sent %+v", m)
			}
			if tc.running {
				return
			}
			for h, s := range g.snapshots() {
				if s != before[h] {
					t.Errorf("%s changed: %v", h, snapDiff(before[h], s))
				}
			}
		})
	}
}

// startHungNimadm starts nimadm for aix01 in the background on nim73 and
// returns once it is past phase 1 (the clone exists); the lab's
// nimadm_hang fault keeps it in phase 6 until the lab closes.
func startHungNimadm(t *testing.T, g *rig) {
	t.Helper()
	reached := make(chan struct{})
	var once sync.Once
	g.k.Lab.SetPhaseHook(func(ctx context.Context, master, client string, phase int) {
		if client == "aix01" && phase >= 2 {
			once.Do(func() { close(reached) })
		}
	})
	if out, rc := g.exec("nim73", healthyNimadm+" >/dev/null 2>&1 &"); rc != 0 {
		t.Fatalf("start nimadm: %s", out)
	}
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("nimadm did not reach phase 2")
	}
}

// target gathers a host's facts the way the engine does.
func (g *rig) target(t *testing.T, host string) (*remediate.Target, *remediate.Env) {
	t.Helper()
	gat := &facts.Gatherer{Runner: g.k.Runner, Timeout: time.Second}
	h := g.k.Inv.Host(host)
	c, err := gat.Client(context.Background(), host, facts.PlanFor(h))
	if err != nil {
		t.Fatal(err)
	}
	m, err := gat.Master(context.Background(), h.Master.Name, facts.MasterPlanFor(h.Master))
	if err != nil {
		t.Fatal(err)
	}
	env := &remediate.Env{Runner: g.k.Runner, Gatherer: gat, Now: func() time.Time { return testNow }}
	return &remediate.Target{Host: h, Client: c, Master: m, Now: testNow}, env
}

// TestCheckRefusesUnsafeStates exercises preconditions the lab cannot
// produce (an NFS mount under /bos_inst, a clone on the boot disk, a
// mislinked /dev/ipldevice) by editing freshly gathered facts.
func TestCheckRefusesUnsafeStates(t *testing.T) {
	tests := []struct {
		name   string
		action remediate.Action
		faults []string
		edit   func(tg *remediate.Target)
		reason string
	}{
		{name: "bosinst with a standby", action: remediate.FixBosInst, faults: []string{sim.FaultMultibosStandby},
			reason: "a multibos standby instance exists"},
		{name: "bosinst mounted", action: remediate.FixBosInst, faults: []string{sim.FaultBosInstLeftover},
			edit: func(tg *remediate.Target) {
				tg.Client.Mounts.Value = append(tg.Client.Mounts.Value, aix.MountEntry{Node: "nfssrv", Device: "/export/images", MountPoint: "/bos_inst/images", VFS: "nfs3"})
			},
			reason: "/export/images is mounted on /bos_inst/images"},
		{name: "bosinst mounted over", action: remediate.FixBosInst, faults: []string{sim.FaultBosInstLeftover},
			edit: func(tg *remediate.Target) {
				tg.Client.Mounts.Value = append(tg.Client.Mounts.Value, aix.MountEntry{Device: "/bos_inst", MountPoint: "/mnt", VFS: "nfs3"})
			},
			reason: "/bos_inst is mounted on /mnt"},
		{name: "bosinst booted from a vanished BLV", action: remediate.FixBosInst, faults: []string{sim.FaultBosInstLeftover},
			edit:   func(tg *remediate.Target) { tg.Client.BootBLV.Value = "bos_hd5" },
			reason: "the booted BLV bos_hd5 (bootinfo -v) is not a boot logical volume of rootvg"},
		{name: "bosinst with unknown processes", action: remediate.FixBosInst, faults: []string{sim.FaultBosInstLeftover},
			edit:   func(tg *remediate.Target) { tg.Client.Processes = facts.Fact[aix.Processes]{Reason: "ps failed"} },
			reason: "processes (ps -ef) unknown: ps failed"},
		{name: "multibos booted from the standby family", action: remediate.FixMultibos, faults: []string{sim.FaultMultibosStandby},
			edit:   func(tg *remediate.Target) { tg.Client.BootBLV.Value = "bos_hd5" },
			reason: "has the same name family as the booted BLV bos_hd5"},
		{name: "altinst on the boot disk", action: remediate.FixAltinst, faults: []string{sim.FaultAltinstExists},
			edit: func(tg *remediate.Target) {
				tg.Client.BootDisk.Value = tg.Client.PVs.Value.InVG("altinst_rootvg")[0].Name
			},
			reason: "altinst_rootvg is on the boot disk"},
		{name: "altinst woken up", action: remediate.FixAltinst, faults: []string{sim.FaultAltinstExists},
			edit: func(tg *remediate.Target) {
				tg.Client.VGsOnline.Value = append(tg.Client.VGsOnline.Value, "altinst_rootvg")
			},
			reason: "altinst_rootvg is varied on"},
		{name: "altinst with the master unknown", action: remediate.FixAltinst, faults: []string{sim.FaultAltinstExists},
			edit:   func(tg *remediate.Target) { tg.Master, tg.MasterErr = nil, context.DeadlineExceeded },
			reason: "facts of NIM master nim73 unknown: context deadline exceeded"},
		{name: "bosboot with a mislinked ipldevice", action: remediate.FixBosboot, faults: []string{sim.FaultBLVLevelZero},
			edit:   func(tg *remediate.Target) { tg.Client.IPLDevice.Value.Minor = 7 },
			reason: "/dev/ipldevice (20, 7) is not /dev/rhdisk0 (20, 0)"},
		{name: "pvid on the boot disk", action: remediate.FixPVID, faults: []string{sim.FaultNoPVID},
			edit:   func(tg *remediate.Target) { tg.Client.BootDisk.Value = "hdisk1" },
			reason: "hdisk1 is the boot disk"},
		{name: "mount of an open LV", action: remediate.FixMount, faults: []string{sim.FaultUnmountedFS},
			edit: func(tg *remediate.Target) {
				for i, lv := range tg.Client.RootvgLVs.Value.LVs {
					if strings.HasPrefix(lv.State, "closed") && lv.Type == "jfs2" {
						tg.Client.RootvgLVs.Value.LVs[i].State = "open/syncd"
					}
				}
			},
			reason: "is open although not mounted"},
		{name: "nimsh not defined", action: remediate.FixNimsh, faults: []string{sim.FaultNimshDown},
			edit:   func(tg *remediate.Target) { tg.Client.Nimsh.Value = aix.Subsystems{} },
			reason: "the nimsh subsystem is not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, healthyWith(t, tc.faults, nil), "ssh")
			tg, env := g.target(t, "aix01")
			if tc.edit != nil {
				tc.edit(tg)
			}
			ok, reason, err := tc.action.Check(context.Background(), env, tg)
			if err != nil {
				t.Fatal(err)
			}
			if ok || !strings.Contains(reason, tc.reason) {
				t.Errorf("Check = %v, %q; want a refusal with %q", ok, reason, tc.reason)
			}
		})
	}
}
