package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0303",
			Title:    "multibos boot record level is not 0.0",
			Severity: check.Blocker,
			Phase:    "8",
			Scope:    check.ScopeClient,
			Why: `IBM's procedure for migrating a system that used multibos asks to read the level
stored in the boot disk's boot record: 0.0 must be corrected before migrating
(errors.md E03); the boot image nimadm writes in phase 8 relies on it.`,
			Detect: `/usr/lpp/bosinst/blvset -d /dev/ipldevice -g level on the client must print a
real level (5.3, 7.1, ...), not 0.0.`,
			Remediation: `Rewrite the boot image with bosboot -ad /dev/ipldevice, then read the level
again.`,
			Commands: []string{"bosboot -ad /dev/ipldevice", "/usr/lpp/bosinst/blvset -d /dev/ipldevice -g level"},
			Fix:      "FIX-BOSBOOT",
			Levels:   allLevels,
			Errors:   []string{"E03"},
			Since:    since,
		},
		Run: runBlvLevel,
	})
}

func runBlvLevel(e *Env) check.Result {
	l, ok := e.C.BlvLevel.Get()
	if !ok {
		return unknownOf(e.client(), "boot record level (blvset -g level)", e.C.BlvLevel)
	}
	x := factEv(e, e.client(), e.C.BlvLevel, 2)
	if l.IsZero() {
		return check.FailResult("the boot record level reads 0.0", x)
	}
	return check.PassResult("the boot record level reads "+l.String(), x)
}
