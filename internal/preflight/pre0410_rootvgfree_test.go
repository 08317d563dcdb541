package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0410",
	tcase{name: "room", want: check.Pass},
	tcase{name: "full", want: check.Fail, edits: []edit{clEdit("lsvg_rootvg", replace("FREE PPs:       448 (28672 megabytes)", "FREE PPs:       2 (128 megabytes)"))},
		has: []string{"128 MB free"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lsvg_rootvg")}},
)

func TestPRE0410(t *testing.T) { runCases(t, "PRE-0410") }
