package sched

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/nimadm"
)

// The makespan simulation: a pure, event-driven run of the scheduler over
// a generated fleet, with run durations from nimadm's duration model
// (nimadm.md §7 as calibrated in the lab; nimadm's tests compare it with
// the lab) and a deterministic ±10% noise between expected and actual.

// fleetSpec describes a generated fleet.
type fleetSpec struct {
	clients, masters, slots int
	cacheGB                 int // per master; 0 = NFS mode (no cache constraint)
	seed                    uint64
	noise                   float64 // actual = expected × (1 ± noise)
}

type simFleet struct {
	clients []Client
	masters []Master
	actual  map[string]time.Duration
}

// genFleet: rootvg used sizes are mixed — 70% 8-25 GB, 20% 25-60 GB,
// 10% 60-120 GB — so that a 400 GB cache VG binds when several big
// clients run together.
func genFleet(fs fleetSpec) simFleet {
	rng := rand.New(rand.NewPCG(fs.seed, 42))
	var f simFleet
	f.actual = map[string]time.Duration{}
	for m := range fs.masters {
		f.masters = append(f.masters, Master{Name: fmt.Sprintf("nim%d", m+1), Slots: fs.slots, CacheFreeMB: fs.cacheGB * 1024})
	}
	for i := range fs.clients {
		var gb float64
		switch r := rng.Float64(); {
		case r < 0.7:
			gb = 8 + 17*rng.Float64()
		case r < 0.9:
			gb = 25 + 35*rng.Float64()
		default:
			gb = 60 + 60*rng.Float64()
		}
		c := Client{Name: fmt.Sprintf("lpar%03d", i+1), Master: f.masters[i%fs.masters].Name, RootvgUsedMB: int(gb * 1024), Cache: fs.cacheGB > 0}
		c.Expected = nimadm.Model{}.Total(nimadm.Workload{RootvgUsedMB: c.RootvgUsedMB, Cache: c.Cache})
		f.actual[c.Name] = time.Duration(float64(c.Expected) * (1 + fs.noise*(2*rng.Float64()-1)))
		f.clients = append(f.clients, c)
	}
	return f
}

type endEvent struct {
	at   time.Time
	host string
}

type endHeap []endEvent

