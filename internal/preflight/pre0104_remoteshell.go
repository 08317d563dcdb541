package preflight

import (
	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0104",
			Title:    "remote shell service (nimsh or rsh) is active on the client",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `With connect=nimsh the master runs the client's steps through the nimsh daemon;
if it is not active nimadm cannot run them and fails in phase 1 (errors.md
E20, E17). NIMSH is usable for nimadm from AIX 6.1 TL8 and 7.1 TL2 on
(nimadm.md §4.1 item 7); before that, rsh is required.`,
			Detect: `The connect attribute of the client's NIM object (lsnim -l on the master), else
NIM_SHELL in /etc/niminfo. With nimsh: lssrc -s nimsh on the client must show
the subsystem active, and the master must be at 6.1 TL8 or 7.1 TL2 or later
[U: which side the level rule applies to]. With connect=shell rshd runs from
inetd; PRE-0103 tests it, so this check is skipped.`,
			Remediation: `Start nimsh on the client (startsrc -s nimsh), or switch the client to rsh with
nim -o change -a connect=shell (PRE-0103).`,
			Commands: []string{"startsrc -s nimsh   # on the client"},
			Fix:      "FIX-NIMSH",
			Levels:   allLevels,
			Errors:   []string{"E20"},
			Since:    since,
		},
		Run: runRemoteShell,
	})
}

func runRemoteShell(e *Env) check.Result {
	var connect string
	var evs []check.Evidence
	obj, found, f := e.nimObject()
	if found && obj.Connect() != "" {
		connect = obj.Connect()
		evs = append(evs, ev(e.master(), f.Src, nimObjLines(obj, "connect"), ""))
	} else if ni, ok := e.C.Niminfo.Get(); ok && ni.Shell() != "" {
		connect = ni.Shell()
		evs = append(evs, factEv(e, e.client(), e.C.Niminfo, 1, "NIM_SHELL"))
	}
	if connect == "" {
		if !f.Known {
			return unknownOf(e.master(), "the client's NIM object (lsnim)", f)
		}
		if !e.C.Niminfo.Known {
			return unknownOf(e.client(), "/etc/niminfo", e.C.Niminfo)
		}
		return check.UnknownResult("remote shell method", "neither the NIM object nor /etc/niminfo names one (connect, NIM_SHELL)")
	}
	if connect != "nimsh" {
		return check.SkipResult("connect=" + connect + ": rshd runs from inetd and PRE-0103 tests it")
	}
	subs, ok := e.C.Nimsh.Get()
	if !ok {
		return unknownOf(e.client(), "nimsh status (lssrc -s nimsh)", e.C.Nimsh)
	}
	evs = append(evs, factEv(e, e.client(), e.C.Nimsh, 3))
	if !subs.Active("nimsh") {
		return check.FailResult("the client uses connect=nimsh but nimsh is not active", evs...)
	}
	if ml, ok := e.M.OSLevel.Get(); ok && !nimshUsable(ml) {
		evs = append(evs, factEv(e, e.master(), e.M.OSLevel, 1))
		r := check.FailResult("nimsh is active, but nimadm can use nimsh only from AIX 6.1 TL8 and 7.1 TL2 on; the master is at "+ml.String()+": use connect=shell", evs...).
			WithSeverity(check.Warning)
		r.NoFix, r.Commands = true, []string{"nim -o change -a connect=shell -a cpuid= " + e.nimName() + "   # on the master"}
		return r
	}
	return check.PassResult("connect=nimsh and nimsh is active on the client", evs...)
}

// nimshUsable reports whether nimadm can use nimsh at master level l
// (6.1 TL8, 7.1 TL2 and later; nimadm.md §4.1 item 7).
func nimshUsable(l aix.Level) bool {
	switch r := l.Release(); {
	case r > 7100:
		return true
	case r == 7100:
		return l.TL >= 2
	case r == 6100:
		return l.TL >= 8
	}
	return false
}
