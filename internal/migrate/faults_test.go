package migrate

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Faults: each ends in a clear state, nothing hangs, and the rest of the
// fleet goes on. The policy here neither pauses on a new failure
// signature nor has a canary wave, so that "goes on" is visible in one
// run (pausing is tested on its own).

func noPause(r *rig) {
	r.o.Policy.PauseOnNewSignature = false
	r.o.Policy.Canary = 0
	r.o.Policy.MaxFailures.N = 100
}

// onPhase calls f once, the first time client enters phase n.
func onPhase(lab *sim.Lab, client string, n int, f func()) {
	var once sync.Once
	lab.SetPhaseHook(func(ctx context.Context, master, c string, phase int) {
		if c == client && phase == n {
			once.Do(f)
		}
	})
}

// countingRunner counts the errors of commands sent to one host and calls
// after(n) after each.
type countingRunner struct {
	transport.Runner
	host  string
	errs  atomic.Int64
	after func(n int64)
}

func (c *countingRunner) Run(ctx context.Context, cmd transport.Command) (transport.Result, error) {
	res, err := c.Runner.Run(ctx, cmd)
	if err != nil && cmd.Host == c.host {
		n := c.errs.Add(1)
		if c.after != nil {
			c.after(n)
		}
	}
	return res, err
}

func assertState(t *testing.T, r *rig, host string, want journal.State) journal.HostState {
	t.Helper()
	hs := r.host(t, host)
	if hs.State != want {
		t.Errorf("%s: state %s (%s), want %s\n%s", host, hs.State, hs.Reason, want, r.timeline(t, host))
	}
	return hs
}

// TestMasterDropsTheConnection: over real SSH, the master drops every
// connection in the middle of aix01's phase 3, and later drops them and
// refuses new ones for a while during its phase 5 (until five commands
// to it have failed), a window that may take a launch with it. nimadm runs on, detached;
// the controller reconnects, follows it from its journaled offset and the
// whole fleet ends migrated.
func TestMasterDropsTheConnection(t *testing.T) {
	if testing.Short() {
		t.Skip("SSH lab")
	}
	r := newRig(t, scenario(t, "healthy"), true)
	noPause(r)
	srv := r.kit.Server
	cr := &countingRunner{Runner: r.kit.Runner, host: "nim73"}
	var cleared atomic.Bool
	cr.after = func(n int64) {
		if n >= 5 && !cleared.Swap(true) {
			srv.SetFaults("nim73", simssh.Faults{})
		}
	}
	r.o.Runner = cr
	var mu sync.Mutex
	seen := map[int]bool{}
	r.kit.Lab.SetPhaseHook(func(ctx context.Context, master, c string, phase int) {
		if c != "aix01" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if seen[phase] {
			return
		}
		seen[phase] = true
		switch phase {
		case 3:
			srv.Disconnect("nim73")
		case 5:
			// Offline refuses new connections only; dropping the open
			// one makes the next command dial, so the fault is seen
			// whatever the timing.
			srv.SetFaults("nim73", simssh.Faults{Offline: true})
			srv.Disconnect("nim73")
		}
	})
	res := r.run(t, false)
	if !res.AllMigrated() {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
	}
	if cr.errs.Load() == 0 {
		t.Error("no command to the master failed: the fault was not injected")
	}
	hs := assertState(t, r, "aix01", journal.StateVerified)
	if len(hs.Attempts) != 1 || len(hs.Attempts[0].Phases) != 12 {
		t.Errorf("aix01: %d attempts, phases %v", len(hs.Attempts), hs.Attempts[0].Phases)
	}
}

// TestClientStopsAnswering: aix01 stops answering during its phase 10.
// Its nimadm ends (phase 11 runs on the client through NIM in the lab),
// but the controller cannot verify the clone: after a few polls the host
// is failed with the reason; the others are migrated.
func TestClientStopsAnswering(t *testing.T) { synctest.Test(t, testClientStopsAnswering) }

