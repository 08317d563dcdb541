package fleetreport

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/migrate"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// labClock is the controller's clock in the lab test: Sleep advances it,
// and yields a moment of real time so the lab (1e9 times faster than real
// time) moves on.
type labClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *labClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *labClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	time.Sleep(20 * time.Microsecond)
	return ctx.Err()
}

// TestLabRun reports a journal and an audit log written by the real
// orchestrator against the lab: the field report (the seed scenario) with
// the preflight skipped, so nimadm fails in phase 11, the failure is
// diagnosed as DIAG-0001, FIX-BOSINST is applied and the retry succeeds.
func TestLabRun(t *testing.T) {
	cfg, err := sim.LoadScenario("seed")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeScale = 0 // labkit: 1e9
	clk := &labClock{now: time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)}
	var audit bytes.Buffer
	path := filepath.Join(t.TempDir(), "nimfleet-journal.jsonl")
	// The migration runs in a synctest bubble: there the lab always gets
	// to run before the controller's next poll, however loaded the
	// machine (a fake clock and the lab's timers race otherwise).
	synctest.Test(t, func(t *testing.T) {
		k := labkit.New(t, cfg, labkit.Options{})
		alog := transport.NewAuditLog(&audit)
		runner := transport.Audit(k.Runner, alog, transport.AuditOptions{Transport: "lab", Now: clk.Now})
		j, err := journal.Open(path, journal.Options{Create: true, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		m, err := migrate.New(migrate.Options{
			Inventory: k.Inv, Runner: runner, Journal: j, Policy: sched.DefaultPolicy(), AutoFix: true, SkipPreflight: true,
			Clock: clk, PollInterval: time.Minute, CommandTimeout: 20 * time.Second, Controller: "test", Version: "test",
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if _, err := m.Run(ctx); err != nil {
			t.Fatal(err)
		}
	})
	if t.Failed() {
		return
	}

	ro, err := journal.Open(path, journal.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	recs, err := transport.ReadAudit(&audit)
	if err != nil {
		t.Fatal(err)
	}
	r := build(t, ro, Options{Now: clk.Now().Add(time.Minute), Audit: AuditRecords(recs), JournalPath: path})
	checkInvariants(t, r, ro)
	checkPage(t, renderHTML(t, r), expect(t, ro, recs))

	l1 := hostByName(t, r, "lpar1")
	if l1.Status != StatusVerified || len(l1.Attempts) != 2 || l1.SucceededAttempt != 2 || l1.Master != "nim1" {
		t.Fatalf("lpar1: status %s, %d attempts, succeeded on %d, master %q", l1.Status, len(l1.Attempts), l1.SucceededAttempt, l1.Master)
	}
	if a := l1.Attempts[0]; a.LastPhase != 11 || len(a.Phases) != 11 || a.Signature != "DIAG-0001" {
		t.Errorf("attempt 1: last phase %d, %d phases, signature %q", a.LastPhase, len(a.Phases), a.Signature)
	}
	if a := l1.Attempts[1]; len(a.Phases) != 12 || a.Outcome != "succeeded" {
		t.Errorf("attempt 2: %d phases, outcome %q", len(a.Phases), a.Outcome)
	}
	g := groupByKey(t, r, "DIAG-0001")
	if g.Source != "report" || g.Check != "PRE-0301" || g.Resolved != 1 || !slices.ContainsFunc(g.Evidence, func(e Evidence) bool { return e.Role == "trigger" }) {
		t.Errorf("DIAG-0001 group: source %s, check %s, resolved %d, %d evidence lines", g.Source, g.Check, g.Resolved, len(g.Evidence))
	}
	if len(r.Fixes) != 1 || r.Fixes[0].Action != "FIX-BOSINST" || r.Fixes[0].AfterAttempt != 1 || r.Fixes[0].FollowsSignature != "DIAG-0001" ||
		r.Fixes[0].Status != "fixed" || r.Fixes[0].Before == "" || r.Fixes[0].After == "" || len(r.Fixes[0].Commands) == 0 {
		t.Errorf("fixes: %+v", r.Fixes)
	}
	// The nimadm starts and the fix are state-changing commands, listed.
	starts := 0
	for _, c := range r.Audit.Commands {
		if c.Mutates && c.Host == "nim1" && bytes.Contains([]byte(c.Line), []byte("/usr/sbin/nimadm -c lpar1")) {
			starts++
		}
	}
	if starts != 2 || r.Audit.Outside != 0 {
		t.Errorf("audit: %d nimadm starts listed, %d records outside the run; want 2 and 0", starts, r.Audit.Outside)
	}
	if p := r.Runs[0].Plan; p == nil || p.Hosts != 1 {
		t.Errorf("plan summary from the orchestrator's snapshot: %+v", p)
	}
}
