package preflight

import (
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0102",
			Title:    "client's /etc/niminfo names this master",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeClient,
			Why: `A client whose /etc/niminfo names another master (NIM_MASTER_HOSTNAME) belongs
to that master: nimsh refuses this master's commands and NIM operations go to
the wrong server. IBM's own migration role refuses such clients ("client ...
connects to a different NIM master", errors.md E19).`,
			Detect: `On the client: cat /etc/niminfo; the NIM_MASTER_HOSTNAME value must be the
master's host name (hostname on the master). A short name matches its fully
qualified form.`,
			Remediation: `Re-initialise the client against this master with niminit (after removing the
stale /etc/niminfo), or move the client to the right master in the inventory.
[U: exact procedure]`,
			Commands: []string{
				"mv /etc/niminfo /etc/niminfo.old   # on the client",
				"niminit -a name={client} -a master={master}   # on the client",
			},
			Levels: allLevels,
			Errors: []string{"E19"},
			Since:  since,
		},
		Run: runNiminfo,
	})
}

// sameHost reports whether two host names name the same host: equal
// ignoring case, or equal short names when one of them is unqualified.
func sameHost(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSuffix(a, ".")), strings.ToLower(strings.TrimSuffix(b, "."))
	if a == b {
		return true
	}
	sa, _, qa := strings.Cut(a, ".")
	sb, _, qb := strings.Cut(b, ".")
	return (!qa || !qb) && sa == sb
}

func runNiminfo(e *Env) check.Result {
	ni, ok := e.C.Niminfo.Get()
	if !ok {
		return unknownOf(e.client(), "/etc/niminfo", e.C.Niminfo)
	}
	mh, ok := e.M.Hostname.Get()
	if !ok {
		return unknownOf(e.master(), "master host name", e.M.Hostname)
	}
	got := ni.MasterHostname()
	evs := []check.Evidence{factEv(e, e.client(), e.C.Niminfo, 2, "NIM_MASTER_HOSTNAME"), factEv(e, e.master(), e.M.Hostname, 1)}
	if got == "" {
		return check.FailResult("/etc/niminfo has no NIM_MASTER_HOSTNAME: the client is not initialised as a NIM client", evs...)
	}
	if !sameHost(got, mh) {
		return check.FailResult("/etc/niminfo names master "+got+", not "+mh+": the client belongs to another NIM master", evs...)
	}
	return check.PassResult("/etc/niminfo names master "+got, evs...)
}
