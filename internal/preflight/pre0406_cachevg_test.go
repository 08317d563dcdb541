package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0406",
	tcase{name: "varied on", want: check.Pass},
	tcase{name: "varied off", want: check.Fail, fix: "FIX-VARYON", edits: []edit{ms("lsvg_o", 0, "rootvg"),
		ms("lsvg.nimadmvg", 1, "0516-010 lsvg: Volume group must be varied on; use varyonvg command.")}, has: []string{"varyonvg nimadmvg"}},
	tcase{name: "missing", want: check.Fail, fix: "-", edits: []edit{ms("lsvg", 0, "rootvg"), ms("lsvg_o", 0, "rootvg")}, has: []string{"does not exist", "mkvg"}},
	tcase{name: "NFS mode", want: check.Skipped, edits: []edit{nfsMode()}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{dropM("lsvg")}},
)

func TestPRE0406(t *testing.T) { runCases(t, "PRE-0406") }
