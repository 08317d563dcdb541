package preflight

import (
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/facts"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0311",
			Title:    "system groups needed by installp exist (mail, printq)",
			Severity: check.Blocker,
			Phase:    "6",
			Scope:    check.ScopeClient,
			Why: `installp's sysck validates file ownership: with the standard groups mail or
printq removed it fails with "3001-038 The name mail is not a known group" and
"0503-464 installp: The installation has FAILED" (errors.md E38). nimadm's
phase 6 runs the same installp on the copy.`,
			Detect: `lsgroup mail printq on the client must list both groups.`,
			Remediation: `Recreate the missing groups with their standard IDs (mail is id 6, an admin
group; printq has user lp) [U: the printq ID], then check again.`,
			Commands: []string{"mkgroup -a id=6 mail", "mkgroup -a id=9 users=lp printq"},
			Levels:   allLevels,
			Errors:   []string{"E38"},
			Since:    since,
		},
		Run: runGroups,
	})
}

func runGroups(e *Env) check.Result {
	gc, ok := e.C.Groups.Get()
	if !ok {
		return unknownOf(e.client(), "groups (lsgroup "+strings.Join(facts.SystemGroups, " ")+")", e.C.Groups)
	}
	x := factEv(e, e.client(), e.C.Groups, 6)
	if len(gc.Missing) > 0 {
		r := check.FailResult("groups missing: "+quoteList(gc.Missing)+": installp would fail (3001-038, 0503-464)", x)
		for _, g := range gc.Missing {
			switch g {
			case "mail":
				r.Commands = append(r.Commands, "mkgroup -a id=6 mail")
			case "printq":
				r.Commands = append(r.Commands, "mkgroup -a id=9 users=lp printq")
			default:
				r.Commands = append(r.Commands, "mkgroup "+g)
			}
		}
		return r
	}
	return check.PassResult("groups "+strings.Join(facts.SystemGroups, " and ")+" exist", x)
}
