package preflight

import (
	"strconv"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0105",
			Title:    "client NIM Cstate is ready for a NIM operation",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeClient,
			Why: `A NIM operation that stopped half-way (an interrupted nimadm, a failed bos_inst)
leaves the client's control state busy, and NIM refuses new operations on it
until it is reset (errors.md E21).`,
			Detect: `On the master: lsnim -l <client>; Cstate must read "ready for a NIM
operation". nimfleet also looks for a nimadm process for the client in the
master's ps -ef: while one runs, the state is busy for a reason and must not
be reset.`,
			Remediation: `Make sure no nimadm or other NIM operation for the client is running on the
master, then reset the state and release its resources.`,
			Commands: []string{
				"nim -Fo reset {client}   # on the master",
				"nim -o deallocate -a subclass=all {client}   # on the master",
			},
			Fix:    "FIX-NIMRESET",
			Levels: allLevels,
			Errors: []string{"E21"},
			Since:  since,
		},
		Run: runCstate,
	})
}

const cstateReady = "ready for a NIM operation"

func runCstate(e *Env) check.Result {
	obj, found, f := e.nimObject()
	if !f.Known {
		return unknownOf(e.master(), "the client's NIM object (lsnim)", f)
	}
	if !found {
		return check.UnknownResult("Cstate", "NIM has no standalone object "+e.nimName()+" (PRE-0101)")
	}
	evs := []check.Evidence{ev(e.master(), f.Src, nimObjLines(obj, "Cstate", "Cstate_result", "info"), "")}
	if obj.Cstate() == cstateReady {
		return check.PassResult("Cstate is \""+cstateReady+"\"", evs...)
	}
	r := check.FailResult("Cstate is \""+obj.Cstate()+"\", not \""+cstateReady+"\"", evs...)
	runs := e.mv.nimadmRuns()
	if ps := runs[e.nimName()]; len(ps) > 0 {
		var lines []string
		for _, p := range ps {
			lines = append(lines, "pid "+strconv.Itoa(p.PID)+": "+p.Cmd)
		}
		r.Evidence = append(r.Evidence, ev(e.master(), e.M.Processes.Src, lines, "nimadm for this client is running"))
		r.Summary += ": a nimadm for this client is running on the master; let it finish, do not reset"
		r.NoFix, r.Commands = true, []string{"# wait for the running nimadm of " + e.nimName() + " to end; do not reset"}
	} else if runs == nil {
		r.Summary += " (the master's process list is unknown: make sure no nimadm for the client runs before resetting)"
		r.NoFix = true
	}
	return r
}
