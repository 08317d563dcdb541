package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0406",
			Title:    "cache volume group (-j) exists and is varied on",
			Severity: check.Blocker,
			Phase:    "2",
			Scope:    check.ScopeMaster,
			Why: `With local disk caching (nimadm -j <vg>) nimadm creates the client's cache file
systems in that volume group on the master. A missing or varied-off volume
group stops nimadm at start-up (lsvg reports 0516-010 "Volume group must be
varied on"; errors.md E11).`,
			Detect: `On the master: lsvg must list the inventory's cache_vg, and lsvg -o must list
it too (varied on). Skipped in NFS mode (no cache_vg).`,
			Remediation: `Vary the volume group on (varyonvg), or create it (mkvg) on disks of the master
with room for the concurrent migrations (PRE-0407).`,
			Commands: []string{"varyonvg {cache_vg}   # on the master"},
			Fix:      "FIX-VARYON",
			Levels:   allLevels,
			Errors:   []string{"E11"},
			Since:    since,
		},
		Run: runCacheVG,
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func runCacheVG(e *Env) check.Result {
	vg := e.Plan.CacheVG
	if vg == "" {
		return check.SkipResult("NFS mode: the inventory gives no cache_vg (nimadm without -j)")
	}
	all, ok := e.M.VGs.Get()
	if !ok {
		return unknownOf(e.master(), "volume groups (lsvg)", e.M.VGs)
	}
	if !contains(all, vg) {
		x := factEv(e, e.master(), e.M.VGs, 10)
		x.Note = vg + " is not listed"
		r := check.FailResult("cache volume group "+vg+" does not exist on "+e.master(), x)
		r.NoFix, r.Commands = true, []string{"mkvg -y " + vg + " -S hdiskN   # on the master, on a free disk [U]"}
		return r
	}
	on, ok := e.M.VGsOnline.Get()
	if !ok {
		return unknownOf(e.master(), "varied-on volume groups (lsvg -o)", e.M.VGsOnline)
	}
	x := factEv(e, e.master(), e.M.VGsOnline, 10)
	if !contains(on, vg) {
		x.Note = vg + " is not varied on"
		return check.FailResult("cache volume group "+vg+" is varied off", x)
	}
	return check.PassResult("cache volume group "+vg+" is varied on", x)
}
