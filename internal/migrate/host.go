package migrate

// The per-host driver. Each step reads the host's state from the journal,
// acts, and records the new state before the next step; a controller that
// dies anywhere resumes at the step the journal names. The rules that
// keep a client from being migrated twice:
//
//   - an attempt is journaled before nimadm is launched, its pid right
//     after; a resumed controller that finds an attempt without a pid
//     reads the pid file, then looks for the client's nimadm in ps -ef,
//     then for the exit-status file, and only when none exists records the
//     attempt as never launched and starts another;
//   - nimadm.Start itself refuses while any nimadm for the client runs;
//   - a new attempt after a finished one needs a recorded failure, a
//     diagnosis with a safe fix, the fix applied, and a clean client (no
//     altinst_rootvg left, no nimadm running).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/nimadm"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Attempt outcomes recorded in the journal besides nimadm's results
// (succeeded, failed, stalled, overdue, lost).
const (
	// outcomeNotLaunched: the attempt was journaled but nimadm never
	// started (the controller stopped in between, or the launch failed).
	outcomeNotLaunched = "not_launched"
	// outcomeBusy: another nimadm for the client was running.
	outcomeBusy = "busy"
)

// errGiveUp stops driving a host without an error: its master or client
// stopped answering for longer than the policy allows; the journal says
// where it stands.
var errGiveUp = errors.New("gave up following the host")

// worker drives one host.
type worker struct {
	m  *Orchestrator
	h  *inventory.Host
	hp *HostPlan
	// slot reports the end of the host's nimadm work to the scheduler;
	// nil when the worker holds no slot.
	slot     func(sched.Result)
	released bool
	// trouble is when remote commands started failing (zero: they work).
	trouble time.Time
	noted   bool
	fatal   error
	// launchTries counts launches that failed on the transport in a row
	// (the command never reached the master, or the link dropped and
	// nothing was found running afterwards).
	launchTries int
}

// maxLaunchTries is how many launches in a row may fail on the transport
// before the host is failed: a master that answers the probes but never
// takes the launch is not a passing glitch.
const maxLaunchTries = 5

func (w *worker) release(r sched.Result) {
	if w.slot != nil && !w.released {
		w.released = true
		w.slot(r)
	}
}

func (w *worker) name() string { return w.h.Name }

func (w *worker) run(ctx context.Context) error {
	defer w.m.setInactive(w.name())
	err := w.steps(ctx)
	switch {
	case ctx.Err() != nil:
		return nil // interrupted: the journal says where the host is
	case errors.Is(err, errGiveUp):
		w.release(sched.Result{Failed: true, Signature: "unreachable"})
		return nil
	case err != nil:
		return fmt.Errorf("host %s: %w", w.name(), err)
	}
	return nil
}

