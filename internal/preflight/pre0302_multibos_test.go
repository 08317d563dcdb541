package preflight

import (
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0302",
	tcase{name: "none", want: check.Pass},
	tcase{name: "standby", want: check.Fail, fix: "FIX-MULTIBOS", edits: []edit{standbyLVsEdit()}, has: []string{"bos_hd5", "multibos -R"}},
	tcase{name: "booted standby, other removed", want: check.Pass, edits: []edit{cl("bootinfo_v", 0, "bos_hd5"), clEdit("lsvg_l_rootvg", func(s string) string {
		s = strings.Replace(s, "hd5                 boot", "bos_hd5             boot", 1)
		return strings.Replace(s, "hd4                 jfs2       9       9       1    open/syncd    /", "bos_hd4             jfs2       9       9       1    open/syncd    /", 1)
	})}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lsvg_l_rootvg")}},
)

func TestPRE0302(t *testing.T) { runCases(t, "PRE-0302") }
