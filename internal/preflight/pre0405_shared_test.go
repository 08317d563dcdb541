package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0405",
	tcase{name: "not shared", want: check.Pass, edits: []edit{peer()}},
	tcase{name: "alone in the run", want: check.Pass},
	tcase{name: "seen on another LPAR", want: check.Fail, edits: []edit{peer(clOn("aix02", "lspv", 0,
		"hdisk0          001be67cf356a75d                    rootvg          active\nhdisk1          001be67c54357b54                    None\nhdisk2          003bf67874f26026                    None\n"))},
		has: []string{"also seen on aix02:hdisk2", "aix02: hdisk2 003bf67874f26026 None"}},
	tcase{name: "no PVID", want: check.Unknown, edits: []edit{noPVID, peer()}, has: []string{"PRE-0402"}},
)

func TestPRE0405(t *testing.T) { runCases(t, "PRE-0405") }
