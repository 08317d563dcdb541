package preflight_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/preflight"
	"github.com/nimfleet/nimfleet/internal/report"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// masterOnly are the checks that read nothing from the client itself
// (the master's facts, its NIM object for the client, the c_rsh probe run
// on the master, the inventory): they may pass for a client nothing could
// be gathered from.
var masterOnly = map[string]bool{
	"PRE-0101": true, "PRE-0103": true, "PRE-0105": true, "PRE-0106": true, "PRE-0107": true,
	"PRE-0201": true, "PRE-0204": true, "PRE-0205": true, "PRE-0207": true, "PRE-0208": true,
	"PRE-0406": true, "PRE-0407": true, "PRE-0411": true,
}

// lvmChecks need the rootvg facts (lsvg rootvg, lsvg -l rootvg) that a
// locked rootvg never gives (lspv still answers in the lab).
var lvmChecks = map[string]bool{"PRE-0302": true, "PRE-0306": true, "PRE-0307": true, "PRE-0310": true,
	"PRE-0312": true, "PRE-0313": true, "PRE-0404": true, "PRE-0410": true}

// hides reports whether fault f makes the facts of check id unobtainable,
// so that id may be unknown rather than fail: nothing can be read from an
// unreachable host, LVM facts hang on a locked rootvg, and a disk without
// a PVID cannot be compared across the fleet.
func hides(f, id string) bool {
	switch f {
	case "unreachable", "master_unreachable", "rootvg_locked":
		return true
	case "target_disk_no_pvid":
		return id == "PRE-0405"
	}
	return false
}

type truthStats struct {
	faults, expected, failed, unknown, extra, gaps int
}

// labGap reports the one known case where a lab fault does not produce
// what its catalogue entry says: rootvg_full must leave under 256 MB free
// (errors.md E15), but with a 128 MB partition size the lab leaves exactly
// 256 MB (two partitions; internal/sim/applyfault.go), which E15 accepts.
func labGap(fault string, r check.Result) bool {
	return fault == "rootvg_full" && r.ID == "PRE-0410" && r.Status == check.Pass && strings.Contains(r.Summary, "has 256 MB free")
}

// compareTruth checks a report against the lab's ground truth: every
// injected fault's checks fail (or are unknown where the fault hides the
// facts), no clean host has a blocker, and a host nothing could be
// gathered from has no pass on a check that needs its facts.
func compareTruth(t *testing.T, rep *report.Report, truth sim.Truth, via string) truthStats {
	t.Helper()
	faults := map[string][]sim.FaultInfo{}
	masterOf := map[string]string{}
	for _, h := range truth.Hosts {
		faults[h.Host] = h.Faults
		masterOf[h.Host] = h.Master
	}
	var st truthStats
	var extras []string
	for _, h := range rep.Hosts {
		own := faults[h.Host]
		all := append(append([]sim.FaultInfo{}, own...), faults[masterOf[h.Host]]...)
		res := map[string]check.Result{}
		for _, r := range h.Results {
			res[r.ID] = r
		}
		expect := map[string]bool{}
		for _, f := range all {
			st.faults++
			for _, id := range f.Checks {
				hidden := h.Error != ""
				for _, g := range all {
					hidden = hidden || hides(g.Name, id)
				}
				expect[id] = true
				st.expected++
				r := res[id]
				switch {
				case r.Status == check.Fail:
					st.failed++
				case r.Status == check.Unknown && hidden:
					st.unknown++
				case labGap(f.Name, r):
					st.gaps++
				default:
					t.Errorf("%s (%s): fault %s: %s is %s, want fail%s\n  %s", h.Host, via, f.Name, id, r.Status,
						map[bool]string{true: " or unknown", false: ""}[hidden], r)
				}
			}
		}
		if len(all) == 0 {
			for _, r := range h.Results {
				if r.Blocks() {
					t.Errorf("%s (%s): clean host, but %s", h.Host, via, r)
				}
			}
		} else {
			for _, r := range h.Results {
				if r.Status == check.Fail && r.Severity == check.Blocker && !expect[r.ID] {
					st.extra++
					var names []string
					for _, f := range all {
						names = append(names, f.Name)
					}
					extras = append(extras, fmt.Sprintf("%s [%s]: %s", h.Host, strings.Join(names, ","), r))
				}
			}
		}
		for _, f := range own {
			if f.Name != "rootvg_locked" {
				continue
			}
			for _, r := range h.Results {
				if lvmChecks[r.ID] && r.Status == check.Pass {
					t.Errorf("%s (%s): rootvg locked, yet %s passed: %s", h.Host, via, r.ID, r)
				}
			}
		}
		if h.Error != "" {
			for _, r := range h.Results {
				if r.Status == check.Pass && !masterOnly[r.ID] {
					t.Errorf("%s (%s): nothing gathered (%s), but %s passed", h.Host, via, h.Error, r.ID)
				}
			}
		}
	}
	sort.Strings(extras)
	for _, x := range extras {
		t.Logf("blocker beyond the truth: %s", x)
	}
	return st
}

