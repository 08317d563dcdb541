package preflight

import (
	"sort"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0206",
			Title:    "lpp_source holds every fileset the client has installed",
			Severity: check.Warning,
			Phase:    "6",
			Scope:    check.ScopeClient,
			Why: `nimadm updates in phase 6 every installed fileset the lpp_source carries; the
others stay at their old level. A fileset that others require then causes
"Requisite Failures", and after the first boot oslevel -s is lower than
expected and every host needs an update (errors.md E39). nimadm itself does
not fail, so this is a warning.`,
			Detect: `Every installp fileset in the client's lslpp -Lc (RPM and interim-fix rows
excluded) must be offered by the lpp_source - its fileset list from
nim -o showres <lpp_source> on the master [U: the showres row layout beyond
IBM's bos.mp64 regex] - or be installed in the SPOT (nim -o showres -a
lslpp_flags=Lc <spot>). Without the lpp_source's list the result is unknown:
the SPOT alone cannot show what the lpp_source lacks.`,
			Remediation: `Add the missing images to the lpp_source (copy them into its directory and run
inutoc, or nim -o update), or accept that these filesets stay at their current
level and update them after the migration. Third-party filesets that are not
on IBM media, and filesets the new release replaces or drops, are expected
here: waive them per host.`,
			Commands: []string{
				"nim -o update -a packages=all -a source=/path/to/images {lpp_source}   # on the master [U]",
			},
			Levels: allLevels,
			Errors: []string{"E39"},
			Since:  since,
		},
		Run: runLppContent,
	})
}

func runLppContent(e *Env) check.Result {
	if e.Plan.LppSource == "" {
		return check.UnknownResult("lpp_source", "the inventory names no lpp_source for this client")
	}
	cf, ok := e.C.Filesets.Get()
	if !ok {
		return unknownOf(e.client(), "installed filesets (lslpp -Lc)", e.C.Filesets)
	}
	lf := e.lppFilesets()
	offer, ok := lf.Get()
	if !ok {
		return unknownOf(e.master(), "filesets of lpp_source "+e.Plan.LppSource+" (nim -o showres)", lf)
	}
	inSpot := e.mv.spotSet(e.Plan.Spot)
	n := 0
	var missing []string
	for _, f := range cf {
		if f.Type == "R" || f.Type == "E" {
			continue
		}
		n++
		if _, ok := offer[f.Fileset]; !ok && !inSpot[f.Fileset] && !contains(missing, f.Fileset) {
			missing = append(missing, f.Fileset)
		}
	}
	if len(missing) == 0 {
		return check.PassResult("lpp_source "+e.Plan.LppSource+" offers all "+itoa(n)+" installp filesets of the client",
			ev(e.master(), lf.Src, []string{}, itoa(len(offer))+" filesets offered"))
	}
	sort.Strings(missing)
	var subs []string
	for _, m := range missing {
		subs = append(subs, ":"+m+":")
	}
	cEv := factEv(e, e.client(), e.C.Filesets, 10, subs...)
	cEv.Note = "not in lpp_source " + e.Plan.LppSource + ": " + strings.Join(missing, " ")
	return check.FailResult(itoa(len(missing))+" installed filesets are not in lpp_source "+e.Plan.LppSource+": "+quoteList(missing)+"; they keep their level (requisite failures, lower oslevel after the migration)", cEv)
}
