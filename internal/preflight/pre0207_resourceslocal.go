package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0207",
			Title:    "NIM resources are local to the master",
			Severity: check.Blocker,
			Phase:    "2",
			Scope:    check.ScopeMaster,
			Why: `Every NIM resource nimadm uses must be local to the NIM master (IBM's limitation
list, nimadm.md §4.2): NIM exports allocated resources over NFS itself, and a
resource served by another server cannot be used (errors.md E42).`,
			Detect: `lsnim -l <spot> and lsnim -l <lpp_source> on the master: server must be
"master".`,
			Remediation: `Copy the resources to the master's local disks and define them there (or point
the inventory at local ones).`,
			Levels: allLevels,
			Errors: []string{"E42"},
			Since:  since,
		},
		Run: runResourcesLocal,
	})
}

func runResourcesLocal(e *Env) check.Result {
	var p problems
	var evs []check.Evidence
	checked := 0
	for _, r := range []struct{ kind, name string }{{"SPOT", e.Plan.Spot}, {"lpp_source", e.Plan.LppSource}} {
		if r.name == "" {
			continue
		}
		f := lookupFact(e.M.Resources, r.name, e.masterReason("lsnim -l "+r.name))
		obj, ok := f.Get()
		if !ok {
			return unknownOf(e.master(), r.kind+" "+r.name+" (lsnim -l)", f)
		}
		if obj.Name == "" {
			continue // not defined: PRE-0205
		}
		checked++
		x := ev(e.master(), f.Src, nimObjLines(obj, "server", "location"), "")
		evs = append(evs, x)
		if s := obj.Server(); s != "master" {
			p.add(check.Blocker, r.kind+" "+r.name+" is served by "+orNone(s)+", not by the master", x)
		}
	}
	if p.any() {
		return p.result()
	}
	if checked == 0 {
		return check.UnknownResult("NIM resources", "neither the SPOT nor the lpp_source is defined in NIM (PRE-0205)")
	}
	return check.PassResult("the SPOT and lpp_source are served by the master", evs...)
}

func orNone(s string) string {
	if s == "" {
		return "(no server attribute)"
	}
	return s
}
