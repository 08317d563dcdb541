package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

const emgrP = "PACKAGE                                                  INSTALLER   LABEL\n======================================================== =========== ==========\nbos.net.tcp.client                                       installp    IJ20785s2a\n"

const emgrLQ = "ID  STATE LABEL      INSTALL TIME      UPDATED BY ABSTRACT\n=== ===== ========== ================= ========== ======================================\n1   *Q*   IJ30808s1a 03/02/26 11:04:14            Multithreaded apps core dump / hang\n"

var _ = addCases("PRE-0309",
	tcase{name: "none", want: check.Pass},
	tcase{name: "locks", want: check.Fail, fix: "FIX-EFIX", edits: []edit{cl("emgr_P", 0, emgrP)}, has: []string{"IJ20785s2a", "emgr -r -L IJ20785s2a"}},
	tcase{name: "reboot pending", want: check.Fail, fix: "-", edits: []edit{cl("emgr_l", 0, emgrLQ)}, has: []string{"waits for a reboot", "*Q*"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{cl("emgr_P", 1, "emgr: 0645-007 ATTENTION: failure")}},
)

func TestPRE0309(t *testing.T) { runCases(t, "PRE-0309") }
