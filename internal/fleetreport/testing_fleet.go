package fleetreport

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/diag"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// SampleStart is when the run of [Sample] starts.
var SampleStart = time.Date(2026, 3, 6, 22, 0, 0, 0, time.UTC)

// Sample returns the script of a 12-host run on two masters (nim1, nim2):
//
//   - lpar2 is the canary, migrated and verified;
//   - lpar1 fails in phase 11 (leftover /bos_inst, DIAG-0001), FIX-BOSINST
//     moves the directory aside, and its second attempt succeeds;
//   - lpar7 fails in phase 1 (target disk in a volume group, DIAG-0003)
//     and is left failed;
//   - lpar6 is stopped by the operator before it starts;
//   - lpar12 is excluded by preflight;
//   - lpar11 is migrated, its verification left for the reboot;
//   - the others are migrated and verified.
//
// The diagnoses are real reports of the diag engine on the failing logs.
// It polls every 10 minutes, to keep the audit small.
func Sample() (*Script, error) {
	t0 := SampleStart
	rep1, err := diagnoseLog("nim1:/var/adm/ras/nimfleet/lpar1.r20260306.1.log", "lpar1", sampleLogDIAG0001)
	if err != nil {
		return nil, err
	}
	rep7, err := diagnoseLog("nim2:/var/adm/ras/nimfleet/lpar7.r20260306.1.log", "lpar7", sampleLogDIAG0003)
	if err != nil {
		return nil, err
	}
	var clients []sched.Client
	sizes := map[string]int{}
	for i := 1; i <= 12; i++ {
		name := fmt.Sprintf("lpar%d", i)
		master := "nim1"
		if i >= 7 && i <= 11 {
			master = "nim2"
		}
		sizes[name] = 12 + (i*7)%19
		c := sched.Client{Name: name, Master: master, RootvgUsedMB: sizes[name] * 1024, Cache: true, Expected: ModelRun(master, sizes[name]).total(), Wave: 1}
		if i == 2 {
			c.Wave, c.WaveName, c.Canary = 1, "canary", true
		} else {
			c.Wave, c.WaveName = 2, "main"
		}
		if i == 12 {
			c.Excluded, c.Reason = true, sampleExcluded
		}
		clients = append(clients, c)
	}
	plan, err := sched.NewPlan(clients, []sched.Master{{Name: "nim1", Slots: 4, CacheFreeMB: 400 * 1024}, {Name: "nim2", Slots: 4, CacheFreeMB: 400 * 1024}}, sched.DefaultPolicy())
	if err != nil {
		return nil, err
	}
	planJSON, err := json.Marshal(orchestratorPlan(plan, clients))
	if err != nil {
		return nil, err
	}

	s := NewScript("r20260306", t0, planJSON)
	s.PollBy = 10 * time.Minute
	for _, h := range []string{"lpar1", "lpar7", "nim1"} {
		s.Command(transport.AuditRecord{Time: t0.Add(-2 * time.Hour), Host: h, Transport: "ssh", Line: "/usr/bin/oslevel -s", ExitCode: new(int), DurationMS: 900})
	}
	tracks := map[string]*Track{}
	for i := 1; i <= 12; i++ {
		name := fmt.Sprintf("lpar%d", i)
		tr := s.Host(name, t0.Add(10*time.Second))
		if i == 12 {
			tr.State(journal.StateExcluded, sampleExcluded)
		} else {
			tr.State(journal.StatePlanned, "")
		}
		tracks[name] = tr
	}
	run := func(name, master string) AttemptSpec { return ModelRun(master, sizes[name]) }

	// The canary.
	c := tracks["lpar2"].Wait(time.Minute).Attempt(run("lpar2", "nim1")).Verify(12 * time.Minute)
	wave2 := c.T.Add(2 * time.Minute)
	s.Note(wave2.Add(-time.Minute), "canary wave verified (lpar2); starting wave 2")

	// Wave 2 on nim1: lpar1 fails in phase 11.
	f1 := run("lpar1", "nim1")
	f1.Outcome, f1.Exit, f1.UpTo = "failed", 1, 11
	f1.Detail = "0505-187 nimadm: Error cloning altinst_rootvg on client."
	f1.Reason = "nimadm exited 1 in phase 11"
	f1.Phases[11] = 40 * time.Second
	l1 := tracks["lpar1"]
	l1.T = wave2
	l1.Attempt(f1).Wait(20*time.Second).Diagnose("DIAG-0001", "DIAG-0001", rep1)
	s.Note(l1.T, "paused: new failure signature DIAG-0001 (lpar1); resumed by jdoe after FIX-BOSINST")
	l1.Wait(9*time.Minute).State(journal.StateFixing, "FIX-BOSINST for DIAG-0001")
	aside := "/bos_inst.nimfleet." + l1.T.Format("20060102-150405")
	fix, err := json.Marshal(remediate.ActionResult{
		ID: "FIX-BOSINST", Title: "move the leftover /bos_inst directory aside", Checks: []string{"PRE-0301"},
		Status:   remediate.StatusFixed,
		Finding:  "/bos_inst exists and no multibos standby instance uses it",
		Verified: "no standby instance; nothing mounted on or under /bos_inst; no /etc/filesystems stanza; booted from hd5; no multibos or alt_disk process; " + aside + " is free",
		Commands: []remediate.CommandRecord{{Host: "lpar1", Line: "/usr/bin/mv /bos_inst " + aside, ExitCode: new(int)}},
		Undo:     []string{"lpar1: /usr/bin/mv " + aside + " /bos_inst"}, PostCheck: "/bos_inst does not exist",
	})
	if err != nil {
		return nil, err
	}
	l1.Fix("FIX-BOSINST", "moved /bos_inst to "+aside, fix, "/usr/bin/mv /bos_inst "+aside).
		State(journal.StatePlanned, "fixed: FIX-BOSINST").Wait(2 * time.Minute).
		Attempt(run("lpar1", "nim1")).Verify(11 * time.Minute)

	for _, name := range []string{"lpar3", "lpar4", "lpar5"} {
		tr := tracks[name]
		tr.T = wave2.Add(time.Duration(len(name)) * time.Second)
		tr.Attempt(run(name, "nim1")).Verify(10 * time.Minute)
	}
	tracks["lpar6"].T = wave2.Add(20 * time.Minute)
	tracks["lpar6"].State(journal.StateStopped, "stopped by the operator: application freeze (CHG0042)")

	// Wave 2 on nim2: lpar7 fails in phase 1; lpar11 takes its slot.
	f7 := run("lpar7", "nim2")
	f7.Outcome, f7.Exit, f7.UpTo = "failed", 1, 1
	f7.Phases[1] = 25 * time.Second
	f7.Detail = "0505-187 nimadm: Error cloning altinst_rootvg on client."
	f7.Reason = "nimadm exited 1 in phase 1"
	l7 := tracks["lpar7"]
	l7.T = wave2
	l7.Attempt(f7).Wait(15*time.Second).Diagnose("DIAG-0003", "DIAG-0003", rep7).
		Note("hdisk1 belongs to datavg; storage team to map a new LUN")
	for _, name := range []string{"lpar8", "lpar9", "lpar10"} {
		tr := tracks[name]
		tr.T = wave2.Add(time.Duration(len(name)) * time.Second)
		tr.Attempt(run(name, "nim2")).Verify(9 * time.Minute)
	}
	l11 := tracks["lpar11"]
	l11.T = l7.T.Add(time.Minute)
	l11.Attempt(run("lpar11", "nim2")).Note("verification after the reboot on Sunday (application owner)")
	s.End("completed", "9 of 11 planned hosts migrated, 8 verified; 1 failed, 1 stopped")
	return s, nil
}

