package preflight

import (
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0302",
			Title:    "no multibos standby instance on the client",
			Severity: check.Blocker,
			Phase:    "11",
			Scope:    check.ScopeClient,
			Why: `nimadm is not supported with multibos when a bos_hd5 logical volume exists
(IBM's limitation list, nimadm.md §4.2; errors.md E02): the clone check of
phase 11 fails like the leftover /bos_inst of E01.`,
			Detect: `lsvg -l rootvg on the client: a standby instance exists when rootvg holds both
an hd5 and a bos_hd5 boot LV, or any LV mounted on /bos_inst or below it
(multibos.md §4). bos_ names alone, with bootinfo -v printing bos_hd5 and no
hd5, are a system that booted its standby and removed the other instance:
supported.`,
			Remediation: `Remove the standby instance with multibos -R (preview with -p first), then
check for a leftover /bos_inst (PRE-0301), which multibos -R may leave.`,
			Commands: []string{"multibos -Rp   # preview", "multibos -R"},
			Fix:      "FIX-MULTIBOS",
			Levels:   allLevels,
			Errors:   []string{"E02"},
			Since:    since,
		},
		Run: runMultibos,
	})
}

func runMultibos(e *Env) check.Result {
	lvs, ok := e.C.RootvgLVs.Get()
	if !ok {
		return unknownOf(e.client(), "rootvg LVs (lsvg -l rootvg)", e.C.RootvgLVs)
	}
	sb := standbyLVs(lvs)
	if len(sb) == 0 {
		x := factEv(e, e.client(), e.C.RootvgLVs, 5, "bos_", "hd5")
		x.Note = "no second boot LV and no LV mounted on /bos_inst"
		return check.PassResult("no multibos standby instance in rootvg", x)
	}
	names := lvNames(sb)
	return check.FailResult("a multibos standby instance exists in rootvg ("+strings.Join(names, " ")+")",
		factEv(e, e.client(), e.C.RootvgLVs, 12, append([]string{"LV NAME", "hd5"}, names...)...))
}
