package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var noPVID = clEdit("lspv", replace("hdisk1          003bf67874f26026                    None", "hdisk1          none                                None"))

var _ = addCases("PRE-0402",
	tcase{name: "has PVID", want: check.Pass},
	tcase{name: "none", want: check.Fail, fix: "FIX-PVID", edits: []edit{noPVID}, has: []string{"chdev -l hdisk1 -a pv=yes"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lspv")}},
)

func TestPRE0402(t *testing.T) { runCases(t, "PRE-0402") }
