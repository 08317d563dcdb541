package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0207",
	tcase{name: "local", want: check.Pass, has: []string{"server = master"}},
	tcase{name: "SPOT elsewhere", want: check.Fail, edits: []edit{msEdit("lsnim_l.spot_7300-03-01", replace("server        = master", "server        = nimsrv2"))},
		has: []string{"served by nimsrv2"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{dropM("lsnim_l.lpp_7300-03-01")}},
)

func TestPRE0207(t *testing.T) { runCases(t, "PRE-0207") }
