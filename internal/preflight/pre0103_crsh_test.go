package preflight

import (
	"errors"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var errMasterDown = errors.New("host nim73: gather facts: host unreachable")

var _ = addCases("PRE-0103",
	tcase{name: "probe answers", want: check.Pass, has: []string{"c_rsh aix01", "rc=0"}},
	tcase{name: "no exit status", want: check.Fail, edits: []edit{probe(&CRshProbe{Command: "c_rsh aix01 hostname", Exit: 1,
		Output: []byte("0042-006 c_rsh: (To aix01) connect Connection refused\n")})}, has: []string{"did not reach the client", "Connection refused"}},
	tcase{name: "hostname fails", want: check.Fail, edits: []edit{probe(&CRshProbe{Command: "c_rsh", RCOK: true, RC: 127, Output: []byte("rc=127\n")})},
		has: []string{"exited 127"}},
	tcase{name: "another host answers", want: check.Fail, edits: []edit{probe(&CRshProbe{Command: "c_rsh", RCOK: true, Hostname: "aix99", Output: []byte("aix99\nrc=0\n")})},
		has: []string{"reached host aix99, not aix01"}},
	tcase{name: "master unreachable", want: check.Unknown, edits: []edit{probe(&CRshProbe{Err: errMasterDown})}, has: []string{"cannot be reached"}},
	tcase{name: "probe did not run", want: check.Unknown, edits: []edit{probe(nil)}},
	tcase{name: "via master, gathered", want: check.Pass, edits: []edit{viaMaster()}, has: []string{"through c_rsh"}},
	tcase{name: "via master, gathering failed", want: check.Fail, edits: []edit{viaMaster(), unreachable(errors.New("host aix01: run: connection lost: no exit status from the client through c_rsh aix01"))},
		has: []string{"no exit status"}},
	tcase{name: "via master, master down", want: check.Unknown, edits: []edit{viaMaster(), masterDown(errMasterDown)}},
)

func TestPRE0103(t *testing.T) { runCases(t, "PRE-0103") }
