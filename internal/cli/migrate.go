package cli

// 'nimfleet migrate plan|run|resume': the fleet migration orchestrator
// (internal/migrate) on the command line. Rules of this file: stdout
// carries only what was asked for (the plan, the final summary, or with
// --json the event stream); progress goes to stderr, redrawn in place on a
// terminal and as plain timestamped lines otherwise.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/migrate"
	"github.com/nimfleet/nimfleet/internal/preflight"
	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Test seams (STYLE §13): the lab's in-memory runner under the product's
// decorator stack, the controller's clock and poll interval, and a fixed
// "now" for plans.
var (
	testOnlyMigrateBase  transport.Runner
	testOnlyMigrateClock func() migrate.Clock
	testOnlyMigratePoll  time.Duration
	testOnlyMigrateNow   func() time.Time
	// testOnlyMigrateTTY forces the terminal display (true) or the plain
	// lines (false) instead of asking stderr.
	testOnlyMigrateTTY *bool
)

// migrateOptions are the flags of 'migrate plan' and 'migrate run'.
type migrateOptions struct {
	fleet            fleetFlags
	journal          string
	maxFailures      string
	canary           int
	maxParallel      int
	windowEnd        string
	progressDeadline time.Duration
	autoFix          bool
	reboot           bool
	skipPreflight    bool
	waivers          string
	approvals        string
	json             bool
	labScale         float64
	brief            bool
}

func (o *migrateOptions) AddFlags(fs *pflag.FlagSet, run bool) {
	o.fleet.AddFlags(fs)
	fs.StringVar(&o.journal, "journal", "", "journal `FILE` (default: "+defaultJournalName+" beside the inventory)")
	fs.StringVar(&o.maxFailures, "max-failures", "10%", "failure budget: no new host starts once more than `N` hosts (or N%) failed")
	fs.IntVar(&o.canary, "canary", sched.DefaultCanary, "hosts of a canary wave that migrate alone first, when the inventory has no canary wave (0: none)")
	fs.IntVar(&o.maxParallel, "max-parallel", 0, "at most `N` nimadm runs per master (0: the inventory's slots)")
	fs.StringVar(&o.windowEnd, "window-end", "", "maintenance window end (RFC 3339, 2006-01-02T15:04 or 15:04 local): no host starts unless its expected run ends before it")
	fs.DurationVar(&o.progressDeadline, "progress-deadline", sched.DefaultProgressDeadline, "a nimadm that prints nothing for this long is stalled: killed, cleaned up, failed (stretched for long phases)")
	fs.BoolVar(&o.autoFix, "auto-fix", true, "apply safe fixes: preflight blockers with a FIX- action before nimadm, and the fix of a diagnosed failure before one retry")
	fs.BoolVar(&o.skipPreflight, "skip-preflight", false, "do not run the preflight checks (nimadm finds the problems; failures are still diagnosed)")
	fs.StringVar(&o.waivers, "waivers", "", "accept the preflight findings listed in waiver `FILE`")
	fs.BoolVar(&o.json, "json", false, "print JSON (schema_version 1)")
	fs.BoolVar(&o.brief, "brief", false, "when not on a terminal: print only failures, diagnoses and fixes as they happen, and a fleet summary line every few seconds (for big fleets)")
	fs.Float64Var(&o.labScale, "lab-time-scale", 0, "rehearsing against a time-scaled lab: run the controller's clock this many times faster (the lab's --time-scale), so polling, deadlines and ETAs match it")
	if run {
		fs.BoolVar(&o.reboot, "reboot", false, "reboot each migrated client onto the new disk (shutdown -Fr) and verify it: level, lppchk -v, old_rootvg, sshd")
		fs.StringVar(&o.approvals, "approvals", "", "approvals `FILE` allowing the destructive fixes (FIX-OLDROOTVG, FIX-EFIX) on named hosts")
	}
}

// policy builds the rollout policy from the flags.
func (o *migrateOptions) policy(now time.Time) (sched.Policy, error) {
	p := sched.DefaultPolicy()
	b, err := sched.ParseBudget(o.maxFailures)
	if err != nil {
		return p, usageError("--max-failures: %v", err)
	}
	p.MaxFailures = b
	p.Canary, p.MaxParallel, p.ProgressDeadline = o.canary, o.maxParallel, o.progressDeadline
	if o.windowEnd != "" {
		end, err := parseWindowEnd(o.windowEnd, now)
		if err != nil {
			return p, usageError("--window-end: %v", err)
		}
		p.Window = &inventory.Window{Start: now, End: end}
	}
	if p.HostDeadline > 0 && p.ProgressDeadline > p.HostDeadline {
		p.HostDeadline = p.ProgressDeadline
	}
	if err := p.Validate(); err != nil {
		return p, withExit(ExitUsage, fmt.Errorf("policy: %w", err))
	}
	return p, nil
}

