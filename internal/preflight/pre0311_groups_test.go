package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0311",
	tcase{name: "present", want: check.Pass},
	tcase{name: "printq missing", want: check.Fail, edits: []edit{cl("lsgroup", 1, "mail id=6 admin=true users= registry=files\n3004-686 Group \"printq\" does not exist.")},
		has: []string{"groups missing: printq", "mkgroup -a id=9 users=lp printq"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lsgroup")}},
)

func TestPRE0311(t *testing.T) { runCases(t, "PRE-0311") }