func testClientStopsAnswering(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	noPause(r)
	onPhase(r.kit.Lab, "aix01", 10, func() { r.kit.Lab.SetUnreachable("aix01", true) })
	res := r.run(t, false)
	if res.Outcome != OutcomeCompleted {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
	}
	hs := assertState(t, r, "aix01", journal.StateFailed)
	if !strings.Contains(hs.Reason, "does not answer") {
		t.Errorf("aix01 reason %q", hs.Reason)
	}
	assertState(t, r, "aix02", journal.StateVerified)
	assertState(t, r, "aix03", journal.StateVerified)
}

// TestUnreachableClientBeforeStart: a client that does not answer from
// the start is excluded by the plan (not reached), with --skip-preflight
// too; the others migrate.
func TestUnreachableClientBeforeStart(t *testing.T) {
	synctest.Test(t, testUnreachableClientBeforeStart)
}

func testUnreachableClientBeforeStart(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	noPause(r)
	r.o.SkipPreflight = true
	r.kit.Lab.SetUnreachable("aix03", true)
	res := r.run(t, false)
	if res.Outcome != OutcomeCompleted {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
	}
	hs := assertState(t, r, "aix03", journal.StateExcluded)
	if !strings.Contains(hs.Reason, "not reached") {
		t.Errorf("aix03 reason %q", hs.Reason)
	}
	assertState(t, r, "aix01", journal.StateVerified)
}

// TestCacheVGFillsUp: on a two-master fleet, nim01's cache VG fills up
// (another logical volume takes it) as its first client starts. Its
// clients fail in phase 2 with the cache-VG
// diagnosis (DIAG-0005, no automatic fix); nim02's clients are migrated.
func TestCacheVGFillsUp(t *testing.T) { synctest.Test(t, testCacheVGFillsUp) }

func testCacheVGFillsUp(t *testing.T) {
	cfg := sim.Generate(sim.GenOptions{Clients: 6, Masters: 2, Seed: 3, FaultRate: -1})
	cfg.TimeScale = 0
	r := newRig(t, cfg, false)
	noPause(r)
	r.o.Policy.MaxParallel = 1
	var filled atomic.Bool
	r.kit.Lab.SetPhaseHook(func(ctx context.Context, master, c string, phase int) {
		if master == "nim01" && phase == 1 && !filled.Swap(true) {
			if err := r.kit.Lab.SetFault("nim01", sim.FaultCacheVGTooSmall); err != nil {
				t.Error(err)
			}
		}
	})
	res := r.run(t, false)
	if res.Outcome != OutcomeCompleted {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
	}
	failed := 0
	for _, hs := range res.Hosts {
		h := r.kit.Inv.Host(hs.Host)
		switch {
		case h.Master.Name == "nim02" && hs.State != journal.StateVerified:
			t.Errorf("%s (nim02): %s (%s)", hs.Host, hs.State, hs.Reason)
		case h.Master.Name == "nim01" && hs.State == journal.StateFailed:
			failed++
			if hs.Diagnosis == nil || hs.Diagnosis.Rule != "DIAG-0005" || hs.Current().Phase() != 2 {
				t.Errorf("%s: diagnosis %+v in phase %d, want DIAG-0005 in phase 2", hs.Host, hs.Diagnosis, hs.Current().Phase())
			}
		}
	}
	if failed == 0 {
		t.Error("no nim01 client failed after its cache VG filled up")
	}
}

// TestHungNimadm: nimadm hangs in phase 6 (lab fault nimadm_hang). After
// the progress deadline (stretched for phase 6) the controller kills it,
// waits for it to end, cleans up with nimadm -C, and fails the host with
// a diagnosis; the others are migrated.
func TestHungNimadm(t *testing.T) { synctest.Test(t, testHungNimadm) }

