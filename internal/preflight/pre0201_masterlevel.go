package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0201",
			Title:    "master AIX level is at or above the target level",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeMaster,
			Why: `The NIM master must run the same or a higher AIX level than the level it
migrates clients to (IBM's prerequisite list, nimadm.md §4.1 item 3): a NIM
server cannot serve or build a SPOT above its own level (errors.md E27).`,
			Detect: `oslevel -s on the master compared with the target level (the inventory's
target_level, else the lpp_source's bos.mp64 level), field by field at the
precision both have.`,
			Remediation: `Update the master to the target level or later first (it is usually migrated
or updated before any client), then check again.`,
			Levels: allLevels,
			Errors: []string{"E27"},
			Since:  since,
		},
		Run: runMasterLevel,
	})
}

func runMasterLevel(e *Env) check.Result {
	t := e.Plan.Target
	if !t.Known {
		return check.UnknownResult("target level", t.Reason)
	}
	ml, ok := e.M.OSLevel.Get()
	if !ok {
		return unknownOf(e.master(), "master level (oslevel -s)", e.M.OSLevel)
	}
	evs := []check.Evidence{factEv(e, e.master(), e.M.OSLevel, 1), t.Ev}
	if t.Cmp(ml) < 0 {
		return check.FailResult("the master is at "+ml.String()+", below the target "+t.String(), evs...)
	}
	return check.PassResult("the master is at "+ml.String()+", at or above the target "+t.String(), evs...)
}
