package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

const nimshInoperative = "Subsystem         Group            PID          Status\n nimsh            nimclient                     inoperative\n"

var _ = addCases("PRE-0104",
	tcase{name: "nimsh active", want: check.Pass, has: []string{"connect = nimsh", "active"}},
	tcase{name: "nimsh inoperative", want: check.Fail, edits: []edit{cl("lssrc_nimsh", 0, nimshInoperative)},
		fix: "FIX-NIMSH", has: []string{"inoperative", "startsrc -s nimsh"}},
	tcase{name: "connect shell", want: check.Skipped, edits: []edit{msEdit("lsnim_standalone", replace("connect        = nimsh", "connect        = shell"))},
		has: []string{"PRE-0103"}},
	tcase{name: "nimsh on an old master", want: check.Fail, sev: check.Warning, fix: "-",
		edits: []edit{ms("oslevel_s", 0, "7100-01-01-1141")}, has: []string{"7.1 TL2", "connect=shell"}},
	tcase{name: "from niminfo without NIM object", want: check.Fail, edits: []edit{
		msEdit("lsnim_standalone", replace("aix01:", "aix91:")), cl("lssrc_nimsh", 0, nimshInoperative)}, has: []string{"NIM_SHELL=nimsh"}},
	tcase{name: "status unknown", want: check.Unknown, edits: []edit{cl("lssrc_nimsh", 1, "lssrc: unexpected failure")}},
)

func TestPRE0104(t *testing.T) { runCases(t, "PRE-0104") }
