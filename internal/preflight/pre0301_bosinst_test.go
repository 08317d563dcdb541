package preflight

import (
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

const bosInstDir = "drwxr-xr-x    2 root     system          256 Nov 22 14:48 /bos_inst"

// standbyLVsEdit adds a multibos standby instance to aix01's rootvg.
func standbyLVsEdit() edit {
	return clEdit("lsvg_l_rootvg", func(s string) string {
		return s + "bos_hd5             boot       1       1       1    closed/syncd  N/A\n" +
			"bos_hd4             jfs2       9       9       1    closed/syncd  /bos_inst\n" +
			"bos_hd2             jfs2       73      73      1    closed/syncd  /bos_inst/usr\n"
	})
}

var _ = addCases("PRE-0301",
	tcase{name: "absent", want: check.Pass, has: []string{"does not exist"}},
	tcase{name: "leftover, empty", want: check.Fail, fix: "FIX-BOSINST",
		edits: []edit{cl("ls_ld_bos_inst", 0, bosInstDir), cl("ls_A_bos_inst", 0, "")},
		has:   []string{"leftover /bos_inst directory (empty)", "phase 11", bosInstDir, "LV NAME", "no LV named bos_*", "fix: mv /bos_inst /bos_inst.nimfleet."}},
	tcase{name: "leftover, not empty", want: check.Fail, fix: "FIX-BOSINST",
		edits: []edit{cl("ls_ld_bos_inst", 0, bosInstDir), cl("ls_A_bos_inst", 0, "etc\nusr")},
		has:   []string{"2 entries: etc and usr", "mv /bos_inst /bos_inst.nimfleet."}},
	tcase{name: "standby mount point", want: check.Fail, fix: "FIX-MULTIBOS",
		edits: []edit{cl("ls_ld_bos_inst", 0, bosInstDir), cl("ls_A_bos_inst", 0, "usr"), standbyLVsEdit()},
		has:   []string{"multibos standby", "PRE-0302", "multibos -R"}},
	tcase{name: "mounted without standby", want: check.Fail, fix: "-",
		edits: []edit{cl("ls_ld_bos_inst", 0, bosInstDir), cl("ls_A_bos_inst", 0, ""), clEdit("mount", func(s string) string {
			return s + "         /dev/fslv09      /bos_inst        jfs2   Mar 04 09:00 rw,log=/dev/hd8\n"
		})}, has: []string{"investigate"}},
	tcase{name: "exists, LVs unknown", want: check.Unknown, edits: []edit{cl("ls_ld_bos_inst", 0, bosInstDir), cl("ls_A_bos_inst", 0, ""), drop("lsvg_l_rootvg")},
		has: []string{"leftover or a standby", bosInstDir}},
	tcase{name: "ls fails", want: check.Unknown, edits: []edit{cl("ls_ld_bos_inst", 2, "ls: 0653-345 /bos_inst: Permission denied.")}},
)

func TestPRE0301(t *testing.T) { runCases(t, "PRE-0301") }

// TestBosInstDecisionTable walks errors.md E01's decision table.
func TestBosInstDecisionTable(t *testing.T) {
	tests := []struct {
		dir, standby bool
		want0301     check.Status
		want0302     check.Status
	}{
		{false, false, check.Pass, check.Pass},
		{true, false, check.Fail, check.Pass},
		{true, true, check.Fail, check.Fail},
		{false, true, check.Pass, check.Fail},
	}
	for _, tt := range tests {
		var edits []edit
		if tt.dir {
			edits = append(edits, cl("ls_ld_bos_inst", 0, bosInstDir), cl("ls_A_bos_inst", 0, ""))
		}
		if tt.standby {
			edits = append(edits, standbyLVsEdit())
		}
		rep := newWorld(t, edits...).report()
		r1, r2 := result(t, rep, "aix01", "PRE-0301"), result(t, rep, "aix01", "PRE-0302")
		if r1.Status != tt.want0301 || r2.Status != tt.want0302 {
			t.Errorf("dir %v standby %v: PRE-0301 %s (want %s), PRE-0302 %s (want %s)", tt.dir, tt.standby, r1.Status, tt.want0301, r2.Status, tt.want0302)
		}
		if tt.dir && tt.standby && !strings.Contains(r1.Summary, "standby") {
			t.Errorf("with a standby, PRE-0301 must point at it: %s", r1.Summary)
		}
	}
}
