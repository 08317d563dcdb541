package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0403",
			Title:    "target disk is bootable",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `alt_disk and nimadm call bootinfo -B on the target and refuse a disk whose
bootability they cannot confirm. A disk added to a running LPAR by DLPAR is not
reported bootable until the LPAR has gone through an IPL (IBM technote,
errors.md E10).`,
			Detect: `bootinfo -B <disk> on the client must print 1 for every target disk.`,
			Remediation: `Reboot (IPL) the LPAR before the migration so that the firmware sees the disk,
or pick a disk that was present at the last boot.`,
			Levels: allLevels,
			Errors: []string{"E10"},
			Since:  since,
		},
		Run: runBootable,
	})
}

func runBootable(e *Env) check.Result {
	var bad []string
	var evs []check.Evidence
	for _, name := range e.Host.Disks {
		d := e.disk(name)
		b, ok := d.Bootable.Get()
		if !ok {
			return unknownOf(e.client(), "bootability of "+name+" (bootinfo -B)", d.Bootable)
		}
		x := factEv(e, e.client(), d.Bootable, 1)
		evs = append(evs, x)
		if !b {
			bad = append(bad, name)
		}
	}
	if len(e.Host.Disks) == 0 {
		return check.UnknownResult("target disks", "the inventory names no target disk")
	}
	if len(bad) > 0 {
		return check.FailResult("target disk "+quoteList(bad)+" is not bootable (bootinfo -B printed 0): added by DLPAR since the last IPL?", evs...)
	}
	return check.PassResult(disksText(e.Host.Disks)+" "+verb(e.Host.Disks, "is", "are")+" bootable", evs...)
}