// parseWindowEnd reads RFC 3339, "2006-01-02T15:04" or "15:04" (the next
// such time), the last two in local time.
func parseWindowEnd(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("15:04", s, time.Local); err == nil {
		n := now.In(time.Local)
		end := time.Date(n.Year(), n.Month(), n.Day(), t.Hour(), t.Minute(), 0, 0, time.Local)
		if !end.After(n) {
			end = end.AddDate(0, 0, 1)
		}
		return end, nil
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339 (2026-03-01T06:00:00Z), 2026-03-01T06:00 or 06:00", s)
}

func newMigrateCommand(g *GlobalOptions) *cobra.Command {
	c := &cobra.Command{
		Use:   "migrate",
		Short: "Plan, run and resume a fleet migration with nimadm",
		Long: `Migrate a fleet of NIM clients with nimadm (alternate disk migration), wave by
wave, as many at a time per master as its slots and cache VG allow:

  nimfleet migrate plan     show what will run, where, with what, in which wave
  nimfleet migrate run      plan, fix what is safe, migrate, diagnose, verify
  nimfleet migrate resume   take over a run after a crash, Ctrl-C or a pause

Every step is recorded in the journal (` + defaultJournalName + ` beside the
inventory), with a lock so that two controllers never drive one fleet.
'nimfleet status' shows the fleet from the journal while a run goes on;
'nimfleet rollback HOST' returns a client to its old rootvg.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(newMigratePlanCommand(g), newMigrateRunCommand(g), newMigrateResumeCommand(g))
	return c
}

func newMigratePlanCommand(g *GlobalOptions) *cobra.Command {
	o := &migrateOptions{}
	c := &cobra.Command{
		Use:   "plan [HOST...]",
		Short: "Show what a migration will run: clients, masters, disks, SPOT, lpp_source, cache VG, waves",
		Long: `Show the migration plan without changing anything: which clients migrate, on
which master, to which disk, with which SPOT, lpp_source and cache VG, in which
wave (canary first), in the scheduler's start order; the rootvg used size from
each client's facts and the expected duration from the nimadm duration model;
each master's slots and cache VG free space; the makespan's lower bound.

The preflight checks run first (read-only), unless --skip-preflight. A client
with a blocker is left out, with the reason, unless every blocker has a safe
fix and --auto-fix is on (the default): the plan then says "fix first" and
'migrate run' applies the fix before nimadm. Waived findings do not block.
Clients the journal shows migrated already are left out.

--json prints the plan (schema_version 1; the same document the journal keeps
as the run's plan snapshot).

EXIT STATUS
  0 every selected client migrates (some after a fix)
  1 error
  2 usage: bad flags, inventory or waiver file, unknown host
  3 some selected clients are left out (blocked, unreachable, migrated before)`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runMigratePlan(cmd.Context(), o, g, args) },
	}
	o.AddFlags(c.Flags(), false)
	return c
}

func newMigrateRunCommand(g *GlobalOptions) *cobra.Command {
	o := &migrateOptions{}
	c := &cobra.Command{
		Use:   "run [HOST...]",
		Short: "Migrate the fleet: plan, fix, run nimadm wave by wave, diagnose, retry, verify",
		Long: `Migrate the selected clients (all of the inventory's by default):

 1. Plan as 'migrate plan' does (preflight, unless --skip-preflight) and record
    the run and its plan in the journal.
 2. Apply the safe fixes the plan calls for (fresh facts, the precondition
    re-checked, every command audited), check again, and migrate the clients
    nothing blocks any more.
 3. Start nimadm on the masters, detached from the SSH session (its output to a
    log file on the master, its pid recorded), as the scheduler allows: per
    master the slots and the cache VG's free space, one nimadm per client,
    waves in order (canary first), longest runs first, the failure budget, the
    maintenance window. Follow each log by offset, phase by phase; a run that
    prints nothing for --progress-deadline is stalled: killed, cleaned up with
    nimadm -C, failed.
 4. Diagnose a failed run from its log (kept in logs/<host>.<attempt>.log
    beside the journal), record the rule and signature, and where the cause
    has a safe fix (DIAG-0001 -> FIX-BOSINST, DIAG-0002 -> FIX-MULTIBOS, ...)
    apply it and run nimadm once more. A failure signature not seen before, or
    a failed canary, pauses the rollout: running migrations finish, nothing new
    starts, and 'migrate resume' goes on once someone has looked.
 5. Verify each migration: altinst_rootvg on the target disk, the bootlist on
    it. With --reboot, reboot onto it and check the level, lppchk -v, that
    old_rootvg exists and that sshd answers.

The journal is written before every action (the attempt before nimadm starts,
the pid right after), so a controller that crashes or is killed loses
nothing: 'migrate resume' re-attaches to the nimadm runs still going,
collects those that ended meanwhile, and carries on. No client is migrated
twice. Ctrl-C stops starting new work and leaves running migrations running.

On a terminal, stderr shows one line per active host (phase n/12, elapsed,
ETA) and the failures as they happen; otherwise plain timestamped lines.
--json prints the events on stdout, one JSON object per line (schema_version
1), and a summary object last.

EXIT STATUS
  0 every planned client is migrated and verified
  1 error
  2 usage: bad flags, inventory, waiver or approvals file
  3 some clients failed, were left out, stopped, or the run paused, halted or
    could not follow a nimadm to its end ('migrate resume' goes on)
  11 the journal is locked: another controller drives this fleet
  130 interrupted: running migrations were left running ('migrate resume')`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runMigrateRun(cmd.Context(), o, g, args) },
	}
	o.AddFlags(c.Flags(), true)
	return c
}

// resumeOptions are the flags of 'migrate resume'.
type resumeOptions struct {
	fleet     fleetFlags
	journal   string
	waivers   string
	approvals string
	json      bool
	labScale  float64
}

func newMigrateResumeCommand(g *GlobalOptions) *cobra.Command {
	o := &resumeOptions{}
	c := &cobra.Command{
		Use:   "resume",
		Short: "Take over the open run after a crash, Ctrl-C or a pause, and carry on",
		Long: `Take over the journal's open run: re-attach to the nimadm runs still going on
the masters (from the pids and log offsets the journal holds, or the pid files
on the masters when a crash came first), collect the runs that ended
meanwhile (their exit-status files), finish what was half done (a fix, a
verification, a reboot), lift a pause, and carry on with the plan and policy
the run was started with. A client is never migrated twice: an attempt whose
launch cannot be proven not to have happened is followed, not repeated.

The inventory must be the one the run was planned from (its SHA-256 is in the
journal).

EXIT STATUS
  0 every planned client is migrated and verified
  1 error
  2 usage: no open run to resume, the inventory changed, bad flags
  3 some clients failed, were left out or stopped, or the run paused, halted
    or could not follow a nimadm to its end
  11 the journal is locked: another controller drives this fleet
  130 interrupted: running migrations were left running`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runMigrateResume(cmd.Context(), o, g) },
	}
	fs := c.Flags()
	def := os.Getenv("NIMFLEET_INVENTORY")
	if def == "" {
		def = "inventory.yaml"
	}
	fs.StringVarP(&o.fleet.inventory, "inventory", "i", def, "inventory file ($NIMFLEET_INVENTORY)")
	fs.BoolVar(&o.fleet.acceptNew, "accept-new", false, "record the SSH keys of hosts not yet in known_hosts (mismatched keys are always refused)")
	fs.StringVar(&o.fleet.auditLog, "audit-log", "", "append every remote command to this JSON-lines file (default: nimfleet-audit.jsonl beside the inventory)")
	fs.IntVar(&o.fleet.concurrency, "concurrency", 64, "hosts worked on at the same time")
	fs.StringVar(&o.journal, "journal", "", "journal `FILE` (default: "+defaultJournalName+" beside the inventory)")
	fs.StringVar(&o.waivers, "waivers", "", "waiver `FILE` for the preflight of clients still to be fixed first")
	fs.StringVar(&o.approvals, "approvals", "", "approvals `FILE` allowing the destructive fixes on named hosts")
	fs.BoolVar(&o.json, "json", false, "print the events as JSON lines (schema_version 1)")
	fs.Float64Var(&o.labScale, "lab-time-scale", 0, "the --lab-time-scale the run was started with (rehearsals against a time-scaled lab)")
	return c
}

// journalPath returns the journal's path: the flag, or beside the
// inventory.
func journalPath(flag, inventoryPath string) string {
	if flag != "" {
		return flag
	}
	return filepath.Join(filepath.Dir(inventoryPath), defaultJournalName)
}

// openMigrateFleet is fleetFlags.open with the test seam for the base
// runner.
func openMigrateFleet(f *fleetFlags, inv *inventory.Inventory, dryRun bool, now func() time.Time) (*connect.Fleet, func() error, error) {
	log, err := transport.OpenAuditLog(f.auditPath())
	if err != nil {
		return nil, nil, fmt.Errorf("audit log: %w", err)
	}
	fl, err := connect.Open(inv, connect.Options{AcceptNew: f.acceptNew, Concurrency: f.concurrency, AuditLog: log,
		DryRun: dryRun, Plan: &transport.Plan{}, Base: testOnlyMigrateBase, NoRetry: testOnlyMigrateBase != nil, Now: now})
	if err != nil {
		log.Close()
		return nil, nil, err
	}
	return fl, func() error { return errors.Join(fl.Close(), log.Close()) }, nil
}

// openJournalWriter opens the journal for a controller: exit 11 when
// another one holds it.
func openJournalWriter(path string) (*journal.File, error) {
	j, err := journal.Open(path, journal.Options{Create: true})
	if journal.IsLocked(err) {
		return nil, withExit(ExitLocked, err,
			"another nimfleet controller drives this fleet: 'nimfleet status' shows its progress",
			"a controller that died released the lock with it: if none runs, try again")
	}
	return j, err
}

func inventoryHash(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func migrateClock() migrate.Clock {
	if testOnlyMigrateClock != nil {
		return testOnlyMigrateClock()
	}
	return migrate.RealClock()
}

// selection returns the hosts the arguments and flags select (nil: all).
func (o *migrateOptions) selection(inv *inventory.Inventory, args []string) ([]*inventory.Host, error) {
	if len(args) == 0 && o.fleet.hosts == "" && o.fleet.groups == "" && o.fleet.waves == "" {
		return nil, nil
	}
	hs, err := o.fleet.selectHosts(inv, args)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, usageError("the selection matches no host")
	}
	return hs, nil
}

// inputs loads what 'migrate plan' and 'migrate run' start from: the
// inventory, the selected clients (nil: all) and the waivers.
func (o *migrateOptions) inputs(args []string) (*inventory.Inventory, []*inventory.Host, *check.Waivers, error) {
	inv, err := o.fleet.load()
	if err != nil {
		return nil, nil, nil, err
	}
	hosts, err := o.selection(inv, args)
	if err != nil {
		return nil, nil, nil, err
	}
	ws, err := loadWaivers(o.waivers)
	if err != nil {
		return nil, nil, nil, err
	}
	return inv, hosts, ws, nil
}

func loadWaivers(path string) (*check.Waivers, error) {
	if path == "" {
		return nil, nil
	}
	ws, err := check.LoadWaivers(path, preflight.Canonical)
	if err != nil {
		return nil, withExit(ExitUsage, fmt.Errorf("waivers:\n%w", err))
	}
	return ws, nil
}

func loadApprovals(path string) (*remediate.Approvals, error) {
	if path == "" {
		return nil, nil
	}
	a, err := remediate.LoadApprovals(path)
	if err != nil {
		return nil, withExit(ExitUsage, err)
	}
	return a, nil
}

func runMigratePlan(ctx context.Context, o *migrateOptions, g *GlobalOptions, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	inv, hosts, ws, err := o.inputs(args)
	if err != nil {
		return err
	}
	now := time.Now
	if testOnlyMigrateNow != nil {
		now = testOnlyMigrateNow
	}
	p, err := o.policy(now())
	if err != nil {
		return err
	}
	var j journal.Journal
	if jf, err := journal.Open(journalPath(o.journal, o.fleet.inventory), journal.Options{ReadOnly: true}); err == nil {
		defer jf.Close()
		j = jf
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	fl, closeFleet, err := openMigrateFleet(&o.fleet, inv, true, nil)
	if err != nil {
		return err
	}
	defer closeFleet()
	what := "facts and preflight checks, read-only"
	if o.skipPreflight {
		what = "facts only, read-only; preflight skipped"
	}
	fmt.Fprintf(g.stderr, "nimfleet: planning %s (%s)...\n", describeClients(inv, hosts), what)
	plan, err := migrate.NewPlan(ctx, migrate.PlanOptions{Inventory: inv, Hosts: hosts, Runner: fl.Runner, Policy: p,
		AutoFix: o.autoFix, SkipPreflight: o.skipPreflight, Waivers: ws, Journal: j, Concurrency: o.fleet.concurrency, GatherTimeout: o.fleet.timeout, Now: now})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(plan); err != nil {
			return err
		}
	} else if err := writePlanText(g.stdout, plan); err != nil {
		return err
	}
	if plan.Count(migrate.ActionExclude) > 0 {
		return silentExit(ExitHostsFailed)
	}
	return nil
}

// writePlanText prints the plan for people.
func writePlanText(w io.Writer, p *migrate.Plan) error {
	ew := &fixWriter{w: w}
	pol := p.Schedule.Policy
	fix, excl := p.Count(migrate.ActionFixFirst), p.Count(migrate.ActionExclude)
	pre := "from the facts and the preflight checks"
	if !p.Preflight {
		pre = "from the facts; preflight skipped"
	}
	ew.printf("Plan for %s: %d %s on %d %s: %d to migrate (%d after a fix), %d left out; %s.\n",
		p.Inventory, len(p.Hosts), fixPlural(len(p.Hosts), "client", "clients"), len(p.Masters), fixPlural(len(p.Masters), "master", "masters"),
		len(p.Hosts)-excl, fix, excl, pre)
	ew.printf("Policy: %s.\n\n", policyText(pol, p.AutoFix))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MASTER\tSLOTS\tCACHE VG\tFREE\tCLIENTS\tWORK")
	for _, m := range p.Masters {
		vg, free := "-", "-"
		if m.CacheVG != "" {
			vg = m.CacheVG
			if m.CacheFreeMB > 0 {
				free = gb(m.CacheFreeMB)
			} else {
				free = "unknown"
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%s\n", m.Name, m.Slots, vg, free, m.Clients, dur(m.Work))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, wv := range p.Schedule.Waves {
		title := fmt.Sprintf("Wave %d", wv.Number)
		switch {
		case wv.Canary && wv.Name != "" && wv.Name != "canary":
			title += " (" + wv.Name + ", canary)"
		case wv.Canary:
			title += " (canary)"
		case wv.Name != "":
			title += " (" + wv.Name + ")"
		}
		ew.printf("\n%s, in start order:\n", title)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  HOST\tMASTER\tDISK\tSPOT\tLPP_SOURCE\tCACHE VG\tLEVEL -> TARGET\tROOTVG\tEXPECTED\tNOTE")
		for _, sh := range wv.Hosts {
			h := p.Host(sh.Name)
			vg := h.CacheVG
			if vg == "" {
				vg = "- (NFS)"
			}
			note := ""
			if h.Action == migrate.ActionFixFirst {
				note = "\t" + h.Reason // a last cell only when there is a note: no trailing blanks
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s -> %s\t%s\t%s%s\n", h.Name, h.Master, strings.Join(h.Disks, ","), h.SPOT, h.LPPSource,
				vg, orDash(h.Level), orDash(h.Target), gb(h.RootvgUsedMB), dur(h.Expected), note)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if excl > 0 {
		ew.printf("\nLeft out:\n")
		for _, h := range p.Hosts {
			if h.Action == migrate.ActionExclude {
				ew.printf("  %s (%s): %s\n", h.Name, h.Master, h.Reason)
			}
		}
	}
	if n := len(p.Hosts) - excl; n > 0 {
		ew.printf("\nMakespan: at least %s (the largest of work per slot, cache VG capacity and the longest run, per master).\n", dur(p.LowerBound))
	}
	return ew.err
}

func policyText(p sched.Policy, autoFix bool) string {
	var parts []string
	if p.Canary > 0 {
		parts = append(parts, fmt.Sprintf("canary of %d %s first", p.Canary, fixPlural(p.Canary, "host", "hosts")))
	} else {
		parts = append(parts, "no canary wave")
	}
	parts = append(parts, "stop after more than "+p.MaxFailures.String()+" failed")
	if p.PauseOnNewSignature {
		parts = append(parts, "pause on a new failure signature")
	}
	if p.MaxParallel > 0 {
		parts = append(parts, fmt.Sprintf("at most %d per master", p.MaxParallel))
	}
	parts = append(parts, "stall after "+dur(p.ProgressDeadline)+" without output", "host deadline "+dur(p.HostDeadline))
	if p.Window != nil {
		parts = append(parts, "window until "+p.Window.End.Format(time.RFC3339))
	}
	if autoFix {
		parts = append(parts, "auto-fix on")
	} else {
		parts = append(parts, "auto-fix off")
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

func gb(mb int) string { return fmt.Sprintf("%.1f GB", float64(mb)/1024) }

// dur prints a duration as 1h05m, 45m, 30s.
func dur(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// clockDur prints an elapsed time as h:mm:ss.
func clockDur(d time.Duration) string {
	d = d.Round(time.Second)
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

func runMigrateRun(ctx context.Context, o *migrateOptions, g *GlobalOptions, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	inv, hosts, ws, err := o.inputs(args)
	if err != nil {
		return err
	}
	ap, err := loadApprovals(o.approvals)
	if err != nil {
		return err
	}
	clock := migrateClock()
	if o.labScale > 0 {
		clock = migrate.NewScaledClock(time.Now(), o.labScale)
	}
	p, err := o.policy(clock.Now())
	if err != nil {
		return err
	}
	mo := migrate.Options{Hosts: hosts, Policy: p, AutoFix: o.autoFix, Reboot: o.reboot, SkipPreflight: o.skipPreflight,
		Waivers: ws, Approvals: ap}
	return controlRun(ctx, g, &o.fleet, inv, journalPath(o.journal, o.fleet.inventory), o.json, o.brief, clock, mo, false)
}

func runMigrateResume(ctx context.Context, o *resumeOptions, g *GlobalOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	inv, err := o.fleet.load()
	if err != nil {
		return err
	}
	ws, err := loadWaivers(o.waivers)
	if err != nil {
		return err
	}
	ap, err := loadApprovals(o.approvals)
	if err != nil {
		return err
	}
	path := journalPath(o.journal, o.fleet.inventory)
	if _, err := os.Stat(path); err != nil {
		return withExit(ExitUsage, fmt.Errorf("journal %s: %w", path, err), "name the journal with --journal FILE; 'nimfleet migrate run' starts a run")
	}
	clock := migrateClock()
	if o.labScale > 0 {
		// Continue the run's time line: its scaled clock started at the
		// run's start.
		origin, err := openRunStart(path)
		if err != nil {
			return err
		}
		clock = migrate.NewScaledClock(origin, o.labScale)
	}
	return controlRun(ctx, g, &o.fleet, inv, path, o.json, false, clock, migrate.Options{Waivers: ws, Approvals: ap}, true)
}

// openRunStart returns when the journal's open run started (the origin of
// a scaled clock), or now when there is none (resume then says so).
func openRunStart(path string) (time.Time, error) {
	j, err := journal.Open(path, journal.Options{ReadOnly: true})
	if err != nil {
		return time.Time{}, fmt.Errorf("journal %s: %w", path, err)
	}
	defer j.Close()
	runs, err := journal.OpenRuns(j)
	if err != nil {
		return time.Time{}, fmt.Errorf("journal %s: %w", path, err)
	}
	if len(runs) == 0 {
		return time.Now(), nil
	}
	return runs[len(runs)-1].Started, nil
}

// controlRun is the controller of 'migrate run' and 'migrate resume'.
func controlRun(ctx context.Context, g *GlobalOptions, ff *fleetFlags, inv *inventory.Inventory, jpath string, jsonOut, brief bool, clock migrate.Clock, mo migrate.Options, resume bool) error {
	hash, err := inventoryHash(ff.inventory)
	if err != nil {
		return withExit(ExitUsage, err)
	}
	j, err := openJournalWriter(jpath)
	if err != nil {
		return err
	}
	defer j.Close()
	// The audit log keeps the controller's time, so that a rehearsal on a
	// time-scaled lab attributes its commands to the run.
	fl, closeFleet, err := openMigrateFleet(ff, inv, false, clock.Now)
	if err != nil {
		return err
	}
	defer closeFleet()
	logDir := filepath.Join(filepath.Dir(jpath), "logs")
	mo.Inventory, mo.InventoryHash, mo.Runner, mo.Journal = inv, hash, fl.Runner, j
	mo.LogDir, mo.Clock, mo.Concurrency, mo.GatherTimeout = logDir, clock, ff.concurrency, ff.timeout
	mo.Version = versionString()
	if testOnlyMigratePoll > 0 {
		mo.PollInterval = testOnlyMigratePoll
	}
	pr := newProgressPrinter(g, jsonOut, clock)
	pr.brief = brief && !pr.tty && !jsonOut
	mo.Observer = pr.event
	m, err := migrate.New(mo)
	if err != nil {
		return err
	}
	pr.progress = m.Progress
	stop := pr.start()
	var res *migrate.Result
	if resume {
		res, err = m.Resume(ctx)
	} else {
		res, err = m.Run(ctx)
	}
	stop()
	switch {
	case errors.Is(err, migrate.ErrOpenRun):
		return withExit(ExitUsage, err, "resume it with 'nimfleet migrate resume -i "+ff.inventory+"'", "'nimfleet status' shows where it stands")
	case errors.Is(err, migrate.ErrNoOpenRun):
		return withExit(ExitUsage, err, "'nimfleet migrate run' starts a new run; 'nimfleet status' shows the last one")
	case errors.Is(err, migrate.ErrInventoryChanged):
		return withExit(ExitUsage, err, "resume with the inventory the run was planned from (the journal records its path and SHA-256)")
	case err != nil && ctx.Err() != nil:
		fmt.Fprintf(g.stderr, "nimfleet: interrupted before the run started; nothing was started\n")
		return silentExit(ExitInterrupted)
	case err != nil:
		return err
	}
	if jsonOut {
		if err := writeRunSummaryJSON(g.stdout, res, jpath, logDir); err != nil {
			return err
		}
	} else if err := writeRunSummary(g.stdout, res, jpath, logDir); err != nil {
		return err
	}
	switch res.Outcome {
	case migrate.OutcomeInterrupted:
		fmt.Fprintf(g.stderr, "nimfleet: interrupted: %s.\nnimfleet: the journal records them; resume with: nimfleet migrate resume -i %s\n", res.Detail, ff.inventory)
		return silentExit(ExitInterrupted)
	case migrate.OutcomePaused:
		fmt.Fprintf(g.stderr, "nimfleet: rollout paused: %s.\nnimfleet: look at the failure ('nimfleet status', the log in %s), then: nimfleet migrate resume -i %s\n", res.Detail, logDir, ff.inventory)
		return silentExit(ExitHostsFailed)
	case migrate.OutcomeIncomplete:
		fmt.Fprintf(g.stderr, "nimfleet: %s\n", res.Detail)
		return silentExit(ExitHostsFailed)
	}
	if !res.AllMigrated() {
		return silentExit(ExitHostsFailed)
	}
	return nil
}

func versionString() string { return version }

// runHostRow is a host of the final summary.
type runHostRow struct {
	Host     string        `json:"host"`
	State    journal.State `json:"state"`
	Attempts int           `json:"attempts"`
	Reason   string        `json:"reason"`
	Rule     string        `json:"rule,omitempty"`
	Fixes    []string      `json:"fixes,omitempty"`
}

func runRows(res *migrate.Result) []runHostRow {
	var rows []runHostRow
	for _, h := range res.Hosts {
		r := runHostRow{Host: h.Host, State: h.State, Attempts: len(h.Attempts), Reason: h.Reason}
		if h.Diagnosis != nil && (h.State == journal.StateFailed || len(h.Fixes) > 0) {
			r.Rule = h.Diagnosis.Rule
		}
		for _, f := range h.Fixes {
			r.Fixes = append(r.Fixes, f.Fix)
		}
		rows = append(rows, r)
	}
	return rows
}

func countStates(res *migrate.Result) string {
	counts := map[journal.State]int{}
	for _, h := range res.Hosts {
		counts[h.State]++
	}
	var parts []string
	for _, s := range journal.States() {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

func writeRunSummary(w io.Writer, res *migrate.Result, jpath, logDir string) error {
	ew := &fixWriter{w: w}
	ew.printf("Run %s %s: %d %s: %s.\n", res.Run, res.Outcome, len(res.Hosts), fixPlural(len(res.Hosts), "client", "clients"), countStates(res))
	if res.Detail != "" {
		ew.printf("%s\n", res.Detail)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tSTATE\tATTEMPTS\tDETAIL")
	for _, r := range runRows(res) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", r.Host, r.State, r.Attempts, r.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	ew.printf("Journal %s; nimadm logs in %s.\n", jpath, logDir)
	return ew.err
}

func writeRunSummaryJSON(w io.Writer, res *migrate.Result, jpath, logDir string) error {
	doc := struct {
		SchemaVersion int             `json:"schema_version"`
		Kind          string          `json:"kind"`
		Run           string          `json:"run"`
		Outcome       migrate.Outcome `json:"outcome"`
		Detail        string          `json:"detail,omitempty"`
		Journal       string          `json:"journal"`
		Logs          string          `json:"logs"`
		LeftRunning   []string        `json:"left_running"`
		Hosts         []runHostRow    `json:"hosts"`
		Counts        map[string]int  `json:"counts"`
	}{SchemaVersion: migrate.EventSchemaVersion, Kind: "summary", Run: res.Run, Outcome: res.Outcome, Detail: res.Detail,
		Journal: jpath, Logs: logDir, LeftRunning: res.LeftRunning, Hosts: runRows(res), Counts: map[string]int{}}
	if doc.LeftRunning == nil {
		doc.LeftRunning = []string{}
	}
	if doc.Hosts == nil {
		doc.Hosts = []runHostRow{}
	}
	for _, h := range res.Hosts {
		doc.Counts[string(h.State)]++
	}
	return json.NewEncoder(w).Encode(doc)
}

// progressPrinter shows the run: events as lines (timestamped when stderr
// is not a terminal), the active hosts redrawn in place on a terminal,
// or JSON lines on stdout.
type progressPrinter struct {
	g        *GlobalOptions
	json     bool
	tty      bool
	clock    migrate.Clock
	progress func() migrate.Progress
	// brief prints only failures, diagnoses and fixes, and a summary
	// line every few seconds (not on a terminal).
	brief bool

	mu    sync.Mutex
	drawn int // lines of the live block on screen
	enc   *json.Encoder
}

func newProgressPrinter(g *GlobalOptions, jsonOut bool, clock migrate.Clock) *progressPrinter {
	p := &progressPrinter{g: g, json: jsonOut, clock: clock}
	if jsonOut {
		p.enc = json.NewEncoder(g.stdout)
	} else {
		p.tty = isTerminal(g.stderr)
	}
	return p
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	if testOnlyMigrateTTY != nil {
		return *testOnlyMigrateTTY
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// start redraws the live block every half second on a terminal; the
// returned function stops it and clears the block.
func (p *progressPrinter) start() func() {
	if p.brief && p.progress != nil {
		return p.startBrief()
	}
	if !p.tty || p.progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.mu.Lock()
				p.redraw()
				p.mu.Unlock()
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		p.mu.Lock()
		p.clear()
		p.mu.Unlock()
	}
}

func (p *progressPrinter) clear() {
	if p.drawn > 0 {
		fmt.Fprintf(p.g.stderr, "\x1b[%dF\x1b[J", p.drawn)
		p.drawn = 0
	}
}

func (p *progressPrinter) redraw() {
	p.clear()
	pr := p.progress()
	var lines []string
	for _, a := range pr.Active {
		l := fmt.Sprintf("  %-16s %-10s %-10s", a.Host, a.Master, a.State)
		if a.State == journal.StateRunning || a.State == journal.StateStarting {
			l += fmt.Sprintf(" phase %2d/12  elapsed %s", a.Phase, clockDur(pr.Now.Sub(a.Started)))
			if a.ETA > 0 {
				l += "  ETA " + clockDur(a.ETA)
			}
		} else if !a.Started.IsZero() {
			l += "  since " + clockDur(pr.Now.Sub(a.Started))
		}
		lines = append(lines, l)
	}
	var parts []string
	for _, s := range journal.States() {
		if n := pr.States[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	lines = append(lines, fmt.Sprintf("run %s: %d clients: %s", pr.Run, pr.Total, strings.Join(parts, ", ")))
	for _, l := range lines {
		fmt.Fprintln(p.g.stderr, l)
	}
	p.drawn = len(lines)
}

// event is the orchestrator's observer.
func (p *progressPrinter) event(e migrate.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		p.enc.Encode(e)
		return
	}
	line := eventLine(e)
	if line == "" {
		return
	}
	if p.brief && !briefEvent(e) {
		return
	}
	if p.tty {
		if e.Kind == journal.KindPhase || e.Kind == journal.KindOffset {
			return // the live block shows phases
		}
		p.clear()
		fmt.Fprintln(p.g.stderr, line)
		return
	}
	fmt.Fprintf(p.g.stderr, "%s %s\n", e.Time.UTC().Format(time.RFC3339), line)
}

// briefEvent says which events --brief prints as they happen.
func briefEvent(e migrate.Event) bool {
	switch e.Kind {
	case journal.KindRunStarted, journal.KindRunResumed, journal.KindRunEnded, journal.KindDiagnosis, journal.KindFix:
		return true
	case journal.KindState:
		return e.State == journal.StateFailed
	case journal.KindExit:
		return e.Outcome != "succeeded"
	}
	return false
}

// startBrief prints a one-line fleet summary every five seconds.
func (p *progressPrinter) startBrief() func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				pr := p.progress()
				if pr.Run == "" {
					continue // still planning
				}
				var parts []string
				for _, s := range journal.States() {
					if n := pr.States[s]; n > 0 {
						parts = append(parts, fmt.Sprintf("%d %s", n, s))
					}
				}
				p.mu.Lock()
				fmt.Fprintf(p.g.stderr, "%s run %s: %d clients: %s\n", pr.Now.UTC().Format(time.RFC3339), pr.Run, pr.Total, strings.Join(parts, ", "))
				p.mu.Unlock()
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// eventLine renders an event as one line ("" to skip it).
func eventLine(e migrate.Event) string {
	who := e.Host
	if who == "" {
		who = "run " + e.Run
	}
	switch e.Kind {
	case journal.KindRunStarted:
		return "run " + e.Run + " started"
	case journal.KindRunResumed:
		return "run " + e.Run + " resumed by " + e.Detail
	case journal.KindRunEnded:
		return "run " + e.Run + " ended: " + e.Outcome + suffix(e.Detail)
	case journal.KindState:
		switch e.State {
		case journal.StateFailed:
			return who + ": FAILED: " + e.Reason
		case journal.StateStarting:
			return ""
		}
		return who + ": " + string(e.State) + suffix(e.Reason)
	case journal.KindAttempt:
		return fmt.Sprintf("%s: nimadm attempt %d on %s, log %s", who, e.Attempt, e.Master, e.Log)
	case journal.KindLaunched:
		return fmt.Sprintf("%s: nimadm started, pid %d%s", who, e.PID, suffix(e.Detail))
	case journal.KindPhase:
		return fmt.Sprintf("%s: phase %d/12", who, e.Phase)
	case journal.KindExit:
		s := fmt.Sprintf("%s: nimadm %s", who, e.Outcome)
		if e.Exit != nil {
			s += fmt.Sprintf(" (exit %d)", *e.Exit)
		}
		if e.Phase > 0 {
			s += fmt.Sprintf(" in phase %d", e.Phase)
		}
		return s + suffix(e.Detail)
	case journal.KindDiagnosis:
		id := e.Rule
		if id == "" {
			id = "signature " + e.Signature
		}
		return who + ": diagnosis " + id + suffix(e.Detail)
	case journal.KindFix:
		return who + ": fixed " + e.Fix + suffix(e.Detail)
	case journal.KindNote:
		return who + ": " + e.Detail
	}
	return ""
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// describeClients says which clients a selection covers.
func describeClients(inv *inventory.Inventory, hosts []*inventory.Host) string {
	if hosts == nil {
		n := len(inv.Clients())
		return fmt.Sprintf("all %d %s of %s", n, fixPlural(n, "client", "clients"), inv.File)
	}
	n := 0
	for _, h := range hosts {
		if h.Role == inventory.RoleMaster {
			n += len(h.Clients)
		} else {
			n++
		}
	}
	return fmt.Sprintf("%d selected %s", n, fixPlural(n, "client", "clients"))
}
