package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0202",
			Title:    "client is below the target level",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeClient,
			Why: `nimadm migrates a client to a later version or release (nimadm.md §4.1 item 4);
a client already at the target release (or above it) is refused, and there is
nothing to migrate (errors.md E28). From AIX 7.3 TL3 nimadm also updates a
client within 7.3 to a later TL or SP (nimadm.md §1).`,
			Detect: `oslevel -s on the client compared with the target level: the client's release
(V.R) must be lower, or, for a 7.3 TL3 or later target, the client may be a
lower 7.3 level.`,
			Remediation: `Nothing to migrate: take the client out of this migration wave (or out of the
inventory's migration plan), or update it within its release with the usual
TL/SP procedure.`,
			Levels: allLevels,
			Errors: []string{"E28"},
			Since:  since,
		},
		Run: runClientLevel,
	})
}

func runClientLevel(e *Env) check.Result {
	t := e.Plan.Target
	if !t.Known {
		return check.UnknownResult("target level", t.Reason)
	}
	cl, ok := e.C.OSLevel.Get()
	if !ok {
		return unknownOf(e.client(), "client level (oslevel -s)", e.C.OSLevel)
	}
	evs := []check.Evidence{factEv(e, e.client(), e.C.OSLevel, 1), t.Ev}
	switch c := cl.CompareRelease(t.Level); {
	case c < 0:
		return check.PassResult("migration from "+cl.VR()+" ("+cl.String()+") to "+t.String(), evs...)
	case c > 0:
		return check.FailResult("the client runs "+cl.String()+", above the target "+t.String(), evs...)
	}
	if !t.VROnly && t.Release() >= 7300 && t.Level.TL >= 3 && t.Cmp(cl) < 0 {
		return check.PassResult("update within 7.3 from "+cl.String()+" to "+t.String()+" (nimadm supports it from 7.3 TL3)", evs...)
	}
	return check.FailResult("the client already runs "+cl.String()+", release "+cl.VR()+" of the target "+t.String()+": nothing to migrate", evs...)
}
