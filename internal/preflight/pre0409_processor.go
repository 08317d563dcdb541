package preflight

import (
	"strconv"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0409",
			Title:    "client processor supports the target level",
			Severity: check.Blocker,
			Phase:    "after reboot",
			Scope:    check.ScopeClient,
			Why: `AIX 7.3 needs a POWER8 or later processor; IBM's migration role refuses older
ones ("LPAR Processor Type must be at least PowerPC_POWER8 or higher",
errors.md E30). A client migrated anyway would not boot the new level.`,
			Detect: `prtconf on the client: Processor Type must be PowerPC_POWER8 or later
(regex ^Processor Type:\s+PowerPC_POWER(\d+)). Only for 7.3 and later targets;
processor minimums of 7.2 (POWER7+) are [U] and not checked.`,
			Remediation: `Move the LPAR to a POWER8 or later server first, or migrate it to 7.2 instead.`,
			Levels: check.Levels{Text: "target 7.3 and later",
				Target: func(t aix.Level) bool { return t.Release() >= 7300 }},
			Errors: []string{"E30"},
			Since:  since,
		},
		Run: runProcessor,
	})
}

func runProcessor(e *Env) check.Result {
	t := e.Plan.Target
	if !t.Known {
		return check.UnknownResult("target level", t.Reason)
	}
	pc, ok := e.C.Prtconf.Get()
	if !ok {
		return unknownOf(e.client(), "processor (prtconf)", e.C.Prtconf)
	}
	x := factEv(e, e.client(), e.C.Prtconf, 2, "Processor Type", "Processor Implementation Mode")
	if pc.PowerGen == 0 {
		return check.UnknownResult("processor generation", "prtconf Processor Type is \""+pc.ProcessorType+"\", not PowerPC_POWERn", x)
	}
	if pc.PowerGen < 8 {
		return check.FailResult("the client runs on POWER"+strconv.Itoa(pc.PowerGen)+"; AIX "+t.Level.VR()+" needs POWER8 or later", x)
	}
	return check.PassResult("POWER"+strconv.Itoa(pc.PowerGen)+" supports AIX "+t.Level.VR(), x)
}
