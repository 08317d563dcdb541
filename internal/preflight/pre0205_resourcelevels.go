package preflight

import (
	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0205",
			Title:    "SPOT and lpp_source are at the target level and consistent",
			Severity: check.Blocker,
			Phase:    "5",
			Scope:    check.ScopeMaster,
			Why: `nimadm boots the migration from the SPOT and installs from the lpp_source: both
must be at the level being migrated to (nimadm.md §4.1 item 2). A SPOT built
from another lpp_source, or an lpp_source updated after the SPOT, gives a
mixed-level system or a refusal (errors.md E26). The lpp_source must also
carry simages (the images a migration needs).`,
			Detect: `On the master: the SPOT's level from lsnim -l <spot> (oslevel_r, or version,
release and mod), the lpp_source's from the bos.mp64 level in
nim -o showres <lpp_source> (IBM's own rule). Both must be defined, agree at
the technology level, and match the target (the inventory's target_level) at
the precision it gives; the bos.mp64 fileset of the SPOT (nim -o showres -a
lslpp_flags=Lc <spot>) must be at the lpp_source's V.R.M.F level (IBM's role
refuses an lpp_source above its SPOT). lsnim -l <lpp_source> must show
simages = yes.`,
			Remediation: `Rebuild or update the SPOT from the same lpp_source (nim -o cust or a new
SPOT), or point the inventory at the matching SPOT and lpp_source.`,
			Commands: []string{"nim -o cust -a lpp_source={lpp_source} -a fixes=update_all {spot}   # on the master [U]"},
			Levels:   allLevels,
			Errors:   []string{"E26"},
			Since:    since,
		},
		Run: runResourceLevels,
	})
}

func runResourceLevels(e *Env) check.Result {
	if e.Plan.Spot == "" || e.Plan.LppSource == "" {
		return check.UnknownResult("SPOT and lpp_source", "the inventory does not name both")
	}
	so, lo := e.spotObj(), e.lppObj()
	if !so.Known {
		return unknownOf(e.master(), "SPOT "+e.Plan.Spot+" (lsnim -l)", so)
	}
	if !lo.Known {
		return unknownOf(e.master(), "lpp_source "+e.Plan.LppSource+" (lsnim -l)", lo)
	}
	var p problems
	if so.Value.Name == "" {
		p.add(check.Blocker, "SPOT "+e.Plan.Spot+" is not defined in NIM", factEv(e, e.master(), so, 2))
	}
	if lo.Value.Name == "" {
		p.add(check.Blocker, "lpp_source "+e.Plan.LppSource+" is not defined in NIM", factEv(e, e.master(), lo, 2))
	}
	if p.any() {
		return p.result()
	}
	sl, ok := so.Value.Level()
	if !ok {
		return check.UnknownResult("SPOT level", "lsnim -l "+e.Plan.Spot+" shows no oslevel_r or version/release/mod")
	}
	lf := e.lppLevel()
	ll, ok := lf.Get()
	if !ok {
		return unknownOf(e.master(), "level of lpp_source "+e.Plan.LppSource+" (bos.mp64 in nim -o showres)", lf)
	}
	lppLevel := aix.Level{V: ll.V, R: ll.R, TL: ll.M, Parts: 2}
	sEv := ev(e.master(), so.Src, nimObjLines(so.Value, "oslevel_r", "version", "release", "mod"), "")
	lEv := factEv(e, e.master(), lf, 1, "bos.mp64")
	if sl.TLLevel().Compare(lppLevel) != 0 {
		p.add(check.Blocker, "SPOT "+e.Plan.Spot+" is at "+sl.TLLevel().String()+" but lpp_source "+e.Plan.LppSource+" at "+lppLevel.String(), sEv, lEv)
	}
	if t := e.Plan.Target; t.Known && t.From == "inventory target_level" {
		tl := t.Level
		if !t.VROnly {
			tl = tl.TLLevel()
		}
		for _, x := range []struct {
			what string
			l    aix.Level
			ev   check.Evidence
		}{{"SPOT " + e.Plan.Spot, sl.TLLevel(), sEv}, {"lpp_source " + e.Plan.LppSource, lppLevel, lEv}} {
			if (t.VROnly && x.l.CompareRelease(tl) != 0) || (!t.VROnly && x.l.Compare(tl) != 0) {
				p.add(check.Blocker, x.what+" is at "+x.l.String()+", not at the target "+t.String(), x.ev, t.Ev)
			}
		}
	}
	// The TL precision of lsnim misses a SPOT and an lpp_source of
	// different service packs; their bos.mp64 filesets tell.
	if sf := e.spotFilesets(); !sf.Known {
		if !p.any() {
			return unknownOf(e.master(), "filesets of SPOT "+e.Plan.Spot+" (nim -o showres), to compare its bos.mp64 with the lpp_source's", sf)
		}
	} else {
		for _, f := range sf.Value {
			if f.Fileset != "bos.mp64" {
				continue
			}
			sm, err := aix.ParseFilesetLevel(f.Level)
			if err == nil && sm.Compare(ll) != 0 {
				rel := "older"
				if ll.Compare(sm) > 0 {
					rel = "newer"
				}
				p.add(check.Blocker, "lpp_source "+e.Plan.LppSource+" holds bos.mp64 "+ll.String()+", "+rel+" than the "+sm.String()+" of SPOT "+e.Plan.Spot+": build the SPOT from this lpp_source",
					lEv, factEv(e, e.master(), sf, 1, ":bos.mp64:"))
			}
			break
		}
	}
	if !lo.Value.Simages() {
		p.add(check.Blocker, "lpp_source "+e.Plan.LppSource+" lacks simages (simages = yes): it cannot serve a migration",
			ev(e.master(), lo.Src, nimObjLines(lo.Value, "simages"), ""))
	}
	if p.any() {
		return p.result()
	}
	return check.PassResult("SPOT "+e.Plan.Spot+" and lpp_source "+e.Plan.LppSource+" are both at "+lppLevel.String(), sEv, lEv)
}
