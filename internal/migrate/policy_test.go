package migrate

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/nimfleet/nimfleet/internal/diag"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// TestRuleFixesExist: every rule of the diagnosis-to-fix map is a
// built-in diagnosis rule, and every action it names is a remediation
// action; the seed's rules map as the issue asks.
func TestRuleFixesExist(t *testing.T) {
	rules := map[string]bool{}
	for _, r := range diag.Builtin() {
		rules[r.ID] = true
	}
	seen := map[string]bool{}
	for _, rf := range ruleFixes {
		if !rules[rf.Rule] {
			t.Errorf("%s: not a built-in diagnosis rule", rf.Rule)
		}
		if seen[rf.Rule] {
			t.Errorf("%s: listed twice", rf.Rule)
		}
		seen[rf.Rule] = true
		if rf.Fix != "" {
			if _, ok := remediate.Lookup(rf.Fix); !ok {
				t.Errorf("%s: action %s does not exist", rf.Rule, rf.Fix)
			}
		}
		if rf.Why == "" {
			t.Errorf("%s: no explanation", rf.Rule)
		}
	}
	for rule, want := range map[string]string{"DIAG-0001": "FIX-BOSINST", "DIAG-0002": "FIX-MULTIBOS", "DIAG-0003": "", "DIAG-9999": ""} {
		if got, _ := FixForRule(rule); got != want {
			t.Errorf("FixForRule(%s) = %q, want %q", rule, got, want)
		}
	}
}

// TestBudgetHalts: with a failure budget of 0, the first failure stops
// new starts; the hosts not started are stopped with the reason and the
// run is closed as halted.
func TestBudgetHalts(t *testing.T) { synctest.Test(t, testBudgetHalts) }

func testBudgetHalts(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	r.o.SkipPreflight = true
	r.o.Policy.Canary = 0
	r.o.Policy.MaxParallel = 1
	r.o.Policy.MaxFailures.N, r.o.Policy.MaxFailures.Percent = 0, false
	r.o.Policy.PauseOnNewSignature = false
	if err := r.kit.Lab.SetFault("aix02", sim.FaultTargetInVG); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, false)
	if res.Outcome != OutcomeHalted || !strings.Contains(res.Detail, "failure budget exhausted") {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
	}
	// aix02, the longest run, starts first (LPT) and fails.
	if n := res.Count(journal.StateStopped); n != 2 {
		t.Errorf("%d hosts stopped, want 2: %+v", n, res.Hosts)
	}
	if open, _ := journal.OpenRuns(r.j); len(open) != 0 {
		t.Error("the halted run is still open")
	}
}

// TestWindowSkips: a host whose expected run no longer fits in the
// maintenance window is not started and ends stopped with the reason.
func TestWindowSkips(t *testing.T) { synctest.Test(t, testWindowSkips) }

func testWindowSkips(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	r.o.SkipPreflight = true
	r.o.Policy.Canary = 0
	now := r.o.Clock.Now()
	// aix02 (25 GB) needs about 74 minutes, the others about 57.
	r.o.Policy.Window = &inventory.Window{Start: now.Add(-time.Hour), End: now.Add(65 * time.Minute)}
	res := r.run(t, false)
	if res.Outcome != OutcomeCompleted {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
	}
	hs := assertState(t, r, "aix02", journal.StateStopped)
	if !strings.Contains(hs.Reason, "no longer fits") {
		t.Errorf("aix02 reason %q", hs.Reason)
	}
	assertState(t, r, "aix01", journal.StateVerified)
}

// TestOpenRunRefused: a new run is refused while one is open; resume is
// refused when none is.
func TestOpenRunRefused(t *testing.T) { synctest.Test(t, testOpenRunRefused) }

func testOpenRunRefused(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	m, err := New(r.o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Resume(t.Context()); err != ErrNoOpenRun {
		t.Errorf("resume without a run: %v", err)
	}
	r.o.Policy.MaxParallel = 1
	r.o.Policy.Canary = 0
	r.o.SkipPreflight = true
	r.o.Policy.MaxFailures.N = 50
	if err := r.kit.Lab.SetFault("aix01", sim.FaultTargetInVG); err != nil {
		t.Fatal(err)
	}
	if res := r.run(t, false); res.Outcome != OutcomePaused {
		t.Fatalf("outcome %s", res.Outcome)
	}
	m, _ = New(r.o)
	if _, err := m.Run(t.Context()); err == nil || !strings.Contains(err.Error(), ErrOpenRun.Error()) {
		t.Errorf("second run: %v", err)
	}
}
