package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0305",
			Title:    "no old_rootvg exists on the client",
			Severity: check.Warning,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `After a migrated disk boots, the original rootvg is kept as old_rootvg: it is the
rollback path of the previous migration (errors.md E05). A new migration
renames the running rootvg to old_rootvg after its own first boot, and the
disk may be wanted as a target: removing it destroys that rollback, so it is a
decision, not a cleanup.`,
			Detect: `lspv on the client: no disk may show old_rootvg in its volume-group column.`,
			Remediation: `Decide the rollback policy with the system owner. When the previous migration is
signed off, remove old_rootvg with alt_rootvg_op -X and chpv -C (destructive:
nimfleet asks for per-host approval), or waive this check for the host.`,
			Commands: []string{"alt_rootvg_op -X old_rootvg", "chpv -C {vg_disk}"},
			Fix:      "FIX-OLDROOTVG",
			Levels:   allLevels,
			Errors:   []string{"E05"},
			Since:    since,
		},
		Run: func(e *Env) check.Result { return runAltVG(e, "old_rootvg") },
	})
}
