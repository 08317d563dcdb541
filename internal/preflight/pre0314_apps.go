package preflight

import (
	"strconv"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0314",
			Title:    "no application servers (DB2, LDAP) are running",
			Severity: check.Warning,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `IBM asks to stop application servers such as DB2 and LDAP before the clone is
taken: a copy of their files taken while they run may not start normally on the
migrated system (nimadm.md §4.1 item 11; errors.md E46). Changes made after the
clone started are lost too.`,
			Detect: `ps -ef on the client must show none of db2sysc, slapd, ns-slapd, ibmslapd
[U: process names].`,
			Remediation: `Stop the applications (db2stop, the LDAP server's stop command) for the
migration window, from before phase 1 until the reboot.`,
			Levels: allLevels,
			Errors: []string{"E46"},
			Since:  since,
		},
		Run: runApps,
	})
}

var appProcesses = []string{"db2sysc", "slapd", "ns-slapd", "ibmslapd"}

func runApps(e *Env) check.Result {
	ps, ok := e.C.Processes.Get()
	if !ok {
		return unknownOf(e.client(), "processes (ps -ef)", e.C.Processes)
	}
	var found, lines []string
	seen := map[string]bool{}
	for _, p := range ps {
		name := cmdBase(p.Cmd)
		if !isApp(name) {
			continue
		}
		if !seen[name] {
			seen[name] = true
			found = append(found, name)
		}
		lines = append(lines, "pid "+strconv.Itoa(p.PID)+" ("+p.UID+"): "+p.Cmd)
	}
	if len(found) == 0 {
		return check.PassResult("none of " + quoteList(appProcesses) + " is running")
	}
	return check.FailResult("application servers running: "+quoteList(found)+": stop them before the clone",
		ev(e.client(), e.C.Processes.Src, lines, ""))
}

func isApp(name string) bool {
	for _, a := range appProcesses {
		if a == name {
			return true
		}
	}
	return false
}

// cmdBase is aix.Process.Command without allocating: the base name of the
// first word of a ps command line (thousands of processes per run).
func cmdBase(cmd string) string {
	cmd = strings.TrimLeft(cmd, " ")
	if i := strings.IndexByte(cmd, ' '); i >= 0 {
		cmd = cmd[:i]
	}
	if i := strings.LastIndexByte(cmd, '/'); i >= 0 {
		cmd = cmd[i+1:]
	}
	return cmd
}
