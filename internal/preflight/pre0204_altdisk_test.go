package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0204",
	tcase{name: "same level", want: check.Pass, has: []string{"bos:bos.alt_disk_install.rte:7.3.3.1"}},
	tcase{name: "SPOT differs", want: check.Fail, edits: []edit{msEdit("showres_spot.spot_7300-03-01", replace("bos.alt_disk_install.rte:7.3.3.1", "bos.alt_disk_install.rte:7.3.3.0"))},
		has: []string{"7.3.3.1 on the master but 7.3.3.0 in SPOT", "nim -o cust -a lpp_source=lpp_7300-03-01 -a filesets=bos.alt_disk_install.rte spot_7300-03-01"}},
	tcase{name: "SPOT lacks it", want: check.Fail, edits: []edit{msEdit("showres_spot.spot_7300-03-01", func(s string) string {
		return removeLine(s, "bos.alt_disk_install.rte")
	})}, has: []string{"lacks bos.alt_disk_install.rte"}},
	tcase{name: "master lacks it", want: check.Fail, edits: []edit{ms("lslpp_alt_disk", 1, "lslpp: 0504-132  Fileset bos.alt_disk_install.rte not installed.")},
		has: []string{"not installed on the master"}},
	tcase{name: "SPOT busy", want: check.Unknown, edits: []edit{ms("showres_spot.spot_7300-03-01", 1,
		"0042-001 nim: processing error encountered on \"master\":\n    0042-207 m_showres: Unable to allocate the spot_7300-03-01 resource to master.")}},
)

func TestPRE0204(t *testing.T) { runCases(t, "PRE-0204") }
