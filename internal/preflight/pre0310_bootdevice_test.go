package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0310",
	tcase{name: "sane", want: check.Pass, has: []string{"/dev/ipldevice"}},
	tcase{name: "no ipldevice", want: check.Fail, edits: []edit{cl("ls_ipldevice", 2, "ls: 0653-341 The file /dev/ipldevice does not exist.")},
		has: []string{"does not exist", "ln -f /dev/rhdisk0 /dev/ipldevice"}},
	tcase{name: "hd5 missing", want: check.Fail, edits: []edit{clEdit("lsvg_l_rootvg", func(s string) string { return removeLine(s, "hd5 ") })},
		has: []string{"boot LV hd5"}},
	tcase{name: "boot disk outside rootvg", want: check.Fail, edits: []edit{cl("bootinfo_b", 0, "hdisk1")}, has: []string{"not in rootvg"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{cl("bootinfo_b", 1, "bootinfo: failure")}},
)

func TestPRE0310(t *testing.T) { runCases(t, "PRE-0310") }
