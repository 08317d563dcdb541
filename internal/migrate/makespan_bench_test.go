package migrate

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// The makespan benchmark runs the orchestrator against the lab: 200
// generated clients (rootvg used 10-80 GB, skewed small) on 2 masters with
// 8 slots and a 400 GB cache VG each, nimadm timed by the lab's duration
// model (CPU capacity = slots, so the load factor is 1). The controller
// runs on the lab's clock; times are lab (simulated) time, from the first
// nimadm start to the last nimadm end. In the same run it migrates the
// same fleet one client at a time per master (--max-parallel 1) and in
// fixed batches (inventory waves of 8 clients per master, each wave
// waiting for the previous one), and reports:
//
//	ratio_lb         makespan / sched.Plan.LowerBound (expected durations)
//	ratio_lb_actual  makespan / the same bound over the durations the lab took
//	serial_x         one-at-a-time makespan / makespan
//	batches_x        fixed-batches makespan / makespan
//	serial_x_adj, batches_x_adj: the same, each makespan divided by its
//	                 run's mean actual/expected duration (see below)
//
// The lab's time is real time times the scale, so a millisecond the host
// steals from the test process (other processes, GC) stretches lab time:
// runs take longer than the model, more so at higher scales and on a busy
// machine. The measured run uses a low scale (25 lab hours in about 20 s)
// and ratio_lb_actual takes the stretch out of the bound; the baselines
// run at a higher scale to keep the benchmark short, and the _adj ratios
// take their stretch out.
//
//	go test -run '^$' -bench Makespan -benchtime 1x ./internal/migrate
func BenchmarkMakespan(b *testing.B) {
	for range b.N {
		ours, lb, lbActual, infl := makespanRun(b, "lpt", benchScale)
		serial, _, _, serialInfl := makespanRun(b, "serial", 2e4)
		batches, _, _, batchInfl := makespanRun(b, "batches", 2e4)
		b.ReportMetric(ours.Hours(), "makespan_h")
		b.ReportMetric(lb.Hours(), "lower_bound_h")
		b.ReportMetric(float64(ours)/float64(lb), "ratio_lb")
		b.ReportMetric(float64(ours)/float64(lbActual), "ratio_lb_actual")
		b.ReportMetric(float64(serial)/float64(ours), "serial_x")
		b.ReportMetric(float64(batches)/float64(ours), "batches_x")
		b.ReportMetric(float64(serial)/serialInfl/(float64(ours)/infl), "serial_x_adj")
		b.ReportMetric(float64(batches)/batchInfl/(float64(ours)/infl), "batches_x_adj")
		b.Logf("makespan %v, lower bound %v (%.3fx; %.3fx of the bound over actual durations); one at a time %v (%.2fx, %.2fx adjusted), fixed batches %v (%.2fx, %.2fx adjusted)",
			ours.Round(time.Minute), lb.Round(time.Minute), float64(ours)/float64(lb), float64(ours)/float64(lbActual),
			serial.Round(time.Minute), float64(serial)/float64(ours), float64(serial)/serialInfl/(float64(ours)/infl),
			batches.Round(time.Minute), float64(batches)/float64(ours), float64(batches)/batchInfl/(float64(ours)/infl))
		if r := float64(ours) / float64(lbActual); r > 1.10 {
			b.Errorf("makespan %.3fx the lower bound over actual durations, want at most 1.10x", r)
		}
	}
}

const benchSlots = 8

// benchScale is the lab time scale of the measured run: 25 lab hours take
// about 20 s.
var benchScale = 5e3

// benchPoll is the poll interval (lab time): each run's end is seen a
// minute late on average, 1-2% of a run.
var benchPoll = 2 * time.Minute

func benchFleet(scale float64) sim.Config {
	cfg := sim.Generate(sim.GenOptions{Clients: 200, Masters: 2, Seed: 42, FaultRate: -1, TimeScale: scale})
	for i := range cfg.Masters {
		cfg.Masters[i].CPUCapacity = benchSlots
	}
	return cfg
}

// makespanRun migrates the bench fleet with a strategy and returns the
// makespan, the plan's lower bound, the bound over actual durations and
// the mean ratio of actual to expected duration.
func makespanRun(b *testing.B, strategy string, scale float64) (makespan, lb, lbActual time.Duration, inflation float64) {
	b.Helper()
	cfg := benchFleet(scale)
	k := labkit.New(b, cfg, labkit.Options{Slots: benchSlots})
	j, err := journal.Open(filepath.Join(b.TempDir(), "journal.jsonl"), journal.Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	p := sched.DefaultPolicy()
	p.Canary = 0
	// Stall detection is not what is measured: at these time scales a
	// 30 ms hiccup of the test process is an hour of lab time.
	p.ProgressDeadline, p.HostDeadline = 3*time.Hour, 8*time.Hour
	switch strategy {
	case "serial":
		p.MaxParallel = 1
	case "batches":
		// Inventory waves of benchSlots clients per master.
		seen := map[string]int{}
		for _, h := range k.Inv.Clients() {
			n := seen[h.Master.Name]
			seen[h.Master.Name]++
			w := n/benchSlots + 1
			for len(k.Inv.Waves) < w {
				k.Inv.Waves = append(k.Inv.Waves, &inventory.Wave{Number: len(k.Inv.Waves) + 1, Name: fmt.Sprintf("batch%d", len(k.Inv.Waves)+1)})
			}
			h.Wave = k.Inv.Waves[w-1]
		}
	}
	m, err := New(Options{Inventory: k.Inv, Runner: k.Runner, Journal: j, Policy: p, SkipPreflight: true,
		Clock: labClock{k.Lab, scale}, PollInterval: benchPoll, CommandTimeout: time.Minute, Concurrency: 64})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := m.Run(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if !res.AllMigrated() {
		b.Fatalf("%s: outcome %s (%s), %d verified of %d", strategy, res.Outcome, res.Detail, res.Count(journal.StateVerified), len(res.Hosts))
	}
	var first, last time.Time
	actual := map[string]time.Duration{}
	for _, h := range res.Hosts {
		a := h.Attempts[len(h.Attempts)-1]
		if first.IsZero() || a.Started.Before(first) {
			first = a.Started
		}
		if a.Ended.After(last) {
			last = a.Ended
		}
		actual[h.Host] = a.Ended.Sub(a.Started)
	}
	plan := res.Plan.Schedule
	// The bound over actual durations: the same plan with each host's
	// expected duration replaced by what the lab took.
	ap := *plan
	ap.Waves = nil
	for _, w := range plan.Waves {
		nw := w
		nw.Hosts = nil
		for _, h := range w.Hosts {
			h.Expected = actual[h.Name]
			nw.Hosts = append(nw.Hosts, h)
		}
		ap.Waves = append(ap.Waves, nw)
	}
	var infl float64
	for _, w := range plan.Waves {
		for _, h := range w.Hosts {
			infl += float64(actual[h.Name]) / float64(h.Expected)
		}
	}
	infl /= float64(plan.Hosts())
	b.Logf("%s at %g: nimadm took %.3fx the model on average", strategy, scale, infl)
	return last.Sub(first), plan.LowerBound(), ap.LowerBound(), infl
}