func (h endHeap) Len() int { return len(h) }
func (h endHeap) Less(i, j int) bool {
	return h[i].at.Before(h[j].at) || h[i].at.Equal(h[j].at) && h[i].host < h[j].host
}
func (h endHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *endHeap) Push(x any)   { *h = append(*h, x.(endEvent)) }
func (h *endHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// simResult is the outcome of a simulated rollout.
type simResult struct {
	makespan time.Duration
	status   Status
	starts   []Start
	// maxRunning and maxReserved per master, for the invariant checks.
	maxRunning, maxReserved map[string]int
}

// simulate runs plan to the end. fails maps hosts to the failure
// signature they end with. It also checks, at every step, that no master
// exceeds its slots or cache and no host runs twice.
func simulate(t testing.TB, plan *Plan, actual map[string]time.Duration, fails map[string]string) simResult {
	s := New(plan)
	now := time.Date(2026, 3, 7, 20, 0, 0, 0, time.UTC)
	start := now
	var ends endHeap
	res := simResult{maxRunning: map[string]int{}, maxReserved: map[string]int{}}
	running := map[string]bool{}
	nRun, nRes := map[string]int{}, map[string]int{}
	limits := map[string]MasterPlan{}
	for _, m := range plan.Masters {
		limits[m.Name] = m
	}
	for {
		for _, st := range s.Next(now) {
			if running[st.Host] {
				t.Fatalf("%s started twice", st.Host)
			}
			running[st.Host] = true
			nRun[st.Master]++
			nRes[st.Master] += st.ReserveMB
			m := limits[st.Master]
			if nRun[st.Master] > m.Slots || m.CacheMB > 0 && nRes[st.Master] > m.CacheMB {
				t.Fatalf("%s: %d running, %d MB reserved; limits %d slots, %d MB", st.Master, nRun[st.Master], nRes[st.Master], m.Slots, m.CacheMB)
			}
			res.maxRunning[st.Master] = max(res.maxRunning[st.Master], nRun[st.Master])
			res.maxReserved[st.Master] = max(res.maxReserved[st.Master], nRes[st.Master])
			res.starts = append(res.starts, st)
			heap.Push(&ends, endEvent{now.Add(actual[st.Host]), st.Host})
		}
		if ends.Len() == 0 {
			st := s.Status(now)
			if !st.WakeAt.IsZero() && st.Halted == "" && len(st.Paused) == 0 {
				now = st.WakeAt
				continue
			}
			res.status = st
			break
		}
		e := heap.Pop(&ends).(endEvent)
		now = e.at
		h := plan.host(e.host)
		delete(running, e.host)
		nRun[h.Master]--
		nRes[h.Master] -= h.ReserveMB
		sig, bad := fails[e.host]
		if err := s.Done(e.host, Result{Failed: bad, Signature: sig}); err != nil {
			t.Fatal(err)
		}
		res.makespan = now.Sub(start)
	}
	return res
}

func (p *Plan) host(name string) Host {
	for _, w := range p.Waves {
		for _, h := range w.Hosts {
			if h.Name == name {
				return h
			}
		}
	}
	return Host{}
}

// fixedBatches is the naive baseline: per master, in inventory order,
// start a batch of up to slots clients that fit in the cache VG together,
// wait for the whole batch, repeat.
func fixedBatches(f simFleet, slots int) time.Duration {
	var worst time.Duration
	for _, m := range f.masters {
		var total time.Duration
		var batch time.Duration
		n, mb := 0, 0
		for _, c := range f.clients {
			if c.Master != m.Name {
				continue
			}
			r := 0
			if c.Cache {
				r = c.RootvgUsedMB + DefaultMarginMB
			}
			if n == slots || m.CacheFreeMB > 0 && mb+r > m.CacheFreeMB {
				total += batch
				batch, n, mb = 0, 0, 0
			}
			batch = max(batch, f.actual[c.Name])
			n++
			mb += r
		}
		worst = max(worst, total+batch)
	}
	return worst
}

// actualPlan is the plan with the actual durations as expected ones: its
// LowerBound is a true lower bound of any schedule of the actual runs.
func actualPlan(t testing.TB, f simFleet, p Policy) *Plan {
	cs := append([]Client(nil), f.clients...)
	for i := range cs {
		cs[i].Expected = f.actual[cs[i].Name]
	}
	plan, err := NewPlan(cs, f.masters, p)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

type makespanReport struct {
	lowerBound, ours, greedy, inventory, oneAtATime, batches time.Duration
	maxReserved                                              map[string]int
}

func (r makespanReport) ratio(d time.Duration) float64 { return float64(d) / float64(r.lowerBound) }

// runMakespan schedules the 200-client fleet with each strategy.
func runMakespan(t testing.TB, fs fleetSpec) makespanReport {
	f := genFleet(fs)
	p := DefaultPolicy()
	p.Canary = 0
	var r makespanReport
	r.lowerBound = actualPlan(t, f, p).LowerBound()
	for _, c := range []struct {
		order Order
		dst   *time.Duration
	}{{OrderLPT, &r.ours}, {OrderGreedy, &r.greedy}, {OrderInventory, &r.inventory}} {
		p.Order = c.order
		plan, err := NewPlan(f.clients, f.masters, p)
		if err != nil {
			t.Fatal(err)
		}
		res := simulate(t, plan, f.actual, nil)
		if res.status.Succeeded != fs.clients {
			t.Fatalf("%s: %d of %d succeeded: %+v", c.order, res.status.Succeeded, fs.clients, res.status)
		}
		*c.dst = res.makespan
		if c.order == OrderLPT {
			r.maxReserved = res.maxReserved
		}
	}
	p.Order, p.MaxParallel = OrderLPT, 1
	plan, err := NewPlan(f.clients, f.masters, p)
	if err != nil {
		t.Fatal(err)
	}
	r.oneAtATime = simulate(t, plan, f.actual, nil).makespan
	r.batches = fixedBatches(f, fs.slots)
	return r
}

var benchFleet = fleetSpec{clients: 200, masters: 2, slots: 8, cacheGB: 400, seed: 7, noise: 0.10}

// TestMakespan: on 200 clients over 2 masters (8 slots, a 400 GB cache VG
// that binds when big clients run together), the default order finishes
// within 10% of the lower bound, across fleets.
func TestMakespan(t *testing.T) {
	for _, fs := range []fleetSpec{
		benchFleet,
		{clients: 200, masters: 2, slots: 8, cacheGB: 400, seed: 8, noise: 0.10},
		{clients: 200, masters: 2, slots: 8, cacheGB: 300, seed: 9, noise: 0.10},
		{clients: 200, masters: 2, slots: 8, cacheGB: 0, seed: 10, noise: 0.10},
		{clients: 200, masters: 2, slots: 8, cacheGB: 400, seed: 11, noise: 0},
		{clients: 200, masters: 2, slots: 8, cacheGB: 350, seed: 14, noise: 0.10},
		{clients: 200, masters: 2, slots: 8, cacheGB: 300, seed: 16, noise: 0.10},
		{clients: 200, masters: 2, slots: 8, cacheGB: 250, seed: 13, noise: 0.10},
		{clients: 200, masters: 2, slots: 8, cacheGB: 400, seed: 17, noise: 0.20},
		{clients: 200, masters: 2, slots: 4, cacheGB: 200, seed: 18, noise: 0.10},
	} {
		t.Run(fmt.Sprintf("slots%d-cache%d-seed%d", fs.slots, fs.cacheGB, fs.seed), func(t *testing.T) {
			r := runMakespan(t, fs)
			t.Logf("lower bound %v; lpt %v (%.3fx), greedy %.3fx, inventory order %.3fx, one at a time %.2fx, fixed batches %.3fx; peak cache %v MB",
				r.lowerBound.Round(time.Minute), r.ours.Round(time.Minute), r.ratio(r.ours), r.ratio(r.greedy), r.ratio(r.inventory),
				r.ratio(r.oneAtATime), r.ratio(r.batches), r.maxReserved)
			if got := r.ratio(r.ours); got > 1.10 {
				t.Errorf("makespan %v is %.3fx the lower bound %v, want <= 1.10x", r.ours, got, r.lowerBound)
			}
			if r.batches < r.ours || r.oneAtATime < r.ours {
				t.Errorf("a baseline beat the scheduler: ours %v, batches %v, one at a time %v", r.ours, r.batches, r.oneAtATime)
			}
		})
	}
}

// BenchmarkMakespan reports the simulated makespan of the 200-client fleet
// against the lower bound, one-at-a-time and fixed batches.
func BenchmarkMakespan(b *testing.B) {
	var r makespanReport
	for b.Loop() {
		r = runMakespan(b, benchFleet)
	}
	b.ReportMetric(r.ours.Hours(), "makespan-h")
	b.ReportMetric(r.lowerBound.Hours(), "lowerbound-h")
	b.ReportMetric(r.ratio(r.ours), "x-lowerbound")
	b.ReportMetric(r.ratio(r.greedy), "greedy-x-lowerbound")
	b.ReportMetric(float64(r.oneAtATime)/float64(r.ours), "one-at-a-time/ours")
	b.ReportMetric(float64(r.batches)/float64(r.ours), "fixed-batches/ours")
}

// BenchmarkNext measures one scheduling decision on a 200-host plan with
// every slot busy and the cache VG binding.
func BenchmarkNext(b *testing.B) {
	f := genFleet(benchFleet)
	p := DefaultPolicy()
	p.Canary = 0
	plan, err := NewPlan(f.clients, f.masters, p)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 7, 20, 0, 0, 0, time.UTC)
	var s *Scheduler
	var started []Start
	for b.Loop() {
		if len(started) == 0 {
			s = New(plan)
			started = s.Next(now)
			sort.Slice(started, func(i, j int) bool { return started[i].Host < started[j].Host })
		}
		s.Done(started[0].Host, Result{})
		started = append(started[1:], s.Next(now)...)
	}
}
