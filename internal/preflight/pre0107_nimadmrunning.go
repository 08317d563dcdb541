package preflight

import (
	"strconv"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0107",
			Title:    "no nimadm is already running for the client",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeClient,
			Why: `A second nimadm for a client whose migration is still running fights the first
over the client's NIM state, its target disk and the cache file systems; and
resetting the client's NIM state (PRE-0105) while a nimadm runs breaks that
run (errors.md E21).`,
			Detect: `On the master: ps -ef must show no nimadm process whose -c argument is the
client's NIM name.`,
			Remediation: `Let the running migration finish (nimfleet journal, or the master's
/var/adm/ras/alt_mig/<client>_alt_mig.log), then check again.`,
			Levels: allLevels,
			Errors: []string{"E21"},
			Since:  since,
		},
		Run: runNimadmRunning,
	})
}

func runNimadmRunning(e *Env) check.Result {
	runs := e.mv.nimadmRuns()
	if runs == nil {
		return unknownOf(e.master(), "the master's processes (ps -ef)", e.M.Processes)
	}
	ps := runs[e.nimName()]
	if len(ps) == 0 {
		return check.PassResult("no nimadm process for "+e.nimName()+" on "+e.master(),
			ev(e.master(), e.M.Processes.Src, []string{}, "no nimadm -c "+e.nimName()+" in the process list"))
	}
	var lines []string
	for _, p := range ps {
		lines = append(lines, "pid "+strconv.Itoa(p.PID)+" since "+p.STime+": "+p.Cmd)
	}
	return check.FailResult("a nimadm for "+e.nimName()+" is already running on "+e.master(),
		ev(e.master(), e.M.Processes.Src, lines, ""))
}
