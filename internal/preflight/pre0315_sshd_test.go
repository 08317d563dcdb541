package preflight

import (
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

const legacyCiphers = "Ciphers aes128-cbc,aes192-cbc,aes256-cbc,blowfish-cbc,arcfour,aes128-ctr,aes192-ctr,aes256-ctr,arcfour256,arcfour128"

func sshdAdd(lines ...string) edit {
	return clEdit("sshd_config", func(s string) string { return s + strings.Join(lines, "\n") + "\n" })
}

var _ = addCases("PRE-0315",
	tcase{name: "stock", want: check.Pass},
	tcase{name: "legacy ciphers", want: check.Fail, edits: []edit{sshdAdd(legacyCiphers)},
		has: []string{"blowfish-cbc, arcfour, arcfour256 and arcfour128", "sshd will not start", legacyCiphers}},
	tcase{name: "legacy MAC and deprecated option", want: check.Fail, edits: []edit{sshdAdd("MACs hmac-sha2-256,hmac-ripemd160", "RhostsAuthentication no")},
		has: []string{"hmac-ripemd160", "deprecated options RhostsAuthentication"}},
	tcase{name: "deprecated option only", want: check.Fail, sev: check.Warning, edits: []edit{sshdAdd("RhostsAuthentication no")},
		has: []string{"ignores with a warning"}},
	tcase{name: "old target OpenSSH", want: check.Pass, edits: []edit{sshdAdd(legacyCiphers), msEdit("showres_lpp.lpp_7300-03-01", func(s string) string {
		return strings.ReplaceAll(s, "9.7.3011.1100", "6.0.0.6104")
	})}},
	tcase{name: "no OpenSSH in the lpp_source", want: check.Skipped, edits: []edit{msEdit("showres_lpp.lpp_7300-03-01", func(s string) string {
		return removeLine(s, "openssh.base.server")
	})}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("sshd_config")}},
)

func TestPRE0315(t *testing.T) { runCases(t, "PRE-0315") }