// orchestratorPlan wraps a scheduler plan the way the orchestrator's plan
// snapshot (migrate.Plan) does: the scheduler's plan under "schedule",
// every client with its master, wave and action under "hosts".
func orchestratorPlan(plan *sched.Plan, clients []sched.Client) any {
	type host struct {
		Name   string `json:"name"`
		Master string `json:"master"`
		Wave   int    `json:"wave,omitempty"`
		Action string `json:"action"`
		Reason string `json:"reason,omitempty"`
	}
	type master struct {
		Name  string `json:"name"`
		Slots int    `json:"slots"`
	}
	wave := map[string]int{}
	for _, w := range plan.Waves {
		for _, h := range w.Hosts {
			wave[h.Name] = w.Number
		}
	}
	var hosts []host
	for _, c := range clients {
		h := host{Name: c.Name, Master: c.Master, Wave: wave[c.Name], Action: "migrate"}
		if c.Excluded {
			h.Action, h.Reason = "exclude", c.Reason
		}
		hosts = append(hosts, h)
	}
	var masters []master
	for _, m := range plan.Masters {
		masters = append(masters, master{m.Name, m.Slots})
	}
	return struct {
		SchemaVersion int         `json:"schema_version"`
		Schedule      *sched.Plan `json:"schedule"`
		Hosts         []host      `json:"hosts"`
		Masters       []master    `json:"masters"`
	}{1, plan, hosts, masters}
}

