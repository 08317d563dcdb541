package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/inventory"
)

const tcbOn = "usage: tcbck -a|-d|-l|-n|-p|-t|-y ..."

func nfsMode() edit { return host(func(h *inventory.Host) { h.CacheVG = "" }) }

var _ = addCases("PRE-0308",
	tcase{name: "off", want: check.Pass, has: []string{"not enabled"}},
	tcase{name: "on over NFS", want: check.Fail, edits: []edit{cl("tcbck", 1, tcbOn), nfsMode()}, has: []string{"refuses"}},
	tcase{name: "on with -j to 7.3", want: check.Fail, sev: check.Warning, edits: []edit{cl("tcbck", 1, tcbOn)}, has: []string{"disables it"}},
	tcase{name: "on with -j to 7.1", want: check.Pass, edits: []edit{cl("tcbck", 1, tcbOn), target("7100-05-09-2148")}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{cl("tcbck", 1, "tcbck: something else")}},
)

func TestPRE0308(t *testing.T) { runCases(t, "PRE-0308") }
