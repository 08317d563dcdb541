package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0106",
	tcase{name: "one name one address", want: check.Pass, has: []string{"10.1.0.2                aix01"}},
	tcase{name: "address has two names", want: check.Fail, edits: []edit{msEdit("etc_hosts", func(s string) string { return s + "10.1.0.2                lpar-old   # moved\n" })},
		has: []string{"also listed for lpar-old", "lpar-old"}},
	tcase{name: "name has two addresses", want: check.Fail, edits: []edit{msEdit("etc_hosts", func(s string) string { return s + "10.9.9.9   aix01\n" })},
		has: []string{"has 2 addresses"}},
	tcase{name: "alias on the same line", want: check.Pass, edits: []edit{msEdit("etc_hosts", replace("10.1.0.2                aix01", "10.1.0.2 aix01.example.com aix01"))}},
	tcase{name: "not in /etc/hosts", want: check.Unknown, sev: check.Warning, edits: []edit{msEdit("etc_hosts", replace("10.1.0.2                aix01\n", ""))},
		has: []string{"DNS"}},
	tcase{name: "hosts file unknown", want: check.Unknown, edits: []edit{dropM("etc_hosts")}},
)

func TestPRE0106(t *testing.T) { runCases(t, "PRE-0106") }
