package preflight

import (
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0405",
			Title:    "target disk is not shared with another LPAR",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `A LUN can be free in this LPAR's ODM yet hold another LPAR's data; alt_disk_copy
forces a new volume group on a disk the ODM sees as free and overwrites it,
silently (errors.md E07).`,
			Detect: `Fleet-wide: the target disk's PVID (lspv) must not appear on any other client
checked in the same run (any disk, any volume group). The more of the fleet a
run covers, the more this check sees; hosts outside the run are not compared.`,
			Remediation: `Exclude the disk from the inventory and confirm its ownership with the storage
team before any use.`,
			Levels: allLevels,
			Errors: []string{"E07"},
			Since:  since,
		},
		AfterGather: true,
		Run:         runShared,
	})
}

func runShared(e *Env) check.Result {
	pvs, ok := e.C.PVs.Get()
	if !ok {
		return unknownOf(e.client(), "disks (lspv)", e.C.PVs)
	}
	var p problems
	var evs []check.Evidence
	for _, name := range e.Host.Disks {
		pv, found := pvs.Get(name)
		if !found {
			return check.UnknownResult("PVID of "+name, "lspv does not list the disk (PRE-0401)")
		}
		if !pv.HasPVID {
			return check.UnknownResult("PVID of "+name, "the disk has no PVID (PRE-0402), so it cannot be compared across the fleet")
		}
		x := factEv(e, e.client(), e.C.PVs, 1, name+" ")
		var others []string
		var lines []string
		for _, o := range e.fv.pvids[strings.ToLower(pv.PVID)] {
			if o.host == e.Host.Name {
				continue
			}
			vg := o.pv.VG
			if vg == "" {
				vg = "None"
			}
			others = append(others, o.host+":"+o.pv.Name)
			lines = append(lines, o.host+": "+o.pv.Name+" "+o.pv.PVID+" "+vg)
		}
		if len(others) > 0 {
			p.add(check.Blocker, "target disk "+name+" (PVID "+pv.PVID+") is also seen on "+quoteList(others)+": a shared LUN",
				x, check.Evidence{Host: "fleet", Command: "lspv on the other clients", Lines: lines})
			continue
		}
		evs = append(evs, x)
	}
	if p.any() {
		return p.result()
	}
	if len(e.Host.Disks) == 0 {
		return check.UnknownResult("target disks", "the inventory names no target disk")
	}
	return check.PassResult("no other client shows the PVID of "+quoteList(e.Host.Disks)+" ("+itoa(e.fv.clients)+" clients with known disks compared)", evs...)
}
