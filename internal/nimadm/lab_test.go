package nimadm

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Tests against the lab (internal/sim through labkit). The lab runs at
// 1e9 simulated seconds per real second, so a migration takes
// milliseconds; the controller's clock is a fake that the injected Sleep
// advances. Tests on the in-memory lab run in synctest bubbles, where the
// lab always runs before the controller's next poll.

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	// Let the lab's nimadm run: in a synctest bubble this moves the
	// bubble's clock, so the lab's timers fire before the next poll.
	time.Sleep(time.Microsecond)
	return ctx.Err()
}

func loadScenario(t *testing.T, name string) sim.Config {
	t.Helper()
	cfg, err := sim.LoadScenario(name)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeScale = 0 // labkit: 1e9
	return cfg
}

func labClient(t *testing.T, k *labkit.Kit, name string) *inventory.Host {
	t.Helper()
	h := k.Inv.Host(name)
	if h == nil {
		t.Fatalf("no host %s in the lab inventory", name)
	}
	return h
}

func testOptions(clk *fakeClock, attempt int, events *[]Event) Options {
	o := Options{RunID: "r1", Attempt: attempt, Now: clk.Now, Sleep: clk.Sleep, Interval: time.Minute}
	if events != nil {
		o.OnEvent = func(e Event) { *events = append(*events, e) }
	}
	return o
}

// holdAt makes nimadm for client wait at the start of phase n (before its
// banner) until the returned release is called. Later runs pass through.
func holdAt(lab *sim.Lab, client string, n int) (release func()) {
	ch := make(chan struct{})
	var once sync.Once
	lab.SetPhaseHook(func(ctx context.Context, _, c string, phase int) {
		if c == client && phase == n {
			select {
			case <-ch:
			case <-ctx.Done():
			}
		}
	})
	return func() { once.Do(func() { close(ch) }) }
}

// pollUntilPhase polls j until its tracker has seen phase n.
func pollUntilPhase(t *testing.T, j *Job, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for j.Tracker().Phase() < n {
		if _, err := j.Poll(context.Background()); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("phase %d not reached (at %d)", n, j.Tracker().Phase())
		}
		time.Sleep(time.Microsecond) // the lab moves on (a bubble's clock too)
	}
}

func phaseNumbers(ps []PhaseStart) []int {
	var out []int
	for _, p := range ps {
		out = append(out, p.Phase)
	}
	return out
}

func eventPhases(evs []Event) []int {
	var out []int
	for _, e := range evs {
		if e.Kind == EventPhase {
			out = append(out, e.Phase)
		}
	}
	return out
}

func upTo(n int) []int {
	var out []int
	for i := 1; i <= n; i++ {
		out = append(out, i)
	}
	return out
}

// TestSeedFailsInPhase11 is the field report behind nimfleet: the client
// has /bos_inst from an old multibos, and nimadm fails in phase 11 with
// the E01 block.
func TestSeedFailsInPhase11(t *testing.T) { synctest.Test(t, testSeedFailsInPhase11) }

func testSeedFailsInPhase11(t *testing.T) {
	k := labkit.New(t, loadScenario(t, "seed"), labkit.Options{})
	h := labClient(t, k, "lpar1")
	clk := newFakeClock()
	var evs []Event
	j, err := Start(context.Background(), k.Runner, h, testOptions(clk, 1, &evs))
	if err != nil {
		t.Fatal(err)
	}
	out, err := j.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != Failed || out.ExitCode != 1 || out.Phase != 11 {
		t.Fatalf("got %s exit %d phase %d, want failed exit 1 phase 11", out.Result, out.ExitCode, out.Phase)
	}
	if out.Signature != "0505-218" || out.Fatal != "0505-187 nimadm: Error cloning altinst_rootvg on client." {
		t.Errorf("signature %q fatal %q", out.Signature, out.Fatal)
	}
	if got := eventPhases(evs); !cmp.Equal(got, upTo(11)) {
		t.Errorf("phases reported: %v", got)
	}
	// The E01 block, in order, in the fetched log (errors.md E01).
	e01 := []string{
		"Executing nimadm phase 11.",
		"Cloning altinst_rootvg on client, Phase 3.",
		`Client alt_disk_install command: alt_disk_copy -j -M 7.1 -P3 -d "hdisk1"`,
		"## Phase 3 ###################",
		"Verifying altinst_rootvg...",
		"alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.",
		"Cleaning up.",
		"forced unmount of /alt_inst/var/log",
		"0505-187 nimadm: Error cloning altinst_rootvg on client.",
		"Cleaning up alt_disk_migration on the NIM master.",
		"Cleaning up alt_disk_migration on client lpar1.",
		"Client alt_disk_install command: alt_disk_install -M 7.1 -X",
		"Bootlist is set to the boot disk: hdisk0 blv=hd5",
	}
	rest := string(out.Log)
	for _, l := range e01 {
		i := strings.Index(rest, l+"\n")
		if i < 0 {
			t.Fatalf("log lacks %q (in order); log:\n%s", l, out.Log)
		}
		rest = rest[i+len(l):]
	}
	if j.Tracker().Bootlist() != "hdisk0 blv=hd5" {
		t.Errorf("bootlist: %q", j.Tracker().Bootlist())
	}
}

