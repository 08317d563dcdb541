package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spf13/cobra"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/migrate"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// migrateFakeClock is the controller's clock in the in-process CLI tests:
// only its own waits advance it (the lab runs at 1e9, so nimadm is done
// in microseconds).
type migrateFakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *migrateFakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *migrateFakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	time.Sleep(20 * time.Microsecond)
	return ctx.Err()
}

var migrateT0 = time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)

// migrateLab is an in-memory lab with its inventory written to a file:
// the CLI reaches the lab through testOnlyMigrateBase.
type migrateLab struct {
	lab *sim.Lab
	dir string
	inv string
}

func newMigrateLab(t *testing.T, cfg sim.Config) *migrateLab {
	t.Helper()
	cfg.TimeScale = 1e9
	lab := sim.NewForTest(t, cfg)
	dir := t.TempDir()
	inv, err := labkit.Inventory(lab.Config(), labkit.InvOptions{File: filepath.Join(dir, "inventory.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	data, err := inventory.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inv.File, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return &migrateLab{lab: lab, dir: dir, inv: inv.File}
}

func loadScenarioT(t *testing.T, name string) sim.Config {
	t.Helper()
	cfg, err := sim.LoadScenario(name)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// useLab points the migrate test seams at l for the duration of the test.
// Tests that use it run in synctest bubbles (synctest.Test): the
// controller's fake clock and the lab's timers would race on a loaded
// machine otherwise.
func useLab(t *testing.T, l *migrateLab) *migrateFakeClock {
	t.Helper()
	clk := &migrateFakeClock{now: migrateT0}
	oldBase, oldClock, oldPoll, oldNow := testOnlyMigrateBase, testOnlyMigrateClock, testOnlyMigratePoll, testOnlyMigrateNow
	testOnlyMigrateBase = l.lab.Runner()
	testOnlyMigrateClock = func() migrate.Clock { return clk }
	testOnlyMigratePoll = time.Minute
	testOnlyMigrateNow = func() time.Time { return migrateT0 }
	t.Cleanup(func() {
		testOnlyMigrateBase, testOnlyMigrateClock, testOnlyMigratePoll, testOnlyMigrateNow = oldBase, oldClock, oldPoll, oldNow
	})
	return clk
}

// newMigrateRoot builds a root command as root.go does, with the commands
// of this file's concern.
func newMigrateRoot(g *GlobalOptions) *cobra.Command {
	root := &cobra.Command{Use: "nimfleet", SilenceErrors: true, SilenceUsage: true}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return withExit(ExitUsage, err) })
	root.AddCommand(newMigrateCommand(g), newStatusCommand(g), newRollbackCommand(g))
	return root
}

// runMigrateCLI runs the CLI in-process and returns stdout, stderr and the
// exit code.
func runMigrateCLI(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	if ctx == nil {
		ctx = context.Background()
	}
	var stdout, stderr bytes.Buffer
	g := &GlobalOptions{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	root := newMigrateRoot(g)
	root.SetArgs(args)
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(ctx)
	code := ExitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

// migrateGolden compares got with testdata/migrate/name (after replacing
// dir with $DIR); -update rewrites it.
func migrateGolden(t *testing.T, name, got, dir string) {
	t.Helper()
	got = strings.ReplaceAll(got, dir, "$DIR")
	path := filepath.Join("testdata", "migrate", name)
	if fixUpdateGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// planLab is the healthy lab with one client to fix first (a leftover
// /bos_inst) and one that cannot migrate (its target disk is too small).
func planLab(t *testing.T) *migrateLab {
	cfg := loadScenarioT(t, "healthy")
	cfg.Clients[1].Faults = []string{sim.FaultBosInstLeftover}
	cfg.Clients[2].Faults = []string{sim.FaultTargetTooSmall}
	return newMigrateLab(t, cfg)
}

func TestMigrateAloneIsHelp(t *testing.T) {
	stdout, stderr, code := runMigrateCLI(t, nil, "migrate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"migrate plan", "migrate run", "migrate resume", "Available Commands"} {
		if !strings.Contains(stdout+stderr, w) {
			t.Errorf("help lacks %q:\n%s", w, stdout+stderr)
		}
	}
}

func TestExitStatusDocumented(t *testing.T) {
	root := newMigrateRoot(&GlobalOptions{})
	for _, path := range [][]string{{"migrate", "plan"}, {"migrate", "run"}, {"migrate", "resume"}, {"status"}, {"rollback"}} {
		c, _, err := root.Find(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.Long, "EXIT STATUS") {
			t.Errorf("%v: long help has no EXIT STATUS", path)
		}
	}
}

// TestMigratePlan: the plan of a small lab, text (golden) and JSON.
func TestMigratePlan(t *testing.T) { synctest.Test(t, testMigratePlan) }

func testMigratePlan(t *testing.T) {
	l := planLab(t)
	useLab(t, l)
	stdout, stderr, code := runMigrateCLI(t, nil, "migrate", "plan", "-i", l.inv)
	if code != ExitHostsFailed {
		t.Fatalf("exit %d, want 3 (a client is left out): %s", code, stderr)
	}
	migrateGolden(t, "plan.txt", stdout, l.dir)
	stdout, _, _ = runMigrateCLI(t, nil, "migrate", "plan", "-i", l.inv, "--json", "--canary", "0")
	var p migrate.Plan
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	if p.SchemaVersion != 1 || len(p.Hosts) != 3 || p.Host("aix02").Action != migrate.ActionFixFirst ||
		p.Host("aix03").Action != migrate.ActionExclude || len(p.Schedule.Waves) != 1 {
		t.Errorf("plan JSON: %+v", p)
	}
	// Without auto-fix the client to fix is left out too, with the hint.
	stdout, _, _ = runMigrateCLI(t, nil, "migrate", "plan", "-i", l.inv, "--auto-fix=false")
	if !strings.Contains(stdout, "aix02 (nim73): blocked: PRE-0301") || !strings.Contains(stdout, "'nimfleet fix' repairs it") {
		t.Errorf("plan without auto-fix:\n%s", stdout)
	}
}

// TestMigrateRunSeed is the seed case end to end through the CLI: lpar1's
// leftover /bos_inst is found by preflight and fixed before nimadm starts;
// the run ends with lpar1 migrated and verified, no human step, exit 0.
func TestMigrateRunSeed(t *testing.T) { synctest.Test(t, testMigrateRunSeed) }

func testMigrateRunSeed(t *testing.T) {
	l := newMigrateLab(t, loadScenarioT(t, "seed"))
	useLab(t, l)
	stdout, stderr, code := runMigrateCLI(t, nil, "migrate", "run", "-i", l.inv)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "Run r20260301-200000 completed: 1 client: 1 verified.") || !strings.Contains(stdout, "lpar1  verified  1") {
		t.Errorf("summary:\n%s", stdout)
	}
	for _, w := range []string{"lpar1: fixed FIX-BOSINST", "lpar1: phase 12/12", "lpar1: verified"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("progress lacks %q:\n%s", w, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(l.dir, "logs", "lpar1.1.log")); err != nil {
		t.Error(err)
	}
	// A second run finds nothing to do: lpar1 is migrated already.
	stdout, _, code = runMigrateCLI(t, nil, "migrate", "plan", "-i", l.inv)
	if code != ExitHostsFailed || !strings.Contains(stdout, "already migrated (verified in run r20260301-200000)") {
		t.Errorf("plan after the run (exit %d):\n%s", code, stdout)
	}
}

// TestMigrateRunSeedOverSSH: the seed case over real SSH (the lab served
// on loopback, nimfleet's ssh transport) with the preflight skipped:
// nimadm fails in phase 11, the failure is diagnosed as the /bos_inst
// cause (DIAG-0001), FIX-BOSINST is applied, nimadm reruns and lpar1 ends
// migrated. --json prints the events as JSON lines.
func TestMigrateRunSeedOverSSH(t *testing.T) {
	if testing.Short() {
		t.Skip("SSH lab")
	}
	cfg := loadScenarioT(t, "seed")
	cfg.TimeScale = 0 // labkit: 1e9
	k := labkit.Serve(t, cfg, labkit.Options{})
	clk := &migrateFakeClock{now: migrateT0}
	oldClock, oldPoll := testOnlyMigrateClock, testOnlyMigratePoll
	testOnlyMigrateClock = func() migrate.Clock { return clk }
	testOnlyMigratePoll = time.Minute
	defer func() { testOnlyMigrateClock, testOnlyMigratePoll = oldClock, oldPoll }()

	stdout, stderr, code := runMigrateCLI(t, nil, "migrate", "run", "-i", k.Inv.File, "--skip-preflight", "--json")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	var kinds []string
	var last map[string]any
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if e["schema_version"] != float64(1) {
			t.Errorf("line without schema_version 1: %s", sc.Text())
		}
		kind, _ := e["kind"].(string)
		if kind == "diagnosis" || kind == "fix" || kind == "exit" {
			kinds = append(kinds, kind+":"+str(e["rule"])+str(e["fix"])+str(e["outcome"]))
		}
		last = e
	}
	if got := strings.Join(kinds, " "); got != "exit:failed diagnosis:DIAG-0001 fix:FIX-BOSINST exit:succeeded" {
		t.Errorf("events: %s", got)
	}
	if last["kind"] != "summary" || last["outcome"] != "completed" {
		t.Errorf("last line: %v", last)
	}
	j, err := journal.Open(filepath.Join(filepath.Dir(k.Inv.File), defaultJournalName), journal.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	hs, err := j.Host("lpar1")
	if err != nil || hs.State != journal.StateVerified || len(hs.Attempts) != 2 || hs.Attempts[0].Diagnosis.Rule != "DIAG-0001" {
		t.Errorf("lpar1: %v %+v", err, hs)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// TestJournalLocked: a second controller on the same journal exits 11
// with a hint, and nothing is started.
func TestJournalLocked(t *testing.T) { synctest.Test(t, testJournalLocked) }

func testJournalLocked(t *testing.T) {
	l := newMigrateLab(t, loadScenarioT(t, "healthy"))
	useLab(t, l)
	j, err := journal.Open(filepath.Join(l.dir, defaultJournalName), journal.Options{Create: true, Holder: "pid 4242 on nim1"})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, args := range [][]string{{"migrate", "run"}, {"migrate", "resume"}} {
		_, stderr, code := runMigrateCLI(t, nil, append(args, "-i", l.inv)...)
		if code != ExitLocked || !strings.Contains(stderr, "locked by") || !strings.Contains(stderr, "hint: another nimfleet controller") {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	// status reads it all the same.
	if _, stderr, code := runMigrateCLI(t, nil, "status", "-i", l.inv); code != 0 {
		t.Errorf("status: exit %d: %s", code, stderr)
	}
}

// TestInterruptThenResume: Ctrl-C (the context cancelled) while nimadm
// runs: the controller stops starting work, leaves the running nimadm
// running, says how to resume and exits 130; resume finishes the run.
func TestInterruptThenResume(t *testing.T) { synctest.Test(t, testInterruptThenResume) }

func testInterruptThenResume(t *testing.T) {
	l := newMigrateLab(t, loadScenarioT(t, "healthy"))
	useLab(t, l)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	l.lab.SetPhaseHook(func(_ context.Context, _, client string, phase int) {
		if phase == 4 {
			once.Do(cancel)
		}
	})
	_, stderr, code := runMigrateCLI(t, ctx, "migrate", "run", "-i", l.inv, "--canary", "0")
	if code != ExitInterrupted || !strings.Contains(stderr, "left running on their masters") || !strings.Contains(stderr, "nimfleet migrate resume -i "+l.inv) {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	stdout, stderr, code := runMigrateCLI(t, nil, "status", "-i", l.inv)
	if code != 0 || !strings.Contains(stdout, "running") {
		t.Errorf("status after the interrupt (exit %d):\n%s%s", code, stdout, stderr)
	}
	l.lab.SetPhaseHook(nil)
	stdout, stderr, code = runMigrateCLI(t, nil, "migrate", "resume", "-i", l.inv)
	if code != 0 || !strings.Contains(stdout, "3 verified") {
		t.Fatalf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// Nothing left to resume.
	if _, stderr, code := runMigrateCLI(t, nil, "migrate", "resume", "-i", l.inv); code != ExitUsage || !strings.Contains(stderr, "no open migration run") {
		t.Errorf("second resume: exit %d: %s", code, stderr)
	}
}

// TestProgressDisplay: the terminal display redraws the active hosts in
// place (phase n/12, elapsed, ETA, totals); plain output has timestamps.
func TestProgressDisplay(t *testing.T) {
	var buf bytes.Buffer
	tty := true
	old := testOnlyMigrateTTY
	testOnlyMigrateTTY = &tty
	defer func() { testOnlyMigrateTTY = old }()
	p := newProgressPrinter(&GlobalOptions{stderr: &buf}, false, nil)
	now := migrateT0.Add(32 * time.Minute)
	p.progress = func() migrate.Progress {
		return migrate.Progress{Now: now, Run: "r1", Total: 3, States: map[journal.State]int{journal.StateRunning: 1, journal.StateVerified: 2},
			Active: []migrate.HostProgress{{Host: "lpar1", Master: "nim1", State: journal.StateRunning, Attempt: 1, Phase: 6, Started: migrateT0, ETA: 41 * time.Minute}}}
	}
	p.redraw()
	p.event(migrate.Event{Time: now, Kind: journal.KindState, Host: "lpar2", State: journal.StateFailed, Reason: "nimadm failed in phase 11: DIAG-0001"})
	p.redraw()
	got := buf.String()
	for _, w := range []string{"lpar1", "phase  6/12  elapsed 0:32:00  ETA 0:41:00", "run r1: 3 clients: 1 running, 2 verified", "\x1b[2F\x1b[J", "lpar2: FAILED: nimadm failed in phase 11"} {
		if !strings.Contains(got, w) {
			t.Errorf("display lacks %q:\n%q", w, got)
		}
	}
	tty = false
	buf.Reset()
	p = newProgressPrinter(&GlobalOptions{stderr: &buf}, false, nil)
	p.event(migrate.Event{Time: now, Kind: journal.KindPhase, Host: "lpar1", Phase: 7})
	if got, want := buf.String(), "2026-03-01T20:32:00Z lpar1: phase 7/12\n"; got != want {
		t.Errorf("plain line %q, want %q", got, want)
	}
}
