package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0307",
	tcase{name: "clean", want: check.Pass},
	tcase{name: "stale PPs", want: check.Fail, edits: []edit{clEdit("lsvg_rootvg", replace("STALE PPs:      0", "STALE PPs:      4"))},
		has: []string{"4 stale partitions", "STALE PPs:      4", "syncvg -v rootvg"}},
	tcase{name: "stale LV", want: check.Fail, edits: []edit{clEdit("lsvg_l_rootvg", replace("12      12      1    open/syncd    /home", "12      24      2    open/stale    /home"))},
		has: []string{"stale logical volumes in rootvg: hd1"}},
	tcase{name: "spread copies", want: check.Fail, edits: []edit{clEdit("lsvg_l_rootvg", replace("73      73      1    open/syncd    /usr", "73      146     3    open/syncd    /usr"))},
		has: []string{"spread", "hd2"}},
	tcase{name: "clean mirror", want: check.Pass, edits: []edit{clEdit("lsvg_l_rootvg", replace("73      73      1    open/syncd    /usr", "73      146     2    open/syncd    /usr"))},
		has: []string{"each copy on one disk"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lsvg_rootvg", "lsvg_l_rootvg")}},
)

func TestPRE0307(t *testing.T) { runCases(t, "PRE-0307") }