// labTimeout bounds each host's gathering in the lab tests. The lab's
// locked rootvg hangs until it expires, so it sets the tests' duration; it
// must still leave a busy machine (or -race) time for healthy hosts.
const labTimeout = 8 * time.Second

func TestAgainstLab(t *testing.T) {
	if testing.Short() {
		t.Skip("lab fleet test")
	}
	cases := []struct {
		name  string
		via   string
		seed  int64
		mrate float64
	}{
		{"ssh", "ssh", 11, 0},
		{"master", "master", 11, 0},
		{"ssh-master-faults", "ssh", 23, 1},
		{"master-master-faults", "master", 23, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := sim.Generate(sim.GenOptions{Clients: 200, Masters: 2, Seed: tc.seed, MasterFaultRate: tc.mrate})
			k := labkit.New(t, cfg, labkit.Options{Via: tc.via})
			start := time.Now()
			rep, err := preflight.Run(context.Background(), preflight.Options{Runner: k.Runner, Inventory: k.Inv,
				GatherTimeout: labTimeout, CRshTimeout: labTimeout})
			if err != nil {
				t.Fatal(err)
			}
			truth := k.Lab.Truth()
			for _, h := range truth.Hosts {
				if h.Role == "master" && len(h.Faults) > 0 {
					t.Logf("master %s faults: %v", h.Host, h.Faults[0].Name)
				}
			}
			st := compareTruth(t, rep, truth, tc.via)
			if testing.Verbose() {
				for _, c := range rep.Checks {
					if n := c.Counts; n.Fail+n.Unknown > 0 {
						t.Logf("  %s %-8s fail %3d unknown %3d pass %3d skipped %3d  %s", c.ID, c.Severity, n.Fail, n.Unknown, n.Pass, n.Skipped, c.Title)
					}
				}
			}
			s := rep.Summary
			t.Logf("%s: %d clients in %v: ready %d, warning %d, blocked %d, unknown %d (unreachable %d); faults %d, expected check results %d: %d fail, %d unknown (facts hidden by the fault); %d extra blockers on faulty hosts",
				tc.name, s.Hosts, time.Since(start).Round(time.Millisecond), s.Ready, s.Warning, s.Blocked, s.Unknown, s.Unreachable,
				st.faults, st.expected, st.failed, st.unknown, st.extra)
		})
	}
}

// TestEveryFault injects each fault of the lab's catalogue alone into a
// small fleet (two masters, targets 7.2 and 7.3) and checks the truth:
// the generated 200-client fleets do not draw every fault.
func TestEveryFault(t *testing.T) {
	if testing.Short() {
		t.Skip("lab fleet test")
	}
	for _, f := range sim.Faults() {
		if f.Weight == 0 {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			o := sim.GenOptions{Clients: 6, Masters: 2, Seed: 5, Faults: []string{f.Name}, FaultRate: 1}
			if f.Role == "master" {
				o.FaultRate, o.MasterFaultRate = -1, 1
			}
			cfg := sim.Generate(o)
			k := labkit.New(t, cfg, labkit.Options{})
			rep, err := preflight.Run(context.Background(), preflight.Options{Runner: k.Runner, Inventory: k.Inv,
				GatherTimeout: labTimeout, CRshTimeout: labTimeout})
			if err != nil {
				t.Fatal(err)
			}
			truth := k.Lab.Truth()
			n := 0
			for _, h := range truth.Hosts {
				n += len(h.Faults)
			}
			if n == 0 {
				t.Fatalf("the generator injected no %s", f.Name)
			}
			st := compareTruth(t, rep, truth, "ssh")
			t.Logf("%s: %d injected, %d expected check results: %d fail, %d unknown, %d lab gap", f.Name, st.faults, st.expected, st.failed, st.unknown, st.gaps)
		})
	}
}
