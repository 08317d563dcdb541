package preflight

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/transport"
)

const lockedMsg = "0516-1201 lsvg: Warning: Volume group rootvg is locked. This command\n        will continue retries until lock is free.  If lock is inadvertent\n        and needs to be removed, execute 'chvg -u rootvg'.\n"

var errTimeout = fmt.Errorf("host aix01: gather facts: %w", transport.ErrTimeout)

var _ = addCases("PRE-0306",
	tcase{name: "not locked", want: check.Pass},
	tcase{name: "0516-1201", want: check.Fail, edits: []edit{cut("lsvg_rootvg", lockedMsg), drop("lsvg_l_rootvg"), sessionErr(errTimeout)},
		has: []string{"0516-1201", "chvg -u rootvg"}},
	tcase{name: "LVM probes timed out", want: check.Unknown, edits: []edit{drop("lspv", "lsvg", "lsvg_o", "lsvg_rootvg", "lsvg_l_rootvg"), sessionErr(errTimeout)},
		has: []string{"may be locked"}},
	tcase{name: "session lost", want: check.Unknown, edits: []edit{drop("lspv", "lsvg", "lsvg_o", "lsvg_rootvg", "lsvg_l_rootvg"), sessionErr(errors.New("connection lost"))}},
)

func TestPRE0306(t *testing.T) { runCases(t, "PRE-0306") }
