package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0402",
			Title:    "target disk has a PVID",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `IBM's target-disk selector for nimadm accepts only disks with a physical volume
ID, and older alt_disk code failed with "No free disk available" on one without
(errors.md E08). nimfleet also needs the PVID to tell whether a LUN is shared
with another LPAR (PRE-0405).`,
			Detect: `lspv on the client: the target disk's second column must be a PVID, not
"none".`,
			Remediation: `Assign a PVID to the disk (chdev -l <disk> -a pv=yes) [U: standard AIX].`,
			Commands:    []string{"chdev -l {disk} -a pv=yes"},
			Fix:         "FIX-PVID",
			Levels:      allLevels,
			Errors:      []string{"E08"},
			Since:       since,
		},
		Run: runPVID,
	})
}

func runPVID(e *Env) check.Result {
	pvs, ok := e.C.PVs.Get()
	if !ok {
		return unknownOf(e.client(), "disks (lspv)", e.C.PVs)
	}
	var none, absent []string
	var evs []check.Evidence
	for _, name := range e.Host.Disks {
		pv, found := pvs.Get(name)
		switch {
		case !found:
			absent = append(absent, name)
		case !pv.HasPVID:
			none = append(none, name)
			evs = append(evs, factEv(e, e.client(), e.C.PVs, 1, name+" "))
		default:
			evs = append(evs, factEv(e, e.client(), e.C.PVs, 1, name+" "))
		}
	}
	if len(none) > 0 {
		r := check.FailResult("target disk "+quoteList(none)+" has no PVID", evs...).WithVars("disk", none[0])
		for _, d := range none {
			r.Commands = append(r.Commands, "chdev -l "+d+" -a pv=yes")
		}
		return r
	}
	if len(absent) > 0 {
		return check.UnknownResult("PVID of "+quoteList(absent), "lspv does not list the disk (PRE-0401)")
	}
	if len(e.Host.Disks) == 0 {
		return check.UnknownResult("target disks", "the inventory names no target disk")
	}
	return check.PassResult(disksText(e.Host.Disks)+" "+verb(e.Host.Disks, "has a PVID", "have PVIDs"), evs...)
}
