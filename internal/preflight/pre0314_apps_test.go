package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0314",
	tcase{name: "none", want: check.Pass},
	tcase{name: "db2 and ldap", want: check.Fail, edits: []edit{clEdit("ps_ef", func(s string) string {
		return s + "  db2inst1 4000001       1   0 09:00:00      -  1:02 db2sysc 0\n    ldap 4000002       1   0 09:00:00      -  0:10 /usr/sbin/slapd -f /etc/openldap/slapd.conf\n"
	})}, has: []string{"db2sysc and slapd", "pid 4000001"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("ps_ef")}},
)

func TestPRE0314(t *testing.T) { runCases(t, "PRE-0314") }
