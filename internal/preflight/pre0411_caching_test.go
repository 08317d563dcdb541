package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0411",
	tcase{name: "-j", want: check.Pass},
	tcase{name: "NFS", want: check.Fail, edits: []edit{nfsMode()}, has: []string{"NFS"}},
)

func TestPRE0411(t *testing.T) { runCases(t, "PRE-0411") }
