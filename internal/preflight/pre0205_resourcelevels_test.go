package preflight

import (
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

func removeLine(s, sub string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

var _ = addCases("PRE-0205",
	tcase{name: "consistent", want: check.Pass, has: []string{"oslevel_r = 7300-03", "bos.mp64"}},
	tcase{name: "SPOT older", want: check.Fail, edits: []edit{msEdit("lsnim_l.spot_7300-03-01", replace("oslevel_r     = 7300-03", "oslevel_r     = 7300-02"))},
		has: []string{"SPOT spot_7300-03-01 is at 7300-02 but lpp_source lpp_7300-03-01 at 7300-03"}},
	tcase{name: "lpp_source at another TL", want: check.Fail, edits: []edit{msEdit("showres_lpp.lpp_7300-03-01", func(s string) string {
		return strings.ReplaceAll(s, "bos.mp64                    7.3.3.1", "bos.mp64                    7.3.2.0")
	})}, has: []string{"not at the target"}},
	tcase{name: "lpp_source at another SP", want: check.Fail, edits: []edit{msEdit("showres_lpp.lpp_7300-03-01", func(s string) string {
		return strings.ReplaceAll(s, "bos.mp64                    7.3.3.1", "bos.mp64                    7.3.3.0")
	})}, has: []string{"bos.mp64 7.3.3.0, older than the 7.3.3.1 of SPOT"}},
	tcase{name: "SPOT filesets unknown", want: check.Unknown, edits: []edit{ms("showres_spot.spot_7300-03-01", 1,
		"0042-001 nim: processing error encountered on \"master\":\n    0042-207 m_showres: Unable to allocate the spot_7300-03-01 resource to master.")}},
	tcase{name: "no simages", want: check.Fail, edits: []edit{msEdit("lsnim_l.lpp_7300-03-01", replace("simages     = yes", "simages     = no"))}, has: []string{"simages"}},
	tcase{name: "SPOT not defined", want: check.Fail, edits: []edit{ms("lsnim_l.spot_7300-03-01", 1, `0042-053 lsnim: there is no NIM object named "spot_7300-03-01"`)},
		has: []string{"not defined in NIM"}},
	tcase{name: "SPOT unknown", want: check.Unknown, edits: []edit{dropM("lsnim_l.spot_7300-03-01")}},
)

func TestPRE0205(t *testing.T) { runCases(t, "PRE-0205") }
