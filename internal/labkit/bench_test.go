package labkit_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// timedRunner records how long each host's session took (handshake of a
// first contact included), to compute the lower bound from the run itself.
type timedRunner struct {
	next transport.Runner
	mu   sync.Mutex
	dur  map[string]time.Duration
}

func (r *timedRunner) Run(ctx context.Context, c transport.Command) (transport.Result, error) {
	start := time.Now()
	res, err := r.next.Run(ctx, c)
	d := time.Since(start)
	r.mu.Lock()
	r.dur[c.Host] += d
	r.mu.Unlock()
	return res, err
}

func (r *timedRunner) max() time.Duration {
	var m time.Duration
	for _, d := range r.dur {
		m = max(m, d)
	}
	return m
}

// peakHeap samples the heap while f runs and returns the peak in bytes.
func peakHeap(f func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

// BenchmarkGatherFleetSSH gathers facts from 1,000 lab clients over real
// SSH with 20 ms of latency injected per remote command (SSH exec) and 64
// sessions at a time, and reports:
//
//   - lb_ratio: wall time / lower bound, where the lower bound is
//     ceil(1000/64) x the slowest host's handshake + script time, measured
//     alone just before the run (target <= 1.3);
//   - naive_ratio: how much slower the naive way is, one SSH exec per
//     command per host, measured in the same run on a 128-host sample
//     against the batch on the same sample (target >= 5);
//   - controller_heap_MB: peak heap during the gathering minus the heap of
//     the served lab before it (the lab's own per-session garbage counts
//     too, so this is an upper bound for the controller; target < 300).
//
// Run it with: go test -run XXX -bench GatherFleetSSH -benchtime 1x ./internal/labkit/
//
// The lab's commands answer in microseconds and the lab and the controller
// share this machine's CPUs, so the first case is CPU-bound. The second
// case ("hostwork") gives every AIX command the lab runs 3 ms of host time,
// still far less than a real LPAR takes for prtconf or lslpp.
func BenchmarkGatherFleetSSH(b *testing.B) {
	b.Run("cpu-bound", func(b *testing.B) { benchGatherFleet(b, 0) })
	b.Run("hostwork", func(b *testing.B) { benchGatherFleet(b, 3*time.Millisecond) })
}

func benchGatherFleet(b *testing.B, hostWork time.Duration) {
	const clients, conc = 1000, 64
	cfg := sim.Generate(sim.GenOptions{Clients: clients, Masters: 4, Seed: 5, FaultRate: -1})
	k := labkit.Serve(b, cfg, labkit.Options{})
	for _, h := range k.Lab.Hosts() {
		k.Server.SetFaults(h, simssh.Faults{Latency: 20 * time.Millisecond})
	}
	if hostWork > 0 {
		s, err := facts.ClientScript("x", facts.ClientPlan{Disks: []string{"hdisk1"}}, "n")
		if err != nil {
			b.Fatal(err)
		}
		scale := k.Lab.Config().TimeScale
		for _, p := range s.Probe {
			name := strings.Fields(p.Line)[0]
			name = name[strings.LastIndex(name, "/")+1:]
			k.Lab.SetLatency("", name, time.Duration(float64(hostWork)*scale))
		}
	}
	ctx := context.Background()
	hosts := k.Inv.Clients()
	// Calibrate: the slowest of 16 hosts gathered one at a time on a fresh
	// runner (handshake + script, nothing else running).
	var slowest time.Duration
	cal := labkit.Reconnect(b, k)
	for _, h := range hosts[len(hosts)-16:] {
		start := time.Now()
		if _, err := (&facts.Gatherer{Runner: cal}).Client(ctx, h.Name, facts.PlanFor(h)); err != nil {
			b.Fatal(err)
		}
		slowest = max(slowest, time.Since(start))
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseline := ms.HeapInuse
	for i := 0; i < b.N; i++ {
		tr := &timedRunner{next: k.Runner, dur: map[string]time.Duration{}}
		g := &facts.Gatherer{Runner: tr}
		var fl *facts.Fleet
		var wall time.Duration
		cpu0 := cpuSeconds()
		peak := peakHeap(func() {
			start := time.Now()
			fl = g.Fleet(ctx, hosts, conc)
			wall = time.Since(start)
		})
		if len(fl.Errors) > 0 {
			for h, err := range fl.Errors {
				b.Fatalf("%s: %v", h, err)
			}
		}
		rounds := (clients + conc - 1) / conc
		cpu := cpuSeconds() - cpu0
		lb := time.Duration(rounds) * slowest
		b.ReportMetric(cpu, "cpu_s")
		ctl := float64(peak-baseline) / (1 << 20)
		b.ReportMetric(wall.Seconds(), "wall_s")
		b.ReportMetric(float64(wall)/float64(lb), "lb_ratio")
		b.ReportMetric(ctl, "controller_heap_MB")

		// Naive against batch on the same sample of fresh hosts (no open
		// connection yet for either).
		sample := hosts[:128]
		batch := naiveOrBatch(b, k, sample, conc, false)
		naive := naiveOrBatch(b, k, sample, conc, true)
		b.ReportMetric(float64(naive)/float64(batch), "naive_ratio")
		b.Logf("1000 hosts: %v wall; lower bound %v = %d x slowest host alone %v; ratio %.2f; slowest host in the run %v; process CPU %.1f s (lab and controller share %d cores); heap: lab %.0f MB before, peak %.0f MB, controller share %.0f MB; 128-host sample: batch %v, naive %v, %.1fx",
			wall, lb, rounds, slowest, float64(wall)/float64(lb), tr.max(), cpu, runtime.NumCPU(), float64(baseline)/(1<<20), float64(peak)/(1<<20), ctl, batch, naive, float64(naive)/float64(batch))
	}
}

// naiveOrBatch gathers the sample over a fresh SSH runner either as one
// batch per host or one exec per probe per host (connections reused in
// both, which favours the naive way).
func naiveOrBatch(b *testing.B, k *labkit.Kit, sample []*inventory.Host, conc int, naive bool) time.Duration {
	b.Helper()
	inv := k.Inv
	fl := labkit.Reconnect(b, k)
	ctx := context.Background()
	start := time.Now()
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for _, h := range sample {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s, err := facts.ClientScript(h.Name, facts.PlanFor(inv.Host(h.Name)), "n")
			if err != nil {
				b.Error(err)
				return
			}
			if !naive {
				if _, err := fl.Run(ctx, transport.Command{Host: h.Name, Line: s.Text()}); err != nil {
					b.Error(err)
				}
				return
			}
			for _, p := range s.Probe {
				if _, err := fl.Run(ctx, transport.Command{Host: h.Name, Line: p.Line}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// cpuSeconds is the CPU time the process has used so far (the runtime's
// total minus its idle time).
func cpuSeconds() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64() - s[1].Value.Float64()
}

// BenchmarkLabStart200 builds a 200-client lab (2 masters) and serves every
// host over SSH on loopback: the time from nothing to ready (issue target:
// under 2 s).
func BenchmarkLabStart200(b *testing.B) {
	cfg := sim.Generate(sim.GenOptions{Clients: 200, Masters: 2, Seed: 1})
	for i := 0; i < b.N; i++ {
		lab, err := sim.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		signer, _ := simssh.UserKey("bench")
		srv, err := simssh.Serve(lab, lab.Hosts(), simssh.Options{Seed: "bench", AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		srv.Close()
		lab.Close()
		b.StartTimer()
	}
}

// BenchmarkLabExec1000 sends 1,000 concurrent SSH exec requests (oslevel
// -s) to a 200-client lab through the product's ssh runner and fails on any
// error (issue target: no error).
func BenchmarkLabExec1000(b *testing.B) {
	cfg := sim.Generate(sim.GenOptions{Clients: 200, Masters: 2, Seed: 1, FaultRate: -1})
	k := labkit.Serve(b, cfg, labkit.Options{})
	hosts := k.Lab.Hosts()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		var failed atomic.Int64
		for j := range 1000 {
			wg.Go(func() {
				h := hosts[j%len(hosts)]
				res, err := k.Runner.Run(ctx, transport.Command{Host: h, Line: "/usr/bin/oslevel -s"})
				if err != nil || res.ExitCode != 0 {
					failed.Add(1)
					b.Errorf("%s: %v %q", h, err, res.Stderr)
				}
			})
		}
		wg.Wait()
		b.ReportMetric(float64(failed.Load()), "errors")
	}
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "execs/s")
}
