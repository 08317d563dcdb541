package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0101",
	tcase{name: "defined", want: check.Pass, has: []string{"type = standalone"}},
	tcase{name: "not defined", want: check.Fail, edits: []edit{msEdit("lsnim_standalone", replace("aix01:", "aix91:"))},
		has: []string{"no standalone client named aix01", "0042-053"}},
	tcase{name: "listing missing", want: check.Unknown, edits: []edit{dropM("lsnim_standalone")}, has: []string{"probe missing"}},
	tcase{name: "master down", want: check.Unknown, edits: []edit{masterDown(errMasterDown)}, has: []string{"host nim73"}},
	tcase{name: "client unreachable, master answers", want: check.Pass, edits: []edit{unreachable(errUnreachable)}},
)

func TestPRE0101(t *testing.T) { runCases(t, "PRE-0101") }
