package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0208",
	tcase{name: "ready", want: check.Pass, has: []string{"Rstate = ready for use", "alloc_count = 0"}},
	tcase{name: "not ready", want: check.Fail, edits: []edit{msEdit("lsnim_l.lpp_7300-03-01", replace("Rstate      = ready for use", "Rstate      = unavailable for use"))},
		has: []string{"unavailable for use"}},
	tcase{name: "allocated", want: check.Fail, sev: check.Warning, edits: []edit{msEdit("lsnim_l.spot_7300-03-01", replace("alloc_count   = 0", "alloc_count   = 3"))},
		has: []string{"allocated 3 times"}},
	tcase{name: "showres busy", want: check.Fail, edits: []edit{ms("showres_spot.spot_7300-03-01", 1,
		"0042-001 nim: processing error encountered on \"master\":\n    0042-207 m_showres: Unable to allocate the spot_7300-03-01 resource to master.")},
		has: []string{"0042-207"}},
	tcase{name: "master down", want: check.Unknown, edits: []edit{masterDown(errMasterDown)}},
)

func TestPRE0208(t *testing.T) { runCases(t, "PRE-0208") }
