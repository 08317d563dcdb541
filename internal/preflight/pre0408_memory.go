package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0408",
			Title:    "master and client have at least 4 GB of memory",
			Severity: check.Blocker,
			Phase:    "5",
			Scope:    check.ScopeClient,
			Why: `IBM requires at least 4 GB of memory on both the NIM master and the client for
nimadm (nimadm.md §4.1 item 8; errors.md E32).`,
			Detect: `lsattr -El sys0 -a realmem (KB) on the client and on the master must be at least
4194304.`,
			Remediation: `Add memory to the LPAR (DLPAR or profile change) before migrating.`,
			Levels:      allLevels,
			Errors:      []string{"E32"},
			Since:       since,
		},
		Run: runMemory,
	})
}

const minMemKB = 4 * 1024 * 1024

func runMemory(e *Env) check.Result {
	var p problems
	ckb, cOK := e.C.RealmemKB.Get()
	mkb, mOK := e.M.RealmemKB.Get()
	if cOK && ckb < minMemKB {
		p.add(check.Blocker, "client "+e.client()+" has "+mb(ckb/1024)+" of memory, below 4 GB", factEv(e, e.client(), e.C.RealmemKB, 1))
	}
	if mOK && mkb < minMemKB {
		p.add(check.Blocker, "master "+e.master()+" has "+mb(mkb/1024)+" of memory, below 4 GB", factEv(e, e.master(), e.M.RealmemKB, 1))
	}
	switch {
	case p.any():
		return p.result()
	case !cOK:
		return unknownOf(e.client(), "client memory (lsattr -El sys0 -a realmem)", e.C.RealmemKB)
	case !mOK:
		return unknownOf(e.master(), "master memory (lsattr -El sys0 -a realmem)", e.M.RealmemKB)
	}
	return check.PassResult("client and master have at least 4 GB of memory", factEv(e, e.client(), e.C.RealmemKB, 1), factEv(e, e.master(), e.M.RealmemKB, 1))
}
