package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0404",
			Title:    "target disk is large enough for rootvg plus migration growth",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `The client needs a disk big enough for a clone of rootvg plus roughly 500 MB
for the migration (IBM's prerequisite list, nimadm.md §4.1 item 5). Too small
a disk fails in phase 1 when altinst_rootvg's LVs do not fit, or in phase 5
when file systems grow (0516-404, 0516-822; errors.md E09, E12).`,
			Detect: `The sum of bootinfo -s <disk> (MB) over the target disks must be at least
rootvg's used size plus 512 MB. The used size is one copy: the logical
partitions of lsvg -l rootvg times the PP size of lsvg rootvg (so a mirrored
rootvg counts once, as alt_disk_copy copies one mirror).`,
			Remediation: `Use a bigger target disk (or several: nimadm -d takes a list), or free space in
rootvg first.`,
			Levels: allLevels,
			Errors: []string{"E09"},
			Since:  since,
		},
		Run: runDiskSize,
	})
}

// rootvgUsedMB returns one copy of rootvg's used size.
func rootvgUsedMB(e *Env) (int, bool, check.Result) {
	vg, ok := e.C.Rootvg.Get()
	if !ok {
		return 0, false, unknownOf(e.client(), "rootvg size (lsvg rootvg)", e.C.Rootvg)
	}
	if lvs, ok := e.C.RootvgLVs.Get(); ok && vg.PPSizeMB > 0 {
		lps := 0
		for _, lv := range lvs.LVs {
			if !standby(lv) {
				lps += lv.LPs
			}
		}
		return lps * vg.PPSizeMB, true, check.Result{}
	}
	return vg.UsedMB, true, check.Result{}
}

func runDiskSize(e *Env) check.Result {
	if len(e.Host.Disks) == 0 {
		return check.UnknownResult("target disks", "the inventory names no target disk")
	}
	total := 0
	var evs []check.Evidence
	for _, name := range e.Host.Disks {
		d := e.disk(name)
		n, ok := d.SizeMB.Get()
		if !ok {
			return unknownOf(e.client(), "size of "+name+" (bootinfo -s)", d.SizeMB)
		}
		total += n
		x := factEv(e, e.client(), d.SizeMB, 1)
		x.Note = mb(n)
		evs = append(evs, x)
	}
	used, ok, r := rootvgUsedMB(e)
	if !ok {
		return r
	}
	need := used + growthMarginMB
	evs = append(evs, factEv(e, e.client(), e.C.Rootvg, 2, "USED PPs", "PP SIZE"))
	if total < need {
		return check.FailResult(disksText(e.Host.Disks)+" "+verb(e.Host.Disks, "holds", "hold")+" "+mb(total)+"; rootvg uses "+mb(used)+" and the migration needs about 512 MB more: short by "+mb(need-total), evs...)
	}
	return check.PassResult(disksText(e.Host.Disks)+" "+verb(e.Host.Disks, "holds", "hold")+" "+mb(total)+", rootvg uses "+mb(used)+" (+512 MB growth)", evs...)
}
