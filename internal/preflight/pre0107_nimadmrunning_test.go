package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0107",
	tcase{name: "none", want: check.Pass},
	tcase{name: "another client's run", want: check.Pass, edits: []edit{nimadmProcess("aix02")}},
	tcase{name: "running", want: check.Fail, edits: []edit{nimadmProcess("aix01")}, has: []string{"already running", "-c aix01"}},
	tcase{name: "process list unknown", want: check.Unknown, edits: []edit{dropM("ps_ef")}},
)

func TestPRE0107(t *testing.T) { runCases(t, "PRE-0107") }