// TestFixedSeedSucceeds: after `mv /bos_inst /bos_inst.x` on the client
// (through the runner), the same migration succeeds, phases 1 to 12 in
// order. It also checks that following a run leaves no goroutine behind.
func TestFixedSeedSucceeds(t *testing.T) { synctest.Test(t, testFixedSeedSucceeds) }

func testFixedSeedSucceeds(t *testing.T) {
	before := runtime.NumGoroutine()
	k := labkit.New(t, loadScenario(t, "seed"), labkit.Options{})
	h := labClient(t, k, "lpar1")
	ctx := context.Background()
	res, err := k.Runner.Run(ctx, transport.Command{Host: "lpar1", Line: "/usr/bin/mv /bos_inst /bos_inst.x", Mutates: true})
	if err != nil || !res.OK() {
		t.Fatalf("mv: %v %+v", err, res)
	}
	clk := newFakeClock()
	var evs []Event
	j, err := Start(ctx, k.Runner, h, testOptions(clk, 1, &evs))
	if err != nil {
		t.Fatal(err)
	}
	out, err := j.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != Succeeded || out.ExitCode != 0 || out.Signature != "" || out.Fatal != "" {
		t.Fatalf("got %+v", out)
	}
	if got := eventPhases(evs); !cmp.Equal(got, upTo(12)) {
		t.Errorf("phases reported: %v", got)
	}
	if got := phaseNumbers(out.Phases); !cmp.Equal(got, upTo(12)) {
		t.Errorf("outcome phases: %v", got)
	}
	for i := 1; i < len(out.Phases); i++ {
		if out.Phases[i].At.Before(out.Phases[i-1].At) {
			t.Errorf("phase times go back: %v", out.Phases)
		}
	}
	if j.Tracker().Bootlist() != "hdisk1 blv=hd5" || int64(len(out.Log)) != j.Tracker().Offset() {
		t.Errorf("bootlist %q, log %d bytes, offset %d", j.Tracker().Bootlist(), len(out.Log), j.Tracker().Offset())
	}
	// The run's files stay on the master for the report.
	res, err = k.Runner.Run(ctx, transport.Command{Host: "nim1", Line: CatLine(j.Handle().Files.RC)})
	if err != nil || string(res.Stdout) != "0\n" {
		t.Errorf("rc file: %q %v", res.Stdout, err)
	}
	k.Lab.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the run, %d before", n, before)
	}
}

