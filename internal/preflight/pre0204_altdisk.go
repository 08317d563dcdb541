package preflight

import (
	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0204",
			Title:    "bos.alt_disk_install.rte is at the same level on master and SPOT",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeMaster,
			Why: `nimadm runs alt_disk code from the master and from the SPOT: IBM requires the
same level of bos.alt_disk_install.rte in the master's rootvg and in the SPOT
(nimadm.md §4.1 item 1). A missing or different level stops nimadm before it
starts (errors.md E24, E25).`,
			Detect: `lslpp -Lc bos.alt_disk_install.rte on the master against
nim -o showres -a lslpp_flags=Lc <spot>; the fileset must be in both, at the
same V.R.M.F level.`,
			Remediation: `Install the master's level of the fileset into the SPOT from an lpp_source that
holds it (nim -o cust), or install it on the master if it is missing there.`,
			Commands: []string{"nim -o cust -a lpp_source={lpp_source} -a filesets=bos.alt_disk_install.rte {spot}   # on the master"},
			Levels:   allLevels,
			Errors:   []string{"E24", "E25"},
			Since:    since,
		},
		Run: runAltDisk,
	})
}

const altDiskFileset = "bos.alt_disk_install.rte"

func runAltDisk(e *Env) check.Result {
	if e.Plan.Spot == "" {
		return check.UnknownResult("SPOT", "the inventory names no SPOT for this client")
	}
	ml, ok := e.M.AltDiskLevel.Get()
	if !ok {
		return unknownOf(e.master(), "bos.alt_disk_install.rte on the master (lslpp -Lc)", e.M.AltDiskLevel)
	}
	sf := e.spotFilesets()
	list, ok := sf.Get()
	if !ok {
		return unknownOf(e.master(), "filesets of SPOT "+e.Plan.Spot+" (nim -o showres)", sf)
	}
	mEv := factEv(e, e.master(), e.M.AltDiskLevel, 2, altDiskFileset)
	sEv := factEv(e, e.master(), sf, 2, altDiskFileset)
	if ml.IsZero() {
		return check.FailResult(altDiskFileset+" is not installed on the master", mEv)
	}
	var spotLevel string
	for _, f := range list {
		if f.Fileset == altDiskFileset {
			spotLevel = f.Level
		}
	}
	if spotLevel == "" {
		sEv.Note = altDiskFileset + " is not in the SPOT"
		return check.FailResult("SPOT "+e.Plan.Spot+" lacks "+altDiskFileset+" (the master has "+ml.String()+")", mEv, sEv)
	}
	if sl, err := aix.ParseFilesetLevel(spotLevel); err != nil || sl.Compare(ml) != 0 {
		return check.FailResult(altDiskFileset+" is "+ml.String()+" on the master but "+spotLevel+" in SPOT "+e.Plan.Spot, mEv, sEv)
	}
	return check.PassResult(altDiskFileset+" "+ml.String()+" on the master and in SPOT "+e.Plan.Spot, mEv, sEv)
}
