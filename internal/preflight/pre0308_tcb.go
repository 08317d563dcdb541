package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0308",
			Title:    "Trusted Computing Base is off, or local disk caching (-j) is used",
			Severity: check.Blocker,
			Phase:    "3",
			Scope:    check.ScopeClient,
			Why: `With the Trusted Computing Base enabled, nimadm needs file metadata that NFS
does not carry: TCB clients must be migrated with local disk caching (-j) or
TCB must be turned off (IBM's limitation list, nimadm.md §4.2; errors.md E31).
From AIX 7.2 on TCB is not supported at all and the migration disables it.`,
			Detect: `/usr/bin/tcbck on the client: a usage message means TCB is enabled, "not
enabled" that it is off (IBM's documented test). With TCB on: a fail in NFS
mode (no cache VG in the inventory); with -j, a warning when the target is 7.2
or later (TCB will be disabled), a pass otherwise.`,
			Remediation: `Give the client a cache VG (cache_vg in the inventory, nimadm -j), or disable
TCB permanently before migrating. For 7.2 and later targets plan for TCB being
off after the migration.`,
			Levels: allLevels,
			Errors: []string{"E31"},
			Since:  since,
		},
		Run: runTCB,
	})
}

func runTCB(e *Env) check.Result {
	on, ok := e.C.TCB.Get()
	if !ok {
		return unknownOf(e.client(), "TCB state (tcbck)", e.C.TCB)
	}
	x := factEv(e, e.client(), e.C.TCB, 2)
	if !on {
		return check.PassResult("TCB is not enabled", x)
	}
	if e.Plan.CacheVG == "" {
		return check.FailResult("TCB is enabled and the migration uses NFS (no cache VG): nimadm refuses it", x)
	}
	if t := e.Plan.Target; t.Known && t.Release() >= 7200 {
		return check.FailResult("TCB is enabled; -j "+e.Plan.CacheVG+" lets nimadm copy it, but AIX "+t.Level.VR()+" does not support TCB and the migration disables it", x).
			WithSeverity(check.Warning)
	}
	return check.PassResult("TCB is enabled and the migration uses local disk caching (-j "+e.Plan.CacheVG+")", x)
}
