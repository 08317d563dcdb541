package migrate

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// Tests against the lab. The lab runs at 1e9 simulated seconds per real
// second (labkit's default), so a nimadm run takes microseconds; the
// orchestrator runs on a fake clock that only its own waits advance, so
// its poll interval, stall detection and deadlines are exact and no test
// sleeps. The makespan benchmark runs on the lab's own clock instead.

// fakeClock is advanced by Sleep.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	// Let the lab's nimadm (1e9 times faster than real time) move on.
	time.Sleep(20 * time.Microsecond)
	return ctx.Err()
}

// labClock is the lab's clock for the controller (benchmarks): Now is the
// lab's time and Sleep waits the scaled real time.
type labClock struct {
	lab   *sim.Lab
	scale float64
}

func (c labClock) Now() time.Time { return c.lab.Now() }

func (c labClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(time.Duration(float64(d) / c.scale))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func scenario(t testing.TB, name string) sim.Config {
	t.Helper()
	cfg, err := sim.LoadScenario(name)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeScale = 0 // labkit: 1e9
	return cfg
}

// rig is a lab, a kit and an orchestrator's options on them.
type rig struct {
	kit *labkit.Kit
	dir string
	j   *journal.File
	o   Options
}

// newRig builds a rig on cfg. An in-memory rig (serve false) belongs
// inside a synctest bubble (synctest.Test): the lab's nimadm runs on
// timers and the controller on a fake clock, and in a bubble the lab
// always gets to run before the controller's next poll, however loaded
// the machine, so a healthy run can never look stalled. A served rig
// uses real sockets and cannot.
func newRig(t testing.TB, cfg sim.Config, serve bool) *rig {
	t.Helper()
	var k *labkit.Kit
	if serve {
		k = labkit.Serve(t, cfg, labkit.Options{})
	} else {
		k = labkit.New(t, cfg, labkit.Options{})
	}
	dir := t.TempDir()
	r := &rig{kit: k, dir: dir}
	r.openJournal(t)
	p := sched.DefaultPolicy()
	r.o = Options{Inventory: k.Inv, Runner: k.Runner, Journal: r.j, Policy: p, AutoFix: true,
		LogDir: filepath.Join(dir, "logs"), Clock: newFakeClock(), PollInterval: time.Minute,
		CommandTimeout: 20 * time.Second, Controller: "test", Version: "test"}
	return r
}

func (r *rig) openJournal(t testing.TB) {
	t.Helper()
	if r.j != nil {
		r.j.Close()
	}
	j, err := journal.Open(filepath.Join(r.dir, "journal.jsonl"), journal.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	r.j = j
	r.o.Journal = j
}

func (r *rig) run(t testing.TB, resume bool) *Result {
	t.Helper()
	m, err := New(r.o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var res *Result
	if resume {
		res, err = m.Resume(ctx)
	} else {
		res, err = m.Run(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (r *rig) host(t testing.TB, name string) journal.HostState {
	t.Helper()
	hs, err := r.j.Host(name)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// timeline renders a host's events compactly: "state:planned attempt:1
// exit:failed diagnosis:DIAG-0001 fix:FIX-BOSINST ...", phases left out.
func (r *rig) timeline(t testing.TB, name string) string {
	t.Helper()
	evs, err := journal.HostEvents(r.j, name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		switch e.Kind {
		case journal.KindState:
			out = append(out, "state:"+string(e.To))
		case journal.KindAttempt:
			out = append(out, "attempt:"+strconv.Itoa(e.Attempt))
		case journal.KindExit:
			out = append(out, "exit:"+e.Outcome)
		case journal.KindDiagnosis:
			out = append(out, "diagnosis:"+e.Rule)
		case journal.KindFix:
			out = append(out, "fix:"+e.Fix)
		case journal.KindLaunched:
			out = append(out, "launched")
		}
	}
	return strings.Join(out, " ")
}

// lspvVG returns the volume group of disk on host, read from the lab.
func lspvVG(t testing.TB, lab *sim.Lab, host, disk string) string {
	t.Helper()
	var out strings.Builder
	if rc := lab.Exec(context.Background(), host, "/usr/sbin/lspv", nil, &out, nil); rc != 0 {
		t.Fatalf("lspv on %s: exit %d", host, rc)
	}
	for _, l := range strings.Split(out.String(), "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && f[0] == disk {
			return f[2]
		}
	}
	return ""
}

// TestSeedFixedBeforeNimadm is the field report with the preflight on:
// lpar1's leftover /bos_inst is caught by PRE-0301, moved aside by
// FIX-BOSINST before nimadm starts, and the one nimadm run succeeds.
func TestSeedFixedBeforeNimadm(t *testing.T) { synctest.Test(t, testSeedFixedBeforeNimadm) }

func testSeedFixedBeforeNimadm(t *testing.T) {
	r := newRig(t, scenario(t, "seed"), false)
	res := r.run(t, false)
	if res.Outcome != OutcomeCompleted || !res.AllMigrated() {
		t.Fatalf("outcome %s (%s); hosts %+v", res.Outcome, res.Detail, res.Hosts)
	}
	if got, want := r.timeline(t, "lpar1"), "state:planned state:fixing fix:FIX-BOSINST state:planned state:starting attempt:1 launched state:running exit:succeeded state:succeeded state:verifying state:verified"; got != want {
		t.Errorf("lpar1 timeline:\n got %s\nwant %s", got, want)
	}
	if vg := lspvVG(t, r.kit.Lab, "lpar1", "hdisk1"); vg != "altinst_rootvg" {
		t.Errorf("lpar1 hdisk1 in %q, want altinst_rootvg", vg)
	}
}

// TestSeedDiagnosedFixedRetried is the field report with the preflight
// skipped: nimadm fails in phase 11, the failure is diagnosed (DIAG-0001,
// the /bos_inst cause), FIX-BOSINST is applied and nimadm reruns and
// succeeds, with no human step.
func TestSeedDiagnosedFixedRetried(t *testing.T) { synctest.Test(t, testSeedDiagnosedFixedRetried) }

func testSeedDiagnosedFixedRetried(t *testing.T) {
	r := newRig(t, scenario(t, "seed"), false)
	r.o.SkipPreflight = true
	res := r.run(t, false)
	if res.Outcome != OutcomeCompleted || !res.AllMigrated() {
		t.Fatalf("outcome %s (%s); hosts %+v", res.Outcome, res.Detail, res.Hosts)
	}
	want := "state:planned state:starting attempt:1 launched state:running exit:failed diagnosis:DIAG-0001 state:failed state:fixing fix:FIX-BOSINST state:planned state:starting attempt:2 launched state:running exit:succeeded state:succeeded state:verifying state:verified"
	if got := r.timeline(t, "lpar1"); got != want {
		t.Errorf("lpar1 timeline:\n got %s\nwant %s", got, want)
	}
	hs := r.host(t, "lpar1")
	if a := hs.Attempts[0]; a.Phase() != 11 || a.Diagnosis == nil || a.Diagnosis.Signature != "DIAG-0001" || len(a.Diagnosis.Data) == 0 {
		t.Errorf("attempt 1: phase %d diagnosis %+v", a.Phase(), a.Diagnosis)
	}
	for _, n := range []string{"lpar1.1.log", "lpar1.2.log"} {
		if _, err := filepath.Glob(filepath.Join(r.dir, "logs", n)); err != nil {
			t.Error(err)
		}
	}
	if vg := lspvVG(t, r.kit.Lab, "lpar1", "hdisk1"); vg != "altinst_rootvg" {
		t.Errorf("lpar1 hdisk1 in %q, want altinst_rootvg", vg)
	}
}

// TestSeedFixWaitsForTheClient: the seed case without preflight, and
// lpar1 stops answering right after the phase-11 failure is diagnosed.
// The fix cannot reach it: that is waited out (nothing was done), not a
// failed fix; once lpar1 answers again the fix is applied and nimadm
// runs again.
func TestSeedFixWaitsForTheClient(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, scenario(t, "seed"), false)
		r.o.SkipPreflight = true
		cr := &countingRunner{Runner: r.kit.Runner, host: "lpar1"}
		cr.after = func(n int64) {
			if n == 3 {
				r.kit.Lab.SetUnreachable("lpar1", false)
			}
		}
		r.o.Runner = cr
		var once sync.Once
		r.o.Observer = func(e Event) {
			if e.Kind == journal.KindDiagnosis {
				once.Do(func() { r.kit.Lab.SetUnreachable("lpar1", true) })
			}
		}
		res := r.run(t, false)
		if !res.AllMigrated() {
			t.Fatalf("outcome %s (%s)\n%s", res.Outcome, res.Detail, r.timeline(t, "lpar1"))
		}
		if cr.errs.Load() < 3 {
			t.Errorf("%d commands to lpar1 failed: the outage was not seen", cr.errs.Load())
		}
		want := "state:planned state:starting attempt:1 launched state:running exit:failed diagnosis:DIAG-0001 state:failed state:fixing fix:FIX-BOSINST state:planned state:starting attempt:2 launched state:running exit:succeeded state:succeeded state:verifying state:verified"
		if got := r.timeline(t, "lpar1"); got != want {
			t.Errorf("lpar1 timeline:\n got %s\nwant %s", got, want)
		}
	})
}
