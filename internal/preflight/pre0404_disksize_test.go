package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/inventory"
)

var _ = addCases("PRE-0404",
	tcase{name: "room", want: check.Pass, has: []string{"40960 MB", "USED PPs"}},
	tcase{name: "too small", want: check.Fail, edits: []edit{cl("bootinfo_s.hdisk1", 0, "8192")}, has: []string{"short by"}},
	tcase{name: "just enough", want: check.Pass, edits: []edit{cl("bootinfo_s.hdisk1", 0, "12736")}},
	tcase{name: "one MB short", want: check.Fail, edits: []edit{cl("bootinfo_s.hdisk1", 0, "12735")}, has: []string{"short by 1 MB"}},
	tcase{name: "mirrored rootvg counts once", want: check.Pass, edits: []edit{cl("bootinfo_s.hdisk1", 0, "12800"),
		clEdit("lsvg_rootvg", replace("USED PPs:       191 (12224 megabytes)", "USED PPs:       382 (24448 megabytes)"))}},
	tcase{name: "two target disks", want: check.Pass, edits: []edit{host(func(h *inventory.Host) { h.Disks = []string{"hdisk1", "hdisk2"} }),
		cl("bootinfo_s.hdisk1", 0, "8192"), cl("bootinfo_s.hdisk2", 0, "8192")}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("bootinfo_s.hdisk1")}},
)

func TestPRE0404(t *testing.T) { runCases(t, "PRE-0404") }
