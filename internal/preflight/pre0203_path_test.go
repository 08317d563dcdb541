package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0203",
	tcase{name: "7.2 to 7.3", want: check.Pass, has: []string{"documented"}},
	tcase{name: "5.3 to 7.1", want: check.Pass, edits: []edit{target("7100-05-09-2148"), cl("oslevel_s", 0, "5300-12-04-1119")}},
	tcase{name: "6.1 to 7.3", want: check.Fail, edits: []edit{cl("oslevel_s", 0, "6100-09-12-1846")}, has: []string{"two steps"}},
	tcase{name: "5.3 to 7.2", want: check.Fail, edits: []edit{target("7200-05-07-2346"), cl("oslevel_s", 0, "5300-12-04-1119")}},
	tcase{name: "6.1 to 7.2 unconfirmed", want: check.Fail, sev: check.Warning, edits: []edit{target("7200-05-07-2346"), cl("oslevel_s", 0, "6100-09-12-1846")},
		has: []string{"[U]"}},
	tcase{name: "not a migration", want: check.Skipped, edits: []edit{cl("oslevel_s", 0, "7300-03-01-2446")}},
)

func TestPRE0203(t *testing.T) { runCases(t, "PRE-0203") }
