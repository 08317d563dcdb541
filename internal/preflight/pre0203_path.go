package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0203",
			Title:    "source to target migration path is supported",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeClient,
			Why: `Not every source release can be migrated straight to every target (errors.md
E29). IBM documents 5.3 and 6.1 to 7.1, 7.1 to 7.2, and 7.1 or 7.2 to 7.3
(its own migration role refuses clients below 7.1 for 7.3: "Client LPAR must
be AIX 7.1 or higher."). Anything else needs two migrations.`,
			Detect: `The client's release (oslevel -s) and the target's release, against this
table (nimadm.md §4.5):

  target 7.1: from 5.3 or 6.1 [C]
  target 7.2: from 7.1 [C]; from 6.1 [U: IBM mentions 6.1 for mksysb
              migration only] - reported as a warning
  target 7.3: from 7.1 or 7.2 [C]
  any other pair: not documented - a fail (blocker) for older sources,
              a warning for targets outside the table

Minimum source technology levels are [U] and not checked.`,
			Remediation: `Migrate in two steps through a supported intermediate release (for example 5.3
to 7.1, then 7.1 to 7.3), or check IBM's migration paths for the exact target
media and waive this check for the hosts it covers.`,
			Levels: allLevels,
			Errors: []string{"E29"},
			Since:  since,
		},
		Run: runPath,
	})
}

// migrationPaths lists, per target release, the source releases and
// whether IBM documents them (true) or only hints at them (false, [U]).
var migrationPaths = map[int]map[int]bool{
	7100: {5300: true, 6100: true},
	7200: {7100: true, 6100: false},
	7300: {7100: true, 7200: true},
}

func runPath(e *Env) check.Result {
	t := e.Plan.Target
	if !t.Known {
		return check.UnknownResult("target level", t.Reason)
	}
	cl, ok := e.C.OSLevel.Get()
	if !ok {
		return unknownOf(e.client(), "client level (oslevel -s)", e.C.OSLevel)
	}
	if cl.Release() >= t.Release() {
		return check.SkipResult("the client (" + cl.VR() + ") is not below the target release " + t.Level.VR() + " (PRE-0202)")
	}
	evs := []check.Evidence{factEv(e, e.client(), e.C.OSLevel, 1), t.Ev}
	path := cl.VR() + " to " + t.Level.VR()
	srcs, known := migrationPaths[t.Release()]
	if !known {
		return check.FailResult("no documented nimadm path to "+t.Level.VR()+" is known to nimfleet ("+path+")", evs...).WithSeverity(check.Warning)
	}
	documented, listed := srcs[cl.Release()]
	switch {
	case listed && documented:
		return check.PassResult("migration path "+path+" is documented by IBM", evs...)
	case listed:
		return check.FailResult("migration path "+path+" is not confirmed by an IBM source [U]: verify it for your target media", evs...).WithSeverity(check.Warning)
	}
	return check.FailResult("migration path "+path+" is not supported: migrate in two steps", evs...)
}
