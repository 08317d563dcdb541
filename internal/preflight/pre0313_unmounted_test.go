package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0313",
	tcase{name: "all mounted", want: check.Pass},
	tcase{name: "home not mounted", want: check.Fail, fix: "FIX-MOUNT", edits: []edit{clEdit("mount", func(s string) string { return removeLine(s, "/home") })},
		has: []string{"/home", "fix: mount /home"}},
	tcase{name: "standby file systems do not count", want: check.Pass, edits: []edit{standbyLVsEdit()}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("mount")}},
)

func TestPRE0313(t *testing.T) { runCases(t, "PRE-0313") }
