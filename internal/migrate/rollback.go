package migrate

// Rollback returns a migrated client to its original rootvg (nimadm.md
// §10): before the reboot onto the new disk, by removing the clone
// (alt_rootvg_op -X altinst_rootvg, chpv -C per disk) and pointing the
// bootlist back at the running rootvg; after it, by pointing the bootlist
// at old_rootvg's disk and rebooting (shutdown -Fr), then checking the
// client runs its old level from its old disk. Like every fix it is
// decided on fresh, read-only facts, refused when the client is not in the
// expected state, sent through the audited runner (a dry run unless
// applied), and journaled.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/nimadm"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// RollbackMode says which way back a client takes.
type RollbackMode string

// Rollback modes.
const (
	// RollbackClone: the client still runs its original rootvg; the
	// clone (altinst_rootvg) is removed and the bootlist reset.
	RollbackClone RollbackMode = "before-reboot"
	// RollbackBoot: the client runs the migrated disk; it boots its
	// old_rootvg again.
	RollbackBoot RollbackMode = "after-reboot"
)

// RollbackOptions configure [Rollback].
type RollbackOptions struct {
	// Inventory and Host name the client.
	Inventory *inventory.Inventory
	Host      *inventory.Host
	// Runner reaches the fleet through the audit log and, for a plan,
	// the dry-run decorator (DryRun must match it).
	Runner transport.Runner
	DryRun bool
	// Journal is read for the host's state and, when applying, written
	// (a run of its own).
	Journal journal.Journal
	// Clock, PollInterval, BootTimeout and CommandTimeout: as in [Options].
	Clock          Clock
	PollInterval   time.Duration
	BootTimeout    time.Duration
	CommandTimeout time.Duration
	// Controller and Version describe this controller in the journal.
	Controller, Version string
}

// RollbackReport says what a rollback found, did (or would do) and saw
// afterwards.
type RollbackReport struct {
	Host  string        `json:"host"`
	State journal.State `json:"journal_state"`
	Mode  RollbackMode  `json:"mode,omitempty"`
	// Found describes the client's disks and levels (fresh facts).
	Found []string `json:"found"`
	// Refused says why nothing was (or would be) done; empty otherwise.
	Refused string `json:"refused,omitempty"`
	// Commands are the state-changing commands, run or (dry run) recorded.
	Commands []remediateCommand `json:"commands"`
	// Verified is what the facts showed after the commands; Failed is set
	// when they did not show the client back on its old rootvg.
	Verified string `json:"verified,omitempty"`
	Failed   string `json:"failed,omitempty"`
	DryRun   bool   `json:"dry_run"`
	Run      string `json:"run,omitempty"`
}

// remediateCommand is a command of a rollback.
type remediateCommand struct {
	Host     string `json:"host"`
	Line     string `json:"line"`
	DryRun   bool   `json:"dry_run,omitempty"`
	ExitCode *int   `json:"exit_code,omitempty"`
	Error    string `json:"error,omitempty"`
}

// ErrRefused marks a rollback refused by its guards.
var ErrRefused = errors.New("rollback refused")

// rollbackStates are the journal states from which a rollback may start.
var rollbackStates = map[journal.State]bool{
	journal.StateSucceeded: true, journal.StateVerified: true, journal.StateFailed: true,
	journal.StateVerifying: true, journal.StateRebooting: true,
}

