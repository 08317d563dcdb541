package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0411",
			Title:    "local disk caching (-j) is used",
			Severity: check.Info,
			Phase:    "2",
			Scope:    check.ScopeMaster,
			Why: `Without -j nimadm works over NFS between master and client for phases 2 to 9:
it needs a reliable network that carries heavy NFS traffic, possibly NFS tuning,
and cannot handle TCB clients (errors.md E41, E31). Local disk caching on the
master (-j <vg>) moves that I/O to the master's disks.`,
			Detect: `The inventory gives the client a cache_vg.`,
			Remediation: `Create a cache volume group on the master and set cache_vg in the inventory
(client_defaults of the master), sized for its slots (PRE-0407).`,
			Levels: allLevels,
			Errors: []string{"E41"},
			Since:  since,
		},
		Run: runCaching,
	})
}

func runCaching(e *Env) check.Result {
	if e.Plan.CacheVG == "" {
		return check.FailResult("the migration runs over NFS (no cache_vg): phases 2 to 9 depend on the network")
	}
	return check.PassResult("the migration uses local disk caching in " + e.Plan.CacheVG)
}
