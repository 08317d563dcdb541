package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0303",
	tcase{name: "real level", want: check.Pass, has: []string{"7.2"}},
	tcase{name: "zero", want: check.Fail, fix: "FIX-BOSBOOT", edits: []edit{cl("blvset", 0, "0.0")}, has: []string{"0.0", "bosboot -ad /dev/ipldevice"}},
	tcase{name: "blvset fails", want: check.Unknown, edits: []edit{cl("blvset", 1, "blvset: cannot open /dev/ipldevice")}},
)

func TestPRE0303(t *testing.T) { runCases(t, "PRE-0303") }
