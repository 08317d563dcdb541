package preflight

import (
	"bytes"
	"strconv"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0208",
			Title:    "SPOT and lpp_source are ready for use and not busy",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeMaster,
			Why: `nimadm allocates the SPOT and the lpp_source to the client. A resource whose
Rstate is not "ready for use" cannot be allocated, and one locked by another
operation makes NIM fail with 0042-207 "Unable to allocate the ... resource"
(errors.md E22). Many concurrent nimadm runs share one SPOT, so an allocation
count above zero is normal during a rollout but worth knowing.`,
			Detect: `lsnim -l <spot> and lsnim -l <lpp_source>: Rstate must be "ready for use";
the fact gathering's nim -o showres of the SPOT must not fail with 0042-207;
alloc_count above 0 is reported as a warning.`,
			Remediation: `Wait for the operations that hold the resource to finish and check again; if a
resource is stuck after a failed operation, reset it once nothing uses it
(nim -Fo reset). Do not reset a resource other nimadm runs are using.`,
			Commands: []string{"lsnim -a Rstate -a alloc_count {spot} {lpp_source}   # on the master"},
			Levels:   allLevels,
			Errors:   []string{"E22"},
			Since:    since,
		},
		Run: runResourcesReady,
	})
}

func runResourcesReady(e *Env) check.Result {
	var p problems
	rs, unknown := e.planResources("Rstate", "alloc_count")
	if unknown != nil {
		return *unknown
	}
	var evs []check.Evidence
	for _, r := range rs {
		evs = append(evs, r.ev)
		if st := r.obj.Rstate(); st != "ready for use" {
			p.add(check.Blocker, r.kind+" "+r.name+" Rstate is \""+st+"\", not \"ready for use\"", r.ev)
		}
		if n, ok := r.obj.AllocCount(); ok && n > 0 {
			p.add(check.Warning, r.kind+" "+r.name+" is allocated "+strconv.Itoa(n)+" times (other NIM operations or nimadm runs)", r.ev)
		}
	}
	if sf := e.spotFilesets(); e.Plan.Spot != "" && !sf.Known && sf.Src != nil && bytes.Contains(sf.Src.Output, []byte("0042-207")) {
		p.add(check.Blocker, "SPOT "+e.Plan.Spot+" is busy: nim -o showres could not allocate it (0042-207)", factEv(e, e.master(), sf, 3))
	}
	if p.any() {
		return p.result()
	}
	if len(rs) == 0 {
		return check.UnknownResult("NIM resources", "neither the SPOT nor the lpp_source is defined in NIM (PRE-0205)")
	}
	return check.PassResult("the SPOT and lpp_source are ready for use and not allocated", evs...)
}
