package migrate

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// labRuns counts, per client, the nimadm runs the lab saw start (phase 1)
// and reach phase 12.
type labRuns struct {
	mu      sync.Mutex
	started map[string]int
	ended   map[string]int
}

func countRuns(lab *sim.Lab) *labRuns {
	c := &labRuns{started: map[string]int{}, ended: map[string]int{}}
	lab.SetPhaseHook(func(ctx context.Context, master, client string, phase int) {
		c.mu.Lock()
		defer c.mu.Unlock()
		switch phase {
		case 1:
			c.started[client]++
		case 12:
			c.ended[client]++
		}
	})
	return c
}

// TestInterruptAndResume stops the controller (context cancelled, as by
// Ctrl-C) at random events, many times over a fleet migration with
// failures that are fixed and retried and one that is not, and resumes
// it each time, reopening the journal as a new process would. Every
// client ends migrated by exactly one complete nimadm run, or failed with
// a diagnosis; no client runs nimadm more than twice. (The kill -9 test
// with separate processes is in internal/cli.)
func TestInterruptAndResume(t *testing.T) {
	// The bubble's clock starts at the same instant every time: draw the
	// seed outside it, so that each run stops at other moments.
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	synctest.Test(t, func(t *testing.T) { interruptAndResume(t, seed) })
}

func interruptAndResume(t *testing.T, seed uint64) {
	cfg := sim.Generate(sim.GenOptions{Clients: 12, Masters: 2, Seed: 5, FaultRate: -1})
	cfg.Clients[1].Faults = []string{sim.FaultBosInstLeftover}
	cfg.Clients[4].Faults = []string{sim.FaultBosInstLeftover}
	cfg.Clients[7].Faults = []string{sim.FaultTargetInVG}
	cfg.TimeScale = 0
	r := newRig(t, cfg, false)
	r.o.SkipPreflight = true
	r.o.Policy.MaxFailures.N = 50
	runs := countRuns(r.kit.Lab)
	rng := rand.New(rand.NewPCG(7, seed))
	var res *Result
	rounds := 0
	for ; rounds < 200; rounds++ {
		r.openJournal(t)
		open, err := journal.OpenRuns(r.j)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		stopAt := 1 + rng.IntN(25)
		var n int
		var mu sync.Mutex
		o := r.o
		o.Observer = func(Event) {
			mu.Lock()
			defer mu.Unlock()
			if n++; n == stopAt && rounds < 25 {
				cancel()
			}
		}
		m, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) > 0 {
			res, err = m.Resume(ctx)
		} else if rounds == 0 {
			res, err = m.Run(ctx)
		} else {
			cancel()
			break // the run ended
		}
		cancel()
		if err != nil && ctx.Err() == nil {
			t.Fatalf("round %d: %v", rounds, err)
		}
	}
	t.Logf("%d rounds", rounds)
	if res == nil || res.Outcome != OutcomeCompleted {
		t.Fatalf("last outcome: %+v", res)
	}
	runs.mu.Lock()
	defer runs.mu.Unlock()
	for _, hs := range res.Hosts {
		h := hs.Host
		switch hs.State {
		case journal.StateVerified:
			if runs.ended[h] != 1 {
				t.Errorf("%s: verified, but %d nimadm runs reached phase 12", h, runs.ended[h])
			}
			if vg := lspvVG(t, r.kit.Lab, h, "hdisk1"); vg != "altinst_rootvg" {
				t.Errorf("%s: hdisk1 in %q", h, vg)
			}
		case journal.StateFailed:
			if hs.Diagnosis == nil {
				t.Errorf("%s: failed without a diagnosis", h)
			}
		default:
			t.Errorf("%s: ends %s (%s)", h, hs.State, hs.Reason)
		}
		if runs.started[h] > 2 {
			t.Errorf("%s: %d nimadm runs", h, runs.started[h])
		}
	}
	for _, i := range []int{1, 4} {
		h := cfg.Clients[i].Name
		if hs := r.host(t, h); hs.State != journal.StateVerified || runs.started[h] != 2 {
			t.Errorf("%s (/bos_inst): %s (%s) after %d runs, want verified after 2\n%s", h, hs.State, hs.Reason, runs.started[h], r.timeline(t, h))
		}
	}
	if hs := r.host(t, cfg.Clients[7].Name); hs.State != journal.StateFailed || hs.Diagnosis.Rule != "DIAG-0003" {
		t.Errorf("%s: %s %+v", hs.Host, hs.State, hs.Diagnosis)
	}
}

// TestStopAtEveryStep stops the controller right after each kind of
// journal event of the seed case (preflight on: fix first; preflight off:
// fail, diagnose, fix, retry; both with a reboot), resumes, and checks
// that lpar1 ends verified with the expected number of nimadm runs.
func TestStopAtEveryStep(t *testing.T) {
	type stop struct {
		kind  journal.Kind
		state journal.State
	}
	steps := []stop{
		{journal.KindState, journal.StatePlanned},
		{journal.KindState, journal.StateFixing},
		{journal.KindFix, ""},
		{journal.KindState, journal.StateStarting},
		{journal.KindAttempt, ""},
		{journal.KindLaunched, ""},
		{journal.KindState, journal.StateRunning},
		{journal.KindPhase, ""},
		{journal.KindExit, ""},
		{journal.KindDiagnosis, ""},
		{journal.KindState, journal.StateFailed},
		{journal.KindState, journal.StateSucceeded},
		{journal.KindState, journal.StateRebooting},
		{journal.KindNote, ""},
		{journal.KindState, journal.StateVerifying},
	}
	for _, preflight := range []bool{true, false} {
		for _, st := range steps {
			name := string(st.kind) + "-" + string(st.state)
			if !preflight {
				name += "-nopreflight"
			}
			t.Run(name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					r := newRig(t, scenario(t, "seed"), false)
					r.o.SkipPreflight = !preflight
					r.o.Reboot = true
					runs := countRuns(r.kit.Lab)
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					o := r.o
					var once sync.Once
					o.Observer = func(e Event) {
						if e.Kind == st.kind && (st.state == "" || e.State == st.state) {
							once.Do(cancel)
						}
					}
					m, err := New(o)
					if err != nil {
						t.Fatal(err)
					}
					res, err := m.Run(ctx)
					if err != nil {
						t.Fatal(err)
					}
					for i := 0; res.Outcome != OutcomeCompleted; i++ {
						if i == 3 {
							t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
						}
						r.openJournal(t)
						res = r.run(t, true)
					}
					hs := r.host(t, "lpar1")
					if hs.State != journal.StateVerified {
						t.Fatalf("lpar1: %s (%s)\n%s", hs.State, hs.Reason, r.timeline(t, "lpar1"))
					}
					want := 1
					if !preflight {
						want = 2
					}
					runs.mu.Lock()
					defer runs.mu.Unlock()
					if runs.started["lpar1"] != want || runs.ended["lpar1"] != 1 {
						t.Errorf("lpar1: %d nimadm runs, %d complete; want %d and 1\n%s", runs.started["lpar1"], runs.ended["lpar1"], want, r.timeline(t, "lpar1"))
					}
				})
			})
		}
	}
}
