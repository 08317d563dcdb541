package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

const java8 = "Java8_64.sdk:Java8_64.sdk:8.0.0.600: : :C:F:Java SDK 64-bit Development Kit: : : : : : :0:0:/:1925\n"

var _ = addCases("PRE-0206",
	tcase{name: "all offered", want: check.Pass},
	tcase{name: "fileset missing", want: check.Fail, edits: []edit{clEdit("lslpp_Lc", func(s string) string { return s + java8 })},
		has: []string{"Java8_64.sdk", "requisite failures"}},
	tcase{name: "RPMs are not compared", want: check.Pass, edits: []edit{clEdit("lslpp_Lc", func(s string) string {
		return s + "bash:bash-5.1.4-2:5.1.4-2: : :C:R:The GNU Bourne Again shell (bash): : : : : : :0:0:/opt/freeware:Tue Apr 27 18:35:51 WET 2021\n"
	})}},
	tcase{name: "lpp_source content unknown", want: check.Unknown, edits: []edit{dropM("showres_lpp.lpp_7300-03-01")}},
)

func TestPRE0206(t *testing.T) { runCases(t, "PRE-0206") }
