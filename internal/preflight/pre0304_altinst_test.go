package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

const lspvAltinst = "hdisk0          003bf678d41e341e                    rootvg          active\nhdisk1          003bf67874f26026                    None\nhdisk2          003bf678aaaa0001                    altinst_rootvg\n"

var _ = addCases("PRE-0304",
	tcase{name: "none", want: check.Pass},
	tcase{name: "exists", want: check.Fail, fix: "FIX-ALTINST", edits: []edit{cl("lspv", 0, lspvAltinst)},
		has: []string{"altinst_rootvg exists on hdisk2", "chpv -C hdisk2", "alt_rootvg_op -X altinst_rootvg"}},
	tcase{name: "on the boot disk", want: check.Fail, fix: "-", edits: []edit{cl("lspv", 0, lspvAltinst), cl("bootinfo_b", 0, "hdisk2")},
		has: []string{"do not remove"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lspv")}},
)

func TestPRE0304(t *testing.T) { runCases(t, "PRE-0304") }