const sampleExcluded = "PRE-0404 blocker: hdisk1 (20480 MB) is smaller than rootvg used + 512 MB (24064 MB)"

func (r AttemptSpec) total() time.Duration {
	var d time.Duration
	for _, p := range r.Phases {
		d += p
	}
	return d
}

// diagnoseLog runs the built-in rules over a log, as the controller does
// after a failure, and returns the report's JSON.
func diagnoseLog(name, client, log string) (json.RawMessage, error) {
	e, err := diag.New(diag.Builtin()...)
	if err != nil {
		return nil, err
	}
	rep, err := e.DiagnoseWithOptions(context.Background(), diag.Options{Facts: map[string]string{"client": client}},
		diag.ReaderInput(name, strings.NewReader(log)))
	if err != nil {
		return nil, err
	}
	return json.Marshal(rep)
}

const banner = "+-----------------------------------------------------------------------------+\n"

func phaseBanner(n int) string {
	return banner + fmt.Sprintf("Executing nimadm phase %d.\n", n) + banner
}

// sampleLogDIAG0001 is lpar1's nimadm log: the seed case (errors.md E01).
var sampleLogDIAG0001 = `Initializing the NIM master.
Initializing NIM client lpar1.
Verifying alt_disk_migration eligibility.
Initializing log: /var/adm/ras/alt_mig/lpar1_alt_mig.log
Starting Alternate Disk Migration.

` + phaseBanner(1) + `Cloning altinst_rootvg on client, Phase 1.
Client alt_disk_install command: alt_disk_copy -j -M 7.3 -P1 -d "hdisk1"
Calling mkszfile to create new /image.data file.
Checking disk sizes.
Creating cloned rootvg volume group and associated logical volumes.
Creating logical volume alt_hd5.
Creating /alt_inst/ file system.
` + phaseBanner(2) + `Creating nimadm cache file systems on volume group nimadmvg.
` + phaseBanner(3) + `Syncing client data to cache ...
` + phaseBanner(4) + `nimadm: There is no user customization script specified for this phase.
` + phaseBanner(5) + `Saving system configuration files.
Checking for initial required migration space.
Setting up for base operating system restore.
Restoring base operating system.
Merging system configuration files.
` + phaseBanner(6) + `Installing and migrating software.
` + phaseBanner(7) + `nimadm: There is no user customization script specified for this phase.
` + phaseBanner(8) + `Creating client boot image.
bosboot: Boot image is 57372 512 byte blocks.
` + phaseBanner(9) + `Adjusting client file system sizes ...
Syncing cache data to client ...
` + phaseBanner(10) + `Removing nimadm cache file systems.
` + phaseBanner(11) + `Cloning altinst_rootvg on client, Phase 3.
Client alt_disk_install command: alt_disk_copy -j -M 7.3 -P3 -d "hdisk1"
## Phase 3 ###################
Verifying altinst_rootvg...
alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.
Cleaning up.
forced unmount of /alt_inst/var
forced unmount of /alt_inst/usr
forced unmount of /alt_inst/tmp
forced unmount of /alt_inst/opt
forced unmount of /alt_inst/home
forced unmount of /alt_inst
0505-187 nimadm: Error cloning altinst_rootvg on client.
Cleaning up alt_disk_migration on the NIM master.
Cleaning up alt_disk_migration on client lpar1.
Client alt_disk_install command: alt_disk_install -M 7.3 -X
Bootlist is set to the boot disk: hdisk0 blv=hd5
`

// sampleLogDIAG0003 is lpar7's nimadm log: the target disk belongs to a
// volume group (errors.md E06).
var sampleLogDIAG0003 = `Initializing the NIM master.
Initializing NIM client lpar7.
Verifying alt_disk_migration eligibility.
Initializing log: /var/adm/ras/alt_mig/lpar7_alt_mig.log
Starting Alternate Disk Migration.

` + phaseBanner(1) + `Cloning altinst_rootvg on client, Phase 1.
Client alt_disk_install command: alt_disk_copy -j -M 7.3 -P1 -d "hdisk1"
0505-126 alt_disk_install- target disk hdisk1 has a volume group assigned to it.
0505-187 nimadm: Error cloning altinst_rootvg on client.
Cleaning up alt_disk_migration on the NIM master.
Cleaning up alt_disk_migration on client lpar7.
`

