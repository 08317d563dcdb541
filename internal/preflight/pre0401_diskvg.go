package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0401",
			Title:    "target disk belongs to no volume group",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `nimadm creates altinst_rootvg on the target disks and refuses a disk that holds
a volume group: "0505-126 alt_disk_install- target disk hdisk2 has a volume
group assigned to it." (errors.md E06). A disk that does not exist fails the
same way.`,
			Detect: `For each target disk of the inventory, on the client: lspv must list it with
None in the volume-group column, and getlvodm -j <disk> must fail with
0516-320 or 0516-1396 (IBM's own free-disk test: the ODM knows no VG on it).`,
			Remediation: `Pick another, free disk for the inventory's disks. Never clear a volume group
to make room: it may hold data.`,
			Levels: allLevels,
			Errors: []string{"E06"},
			Since:  since,
		},
		Run: runDiskVG,
	})
}

func runDiskVG(e *Env) check.Result {
	if len(e.Host.Disks) == 0 {
		return check.UnknownResult("target disks", "the inventory names no target disk")
	}
	var p problems
	var evs []check.Evidence
	unknown := ""
	pvs, pvOK := e.C.PVs.Get()
	for _, name := range e.Host.Disks {
		d := e.disk(name)
		if pvOK {
			pv, found := pvs.Get(name)
			switch {
			case !found:
				x := factEv(e, e.client(), e.C.PVs, 8)
				x.Note = name + " is not listed"
				p.add(check.Blocker, "target disk "+name+" does not exist (lspv does not list it)", x)
				continue
			case pv.VG != "":
				p.add(check.Blocker, "target disk "+name+" belongs to volume group "+pv.VG, factEv(e, e.client(), e.C.PVs, 2, name+" "))
				continue
			}
			evs = append(evs, factEv(e, e.client(), e.C.PVs, 1, name+" "))
		}
		in, ok := d.InVG.Get()
		switch {
		case !ok:
			if !pvOK && unknown == "" {
				unknown = "volume group of " + name + " (lspv, getlvodm -j): " + d.InVG.Reason
			}
		case in:
			p.add(check.Blocker, "target disk "+name+" carries a volume group in the ODM (getlvodm -j)", factEv(e, e.client(), d.InVG, 2))
		default:
			evs = append(evs, factEv(e, e.client(), d.InVG, 2))
		}
	}
	if p.any() {
		return p.result()
	}
	if unknown != "" {
		return check.UnknownResult("volume group of the target disks", unknown)
	}
	return check.PassResult(disksText(e.Host.Disks)+" "+verb(e.Host.Disks, "belongs", "belong")+" to no volume group", evs...)
}
