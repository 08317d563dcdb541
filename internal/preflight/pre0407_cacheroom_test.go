package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
)

func cacheFree(pps int) edit {
	return msEdit("lsvg.nimadmvg", replace("FREE PPs:       799 (409088 megabytes)", "FREE PPs:       "+itoa(pps)+" ("+itoa(pps*512)+" megabytes)"))
}

func slots(n int) edit { return func(w *world) { w.master.Slots = n } }

var _ = addCases("PRE-0407",
	tcase{name: "room", want: check.Pass, edits: []edit{peer()}, has: []string{"FREE PPs"}},
	tcase{name: "too small for the slots", want: check.Fail, edits: []edit{peer(), cacheFree(60)},
		has: []string{"short by", "1 slot would fit", "aix02", "aix01"}},
	tcase{name: "fits with fewer slots", want: check.Pass, edits: []edit{peer(), cacheFree(60), slots(1)}},
	tcase{name: "NFS mode", want: check.Skipped, edits: []edit{nfsMode()}},
	tcase{name: "varied off", want: check.Unknown, edits: []edit{ms("lsvg_o", 0, "rootvg"), ms("lsvg.nimadmvg", 1, "0516-010 lsvg: Volume group must be varied on; use varyonvg command.")},
		has: []string{"PRE-0406"}},
	tcase{name: "unknown client not counted", want: check.Pass, edits: []edit{peer(func(w *world) { w.errs["aix02"] = errUnreachable })},
		has: []string{"not counted"}},
)

func TestPRE0407(t *testing.T) { runCases(t, "PRE-0407") }

func TestCacheNeed(t *testing.T) {
	w := newWorld(t)
	g := w.gathered()
	c := g.fleet.Clients["aix01"]
	need, ok := cacheNeedMB(c, 512)
	if !ok {
		t.Fatal("need unknown")
	}
	// aix01: 191 LPs of 64 MB; 8 file systems rounded up to 512 MB each,
	// the rest as is, 512 MB growth and one partition.
	lvs := c.RootvgLVs.Value
	want := 0
	for _, lv := range lvs.LVs {
		mb := lv.LPs * 64
		if isFS(lv) {
			mb = roundUp(mb, 512)
		}
		want += mb
	}
	want += 512 + 512
	if need != want {
		t.Errorf("need %d MB, want %d", need, want)
	}
	if _, ok := cacheNeedMB(unknownClient("x", facts.PlanFor(&inventory.Host{}), errUnreachable), 512); ok {
		t.Error("unknown client has a known need")
	}
}
