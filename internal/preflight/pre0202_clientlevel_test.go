package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0202",
	tcase{name: "older release", want: check.Pass},
	tcase{name: "at target", want: check.Fail, edits: []edit{cl("oslevel_s", 0, "7300-03-01-2446")}, has: []string{"nothing to migrate"}},
	tcase{name: "above target", want: check.Fail, edits: []edit{target("7200-05-07-2346"), cl("oslevel_s", 0, "7300-01-01-2246")}, has: []string{"above the target"}},
	tcase{name: "7.3 update from TL3 on", want: check.Pass, edits: []edit{cl("oslevel_s", 0, "7300-02-00-0000")}, has: []string{"update within 7.3"}},
	tcase{name: "7.3 TL2 target is no update", want: check.Fail, edits: []edit{target("7300-02-02-2420"), cl("oslevel_s", 0, "7300-01-00-0000")}},
	tcase{name: "level unknown", want: check.Unknown, edits: []edit{drop("oslevel_s")}},
)

func TestPRE0202(t *testing.T) { runCases(t, "PRE-0202") }
