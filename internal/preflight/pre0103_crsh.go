package preflight

import (
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/inventory"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0103",
			Title:    "master can run commands on the client (c_rsh)",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `nimadm runs every client-side step (alt_disk_copy phases 1 and 3, the exports
of phase 2) from the master through the NIM method c_rsh, over rsh or nimsh.
When it cannot, nimadm fails in phase 1 with 0505-158 "WARNING, unexpected
result from the /alt_inst/tmp/i..." (errors.md E17).`,
			Detect: `For a client nimfleet reaches through its master, gathering its facts ran
through c_rsh, so success proves it. For a client reached over SSH, nimfleet
runs on the master (read-only, 30 s timeout):

  /usr/lpp/bos.sysmgt/nim/methods/c_rsh <nim name> '( LC_ALL=C /usr/bin/hostname ); echo rc=$?'

It must print the client's host name and rc=0 (IBM's role runs the same test).`,
			Remediation: `Repair the remote shell nimadm uses. With connect=nimsh: start nimsh on the
client (PRE-0104) and check /etc/niminfo (PRE-0102). With connect=shell: enable
rshd in the client's inetd, make the master's and client's names resolve both
ways, and test "rsh <client> hostname" from the master. Or switch the client
to the other method with nim -o change -a connect=shell|nimsh.`,
			Commands: []string{
				"chsubserver -a -v shell -p tcp -r inetd   # on the client, for connect=shell",
				"nim -o change -a connect=shell -a cpuid= {client}   # on the master, to use rsh",
				"/usr/lpp/bos.sysmgt/nim/methods/c_rsh {client} /usr/bin/hostname   # on the master, to verify",
			},
			Levels: allLevels,
			Errors: []string{"E17"},
			Since:  since,
		},
		AfterGather: true,
		Run:         runCRsh,
	})
}

func runCRsh(e *Env) check.Result {
	if e.Host.Via == inventory.ViaMaster {
		cmd := "c_rsh " + e.nimName() + " <fact collection script>"
		if e.ClientErr == nil {
			return check.PassResult("nimfleet gathered the client's facts through c_rsh on "+e.master(),
				check.Evidence{Host: e.master(), Command: cmd, Lines: e.lines(e.C.Hostname.Src, 1), Note: "the client answered through c_rsh"})
		}
		if e.MasterErr != nil {
			return check.UnknownResult("c_rsh from the master", "the master cannot be reached: "+e.MasterErr.Error())
		}
		return check.FailResult("the master could not run commands on the client through c_rsh",
			check.Evidence{Host: e.master(), Command: cmd, Exit: -1, Lines: []string{e.ClientErr.Error()}})
	}
	p := e.CRsh
	if p == nil {
		return check.UnknownResult("c_rsh probe", "the probe did not run (cancelled)")
	}
	if p.Err != nil {
		return check.UnknownResult("c_rsh probe", "the master cannot be reached: "+p.Err.Error())
	}
	lines := srcLinesBytes(p.Output, 10)
	evs := []check.Evidence{{Host: p.Master, Command: p.Command, Exit: p.Exit, Lines: lines}}
	switch {
	case !p.RCOK:
		return check.FailResult(fmt.Sprintf("c_rsh from %s did not reach the client (no exit status came back; c_rsh exit %d)", p.Master, p.Exit), evs...)
	case p.RC != 0:
		return check.FailResult(fmt.Sprintf("c_rsh from %s reached the client but hostname exited %d", p.Master, p.RC), evs...)
	}
	if hn, ok := e.C.Hostname.Get(); ok && p.Hostname != "" && !sameHost(hn, p.Hostname) {
		evs = append(evs, factEv(e, e.client(), e.C.Hostname, 1))
		return check.FailResult("c_rsh "+e.nimName()+" from "+p.Master+" reached host "+p.Hostname+", not "+hn+": NIM's name for the client resolves to another host", evs...)
	}
	return check.PassResult("c_rsh from "+p.Master+" runs commands on the client ("+p.Hostname+")", evs...)
}

func srcLinesBytes(b []byte, max int) []string {
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return []string{}
	}
	ls := strings.Split(s, "\n")
	if len(ls) > max {
		ls = ls[:max]
	}
	return ls
}