func testHungNimadm(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	noPause(r)
	if err := r.kit.Lab.SetFault("aix02", sim.FaultNimadmHang); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, false)
	if res.Outcome != OutcomeCompleted {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
	}
	hs := assertState(t, r, "aix02", journal.StateFailed)
	a := hs.Current()
	if a.Outcome != "stalled" || a.Phase() != 6 || hs.Diagnosis == nil || hs.Diagnosis.Signature == "" {
		t.Errorf("aix02: outcome %s phase %d diagnosis %+v", a.Outcome, a.Phase(), hs.Diagnosis)
	}
	if !strings.Contains(hs.Reason, "stalled in phase 6") {
		t.Errorf("aix02 reason %q", hs.Reason)
	}
	if vg := lspvVG(t, r.kit.Lab, "aix02", "hdisk1"); vg != "None" {
		t.Errorf("aix02 hdisk1 in %q after the cleanup, want None", vg)
	}
	var ps strings.Builder
	r.kit.Lab.Exec(context.Background(), "nim73", "ps -ef", nil, &ps, nil)
	if strings.Contains(ps.String(), "nimadm -c aix02") {
		t.Errorf("a nimadm for aix02 still runs:\n%s", ps.String())
	}
	assertState(t, r, "aix01", journal.StateVerified)
	assertState(t, r, "aix03", journal.StateVerified)
}

// TestNewSignaturePausesThenResume: aix02's target disk belongs to a
// volume group (DIAG-0003, no automatic fix). The failure is a signature
// not seen before: the rollout pauses with the remaining host not
// started, and the run stays open. Resume lifts the pause and finishes.
func TestNewSignaturePausesThenResume(t *testing.T) {
	synctest.Test(t, testNewSignaturePausesThenResume)
}

func testNewSignaturePausesThenResume(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	r.o.Policy.MaxParallel = 1
	r.o.Policy.Canary = 0
	r.o.Policy.MaxFailures.N = 50
	r.o.SkipPreflight = true
	if err := r.kit.Lab.SetFault("aix02", sim.FaultTargetInVG); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, false)
	if res.Outcome != OutcomePaused || !strings.Contains(res.Detail, "new failure signature DIAG-0003 on aix02") {
		t.Fatalf("outcome %s (%s), want paused on DIAG-0003", res.Outcome, res.Detail)
	}
	hs := assertState(t, r, "aix02", journal.StateFailed)
	if hs.Diagnosis == nil || hs.Diagnosis.Rule != "DIAG-0003" {
		t.Errorf("aix02 diagnosis %+v", hs.Diagnosis)
	}
	if open, _ := journal.OpenRuns(r.j); len(open) != 1 {
		t.Fatalf("open runs: %d, want 1", len(open))
	}
	pending := 0
	for _, h := range res.Hosts {
		if h.State == journal.StatePlanned {
			pending++
		}
	}
	if pending == 0 {
		t.Fatal("nothing was left pending by the pause")
	}
	res = r.run(t, true)
	if res.Outcome != OutcomeCompleted {
		t.Fatalf("after resume: outcome %s (%s)", res.Outcome, res.Detail)
	}
	assertState(t, r, "aix01", journal.StateVerified)
	assertState(t, r, "aix03", journal.StateVerified)
	assertState(t, r, "aix02", journal.StateFailed)
	if len(r.host(t, "aix02").Attempts) != 1 {
		t.Error("aix02 ran nimadm again after the resume")
	}
}

// launchFailer fails the nimadm launch of one client on the transport,
// before the command reaches the master, the first n times.
type launchFailer struct {
	transport.Runner
	client string
	n      atomic.Int64
}

func (l *launchFailer) Run(ctx context.Context, cmd transport.Command) (transport.Result, error) {
	if strings.Contains(cmd.Line, "nimadm -c "+l.client+" ") && strings.Contains(cmd.Line, "nohup") && l.n.Add(-1) >= 0 {
		return transport.Result{}, fmt.Errorf("dial %s: %w", cmd.Host, transport.ErrUnreachable)
	}
	return l.Runner.Run(ctx, cmd)
}

