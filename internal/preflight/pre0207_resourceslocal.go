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
	rs, unknown := e.planResources("server", "location")
	if unknown != nil {
		return *unknown
	}
	var evs []check.Evidence
	for _, r := range rs {
		evs = append(evs, r.ev)
		if s := r.obj.Server(); s != "master" {
			p.add(check.Blocker, r.kind+" "+r.name+" is served by "+orNone(s)+", not by the master", r.ev)
		}
	}
	if p.any() {
		return p.result()
	}
	if len(rs) == 0 {
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
