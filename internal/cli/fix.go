package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/remediate"
)

// fixSchemaVersion versions the JSON of 'nimfleet fix --json'.
const fixSchemaVersion = 1

// testOnlyFixNow, when set, is the controller clock of 'nimfleet fix'
// (the name /bos_inst is moved to depends on it).
var testOnlyFixNow func() time.Time

type fixOptions struct {
	fleet     fleetFlags
	apply     bool
	approvals string
	only      string
	json      bool
}

func (o *fixOptions) AddFlags(fs *pflag.FlagSet) {
	o.fleet.AddFlags(fs)
	fs.BoolVar(&o.apply, "apply", false, "make the changes (default: show the plan and change nothing)")
	fs.StringVar(&o.approvals, "approvals", "", "approvals file allowing the destructive actions (FIX-OLDROOTVG, FIX-EFIX) on named hosts")
	fs.StringVar(&o.only, "only", "", "comma-separated action IDs to consider (default: all)")
	fs.BoolVar(&o.json, "json", false, "print JSON (schema_version 1)")
}

func newFixCommand(g *GlobalOptions) *cobra.Command {
	o := &fixOptions{}
	c := &cobra.Command{
		Use:   "fix [HOST...]",
		Short: "Repair what would make nimadm fail, where it is safe (a plan unless --apply)",
		Long: `Find, from each host's facts, what would make a nimadm migration fail and can
be repaired safely, and repair it. Without --apply nothing changes: every
state-changing command goes through the dry-run layer and the plan shows, per
host, each action, the exact commands, why it is safe, and for actions that
cannot run here, why not.

With --apply nimfleet works on the hosts concurrently, each host's actions in
order. Before an action it gathers the host's facts again and re-checks the
action's precondition; afterwards it gathers them once more and reports the
action fixed only if the finding is gone. Every command goes to the audit log.
A second run finds nothing to do.

ACTIONS
  FIX-VARYON     vary on the nimadm cache VG on the master        (PRE-0406)
  FIX-NIMRESET   reset a client's stale NIM state on its master   (PRE-0105)
  FIX-NIMSH      start nimsh on a connect=nimsh client            (PRE-0104)
  FIX-MOUNT      mount unmounted rootvg file systems              (PRE-0313)
  FIX-MULTIBOS   remove a multibos standby (then FIX-BOSINST)     (PRE-0302)
  FIX-BOSINST    move a leftover /bos_inst aside (renamed, kept)  (PRE-0301)
  FIX-BOSBOOT    rebuild a boot image whose level reads 0.0       (PRE-0303)
  FIX-ALTINST    remove a stale altinst_rootvg                    (PRE-0304)
  FIX-PVID       give the target disk a PVID                      (PRE-0402)
  FIX-OLDROOTVG  remove old_rootvg: needs an approval             (PRE-0305)
  FIX-EFIX       remove locking interim fixes: needs an approval  (PRE-0309)

APPROVALS
  Actions that cannot be undone run only for hosts named in the approvals
  file (--approvals FILE). The plan prints the line to add, e.g.:
    approvals:
      - {host: lpar7, action: FIX-OLDROOTVG, approved_by: jdoe, reason: CHG42, expires: 2025-12-31}

EXIT STATUS
  0 nothing left that nimfleet can fix: every needed action was fixed
    (--apply) or would run (plan), or nothing was needed
  1 error, 2 usage (flags, inventory, approvals file)
  3 some host still needs attention: not reached, facts unknown, a
    precondition refused, an approval missing, a command or post-check failed`,
		RunE: func(cmd *cobra.Command, args []string) error { return runFix(cmd.Context(), o, g, args) },
	}
	o.AddFlags(c.Flags())
	return c
}

