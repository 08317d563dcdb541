package labkit_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// TestFleetFactsAgainstGeneratedLab gathers facts from a generated fleet
// with the realistic fault mix: only unreachable hosts fail outright, and
// every unknown fact is explained by an injected fault.
func TestFleetFactsAgainstGeneratedLab(t *testing.T) {
	for _, via := range []string{"ssh", "master"} {
		t.Run(via, func(t *testing.T) {
			cfg := sim.Generate(sim.GenOptions{Clients: 200, Masters: 2, Seed: 11})
			k := labkit.New(t, cfg, labkit.Options{Via: via})
			truth := map[string][]string{}
			for _, h := range k.Lab.Truth().Hosts {
				for _, f := range h.Faults {
					truth[h.Host] = append(truth[h.Host], f.Name)
				}
			}
			// A locked rootvg hangs its LVM probes until the session times
			// out; keep that short in a test.
			g := &facts.Gatherer{Runner: k.Runner, Timeout: 2 * time.Second}
			fl := g.Fleet(context.Background(), k.Inv.Hosts, 64)
			for host, err := range fl.Errors {
				fs := strings.Join(truth[host], ",")
				if !strings.Contains(fs, "unreachable") && !(via == "master" && (strings.Contains(fs, "rsh_broken") || strings.Contains(fs, "nimsh_down"))) {
					t.Errorf("%s (faults %q): %v", host, fs, err)
				}
			}
			unexplained := map[string]int{}
			for host, c := range fl.Clients {
				if len(c.ProbeErrors) > 0 && len(truth[host]) == 0 {
					for id, why := range c.ProbeErrors {
						unexplained[id+": "+why]++
					}
				}
			}
			var keys []string
			for k := range unexplained {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				t.Errorf("clean hosts with unknown facts (%d): %s", unexplained[k], k)
			}
			for host, m := range fl.Masters {
				for id, why := range m.ProbeErrors {
					t.Errorf("master %s: %s: %s", host, id, why)
				}
			}
		})
	}
}
