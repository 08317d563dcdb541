package preflight

import (
	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0304",
			Title:    "no altinst_rootvg already exists on the client",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `nimadm creates altinst_rootvg on the target disk in phase 1; one left by an
earlier clone or migration that was never booted (or never cleaned up) makes
it fail (errors.md E04).`,
			Detect: `lspv on the client: no disk may show altinst_rootvg in its volume-group column
(IBM's alt_disk module uses the same test).`,
			Remediation: `When nobody needs that clone any more, remove it with alt_rootvg_op -X and clear
its disks' ownership with chpv -C. Never on the disk the system booted from.`,
			Commands: []string{"alt_rootvg_op -X altinst_rootvg", "chpv -C {vg_disk}"},
			Fix:      "FIX-ALTINST",
			Levels:   allLevels,
			Errors:   []string{"E04"},
			Since:    since,
		},
		Run: func(e *Env) check.Result { return runAltVG(e, "altinst_rootvg") },
	})
}

// runAltVG fails when lspv shows volume group vg (altinst_rootvg or
// old_rootvg) on any disk.
func runAltVG(e *Env, vg string) check.Result {
	pvs, ok := e.C.PVs.Get()
	if !ok {
		return unknownOf(e.client(), "disks (lspv)", e.C.PVs)
	}
	on := pvs.InVG(vg)
	if len(on) == 0 {
		x := factEv(e, e.client(), e.C.PVs, 8)
		x.Note = "no disk in " + vg
		return check.PassResult("no "+vg+" on any disk", x)
	}
	var names []string
	for _, pv := range on {
		names = append(names, pv.Name)
	}
	r := check.FailResult("an "+vg+" exists on "+quoteList(names), factEv(e, e.client(), e.C.PVs, 8, vg)).WithVars("vg", vg, "vg_disk", names[0])
	if bd, ok := e.C.BootDisk.Get(); ok && containsPV(on, bd) {
		r.Summary += "; it is on the boot disk " + bd + ": the system may be running from it - investigate, do not remove"
		r.NoFix, r.Commands = true, []string{"bootinfo -b", "lsvg -o"}
	}
	return r
}

func containsPV(ps aix.PVs, name string) bool {
	_, ok := ps.Get(name)
	return ok
}
