package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

const lowMem = "realmem 2097152 Amount of usable physical memory in Kbytes False"

var _ = addCases("PRE-0408",
	tcase{name: "enough", want: check.Pass},
	tcase{name: "client low", want: check.Fail, edits: []edit{cl("realmem", 0, lowMem)}, has: []string{"client aix01 has 2048 MB"}},
	tcase{name: "master low", want: check.Fail, edits: []edit{ms("realmem", 0, lowMem)}, has: []string{"master nim73"}},
	tcase{name: "master low, client unknown", want: check.Fail, edits: []edit{ms("realmem", 0, lowMem), drop("realmem")}},
	tcase{name: "client unknown", want: check.Unknown, edits: []edit{drop("realmem")}},
)

func TestPRE0408(t *testing.T) { runCases(t, "PRE-0408") }
