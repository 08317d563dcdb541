package preflight

import (
	"context"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// benchKit is a 1,000-client lab over 4 masters with the realistic fault
// mix, minus rootvg_locked: a locked rootvg hangs its host's gathering
// until the timeout, which would measure the timeout, not the work.
func benchKit(b *testing.B) *labkit.Kit {
	b.Helper()
	var faults []string
	for _, f := range sim.Faults() {
		if f.Name != sim.FaultRootvgLocked && f.Weight > 0 {
			faults = append(faults, f.Name)
		}
	}
	cfg := sim.Generate(sim.GenOptions{Clients: 1000, Masters: 4, Seed: 7, Faults: faults})
	return labkit.New(b, cfg, labkit.Options{})
}

const benchTimeout = 30 * time.Second

// BenchmarkGather1000 is fact gathering alone: every client and master of
// the lab, as 'nimfleet facts' does it.
func BenchmarkGather1000(b *testing.B) {
	k := benchKit(b)
	ctx := context.Background()
	clients, masters := k.Inv.ClientsOf(nil)
	hosts := append(masters[:len(masters):len(masters)], clients...)
	b.ResetTimer()
	for range b.N {
		g := &facts.Gatherer{Runner: k.Runner, Timeout: benchTimeout}
		fl := g.Fleet(ctx, hosts, 64)
		if len(fl.Clients) < 900 {
			b.Fatalf("%d clients gathered", len(fl.Clients))
		}
	}
}

// BenchmarkCheck1000 is the whole check: the same gathering, the c_rsh
// probes, every check on every client, the report. It must stay within
// BenchmarkGather1000 plus 10%.
func BenchmarkCheck1000(b *testing.B) {
	k := benchKit(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		rep, err := Run(ctx, Options{Runner: k.Runner, Inventory: k.Inv, GatherTimeout: benchTimeout, Concurrency: 64})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Hosts != 1000 {
			b.Fatalf("%d hosts", rep.Summary.Hosts)
		}
	}
}

// BenchmarkEvaluate1000 is the evaluation alone, on facts gathered once:
// what the checks cost on top of gathering.
func BenchmarkEvaluate1000(b *testing.B) {
	k := benchKit(b)
	ctx := context.Background()
	o := Options{Runner: k.Runner, Inventory: k.Inv, GatherTimeout: benchTimeout}
	clients, masters := k.Inv.ClientsOf(nil)
	g := gather(ctx, o, clients, masters)
	b.ResetTimer()
	for range b.N {
		rep := evaluate(o, clients, masters, g)
		if rep.Summary.Hosts != 1000 {
			b.Fatalf("%d hosts", rep.Summary.Hosts)
		}
	}
}

// BenchmarkCRshProbes1000 is the c_rsh probes alone (one per client, run
// on its master): what 'check' adds to gathering on the transport side.
func BenchmarkCRshProbes1000(b *testing.B) {
	k := benchKit(b)
	ctx := context.Background()
	o := Options{Runner: k.Runner, Inventory: k.Inv}
	clients, _ := k.Inv.ClientsOf(nil)
	b.ResetTimer()
	for range b.N {
		if p := probeCRsh(ctx, o, clients, 64); len(p) != 1000 {
			b.Fatalf("%d probes", len(p))
		}
	}
}

// BenchmarkCheckOverGather1000 alternates gathering and checking on the
// same lab and reports the ratio of their best times (check/gather), which
// is steadier than two separate benchmarks on a busy machine. The budget
// is 1.10.
func BenchmarkCheckOverGather1000(b *testing.B) {
	k := benchKit(b)
	ctx := context.Background()
	clients, masters := k.Inv.ClientsOf(nil)
	hosts := append(masters[:len(masters):len(masters)], clients...)
	best := func(cur, d time.Duration) time.Duration {
		if cur == 0 || d < cur {
			return d
		}
		return cur
	}
	var g, c time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		(&facts.Gatherer{Runner: k.Runner, Timeout: benchTimeout}).Fleet(ctx, hosts, 64)
		g = best(g, time.Since(t0))
		t0 = time.Now()
		if _, err := Run(ctx, Options{Runner: k.Runner, Inventory: k.Inv, GatherTimeout: benchTimeout, Concurrency: 64}); err != nil {
			b.Fatal(err)
		}
		c = best(c, time.Since(t0))
	}
	b.ReportMetric(float64(g.Milliseconds()), "gather-ms")
	b.ReportMetric(float64(c.Milliseconds()), "check-ms")
	b.ReportMetric(float64(c)/float64(g), "check/gather")
}