// FleetOptions shape the fleet of [Fleet].
type FleetOptions struct {
	// Hosts is the number of clients; Masters the number of masters (0:
	// one per 250 clients) with Slots each (0: 8).
	Hosts, Masters, Slots int
	// PollBy is the follower's poll interval (0: one minute).
	PollBy time.Duration
	// Open leaves the run open, the last hosts still running.
	Open bool
	// Seed makes the fleet reproducible.
	Seed uint64
}

// Fleet returns the script of a large run, for benchmarks: clients of 8
// to 40 GB scheduled on the masters' slots, about 3% failing in phase 11
// (DIAG-0001) and retried after FIX-BOSINST, 1% failing in phase 1
// (DIAG-0003) and left failed, 1% excluded, 0.5% stopped, the others
// migrated and verified.
func Fleet(o FleetOptions) (*Script, error) {
	if o.Masters == 0 {
		o.Masters = max(1, o.Hosts/250)
	}
	if o.Slots == 0 {
		o.Slots = 8
	}
	if o.PollBy == 0 {
		o.PollBy = time.Minute
	}
	rep1, err := diagnoseLog("nim:/var/adm/ras/nimfleet/lpar.log", "lpar", sampleLogDIAG0001)
	if err != nil {
		return nil, err
	}
	rep7, err := diagnoseLog("nim:/var/adm/ras/nimfleet/lpar.log", "lpar", sampleLogDIAG0003)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 42))
	t0 := SampleStart
	s := NewScript("fleet", t0, nil)
	s.PollBy = o.PollBy
	// free[m][k] is when slot k of master m is next free.
	free := make([][]time.Time, o.Masters)
	for m := range free {
		free[m] = make([]time.Time, o.Slots)
		for k := range free[m] {
			free[m][k] = t0.Add(time.Minute)
		}
	}
	var horizon time.Time
	for i := 0; i < o.Hosts; i++ {
		name := fmt.Sprintf("lpar%04d", i+1)
		m := i % o.Masters
		master := fmt.Sprintf("nim%02d", m+1)
		tr := s.Host(name, t0.Add(10*time.Second))
		roll := rng.IntN(1000)
		if roll < 10 {
			tr.State(journal.StateExcluded, sampleExcluded)
			continue
		}
		tr.State(journal.StatePlanned, "")
		if roll < 15 {
			tr.Wait(time.Hour).State(journal.StateStopped, "stopped by the operator")
			continue
		}
		k := 0
		for j := range free[m] {
			if free[m][j].Before(free[m][k]) {
				k = j
			}
		}
		if o.Open && horizon.IsZero() && i > o.Hosts*9/10 {
			horizon = free[m][k].Add(30 * time.Minute)
		}
		tr.T = free[m][k]
		spec := ModelRun(master, 8+rng.IntN(33))
		for p := range spec.Phases {
			spec.Phases[p] = spec.Phases[p] * time.Duration(90+rng.IntN(21)) / 100
		}
		switch {
		case !horizon.IsZero() && tr.T.After(horizon):
			free[m][k] = tr.T
			continue // still planned
		case !horizon.IsZero():
			spec.Outcome, spec.UpTo = "", 6
			tr.Attempt(spec)
			free[m][k] = horizon.Add(24 * time.Hour)
			continue
		case roll < 25:
			f := spec
			f.Outcome, f.Exit, f.UpTo, f.Reason = "failed", 1, 1, "nimadm exited 1 in phase 1"
			f.Detail = "0505-187 nimadm: Error cloning altinst_rootvg on client."
			tr.Attempt(f).Diagnose("DIAG-0003", "DIAG-0003", rep7)
		case roll < 55:
			f := spec
			f.Outcome, f.Exit, f.UpTo, f.Reason = "failed", 1, 11, "nimadm exited 1 in phase 11"
			f.Detail = "0505-187 nimadm: Error cloning altinst_rootvg on client."
			tr.Attempt(f).Diagnose("DIAG-0001", "DIAG-0001", rep1).State(journal.StateFixing, "FIX-BOSINST for DIAG-0001")
			aside := "/bos_inst.nimfleet." + tr.T.Format("20060102-150405")
			tr.Fix("FIX-BOSINST", "moved /bos_inst to "+aside, json.RawMessage(`{"id":"FIX-BOSINST","status":"fixed","finding":"/bos_inst exists","post_check":"/bos_inst does not exist"}`), "/usr/bin/mv /bos_inst "+aside).
				State(journal.StatePlanned, "fixed: FIX-BOSINST").Attempt(spec).Verify(10 * time.Minute)
		default:
			tr.Attempt(spec).Verify(10 * time.Minute)
		}
		free[m][k] = tr.T
	}
	if !o.Open {
		s.End("completed", "")
	}
	return s, nil
}
