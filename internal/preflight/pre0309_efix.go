package preflight

import (
	"sort"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0309",
			Title:    "no interim fixes lock filesets (and none needs a reboot)",
			Severity: check.Blocker,
			Phase:    "6",
			Scope:    check.ScopeClient,
			Why: `Interim fixes lock the filesets they patch: installp halts with "EFIX MANAGER
LOCKS ... The following selected filesets are locked by EFIX manager" until
they are removed (errors.md E33); nimadm's phase 6 runs installp on the copy.
An interim fix in state *Q* still waits for a reboot.`,
			Detect: `emgr -P on the client must list no locked package; emgr -l must show no fix in
a state containing Q (reboot required).`,
			Remediation: `Remove the interim fixes before migrating (emgr -r -L <label>; nimfleet asks for
approval) and re-apply level-appropriate ones afterwards. Reboot a client whose
fix waits for a reboot, then check again.`,
			Commands: []string{"emgr -r -L {label}"},
			Fix:      "FIX-EFIX",
			Levels:   allLevels,
			Errors:   []string{"E33"},
			Since:    since,
		},
		Run: runEfix,
	})
}

func runEfix(e *Env) check.Result {
	locks, lOK := e.C.EfixLocks.Get()
	fixes, fOK := e.C.Efixes.Get()
	var p problems
	var labels []string
	var cmds []string
	if lOK && len(locks) > 0 {
		seen := map[string]bool{}
		var pkgs []string
		for _, l := range locks {
			pkgs = append(pkgs, l.Package)
			if !seen[l.Label] {
				seen[l.Label] = true
				labels = append(labels, l.Label)
			}
		}
		sort.Strings(labels)
		for _, l := range labels {
			cmds = append(cmds, "emgr -r -L "+l)
		}
		p.add(check.Blocker, "interim fixes "+quoteList(labels)+" lock "+quoteList(pkgs), factEv(e, e.client(), e.C.EfixLocks, 10))
	}
	reboot := false
	if fOK {
		var q []string
		for _, f := range fixes {
			if f.RebootRequired {
				q = append(q, f.Label)
			}
		}
		if len(q) > 0 {
			reboot = true
			p.add(check.Blocker, "interim fix "+quoteList(q)+" waits for a reboot (state *Q*)", factEv(e, e.client(), e.C.Efixes, 6, q...))
		}
	}
	if p.any() {
		r := p.result()
		if reboot {
			cmds = append(cmds, "shutdown -Fr   # in a maintenance window, to complete the pending fix")
		}
		r.Commands = cmds
		if len(labels) == 0 {
			r.NoFix = true
		}
		return r
	}
	if !lOK {
		return unknownOf(e.client(), "efix locks (emgr -P)", e.C.EfixLocks)
	}
	if !fOK {
		return unknownOf(e.client(), "interim fixes (emgr -l)", e.C.Efixes)
	}
	return check.PassResult(itoa(len(fixes))+" interim fixes installed; none locks a fileset or waits for a reboot", factEv(e, e.client(), e.C.Efixes, 3))
}
