package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0410",
			Title:    "rootvg has free space for temporary LVs",
			Severity: check.Warning,
			Phase:    "6",
			Scope:    check.ScopeClient,
			Why: `Installers create temporary logical volumes in the running rootvg: an AIX 6.1
update needs 256 MB for sni_lv ("Not enough disk space for sni_lv.", errors.md
E15), and installp fails with 0503-008 when file systems cannot grow (E14).
nimadm expands file systems on the clone, not here, so this is a warning for
the updates that usually come before or after a migration [U relevance].`,
			Detect: `lsvg rootvg on the client: FREE PPs times PP SIZE must be at least 256 MB.`,
			Remediation: `Free space in rootvg (shrink a file system with chfs -a size=-<n>, remove
unused LVs) or add a disk to rootvg.`,
			Levels: allLevels,
			Errors: []string{"E14", "E15"},
			Since:  since,
		},
		Run: runRootvgFree,
	})
}

const minRootvgFreeMB = 256

func runRootvgFree(e *Env) check.Result {
	vg, ok := e.C.Rootvg.Get()
	if !ok {
		return unknownOf(e.client(), "rootvg free space (lsvg rootvg)", e.C.Rootvg)
	}
	x := factEv(e, e.client(), e.C.Rootvg, 2, "FREE PPs", "PP SIZE")
	if vg.FreeMB < minRootvgFreeMB {
		return check.FailResult("rootvg has "+mb(vg.FreeMB)+" free, under 256 MB", x)
	}
	return check.PassResult("rootvg has "+mb(vg.FreeMB)+" free", x)
}
