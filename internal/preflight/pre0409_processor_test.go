package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0409",
	tcase{name: "POWER8", want: check.Pass, has: []string{"Processor Type: PowerPC_POWER8"}},
	tcase{name: "POWER7", want: check.Fail, edits: []edit{clEdit("prtconf", replace("PowerPC_POWER8", "PowerPC_POWER7"))}, has: []string{"POWER8 or later"}},
	tcase{name: "7.2 target", want: check.Skipped, edits: []edit{target("7200-05-07-2346"), clEdit("prtconf", replace("PowerPC_POWER8", "PowerPC_POWER7"))},
		has: []string{"target 7.3 and later"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("prtconf")}},
)

func TestPRE0409(t *testing.T) { runCases(t, "PRE-0409") }
