package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

const busy = "Cstate         = alt_disk_install operation is being performed"

func nimadmProcess(client string) edit {
	return msEdit("ps_ef", func(s string) string {
		return s + "    root 3100000       1   0 09:10:00      -  0:04 /usr/sbin/nimadm -j nimadmvg -c " + client + " -s spot_7300-03-01 -l lpp_7300-03-01 -d hdisk1 -Y\n"
	})
}

var _ = addCases("PRE-0105",
	tcase{name: "ready", want: check.Pass, has: []string{"Cstate = ready for a NIM operation"}},
	tcase{name: "busy", want: check.Fail, fix: "FIX-NIMRESET", edits: []edit{msEdit("lsnim_standalone", replace("Cstate         = ready for a NIM operation", busy))},
		has: []string{"alt_disk_install operation is being performed", "nim -Fo reset aix01"}},
	tcase{name: "busy with nimadm running", want: check.Fail, fix: "-", edits: []edit{
		msEdit("lsnim_standalone", replace("Cstate         = ready for a NIM operation", busy)), nimadmProcess("aix01")},
		has: []string{"do not reset", "pid 3100000"}},
	tcase{name: "not defined", want: check.Unknown, edits: []edit{msEdit("lsnim_standalone", replace("aix01:", "aix91:"))}, has: []string{"PRE-0101"}},
)

func TestPRE0105(t *testing.T) { runCases(t, "PRE-0105") }
