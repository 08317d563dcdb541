package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0312",
	tcase{name: "none", want: check.Pass},
	tcase{name: "alt LV", want: check.Fail, edits: []edit{clEdit("lsvg_l_rootvg", func(s string) string {
		return s + "altdatalv           jfs2       1       1       1    open/syncd    /altdata\n"
	})}, has: []string{"rootvg LVs altdatalv"}},
	tcase{name: "alt VG", want: check.Fail, edits: []edit{cl("lsvg", 0, "rootvg\naltvg")}, has: []string{"volume groups altvg"}},
	tcase{name: "altinst_rootvg is PRE-0304's", want: check.Pass, edits: []edit{cl("lsvg", 0, "rootvg\naltinst_rootvg")}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lsvg", "lsvg_l_rootvg")}},
)

func TestPRE0312(t *testing.T) { runCases(t, "PRE-0312") }