func runFix(ctx context.Context, o *fixOptions, g *GlobalOptions, args []string) error {
	acts, err := remediate.Select(inventory.SplitList(o.only))
	if err != nil {
		return withExit(ExitUsage, fmt.Errorf("--only: %w", err))
	}
	var approvals *remediate.Approvals
	if o.approvals != "" {
		if approvals, err = remediate.LoadApprovals(o.approvals); err != nil {
			return withExit(ExitUsage, err)
		}
	}
	inv, err := o.fleet.load()
	if err != nil {
		return err
	}
	hosts, err := o.fleet.selectHosts(inv, args)
	if err != nil {
		return err
	}
	dryRun := !o.apply
	fl, _, closeFleet, err := o.fleet.open(inv, dryRun)
	if err != nil {
		return err
	}
	now := time.Now
	if testOnlyFixNow != nil {
		now = testOnlyFixNow
	}
	env := &remediate.Env{
		Runner:   fl.Runner,
		Gatherer: &facts.Gatherer{Runner: fl.Runner, Timeout: o.fleet.timeout},
		DryRun:   dryRun,
		Now:      now,
	}
	rep := remediate.Run(ctx, hosts, remediate.Options{Env: env, Actions: acts, Approvals: approvals, Concurrency: o.fleet.concurrency})
	closeErr := closeFleet()
	// The report is printed even when interrupted: it says what ran.
	if o.json {
		err = writeFixJSON(g.stdout, rep)
	} else {
		err = writeFixText(g.stdout, rep)
	}
	if err != nil {
		return err
	}
	for _, a := range rep.UnusedApprovals {
		fmt.Fprintf(g.stderr, "nimfleet: warning: %s: the approval of %s for %s matched nothing in this run\n", a.Where(), a.Action, a.Host)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if closeErr != nil {
		return closeErr
	}
	if rep.Attention() {
		return silentExit(ExitHostsFailed)
	}
	return nil
}

// fixStatusWords are the statuses as the text report prints them.
var fixStatusWords = map[remediate.Status]string{
	remediate.StatusUnknown:       "unknown",
	remediate.StatusRefused:       "refused",
	remediate.StatusNeedsApproval: "needs approval",
	remediate.StatusWouldRun:      "would run",
	remediate.StatusFixed:         "fixed",
	remediate.StatusFailed:        "FAILED",
	remediate.StatusSkipped:       "skipped",
}

func writeFixText(w io.Writer, rep *remediate.Report) error {
	ew := &fixWriter{w: w}
	if rep.DryRun {
		ew.printf("Plan only (dry run): nothing was changed. Run with --apply to make these changes.\n\n")
	}
	quiet := 0
	for _, h := range rep.Hosts {
		role := "NIM master"
		if h.Role == "client" {
			role = "client of " + h.Master
		}
		if h.Error != "" {
			ew.printf("%s (%s): not reached: %s\n\n", h.Host, role, h.Error)
			continue
		}
		var acts []remediate.ActionResult
		for _, a := range h.Actions {
			if a.Status != remediate.StatusNotNeeded {
				acts = append(acts, a)
			}
		}
		if len(acts) == 0 {
			quiet++
			continue
		}
		ew.printf("%s (%s)\n", h.Host, role)
		for _, a := range acts {
			writeFixAction(ew, rep.DryRun, a)
		}
		ew.printf("\n")
	}
	ew.printf("%s\n", fixSummary(rep, quiet))
	return ew.err
}

func writeFixAction(ew *fixWriter, dryRun bool, a remediate.ActionResult) {
	ew.printf("  %s  %s  [%s]\n", a.ID, a.Title, fixStatusWords[a.Status])
	row := func(label string, lines ...string) {
		for i, l := range lines {
			if i > 0 {
				label = ""
			}
			ew.printf("    %-10s %s\n", label, l)
		}
	}
	row("finding:", a.Finding+" ("+strings.Join(a.Checks, ", ")+")")
	switch a.Status {
	case remediate.StatusUnknown:
		row("unknown:", a.Reason)
	case remediate.StatusRefused:
		row("refused:", a.Reason)
	case remediate.StatusSkipped:
		row("skipped:", a.Reason)
	case remediate.StatusNeedsApproval:
		row("verified:", a.Verified)
		row("approval:", a.Reason)
	case remediate.StatusFailed:
		if a.Verified != "" {
			row("verified:", a.Verified)
		}
		row("failed:", a.Reason)
	default:
		row("verified:", a.Verified)
	}
	if a.Safety != "" {
		row("safe:", a.Safety)
	}
	var cmds []string
	for _, c := range a.Commands {
		s := c.Host + ": " + c.Line
		switch {
		case c.ExitCode != nil:
			s += fmt.Sprintf("  (exit %d)", *c.ExitCode)
		case c.Error != "":
			s += "  (" + c.Error + ": outcome unknown)"
		}
		cmds = append(cmds, s)
	}
	switch a.Status {
	case remediate.StatusFixed, remediate.StatusFailed:
		if len(cmds) > 0 {
			row("ran:", cmds...)
		}
	case remediate.StatusWouldRun:
		row("would run:", cmds...)
	default:
		if len(cmds) > 0 {
			row("commands:", cmds...)
		}
	}
	for _, n := range a.Notes {
		row("note:", n)
	}
	if a.PostCheck != "" {
		row("now:", a.PostCheck)
	}
	if len(a.Undo) > 0 && (a.Status == remediate.StatusFixed || a.Status == remediate.StatusWouldRun) {
		row("undo:", a.Undo...)
	}
	if a.Status == remediate.StatusNeedsApproval {
		row("to allow:", "add under \"approvals:\" in the approvals file (--approvals), with your name and reason:")
		row("", "  "+a.Approval)
	} else if a.Approval != "" {
		row("approval:", a.Approval)
	}
}

// fixSummary is the last line: what happened, in numbers.
func fixSummary(rep *remediate.Report, quiet int) string {
	counts, unreached := rep.Counts()
	var parts []string
	for _, s := range []remediate.Status{remediate.StatusFixed, remediate.StatusWouldRun, remediate.StatusNeedsApproval,
		remediate.StatusRefused, remediate.StatusUnknown, remediate.StatusFailed, remediate.StatusSkipped} {
		if n := counts[s]; n > 0 {
			word, status := "actions", fixStatusWords[s]
			if n == 1 {
				word = "action"
			} else if s == remediate.StatusNeedsApproval {
				status = "need approval"
			}
			parts = append(parts, fmt.Sprintf("%d %s %s", n, word, status))
		}
	}
	if unreached > 0 {
		parts = append(parts, fmt.Sprintf("%d %s not reached", unreached, fixPlural(unreached, "host", "hosts")))
	}
	if quiet > 0 && len(parts) > 0 {
		parts = append(parts, fmt.Sprintf("%d %s with nothing to fix", quiet, fixPlural(quiet, "host", "hosts")))
	}
	var attention []string
	for i := range rep.Hosts {
		if rep.Hosts[i].Attention() {
			attention = append(attention, rep.Hosts[i].Host)
		}
	}
	s := fmt.Sprintf("%d %s: %s.", len(rep.Hosts), fixPlural(len(rep.Hosts), "host", "hosts"), strings.Join(parts, ", "))
	if len(parts) == 0 {
		s = fmt.Sprintf("%d %s: nothing to fix.", len(rep.Hosts), fixPlural(len(rep.Hosts), "host", "hosts"))
	}
	if len(attention) > 0 {
		s += fmt.Sprintf("\nNeeds attention: %s.", strings.Join(attention, ", "))
	}
	return s
}

func fixPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func writeFixJSON(w io.Writer, rep *remediate.Report) error {
	counts, unreached := rep.Counts()
	summary := map[string]int{"hosts": len(rep.Hosts), "hosts_not_reached": unreached}
	for s, n := range counts {
		summary[string(s)] = n
	}
	attention := []string{}
	for i := range rep.Hosts {
		if rep.Hosts[i].Attention() {
			attention = append(attention, rep.Hosts[i].Host)
		}
	}
	mode := "apply"
	if rep.DryRun {
		mode = "plan"
	}
	unused := rep.UnusedApprovals
	if unused == nil {
		unused = []*remediate.Approval{}
	}
	doc := struct {
		SchemaVersion   int                    `json:"schema_version"`
		Mode            string                 `json:"mode"`
		Hosts           []remediate.HostResult `json:"hosts"`
		Summary         map[string]int         `json:"summary"`
		Attention       []string               `json:"attention"`
		UnusedApprovals []*remediate.Approval  `json:"unused_approvals"`
	}{fixSchemaVersion, mode, rep.Hosts, summary, attention, unused}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// fixWriter keeps the first write error.
type fixWriter struct {
	w   io.Writer
	err error
}

func (e *fixWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, args...)
}