// TestDetachedRunSurvivesTheSession: the run is started over SSH, the
// controller's connections are dropped mid-run, and a new session (a new
// fleet runner, as after a controller restart) keeps following it to the
// end.
func TestDetachedRunSurvivesTheSession(t *testing.T) {
	if testing.Short() {
		t.Skip("SSH lab")
	}
	k := labkit.Serve(t, loadScenario(t, "healthy"), labkit.Options{})
	h := labClient(t, k, "aix01")
	release := holdAt(k.Lab, "aix01", 6)
	defer release()
	clk := newFakeClock()
	ctx := context.Background()
	j, err := Start(ctx, k.Runner, h, testOptions(clk, 1, nil))
	if err != nil {
		t.Fatal(err)
	}
	pollUntilPhase(t, j, 5)
	handle := j.Handle()
	if err := k.Fleet.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Poll(ctx); err == nil {
		t.Fatal("poll over the closed fleet succeeded")
	}
	fleet, err := connect.Open(k.Inv, connect.Options{NoRetry: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fleet.Close()
	res, err := fleet.Runner.Run(ctx, transport.Command{Host: "nim73", Line: AliveLine(handle.PID)})
	if err != nil || !res.OK() {
		t.Fatalf("nimadm did not survive the session: %v %+v", err, res)
	}
	var evs []Event
	j2 := Attach(fleet.Runner, h, handle, testOptions(clk, 1, &evs))
	release()
	out, err := j2.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != Succeeded || !cmp.Equal(phaseNumbers(out.Phases), upTo(12)) {
		t.Fatalf("got %s phases %v", out.Result, phaseNumbers(out.Phases))
	}
	if got := eventPhases(evs); !cmp.Equal(got, []int{6, 7, 8, 9, 10, 11, 12}) {
		t.Errorf("phases reported after re-attaching: %v", got)
	}
}

// TestHungRunIsStalled: with the lab's nimadm_hang fault nimadm stops in
// phase 6 and prints nothing more; the follower reports a stall after the
// progress deadline (stretched for phase 6), kills the run and cleans up.
func TestHungRunIsStalled(t *testing.T) { synctest.Test(t, testHungRunIsStalled) }

func testHungRunIsStalled(t *testing.T) {
	k := labkit.New(t, loadScenario(t, "healthy"), labkit.Options{})
	h := labClient(t, k, "aix01")
	if err := k.Lab.SetFault("aix01", sim.FaultNimadmHang); err != nil {
		t.Fatal(err)
	}
	// The follower runs on a fake clock, the lab's nimadm on real (scaled)
	// time: wait until nimadm is really in phase 6 before following it, or
	// a loaded machine lets the fake clock pass the deadline first.
	in6 := make(chan struct{})
	var once sync.Once
	k.Lab.SetPhaseHook(func(ctx context.Context, _, c string, phase int) {
		if c == "aix01" && phase == 6 {
			once.Do(func() { close(in6) })
		}
	})
	clk := newFakeClock()
	o := testOptions(clk, 1, nil)
	o.ProgressDeadline = 30 * time.Minute
	o.Workload = Workload{RootvgUsedMB: 10 << 10, Cache: true}
	ctx := context.Background()
	j, err := Start(ctx, k.Runner, h, o)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-in6:
	case <-time.After(30 * time.Second):
		t.Fatal("the lab's nimadm did not reach phase 6")
	}
	// The hook runs before the banner: wait for the banner in the log too.
	for deadline := time.Now().Add(30 * time.Second); ; {
		res, err := k.Runner.Run(ctx, transport.Command{Host: j.Handle().Master, Line: CatLine(j.Handle().Files.Log)})
		if err == nil && strings.Contains(string(res.Stdout), "Executing nimadm phase 6.") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no phase 6 banner in the log: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := clk.Now()
	out, err := j.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != Stalled || out.Phase != 6 || out.ExitCode != -1 {
		t.Fatalf("got %s phase %d exit %d, want stalled in phase 6", out.Result, out.Phase, out.ExitCode)
	}
	// Phase 6 may be silent for twice its 30 modelled minutes.
	if waited := clk.Now().Sub(j.Tracker().LastProgress()); waited < time.Hour || waited > time.Hour+2*time.Minute {
		t.Errorf("stall reported after %v of silence (%v after start)", waited, clk.Now().Sub(start))
	}
	pids, err := j.Kill(ctx)
	if err != nil || len(pids) != 1 {
		t.Fatalf("kill: %v %v", pids, err)
	}
	out, err = j.WaitExit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != Lost {
		t.Errorf("after kill: got %s, want lost", out.Result)
	}
	res, err := Cleanup(ctx, k.Runner, h, 0)
	if err != nil || !res.OK() || !bytes.Contains(res.Stdout, []byte("Cleaning up alt_disk_migration on client aix01.")) {
		t.Errorf("cleanup: %v %q", err, res.Stdout)
	}
}

// countingRunner records the offsets the poll command asked for and the
// log bytes it got back.
type countingRunner struct {
	transport.Runner
	mu      sync.Mutex
	tails   []string
	logRead int
}

func (c *countingRunner) Run(ctx context.Context, cmd transport.Command) (transport.Result, error) {
	res, err := c.Runner.Run(ctx, cmd)
	if strings.Contains(cmd.Line, markAlive) && err == nil {
		c.mu.Lock()
		i := strings.Index(cmd.Line, "/usr/bin/tail")
		c.tails = append(c.tails, cmd.Line[i:])
		if pr, perr := ParsePoll(res.Stdout); perr == nil {
			c.logRead += len(pr.Log)
		}
		c.mu.Unlock()
	}
	return res, err
}

// TestResumeFromHandle: a controller that crashed mid-run resumes from
// the journaled handle (pid, files, offset, phases): it reads the log from
// the offset on, never from the start, and reports only the new phases.
func TestResumeFromHandle(t *testing.T) { synctest.Test(t, testResumeFromHandle) }

func testResumeFromHandle(t *testing.T) {
	k := labkit.New(t, loadScenario(t, "healthy"), labkit.Options{})
	h := labClient(t, k, "aix02")
	release := holdAt(k.Lab, "aix02", 6)
	defer release()
	clk := newFakeClock()
	ctx := context.Background()
	j, err := Start(ctx, k.Runner, h, testOptions(clk, 1, nil))
	if err != nil {
		t.Fatal(err)
	}
	pollUntilPhase(t, j, 5)
	handle := j.Handle() // what the journal holds
	if handle.Tracker.Offset == 0 || len(handle.Tracker.Phases) != 5 {
		t.Fatalf("handle: %+v", handle)
	}
	j = nil // the controller crashes

	cr := &countingRunner{Runner: k.Runner}
	var evs []Event
	j2 := Attach(cr, h, handle, testOptions(clk, 1, &evs))
	release()
	out, err := j2.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != Succeeded {
		t.Fatalf("got %+v", out.Result)
	}
	if want := TailLine(handle.Files.Log, handle.Tracker.Offset) + " 2> /dev/null"; cr.tails[0] != want {
		t.Errorf("first read after resume: %q, want %q", cr.tails[0], want)
	}
	if want := len(out.Log) - int(handle.Tracker.Offset); cr.logRead != want {
		t.Errorf("read %d log bytes after resume, want %d (log %d, offset %d)", cr.logRead, want, len(out.Log), handle.Tracker.Offset)
	}
	if got := eventPhases(evs); !cmp.Equal(got, []int{6, 7, 8, 9, 10, 11, 12}) {
		t.Errorf("phases reported after resume: %v", got)
	}
	if got := phaseNumbers(out.Phases); !cmp.Equal(got, upTo(12)) {
		t.Errorf("outcome phases: %v", got)
	}
}

// TestRefusesSecondStart: while a nimadm runs for a client, Start refuses
// (whatever the journal says); after kill and cleanup a new attempt runs.
func TestRefusesSecondStart(t *testing.T) { synctest.Test(t, testRefusesSecondStart) }

func testRefusesSecondStart(t *testing.T) {
	k := labkit.New(t, loadScenario(t, "healthy"), labkit.Options{})
	h := labClient(t, k, "aix01")
	release := holdAt(k.Lab, "aix01", 3)
	defer release()
	clk := newFakeClock()
	ctx := context.Background()
	j, err := Start(ctx, k.Runner, h, testOptions(clk, 1, nil))
	if err != nil {
		t.Fatal(err)
	}
	pollUntilPhase(t, j, 2)
	_, err = Start(ctx, k.Runner, h, testOptions(clk, 2, nil))
	var be *BusyError
	if !IsBusy(err) || !asBusy(err, &be) || len(be.PIDs) != 1 || be.PIDs[0] != j.Handle().PID {
		t.Fatalf("second start: got %v, want BusyError with pid %d", err, j.Handle().PID)
	}
	if _, err := Cleanup(ctx, k.Runner, h, 0); !IsBusy(err) {
		t.Errorf("cleanup while running: got %v, want busy", err)
	}
	// Another client of the same master is not affected.
	other, err := Start(ctx, k.Runner, labClient(t, k, "aix02"), testOptions(clk, 1, nil))
	if err != nil {
		t.Fatalf("other client: %v", err)
	}
	if _, err := j.Kill(ctx); err != nil {
		t.Fatal(err)
	}
	release()
	if out, err := j.WaitExit(ctx); err != nil || out.Result != Lost || out.Phase != 2 {
		t.Fatalf("killed run: %+v %v", out.Result, err)
	}
	if pids, err := Busy(ctx, k.Runner, h, 0); err != nil || len(pids) != 0 {
		t.Fatalf("busy after kill: %v %v", pids, err)
	}
	if res, err := Cleanup(ctx, k.Runner, h, 0); err != nil || !res.OK() {
		t.Fatalf("cleanup: %v %+v", err, res)
	}
	j2, err := Start(ctx, k.Runner, h, testOptions(clk, 2, nil))
	if err != nil {
		t.Fatal(err)
	}
	if j2.Handle().Files.Log == j.Handle().Files.Log {
		t.Error("attempt 2 reuses attempt 1's log")
	}
	for _, jj := range []*Job{j2, other} {
		if out, err := jj.Wait(ctx); err != nil || out.Result != Succeeded {
			t.Errorf("%s: %+v %v", jj.Handle().Files.Log, out.Result, err)
		}
	}
}

func asBusy(err error, be **BusyError) bool {
	b, ok := err.(*BusyError)
	*be = b
	return ok
}

// TestModelMatchesLab compares the duration model with the lab's nimadm,
// phase by phase, at a time scale slow enough to measure (one lab hour is
// 0.36 s).
func TestModelMatchesLab(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time lab run")
	}
	cfg := loadScenario(t, "healthy")
	cfg.TimeScale = 1e4
	k := labkit.New(t, cfg, labkit.Options{})
	h := labClient(t, k, "aix02")
	ctx := context.Background()
	res, err := k.Runner.Run(ctx, transport.Command{Host: "aix02", Line: "LC_ALL=C /usr/sbin/lsvg rootvg"})
	if err != nil {
		t.Fatal(err)
	}
	vg, err := aix.ParseLsvg(res.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	starts := map[int]time.Time{}
	k.Lab.SetPhaseHook(func(_ context.Context, _, c string, n int) {
		mu.Lock()
		starts[n] = k.Lab.Now()
		mu.Unlock()
	})
	// Follow in real time: the lab's clock is the reference here.
	o := Options{RunID: "r1", Attempt: 1, Now: k.Lab.Now, Interval: 20 * time.Millisecond,
		Sleep: func(ctx context.Context, d time.Duration) error {
			tm := time.NewTimer(d)
			defer tm.Stop()
			select {
			case <-tm.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}
	j, err := Start(ctx, k.Runner, h, o)
	if err != nil {
		t.Fatal(err)
	}
	out, err := j.Wait(ctx)
	if err != nil || out.Result != Succeeded {
		t.Fatalf("%v %v", out.Result, err)
	}
	w := Workload{RootvgUsedMB: vg.UsedMB, Cache: h.CacheVG != ""}
	var m Model
	mu.Lock()
	defer mu.Unlock()
	for n := 1; n < Phases; n++ {
		got := starts[n+1].Sub(starts[n])
		want := m.Phase(n, w)
		tol := want/20 + 90*time.Second // 5% plus scheduling jitter (9 ms real)
		if d := got - want; d > tol || d < -tol {
			t.Errorf("phase %d: lab %v, model %v", n, got.Round(time.Second), want.Round(time.Second))
		}
	}
	total, want := starts[Phases].Sub(starts[1]), m.Total(w)-m.Phase(0, w)-m.Phase(Phases, w)
	t.Logf("rootvg %d MB: phases 1-11 took %v in the lab, model %v", vg.UsedMB, total.Round(time.Second), want.Round(time.Second))
	if d := total - want; d > want/50+3*time.Minute || d < -want/50-3*time.Minute {
		t.Errorf("phases 1-11: lab %v, model %v", total, want)
	}
}
