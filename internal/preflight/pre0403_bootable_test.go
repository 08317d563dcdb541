package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0403",
	tcase{name: "bootable", want: check.Pass},
	tcase{name: "not bootable", want: check.Fail, edits: []edit{cl("bootinfo_B.hdisk1", 0, "0")}, has: []string{"DLPAR"}},
	tcase{name: "unknown", want: check.Unknown, edits: []edit{drop("bootinfo_B.hdisk1")}},
)

func TestPRE0403(t *testing.T) { runCases(t, "PRE-0403") }