// TestLaunchRefused: the master refuses the connection that would launch
// aix02's nimadm. Nothing runs there, so it is a passing glitch: the
// controller waits and launches again; the attempts that never launched
// do not count as runs. A master that refuses every launch fails the host
// with the transport error, after a bounded number of tries.
func TestLaunchRefused(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failures int64
		want     journal.State
	}{
		{"twice", 2, journal.StateVerified},
		{"always", 1000, journal.StateFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, scenario(t, "healthy"), false)
				noPause(r)
				lf := &launchFailer{Runner: r.kit.Runner, client: "aix02"}
				lf.n.Store(tc.failures)
				r.o.Runner = lf
				res := r.run(t, false)
				if res.Outcome != OutcomeCompleted {
					t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
				}
				hs := assertState(t, r, "aix02", tc.want)
				launched := 0
				for _, a := range hs.Attempts {
					if a.Outcome != outcomeNotLaunched {
						launched++
					}
				}
				switch tc.want {
				case journal.StateVerified:
					if launched != 1 || len(hs.Attempts) != 3 {
						t.Errorf("aix02: %d attempts, %d launched; want 3 and 1\n%s", len(hs.Attempts), launched, r.timeline(t, "aix02"))
					}
				case journal.StateFailed:
					if launched != 0 || !strings.Contains(hs.Reason, "could not start nimadm") || !strings.Contains(hs.Reason, "unreachable") {
						t.Errorf("aix02: %d launched, reason %q", launched, hs.Reason)
					}
				}
				assertState(t, r, "aix01", journal.StateVerified)
				assertState(t, r, "aix03", journal.StateVerified)
			})
		})
	}
}

// cutLaunch lets the nimadm launch of one client reach the master, then
// plays a controller that lost the link before the pid file was written
// and looked again only after the run had ended: it waits for the run's
// exit-status file, removes the pid file and reports the link lost.
type cutLaunch struct {
	transport.Runner
	client string
	done   atomic.Bool
}

func (c *cutLaunch) Run(ctx context.Context, cmd transport.Command) (transport.Result, error) {
	res, err := c.Runner.Run(ctx, cmd)
	if err != nil || !strings.Contains(cmd.Line, "nimadm -c "+c.client+" ") || !strings.Contains(cmd.Line, "nohup") || c.done.Swap(true) {
		return res, err
	}
	pid := regexp.MustCompile(`> '?(\S+?\.pid)'?;`).FindStringSubmatch(cmd.Line)
	if pid == nil {
		return res, fmt.Errorf("no pid file in %q", cmd.Line)
	}
	rc := strings.TrimSuffix(pid[1], ".pid") + ".rc"
	for {
		r, err := c.Runner.Run(ctx, transport.Command{Host: cmd.Host, Line: "/usr/bin/cat " + rc})
		if err == nil && r.OK() && len(r.Stdout) > 0 {
			break
		}
		time.Sleep(time.Millisecond) // a bubble's clock: the lab moves on
	}
	if r, err := c.Runner.Run(ctx, transport.Command{Host: cmd.Host, Line: "/usr/bin/rm " + pid[1]}); err != nil || !r.OK() {
		return res, fmt.Errorf("rm %s: %v %s", pid[1], err, r.Stderr)
	}
	return transport.Result{}, fmt.Errorf("launch on %s: %w", cmd.Host, transport.ErrConnLost)
}

// TestLaunchCutOffAfterTheRunEnded: the link drops before the pid file is
// written and nimadm has ended by the time the controller looks again.
// The run's own exit-status file and log decide its outcome: aix02 is
// migrated by that one run, not failed as lost and not run again.
func TestLaunchCutOffAfterTheRunEnded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, scenario(t, "healthy"), false)
		noPause(r)
		runs := countRuns(r.kit.Lab)
		cl := &cutLaunch{Runner: r.kit.Runner, client: "aix02"}
		r.o.Runner = cl
		res := r.run(t, false)
		if !cl.done.Load() {
			t.Fatal("the launch was never cut")
		}
		if !res.AllMigrated() {
			t.Fatalf("outcome %s (%s)\n%s", res.Outcome, res.Detail, r.timeline(t, "aix02"))
		}
		hs := assertState(t, r, "aix02", journal.StateVerified)
		if len(hs.Attempts) != 1 || hs.Attempts[0].PID != 0 || len(hs.Attempts[0].Phases) != 12 {
			t.Errorf("aix02: %+v", hs.Attempts)
		}
		runs.mu.Lock()
		defer runs.mu.Unlock()
		if runs.started["aix02"] != 1 {
			t.Errorf("aix02: %d nimadm runs", runs.started["aix02"])
		}
	})
}
