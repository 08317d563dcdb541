package preflight

import (
	"sort"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0106",
			Title:    "client name and address resolve consistently on the master",
			Severity: check.Blocker,
			Phase:    "2",
			Scope:    check.ScopeClient,
			Why: `nimadm phase 2 exports the client's /alt_inst file systems to the master over
NFS and phase 3 mounts them, so the master must resolve the client's name and
address consistently. One address listed under two host names in the master's
/etc/hosts makes NIM fail with 0042-006 ... connect Connection timed out
(errors.md E40).`,
			Detect: `The host name of the client's NIM interface (if1 in lsnim -l, second field)
is looked up in the master's /etc/hosts: it must map to one address, and that
address must not be listed again for another host name. A client not in
/etc/hosts resolves through DNS, which nimfleet does not query: that result is
unknown at warning severity.`,
			Remediation: `Fix the master's /etc/hosts (or DNS) so that the client's name has exactly one
address and that address belongs to this client only; remove stale lines left
by renamed or re-addressed hosts. Verify with host <client> and host <address>
on the master.`,
			Commands: []string{
				"grep -n -w {client} /etc/hosts   # on the master",
				"host {client}   # on the master",
			},
			Levels: allLevels,
			Errors: []string{"E40"},
			Since:  since,
		},
		Run: runHosts,
	})
}

func runHosts(e *Env) check.Result {
	obj, found, f := e.nimObject()
	if !f.Known {
		return unknownOf(e.master(), "the client's NIM object (lsnim)", f)
	}
	if !found {
		return check.UnknownResult("NIM interface if1", "NIM has no standalone object "+e.nimName()+" (PRE-0101)")
	}
	name := strings.ToLower(obj.Hostname(1))
	if name == "" {
		return check.UnknownResult("NIM interface if1", "the NIM object of "+e.nimName()+" has no if1 host name")
	}
	idx := e.mv.etcHosts()
	if idx == nil {
		return unknownOf(e.master(), "the master's /etc/hosts", e.M.EtcHosts)
	}
	objEv := ev(e.master(), f.Src, nimObjLines(obj, "if1"), "")
	entries := idx.byName[name]
	if len(entries) == 0 {
		if short, _, ok := strings.Cut(name, "."); ok {
			entries = idx.byName[short]
		}
	}
	if len(entries) == 0 {
		return check.UnknownResult("address of "+name, "the master's /etc/hosts does not list "+name+"; it resolves through DNS, which nimfleet does not query", objEv).
			WithSeverity(check.Warning)
	}
	ips := map[string]bool{}
	var lines []string
	for _, en := range entries {
		ips[en.ip] = true
		lines = append(lines, en.line)
	}
	hostsEv := func(lines []string, note string) check.Evidence {
		return ev(e.master(), e.M.EtcHosts.Src, lines, note)
	}
	if len(ips) > 1 {
		return check.FailResult(name+" has "+itoa(len(ips))+" addresses in the master's /etc/hosts", objEv, hostsEv(lines, ""))
	}
	var ip string
	for k := range ips {
		ip = k
	}
	var others []string
	otherNames := map[string]bool{}
	for _, en := range idx.byIP[ip] {
		has := false
		for _, n := range en.names {
			if n == name || strings.HasPrefix(n, name+".") || strings.HasPrefix(name, n+".") {
				has = true
			}
		}
		if !has {
			others = append(others, en.line)
			if len(en.names) > 0 {
				otherNames[en.names[0]] = true
			}
		}
	}
	if len(others) > 0 {
		var ns []string
		for n := range otherNames {
			ns = append(ns, n)
		}
		sort.Strings(ns)
		return check.FailResult("address "+ip+" of "+name+" is also listed for "+quoteList(ns)+" in the master's /etc/hosts (one address, two names)",
			objEv, hostsEv(append(lines, others...), ""))
	}
	return check.PassResult(name+" has one address ("+ip+") in the master's /etc/hosts, used by no other name", objEv, hostsEv(lines, ""))
}
