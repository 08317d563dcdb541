package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/inventory"
)

var _ = addCases("PRE-0401",
	tcase{name: "free", want: check.Pass, has: []string{"0516-320"}},
	tcase{name: "in datavg", want: check.Fail, edits: []edit{clEdit("lspv", replace("003bf67874f26026                    None", "003bf67874f26026                    datavg          active")),
		cl("getlvodm_j.hdisk1", 0, "003bf67800004c00000001ea5069aaaa")}, has: []string{"belongs to volume group datavg"}},
	tcase{name: "VG only in the ODM", want: check.Fail, edits: []edit{cl("getlvodm_j.hdisk1", 0, "003bf67800004c00000001ea5069aaaa")},
		has: []string{"getlvodm -j"}},
	tcase{name: "no such disk", want: check.Fail, edits: []edit{host(func(h *inventory.Host) { h.Disks = []string{"hdisk7"} })},
		has: []string{"hdisk7 does not exist"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lspv", "getlvodm_j.hdisk1")}},
)

func TestPRE0401(t *testing.T) { runCases(t, "PRE-0401") }
