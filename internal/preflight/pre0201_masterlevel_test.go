package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/names"
)

func target(level string) edit {
	return host(func(h *inventory.Host) {
		l, err := names.ParseLevel(level)
		if err != nil {
			panic(err)
		}
		h.TargetLevel = l
	})
}

func noTarget() edit { return host(func(h *inventory.Host) { h.TargetLevel = names.Level{} }) }

var _ = addCases("PRE-0201",
	tcase{name: "same level", want: check.Pass, has: []string{"7300-03-01-2446", "target_level: 7300-03-01-2446"}},
	tcase{name: "below", want: check.Fail, edits: []edit{ms("oslevel_s", 0, "7200-05-07-2346")}, has: []string{"below the target"}},
	tcase{name: "release target", want: check.Pass, edits: []edit{target("7.3"), ms("oslevel_s", 0, "7300-00-01-2148")}},
	tcase{name: "target from the lpp_source", want: check.Pass, edits: []edit{noTarget()}, has: []string{"bos.mp64"}},
	tcase{name: "target unknown", want: check.Unknown, edits: []edit{noTarget(), dropM("showres_lpp.lpp_7300-03-01")}, has: []string{"target_level"}},
)

func TestPRE0201(t *testing.T) { runCases(t, "PRE-0201") }
