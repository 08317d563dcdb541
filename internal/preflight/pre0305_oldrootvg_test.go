package preflight

import (
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0305",
	tcase{name: "none", want: check.Pass},
	tcase{name: "exists", want: check.Fail, fix: "FIX-OLDROOTVG", edits: []edit{cl("lspv", 0, strings.ReplaceAll(lspvAltinst, "altinst_rootvg", "old_rootvg"))},
		has: []string{"old_rootvg exists on hdisk2", "chpv -C hdisk2"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("lspv")}},
)

func TestPRE0305(t *testing.T) { runCases(t, "PRE-0305") }