func (w *worker) steps(ctx context.Context) error {
	m := w.m
	for ctx.Err() == nil {
		hs, err := m.hostState(w.name())
		if err != nil {
			return err
		}
		switch hs.State {
		case journal.StatePlanned, journal.StateRetrying:
			err = m.setState(w.name(), journal.StateStarting, "")
		case journal.StateStarting:
			err = w.start(ctx, hs)
		case journal.StateRunning:
			err = w.follow(ctx, hs)
		case journal.StateFixing:
			err = w.fixAfterFailure(ctx, hs)
		case journal.StateFailed:
			if m.wantsRetry(hs) {
				fix, _ := FixForRule(hs.Current().Diagnosis.Rule)
				err = m.setState(w.name(), journal.StateFixing, fmt.Sprintf("applying %s after %s", fix, hs.Current().Diagnosis.Rule))
				break
			}
			sig := "unknown"
			if hs.Diagnosis != nil {
				sig = hs.Diagnosis.Signature
			}
			w.release(sched.Result{Failed: true, Signature: sig})
			return nil
		case journal.StateSucceeded:
			w.release(sched.Result{})
			err = w.afterSuccess(ctx)
		case journal.StateRebooting:
			w.release(sched.Result{})
			err = w.rebooting(ctx)
		case journal.StateVerifying:
			w.release(sched.Result{})
			err = w.verifying(ctx)
		case journal.StateVerified:
			w.release(sched.Result{})
			return nil
		default: // excluded, stopped, rolled_back: nothing to do
			w.release(sched.Result{Failed: hs.State != journal.StateExcluded, Signature: string(hs.State)})
			return nil
		}
		if err == nil {
			err = w.fatal
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// transient handles a remote command that failed: while the failures
// last less than limit, it notes the trouble once, waits one poll interval
// and returns nil (the caller tries again); afterwards errGiveUp.
func (w *worker) transient(ctx context.Context, what string, err error, limit time.Duration) error {
	now := w.m.clock.Now()
	if w.trouble.IsZero() {
		w.trouble = now
	}
	if !w.noted {
		w.noted = true
		if nerr := w.m.note(w.name(), "%s: %v; trying again every %v", what, err, w.m.o.PollInterval); nerr != nil {
			return nerr
		}
	}
	if now.Sub(w.trouble) > limit {
		if nerr := w.m.note(w.name(), "%s: no answer for %v; giving up for now (the journal keeps the state; resume takes over)", what, now.Sub(w.trouble).Round(time.Second)); nerr != nil {
			return nerr
		}
		return errGiveUp
	}
	if err := w.m.clock.Sleep(ctx, w.m.o.PollInterval); err != nil {
		return nil // ctx done: the loop ends
	}
	return nil
}

func (w *worker) healthy() { w.trouble, w.noted = time.Time{}, false }

// followLimit is how long a nimadm's master may stay unreachable before
// the controller stops following it.
func (w *worker) followLimit() time.Duration {
	if d := w.m.plan.Schedule.Policy.HostDeadline; d > 0 {
		return d
	}
	return sched.DefaultHostDeadline
}

// jobOptions are the nimadm options of attempt n of run runID.
func (w *worker) jobOptions(runID string, n int) nimadm.Options {
	m := w.m
	p := m.plan.Schedule.Policy
	return nimadm.Options{RunID: runID, Attempt: n, Dir: m.o.RemoteDir, Now: m.clock.Now, Interval: m.o.PollInterval,
		Sleep: m.clock.Sleep, ProgressDeadline: p.ProgressDeadline, HostDeadline: p.HostDeadline, Model: m.model,
		Workload: w.workload(), OnEvent: w.onEvent, Timeout: m.o.CommandTimeout}
}

func (w *worker) workload() nimadm.Workload {
	return nimadm.Workload{RootvgUsedMB: w.hp.RootvgUsedMB, Cache: w.h.CacheVG != ""}
}

// onEvent journals the phases nimadm's log shows, each with the log
// offset after its banner (where a resumed follower continues).
func (w *worker) onEvent(e nimadm.Event) {
	if e.Kind != nimadm.EventPhase || w.fatal != nil {
		return
	}
	err := w.m.record(journal.Event{Kind: journal.KindPhase, Host: w.name(), Phase: e.Phase, Time: e.At})
	if err == nil {
		err = w.m.record(journal.Event{Kind: journal.KindOffset, Host: w.name(), Offset: e.Offset, Time: e.At})
	}
	if err != nil && !errors.Is(err, journal.ErrInvalid) {
		w.fatal = err
	}
	w.m.setPhase(w.name(), e.Phase, e.At)
}

func (w *worker) filesOf(a *journal.Attempt) (nimadm.Files, error) {
	f, err := nimadm.FilesFor(w.h, w.m.o.RemoteDir, a.Run, a.N)
	if err != nil {
		return f, err
	}
	if f.Log != a.Log {
		base := strings.TrimSuffix(a.Log, ".log")
		f = nimadm.Files{Dir: filepath.Dir(a.Log), Log: a.Log, RC: base + ".rc", PID: base + ".pid"}
	}
	return f, nil
}

// start launches a new attempt, or sorts out an attempt a controller left
// without a pid.
func (w *worker) start(ctx context.Context, hs journal.HostState) error {
	m := w.m
	if a := hs.Current(); a != nil && a.Outcome == "" {
		return w.recoverLaunch(ctx, a, nil)
	}
	n := 1
	if a := hs.Current(); a != nil {
		n = a.N + 1
	}
	files, err := nimadm.FilesFor(w.h, m.o.RemoteDir, m.runID, n)
	if err != nil {
		return err
	}
	if err := m.record(journal.Event{Kind: journal.KindAttempt, Host: w.name(), Attempt: n, Master: w.h.Master.Name, Log: files.Log}); err != nil {
		return err
	}
	now := m.clock.Now()
	m.setActive(w.name(), journal.StateStarting, n, now, w.workload())
	job, err := nimadm.Start(ctx, m.o.Runner, w.h, w.jobOptions(m.runID, n))
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		var be *nimadm.BusyError
		if errors.As(err, &be) {
			if err := m.record(journal.Event{Kind: journal.KindExit, Host: w.name(), Outcome: outcomeBusy, Detail: clip(err.Error())}); err != nil {
				return err
			}
			return w.failWith("", "nimadm-busy", nil, fmt.Sprintf("not started: a nimadm for the client is already running on %s (pid %v), not started by this run", w.h.Master.Name, be.PIDs))
		}
		hs, herr := m.hostState(w.name())
		if herr != nil {
			return herr
		}
		return w.recoverLaunch(ctx, hs.Current(), err)
	}
	w.launchTries = 0
	if err := m.record(journal.Event{Kind: journal.KindLaunched, Host: w.name(), PID: job.Handle().PID}); err != nil {
		return err
	}
	return m.setState(w.name(), journal.StateRunning, fmt.Sprintf("nimadm attempt %d on %s, pid %d", n, w.h.Master.Name, job.Handle().PID))
}

// recoverLaunch finds out whether attempt a (journaled, no pid) was
// launched: from its pid file, from ps -ef on the master, from its
// exit-status file. launchErr is the error of a launch this controller
// tried (nil on resume).
func (w *worker) recoverLaunch(ctx context.Context, a *journal.Attempt, launchErr error) error {
	m := w.m
	if a.Launched {
		return m.setState(w.name(), journal.StateRunning, fmt.Sprintf("nimadm attempt %d on %s, %s", a.N, a.Master, pidText(a.PID)))
	}
	files, err := w.filesOf(a)
	if err != nil {
		return err
	}
	master := a.Master
	pid, ok, err := nimadm.RecoverPID(ctx, m.o.Runner, master, files)
	if err != nil {
		return w.transient(ctx, "read the pid file on "+master, err, w.followLimit())
	}
	launched := func(pid int, how string) error {
		if err := m.record(journal.Event{Kind: journal.KindLaunched, Host: w.name(), PID: pid, Detail: how}); err != nil {
			return err
		}
		return m.setState(w.name(), journal.StateRunning, fmt.Sprintf("nimadm attempt %d on %s, %s (%s)", a.N, master, pidText(pid), how))
	}
	if ok {
		return launched(pid, "pid read from "+files.PID)
	}
	busy, err := nimadm.Busy(ctx, m.o.Runner, w.h, m.o.CommandTimeout)
	if err != nil {
		return w.transient(ctx, "list processes on "+master, err, w.followLimit())
	}
	if len(busy) > 0 {
		return launched(busy[0], "pid file missing; following the client's nimadm found in ps -ef")
	}
	res, err := m.o.Runner.Run(ctx, transport.Command{Host: master, Line: nimadm.CatLine(files.RC), Timeout: m.o.CommandTimeout})
	if err != nil {
		return w.transient(ctx, "read the exit-status file on "+master, err, w.followLimit())
	}
	w.healthy()
	if res.OK() && strings.TrimSpace(string(res.Stdout)) != "" {
		// The run was launched and has ended, but the launch was cut off
		// before its pid file was written. Its log and exit-status file
		// are named for this run and attempt, so they are its own:
		// follow it with no pid, and its outcome is read from them.
		return launched(0, "the run had ended before its pid file was written: its outcome comes from "+files.RC+" and its log")
	}
	detail := "the controller stopped before launching it"
	if launchErr != nil {
		detail = "launch failed: " + launchErr.Error()
	}
	if err := m.record(journal.Event{Kind: journal.KindExit, Host: w.name(), Outcome: outcomeNotLaunched, Detail: clip(detail)}); err != nil {
		return err
	}
	if launchErr == nil {
		return nil // still starting: the next step launches a new attempt
	}
	if transport.IsTransient(launchErr) && w.launchTries < maxLaunchTries {
		// The master dropped or refused the launch and nothing of it
		// runs there: wait like for any unreachable master, then the
		// next step launches a new attempt (not_launched attempts do not
		// count as runs).
		w.launchTries++
		return w.transient(ctx, "start nimadm on "+master, launchErr, w.followLimit())
	}
	return w.failWith("", "start-failed", nil, "could not start nimadm on "+master+": "+launchErr.Error())
}

// pidText names a journaled pid; 0 is a launch whose pid was never learnt.
func pidText(pid int) string {
	if pid == 0 {
		return "pid unknown"
	}
	return fmt.Sprintf("pid %d", pid)
}

// follow re-attaches to the running attempt and follows it to its end.
func (w *worker) follow(ctx context.Context, hs journal.HostState) error {
	m := w.m
	a := hs.Current()
	if a == nil {
		return fmt.Errorf("running without an attempt")
	}
	if a.Outcome != "" {
		return w.afterExit(ctx, hs, a)
	}
	files, err := w.filesOf(a)
	if err != nil {
		return err
	}
	var marks []nimadm.PhaseStart
	for _, p := range a.Phases {
		marks = append(marks, nimadm.PhaseStart{Phase: p.N, At: p.At})
	}
	m.setActive(w.name(), journal.StateRunning, a.N, a.Started, w.workload())
	if n := len(marks); n > 0 {
		m.setPhase(w.name(), marks[n-1].Phase, marks[n-1].At)
	}
	h := nimadm.Handle{Master: a.Master, Files: files, PID: a.PID, Started: a.Started,
		Tracker: nimadm.TrackerState{Offset: a.Offset, Phases: marks}}
	job := nimadm.Attach(m.o.Runner, w.h, h, w.jobOptions(a.Run, a.N))
	out, err := job.Wait(ctx)
	if w.fatal != nil {
		return w.fatal
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return w.transient(ctx, "follow nimadm on "+a.Master, err, w.followLimit())
	}
	w.healthy()
	switch out.Result {
	case nimadm.Succeeded:
		w.saveLog(a.N, out.Log)
		code := 0
		if err := m.record(journal.Event{Kind: journal.KindExit, Host: w.name(), Outcome: string(out.Result), Exit: &code, Phase: out.Phase}); err != nil {
			return err
		}
		return m.setState(w.name(), journal.StateSucceeded, fmt.Sprintf("nimadm ended with phase 12 after %v", out.Duration.Round(time.Second)))
	case nimadm.Stalled, nimadm.Overdue:
		return w.stop(ctx, job, a, out)
	}
	w.saveLog(a.N, out.Log)
	var exit *int
	if out.ExitCode >= 0 {
		exit = &out.ExitCode
	}
	if err := m.record(journal.Event{Kind: journal.KindExit, Host: w.name(), Outcome: string(out.Result), Exit: exit, Phase: out.Phase, Detail: clip(out.Fatal)}); err != nil {
		return err
	}
	return w.diagnoseAndFail(ctx, a.N, out.Log, out)
}

// stop kills a stalled or overdue run, waits for it to end, cleans up
// with nimadm -C and fails the host.
func (w *worker) stop(ctx context.Context, job *nimadm.Job, a *journal.Attempt, out nimadm.Outcome) error {
	m := w.m
	silent := job.Tracker().Progress(m.clock.Now()).Silent
	why := fmt.Sprintf("no output for %v in phase %d", silent.Round(time.Second), out.Phase)
	if out.Result == nimadm.Overdue {
		why = fmt.Sprintf("still running after the host deadline %v, in phase %d", m.plan.Schedule.Policy.HostDeadline, out.Phase)
	}
	if err := m.note(w.name(), "nimadm %s: %s; killing it", out.Result, why); err != nil {
		return err
	}
	pids, kerr := job.Kill(ctx)
	exit := -1
	gone := false
	for i := 0; i < 10 && ctx.Err() == nil; i++ {
		st, err := job.Poll(ctx)
		if err == nil && (st.Exited || !st.Alive) {
			gone = true
			if st.Exited {
				exit = st.ExitCode
			}
			break
		}
		if err := m.clock.Sleep(ctx, m.o.PollInterval); err != nil {
			return nil
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	detail := fmt.Sprintf("%s; sent SIGTERM to %v", why, pids)
	if kerr != nil {
		detail += " (" + kerr.Error() + ")"
	}
	if gone {
		if res, err := nimadm.Cleanup(ctx, m.o.Runner, w.h, m.o.CommandTimeout); err != nil {
			detail += "; nimadm -C failed: " + err.Error()
		} else if !res.OK() {
			detail += fmt.Sprintf("; nimadm -C exit %d", res.ExitCode)
		} else {
			detail += "; cleaned up with nimadm -C"
		}
	} else {
		detail += "; the process did not end: clean up by hand (nimadm -C) once it has"
	}
	log, _ := job.FetchLog(ctx)
	w.saveLog(a.N, log)
	var ex *int
	if exit >= 0 {
		ex = &exit
	}
	if err := m.record(journal.Event{Kind: journal.KindExit, Host: w.name(), Outcome: string(out.Result), Exit: ex, Phase: out.Phase, Detail: clip(detail)}); err != nil {
		return err
	}
	out.ExitCode = exit
	return w.diagnoseAndFail(ctx, a.N, log, out)
}

// afterExit finishes an attempt whose exit is journaled but whose state
// is not (a controller stopped in between).
func (w *worker) afterExit(ctx context.Context, hs journal.HostState, a *journal.Attempt) error {
	m := w.m
	if a.Outcome == string(nimadm.Succeeded) {
		return m.setState(w.name(), journal.StateSucceeded, "nimadm ended with phase 12")
	}
	if a.Diagnosis != nil {
		return m.setState(w.name(), journal.StateFailed, failReason(a.Outcome, a.Phase(), a.Diagnosis.Rule, ""))
	}
	log, err := w.fetch(context.WithoutCancel(ctx), a.Master, a.Log)
	if err != nil {
		log = nil
	}
	code := -1
	if a.Exit != nil {
		code = *a.Exit
	}
	return w.diagnoseAndFail(ctx, a.N, log, nimadm.Outcome{Result: nimadm.Result(a.Outcome), ExitCode: code, Phase: a.Phase()})
}

// fetch reads a file on host.
func (w *worker) fetch(ctx context.Context, host, path string) ([]byte, error) {
	res, err := w.m.o.Runner.Run(ctx, transport.Command{Host: host, Line: nimadm.CatLine(path), Timeout: w.m.o.CommandTimeout, MaxOutput: 64 << 20})
	if err != nil {
		return nil, err
	}
	if !res.OK() {
		return nil, fmt.Errorf("cat %s: exit %d", path, res.ExitCode)
	}
	return res.Stdout, nil
}

// saveLog keeps an attempt's log beside the journal.
func (w *worker) saveLog(n int, log []byte) {
	if w.m.o.LogDir == "" || log == nil {
		return
	}
	if err := os.MkdirAll(w.m.o.LogDir, 0o700); err != nil {
		return
	}
	p := filepath.Join(w.m.o.LogDir, fmt.Sprintf("%s.%d.log", w.name(), n))
	tmp := p + ".tmp"
	if os.WriteFile(tmp, log, 0o600) == nil {
		os.Rename(tmp, p)
	}
}

// failWith records a diagnosis without a report (the failure happened
// before nimadm ran) and fails the host.
func (w *worker) failWith(rule, sig string, data []byte, reason string) error {
	if err := w.m.record(journal.Event{Kind: journal.KindDiagnosis, Host: w.name(), Rule: rule, Signature: sig, Data: data, Detail: clip(reason)}); err != nil {
		return err
	}
	return w.m.setState(w.name(), journal.StateFailed, reason)
}

// fixAfterFailure applies the fix of the current attempt's diagnosis,
// makes sure the failed run left nothing behind, and plans a retry.
func (w *worker) fixAfterFailure(ctx context.Context, hs journal.HostState) error {
	m := w.m
	a := hs.Current()
	if a == nil || a.Diagnosis == nil {
		return m.setState(w.name(), journal.StatePlanned, "nothing to fix")
	}
	rule := a.Diagnosis.Rule
	fix, why := FixForRule(rule)
	if fix == "" || !m.plan.AutoFix {
		return m.setState(w.name(), journal.StateFailed, fmt.Sprintf("%s: no automatic fix: %s", rule, why))
	}
	out, unreachable, err := m.applyFixes(ctx, []*inventory.Host{w.h}, []string{fix}, fmt.Sprintf("after %s (attempt %d)", rule, a.N))
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil
	}
	if p := out[w.name()]; p != "" && unreachable[w.name()] {
		// Not reached, nothing done: wait it out and fix again (the
		// fix re-checks the host first, so trying again is harmless).
		return w.transient(ctx, "apply "+fix, errors.New(p), w.followLimit())
	} else if p != "" {
		return m.setState(w.name(), journal.StateFailed, fmt.Sprintf("%s: %s not applied: %s", rule, fix, p))
	}
	if p, err := w.ensureClean(ctx); err != nil {
		switch {
		case ctx.Err() != nil:
			return nil // interrupted: fixing again on resume is harmless
		case transport.IsTransient(err):
			return w.transient(ctx, "make sure the failed run left nothing", err, w.followLimit())
		}
		return err
	} else if p != "" {
		return m.setState(w.name(), journal.StateFailed, fmt.Sprintf("%s: fixed with %s, but the client is not ready for another run: %s", rule, fix, p))
	}
	return m.setState(w.name(), journal.StatePlanned, fmt.Sprintf("fixed with %s after %s; nimadm runs again (run %d of %d)", fix, rule, m.attemptsThisRun(hs)+1, maxRuns))
}

// ensureClean checks, before another nimadm run, that no nimadm for the
// client runs and that the failed run left no altinst_rootvg on the
// target disks; if it did, it runs nimadm -C and checks again. It
// returns what is wrong ("" when clean).
func (w *worker) ensureClean(ctx context.Context) (string, error) {
	m := w.m
	// An interrupted controller or a master that cannot be reached says
	// nothing about the client: those are errors for the caller to wait
	// out, not problems that fail the host.
	failed := func(what string, err error) (string, error) {
		if ctx.Err() != nil || transport.IsTransient(err) {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		return "cannot " + what + ": " + err.Error(), nil
	}
	busy, err := nimadm.Busy(ctx, m.o.Runner, w.h, m.o.CommandTimeout)
	if err != nil {
		return failed("list processes on "+w.h.Master.Name, err)
	}
	if len(busy) > 0 {
		return fmt.Sprintf("a nimadm for the client still runs on %s (pid %v)", w.h.Master.Name, busy), nil
	}
	left, err := w.leftovers(ctx)
	if err != nil {
		return failed("read lspv on "+w.name(), err)
	}
	if left == "" {
		return "", nil
	}
	if err := m.note(w.name(), "the failed run left %s; running nimadm -C", left); err != nil {
		return "", err
	}
	res, err := nimadm.Cleanup(ctx, m.o.Runner, w.h, m.o.CommandTimeout)
	if err != nil {
		return failed("run nimadm -C for "+w.name(), err)
	}
	if left, err = w.leftovers(ctx); err != nil {
		return failed("read lspv on "+w.name(), err)
	}
	if left != "" {
		return fmt.Sprintf("after nimadm -C (exit %d) %s remains", res.ExitCode, left), nil
	}
	return "", nil
}

// leftovers says which target disks still carry a clone ("" if none).
func (w *worker) leftovers(ctx context.Context) (string, error) {
	pvs, err := w.m.lspv(ctx, w.h.Name)
	if err != nil {
		return "", err
	}
	var left []string
	for _, d := range w.h.Disks {
		if pv, ok := pvs.Get(d); ok && (pv.VG == "altinst_rootvg" || pv.VG == "old_rootvg") {
			left = append(left, d+" in "+pv.VG)
		}
	}
	return strings.Join(left, ", "), nil
}

// wantsRetry reports whether a failed host gets another nimadm run: the
// run's policy allows fixes, its last attempt of this run failed with a
// diagnosis that has a safe fix, the fix was not tried yet for it, and
// the host has runs left.
func (m *Orchestrator) wantsRetry(hs journal.HostState) bool {
	a := hs.Current()
	if !m.plan.AutoFix || a == nil || a.Run != m.runID || a.Outcome != string(nimadm.Failed) || a.Diagnosis == nil {
		return false
	}
	if fix, _ := FixForRule(a.Diagnosis.Rule); fix == "" {
		return false
	}
	if m.attemptsThisRun(hs) >= maxRuns {
		return false
	}
	return !m.fixTried(hs.Host, a.N)
}

// fixTried reports whether the host went into fixing after attempt n.
func (m *Orchestrator) fixTried(host string, n int) bool {
	seen := false
	for e, err := range m.j.Events(host) {
		if err != nil {
			return true // unreadable: do not risk a second fix loop
		}
		if e.Kind == journal.KindAttempt && e.Attempt == n {
			seen = true
		}
		if seen && e.Kind == journal.KindState && e.To == journal.StateFixing {
			return true
		}
	}
	return false
}

func failReason(outcome string, phase int, rule, title string) string {
	where := "before phase 1"
	if phase > 0 {
		where = fmt.Sprintf("in phase %d", phase)
	}
	s := fmt.Sprintf("nimadm %s %s", outcome, where)
	switch {
	case rule != "" && title != "":
		s += ": " + rule + " " + title
	case rule != "":
		s += ": " + rule
	default:
		s += ": cause unknown (see the diagnosis)"
	}
	return s
}

// setActive, setPhase and setInactive keep the live progress.
func (m *Orchestrator) setActive(host string, st journal.State, attempt int, started time.Time, wl nimadm.Workload) {
	m.mu.Lock()
	defer m.mu.Unlock()
	master := ""
	if h := m.o.Inventory.Host(host); h != nil && h.Master != nil {
		master = h.Master.Name
	}
	m.active[host] = &progressOf{HostProgress: HostProgress{Host: host, Master: master, State: st, Attempt: attempt, Started: started}, workload: wl}
}

func (m *Orchestrator) setPhase(host string, phase int, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a := m.active[host]; a != nil && phase > a.Phase {
		a.Phase, a.phaseAt = phase, at
	}
}

func (m *Orchestrator) setInactive(host string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.active, host)
}