// Rollback plans (dry run) or applies the rollback of one client. A
// refusal is a report with Refused set (and an error wrapping
// [ErrRefused]); a failed check afterwards is a report with Failed set.
func Rollback(ctx context.Context, o RollbackOptions) (*RollbackReport, error) {
	if o.Clock == nil {
		o.Clock = RealClock()
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.BootTimeout <= 0 {
		o.BootTimeout = DefaultBootTimeout
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = DefaultCommandTimeout
	}
	h := o.Host
	rep := &RollbackReport{Host: h.Name, DryRun: o.DryRun, Commands: []remediateCommand{}, Found: []string{}}
	refuse := func(format string, a ...any) (*RollbackReport, error) {
		rep.Refused = fmt.Sprintf(format, a...)
		return rep, fmt.Errorf("%w: %s: %s", ErrRefused, h.Name, rep.Refused)
	}
	if h.Role != inventory.RoleClient || h.Master == nil {
		return refuse("not a NIM client of the inventory")
	}
	hs, err := o.Journal.Host(h.Name)
	if errors.Is(err, journal.ErrNotFound) {
		return refuse("the journal has no migration of %s", h.Name)
	} else if err != nil {
		return nil, err
	}
	rep.State = hs.State
	if !rollbackStates[hs.State] {
		return refuse("the journal shows %s %s (%s); a rollback needs a finished nimadm run (succeeded, verifying, rebooting, verified or failed)", h.Name, hs.State, hs.Reason)
	}
	g := &guard{o: o, h: h}
	if err := g.gather(ctx); err != nil {
		return refuse("fresh facts could not be gathered: %v", err)
	}
	rep.Found = g.found()
	if len(g.busy) > 0 {
		return refuse("a nimadm for %s runs on %s (pid %v)", h.NIMName, h.Master.Name, g.busy)
	}
	rootDisks := diskNames(g.pvs.InVG("rootvg"))
	if !contains(rootDisks, g.boot) {
		return refuse("the booted disk %s is not in rootvg (%v): the client is not in a state nimfleet knows", g.boot, rootDisks)
	}
	alt, old := diskNames(g.pvs.InVG("altinst_rootvg")), diskNames(g.pvs.InVG("old_rootvg"))
	var cmds []transport.Command
	switch {
	case len(old) > 0 && len(alt) == 0:
		rep.Mode = RollbackBoot
		args := []cmdline.Arg{"-m", "normal"}
		for _, d := range old {
			a, err := cmdline.Disk(d)
			if err != nil {
				return refuse("disk %q: %v", d, err)
			}
			args = append(args, a)
		}
		cmds = append(cmds, transport.Command{Host: h.Name, Line: cmdline.Build("/usr/bin/bootlist", args...)},
			transport.Command{Host: h.Name, Line: shutdownLine})
	case len(alt) > 0 && len(old) == 0:
		if contains(alt, g.boot) {
			return refuse("altinst_rootvg holds the booted disk %s", g.boot)
		}
		rep.Mode = RollbackClone
		cmds = append(cmds, transport.Command{Host: h.Name, Line: cmdline.Build("/usr/sbin/alt_rootvg_op", "-X", "altinst_rootvg")})
		for _, d := range alt {
			a, err := cmdline.Disk(d)
			if err != nil {
				return refuse("disk %q: %v", d, err)
			}
			cmds = append(cmds, transport.Command{Host: h.Name, Line: cmdline.Build("/usr/sbin/chpv", "-C", a)})
		}
		args := []cmdline.Arg{"-m", "normal"}
		for _, d := range rootDisks {
			a, _ := cmdline.Disk(d)
			args = append(args, a)
		}
		cmds = append(cmds, transport.Command{Host: h.Name, Line: cmdline.Build("/usr/bin/bootlist", args...)})
	case len(alt) > 0 && len(old) > 0:
		return refuse("both altinst_rootvg (%v) and old_rootvg (%v) exist: sort it out by hand", alt, old)
	default:
		return refuse("neither altinst_rootvg nor old_rootvg exists: there is nothing to roll back to")
	}
	// The level to come back to, from the run's plan snapshot.
	want := originalLevel(o.Journal, hs)
	var runID string
	rec := func(e journal.Event) error {
		if o.DryRun {
			return nil
		}
		e.Run, e.Time = runID, o.Clock.Now()
		return o.Journal.Append(context.Background(), e)
	}
	if !o.DryRun {
		runID = "rb" + o.Clock.Now().UTC().Format("20060102-150405") + "-" + h.Name
		if len(runID) > 64 {
			runID = runID[:64]
		}
		if err := journal.ValidRunID(runID); err != nil {
			runID = "rb" + o.Clock.Now().UTC().Format("20060102-150405")
		}
		runID = uniqueRun(o.Journal, runID)
		snap, _ := json.Marshal(map[string]any{"rollback": h.Name, "mode": rep.Mode, "found": rep.Found})
		host, _ := os.Hostname()
		ctl := o.Controller
		if ctl == "" {
			ctl = fmt.Sprintf("%s pid %d", host, os.Getpid())
		}
		if err := o.Journal.Append(context.Background(), journal.Event{Kind: journal.KindRunStarted, Run: runID, Time: o.Clock.Now(),
			RunInfo: &journal.RunInfo{ID: runID, Started: o.Clock.Now(), Inventory: o.Inventory.File, Plan: snap, Controller: ctl, Version: o.Version}}); err != nil {
			return nil, err
		}
		rep.Run = runID
	}
	for i, c := range cmds {
		c.Mutates, c.Timeout = true, o.CommandTimeout
		res, err := o.Runner.Run(ctx, c)
		rc := remediateCommand{Host: c.Host, Line: c.Line}
		switch {
		case transport.IsDryRun(err):
			rc.DryRun = true
		case err != nil && c.Line == shutdownLine && transport.IsTransient(err):
			rc.Error = transport.ErrorClass(err) + " (expected: the host goes down)"
		case err != nil:
			rc.Error = transport.ErrorClass(err)
			rep.Commands = append(rep.Commands, rc)
			rep.Failed = fmt.Sprintf("%s: %v (outcome unknown); later commands not run", c.Line, err)
			return rep, endRollback(rec, h.Name, rep)
		default:
			code := res.ExitCode
			rc.ExitCode = &code
		}
		rep.Commands = append(rep.Commands, rc)
		if rc.ExitCode != nil && *rc.ExitCode != 0 {
			rep.Failed = fmt.Sprintf("%s: exit %d: %s", c.Line, *rc.ExitCode, firstLine(res.Stderr, res.Stdout))
			if i+1 < len(cmds) {
				rep.Failed += "; later commands not run"
			}
			return rep, endRollback(rec, h.Name, rep)
		}
	}
	if o.DryRun {
		return rep, nil
	}
	switch rep.Mode {
	case RollbackClone:
		rep.Verified, rep.Failed = g.checkClone(ctx, alt, rootDisks)
	case RollbackBoot:
		rep.Verified, rep.Failed = g.checkBoot(ctx, old, want)
	}
	return rep, endRollback(rec, h.Name, rep)
}

// endRollback journals the outcome of an applied rollback.
func endRollback(rec func(journal.Event) error, host string, rep *RollbackReport) error {
	var cmds []string
	for _, c := range rep.Commands {
		cmds = append(cmds, c.Line)
	}
	if err := rec(journal.Event{Kind: journal.KindNote, Host: host, Detail: clip(fmt.Sprintf("rollback (%s): ran %s", rep.Mode, strings.Join(cmds, "; ")))}); err != nil {
		return err
	}
	if rep.Failed != "" {
		if err := rec(journal.Event{Kind: journal.KindNote, Host: host, Detail: clip("rollback failed: " + rep.Failed)}); err != nil {
			return err
		}
		return rec(journal.Event{Kind: journal.KindRunEnded, Outcome: "failed", Detail: clip(rep.Failed)})
	}
	if rep.State == journal.StateVerifying || rep.State == journal.StateRebooting {
		if err := rec(journal.Event{Kind: journal.KindState, Host: host, To: journal.StateFailed, Reason: "stopped for a rollback"}); err != nil {
			return err
		}
	}
	if err := rec(journal.Event{Kind: journal.KindState, Host: host, To: journal.StateRolledBack, Reason: clip("rolled back " + string(rep.Mode) + ": " + rep.Verified)}); err != nil {
		return err
	}
	return rec(journal.Event{Kind: journal.KindRunEnded, Outcome: "completed", Detail: "rollback of " + host})
}

// guard holds the fresh facts a rollback decides on.
type guard struct {
	o     RollbackOptions
	h     *inventory.Host
	pvs   aix.PVs
	boot  string
	list  []string
	level string
	busy  []int
}

func (g *guard) read(ctx context.Context, host, line string) ([]byte, error) {
	res, err := g.o.Runner.Run(ctx, transport.Command{Host: host, Line: line, Timeout: g.o.CommandTimeout})
	if err != nil {
		return nil, err
	}
	if !res.OK() {
		return nil, fmt.Errorf("%s: exit %d: %s", strings.TrimPrefix(line, "LC_ALL=C "), res.ExitCode, firstLine(res.Stderr, res.Stdout))
	}
	return res.Stdout, nil
}

func (g *guard) gather(ctx context.Context) error {
	out, err := g.read(ctx, g.h.Name, lspvLine)
	if err != nil {
		return err
	}
	if g.pvs, err = aix.ParseLspv(out); err != nil {
		return err
	}
	if out, err = g.read(ctx, g.h.Name, bootinfoLine); err != nil {
		return err
	}
	if g.boot, err = aix.ParseBootinfoDisk(out); err != nil {
		return err
	}
	if out, err = g.read(ctx, g.h.Name, bootlistLine); err != nil {
		return err
	}
	bl, err := aix.ParseBootlist(out)
	if err != nil {
		return err
	}
	g.list = bl.Devices()
	if out, err = g.read(ctx, g.h.Name, oslevelLine); err != nil {
		return err
	}
	lvl, err := aix.ParseOslevel(out)
	if err != nil {
		return err
	}
	g.level = lvl.String()
	g.busy, err = nimadm.Busy(ctx, g.o.Runner, g.h, g.o.CommandTimeout)
	return err
}

func (g *guard) found() []string {
	var out []string
	for _, vg := range []string{"rootvg", "altinst_rootvg", "old_rootvg"} {
		if ds := diskNames(g.pvs.InVG(vg)); len(ds) > 0 {
			out = append(out, vg+" on "+strings.Join(ds, " "))
		}
	}
	return append(out, "booted from "+g.boot, "bootlist "+strings.Join(g.list, " "), "oslevel -s "+g.level)
}

// checkClone confirms a before-reboot rollback: no clone left, the
// bootlist on the running rootvg.
func (g *guard) checkClone(ctx context.Context, alt, root []string) (ok, failed string) {
	if err := g.gather(ctx); err != nil {
		return "", "facts after the rollback: " + err.Error()
	}
	var probs []string
	for _, d := range alt {
		if pv, _ := g.pvs.Get(d); pv.VG != "" {
			probs = append(probs, fmt.Sprintf("%s is still in %s", d, pv.VG))
		}
	}
	if len(g.list) == 0 || !contains(root, g.list[0]) {
		probs = append(probs, fmt.Sprintf("the bootlist is %v, not the rootvg disk", g.list))
	}
	if len(probs) > 0 {
		return "", strings.Join(probs, "; ")
	}
	return fmt.Sprintf("altinst_rootvg removed from %s; bootlist %s; running %s", strings.Join(alt, " "), strings.Join(g.list, " "), g.level), ""
}

// checkBoot waits for the client to come back from its old disk and
// checks its level.
func (g *guard) checkBoot(ctx context.Context, old []string, want string) (ok, failed string) {
	deadline := g.o.Clock.Now().Add(g.o.BootTimeout)
	var last error
	for ctx.Err() == nil {
		err := g.gather(ctx)
		if err == nil && contains(old, g.boot) {
			break
		}
		if err != nil {
			last = err
		}
		if g.o.Clock.Now().After(deadline) {
			why := fmt.Sprintf("booted from %s", g.boot)
			if last != nil {
				why = last.Error()
			}
			return "", fmt.Sprintf("the client did not come back from %s within %v: %s", strings.Join(old, " "), g.o.BootTimeout, why)
		}
		if g.o.Clock.Sleep(ctx, g.o.PollInterval) != nil {
			return "", "interrupted while waiting for the reboot"
		}
	}
	if ctx.Err() != nil {
		return "", "interrupted while waiting for the reboot"
	}
	if want != "" && g.level != want {
		return "", fmt.Sprintf("booted from %s, but oslevel -s is %s, want %s", g.boot, g.level, want)
	}
	return fmt.Sprintf("booted from %s; oslevel -s %s", g.boot, g.level), ""
}

// originalLevel returns the level the host had when its last migration
// was planned (from the run's plan snapshot), "" if unknown.
func originalLevel(j journal.Journal, hs journal.HostState) string {
	a := hs.Current()
	if a == nil {
		return ""
	}
	r, err := j.Run(a.Run)
	if err != nil {
		return ""
	}
	var p Plan
	if json.Unmarshal(r.Plan, &p) != nil {
		return ""
	}
	if hp := p.Host(hs.Host); hp != nil {
		return hp.Level
	}
	return ""
}

func uniqueRun(j journal.Journal, id string) string {
	runs, err := j.Runs()
	if err != nil {
		return id
	}
	taken := map[string]bool{}
	for _, r := range runs {
		taken[r.ID] = true
	}
	base := id
	for i := 2; taken[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	return id
}

func diskNames(pvs aix.PVs) []string {
	var out []string
	for _, p := range pvs {
		out = append(out, p.Name)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
