package nimadm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// ErrBusy: a nimadm is already running for the client; nimfleet never
// starts a second one.
var ErrBusy = errors.New("a nimadm is already running for the client")

// IsBusy reports whether err says the client already has a live nimadm.
func IsBusy(err error) bool { return errors.Is(err, ErrBusy) }

// BusyError names the live nimadm processes of a client. It wraps
// [ErrBusy].
type BusyError struct {
	Client string
	PIDs   []int
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("client %s: nimadm already running (pid %v)", e.Client, e.PIDs)
}

func (e *BusyError) Unwrap() error { return ErrBusy }

// Options configure a [Job].
type Options struct {
	// RunID and Attempt name the run's files on the master (see
	// FilesFor); Dir is their directory (DefaultDir when empty).
	RunID   string
	Attempt int
	Dir     string
	// Now is the controller's clock; nil means time.Now.
	Now func() time.Time
	// Interval is the time between polls in Wait; 0 means one minute
	// (IBM's role polls every 60 s).
	Interval time.Duration
	// Sleep waits d or until ctx is done; nil means a real timer. Tests
	// inject one that advances a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// ProgressDeadline and HostDeadline: see sched.Policy. 0 disables.
	ProgressDeadline, HostDeadline time.Duration
	// Model and Workload drive the ETA and the stall allowance.
	Model    Model
	Workload Workload
	// OnEvent, when set, receives every tracker event as Wait or Poll
	// sees it (the orchestrator journals phases and checkpoints).
	OnEvent func(Event)
	// Timeout bounds each remote command; 0 means the runner's default.
	Timeout time.Duration
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Options) interval() time.Duration {
	if o.Interval > 0 {
		return o.Interval
	}
	return time.Minute
}

func (o *Options) sleep(ctx context.Context, d time.Duration) error {
	if o.Sleep != nil {
		return o.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Handle is what identifies a detached run on its master: enough to
// follow it again from another process. Persist it (the journal's attempt
// and launched events, plus the tracker state) before relying on it.
type Handle struct {
	Master string // inventory name of the master
	Files  Files
	// PID is the detached shell's pid; 0 when the controller crashed
	// before learning it (RecoverPID reads it from Files.PID).
	PID     int
	Started time.Time
	// Tracker is the tracking state to resume from (zero: from the start).
	Tracker TrackerState
}

// Job is one detached nimadm run of one client, followed by polling its
// master. It is the per-host state machine of a migration without any
// scheduling. A Job is not safe for concurrent use; one goroutine follows
// it.
type Job struct {
	r       transport.Runner
	client  *inventory.Host
	o       Options
	h       Handle
	tracker *Tracker
}

// Busy lists the live nimadm processes for client h on its master (any
// mode: a migration or a -C cleanup, started by nimfleet or by hand),
// from `ps -ef`.
func Busy(ctx context.Context, r transport.Runner, h *inventory.Host, timeout time.Duration) ([]int, error) {
	if h.Master == nil {
		return nil, fmt.Errorf("client %s: no master", h.Name)
	}
	res, err := r.Run(ctx, transport.Command{Host: h.Master.Name, Line: PsLine, Timeout: timeout})
	if err != nil {
		return nil, fmt.Errorf("list processes on %s: %w", h.Master.Name, err)
	}
	if !res.OK() {
		return nil, fmt.Errorf("list processes on %s: ps exit %d: %s", h.Master.Name, res.ExitCode, strings.TrimSpace(string(res.Stderr)))
	}
	ps, err := aix.ParsePs(res.Stdout)
	if err != nil {
		return nil, fmt.Errorf("list processes on %s: %w", h.Master.Name, err)
	}
	var pids []int
	for _, p := range ps.ByCommand("nimadm") {
		f := strings.Fields(p.Cmd)
		for i := 1; i+1 < len(f); i++ {
			if f[i] == "-c" && f[i+1] == h.NIMName {
				pids = append(pids, p.PID)
				break
			}
		}
	}
	return pids, nil
}

// Start launches the migration of client h detached on its master and
// returns the job. It refuses with a [BusyError] when a nimadm for the
// client is alive. Journal the attempt (master, o's files) before calling
// Start, and the pid (Job.Handle().PID) right after.
func Start(ctx context.Context, r transport.Runner, h *inventory.Host, o Options) (*Job, error) {
	if h.Master == nil {
		return nil, fmt.Errorf("start nimadm for %s: no master", h.Name)
	}
	files, err := FilesFor(h, o.Dir, o.RunID, o.Attempt)
	if err != nil {
		return nil, err
	}
	line, err := StartLine(h, files)
	if err != nil {
		return nil, err
	}
	busy, err := Busy(ctx, r, h, o.Timeout)
	if err != nil {
		return nil, fmt.Errorf("start nimadm for %s: %w", h.Name, err)
	}
	if len(busy) > 0 {
		return nil, &BusyError{Client: h.Name, PIDs: busy}
	}
	started := o.now()
	res, err := r.Run(ctx, transport.Command{Host: h.Master.Name, Line: line, Mutates: true, Timeout: o.Timeout})
	if err != nil {
		return nil, fmt.Errorf("start nimadm for %s on %s: %w", h.Name, h.Master.Name, err)
	}
	if !res.OK() {
		return nil, fmt.Errorf("start nimadm for %s on %s: exit %d: %s", h.Name, h.Master.Name, res.ExitCode, strings.TrimSpace(string(res.Stderr)))
	}
	pid, err := ParsePID(res.Stdout)
	if err != nil {
		return nil, fmt.Errorf("start nimadm for %s on %s: %w", h.Name, h.Master.Name, err)
	}
	return Attach(r, h, Handle{Master: h.Master.Name, Files: files, PID: pid, Started: started}, o), nil
}

// Attach follows a run started earlier (by this process or another, as
// recorded in the journal): polling continues at h.Tracker.Offset, and
// phases already seen are not reported again.
func Attach(r transport.Runner, client *inventory.Host, h Handle, o Options) *Job {
	ts := h.Tracker
	t := NewTracker(TrackerOptions{Started: h.Started, ProgressDeadline: o.ProgressDeadline, Model: o.Model, Workload: o.Workload, Resume: &ts})
	// Silence is counted from the moment we attach, not from the crash
	// that made us attach.
	t.lastProgress = o.now()
	h.Tracker = TrackerState{}
	return &Job{r: r, client: client, o: o, h: h, tracker: t}
}

// RecoverPID reads the pid file of files on master, for a controller that
// crashed between the launch and journaling the pid. ok is false when the
// file does not exist (the launch did not happen).
func RecoverPID(ctx context.Context, r transport.Runner, master string, files Files) (pid int, ok bool, err error) {
	res, err := r.Run(ctx, transport.Command{Host: master, Line: CatLine(files.PID)})
	if err != nil {
		return 0, false, fmt.Errorf("read %s on %s: %w", files.PID, master, err)
	}
	if !res.OK() {
		return 0, false, nil
	}
	pid, err = ParsePID(res.Stdout)
	if err != nil {
		return 0, false, fmt.Errorf("read %s on %s: %w", files.PID, master, err)
	}
	return pid, true, nil
}

// Handle returns the job's handle with the current tracker state.
func (j *Job) Handle() Handle {
	h := j.h
	h.Tracker = j.tracker.State()
	return h
}

// Tracker returns the job's tracker (phase, messages, ETA).
func (j *Job) Tracker() *Tracker { return j.tracker }

// Status is the result of one poll.
type Status struct {
	Alive    bool
	Exited   bool
	ExitCode int
	// Events are the tracker events of the new output.
	Events []Event
	// NewBytes is how much log arrived.
	NewBytes int
}

// Poll checks the run once (one remote command): liveness, exit status,
// new log output. Errors are transport errors (the run itself is not
// affected; poll again later) and unparseable output.
func (j *Job) Poll(ctx context.Context) (Status, error) {
	line := PollLine(j.h.Files, j.h.PID, j.tracker.ReadOffset())
	res, err := j.r.Run(ctx, transport.Command{Host: j.h.Master, Line: line, Timeout: j.o.Timeout, MaxOutput: 64 << 20})
	if err != nil {
		return Status{}, fmt.Errorf("poll nimadm for %s on %s: %w", j.client.Name, j.h.Master, err)
	}
	pr, err := ParsePoll(res.Stdout)
	if err != nil {
		return Status{}, fmt.Errorf("poll nimadm for %s on %s: %w", j.client.Name, j.h.Master, err)
	}
	now := j.o.now()
	st := Status{Alive: pr.Alive, Exited: pr.Exited, ExitCode: pr.ExitCode, NewBytes: len(pr.Log)}
	st.Events = j.tracker.Feed(now, pr.Log)
	if pr.Exited || !pr.Alive {
		// The log is complete: a last line without a newline counts.
		st.Events = append(st.Events, j.tracker.Flush(now)...)
	}
	if j.o.OnEvent != nil {
		for _, e := range st.Events {
			j.o.OnEvent(e)
		}
	}
	return st, nil
}

// Result is the verdict on a run.
type Result string

// Results.
const (
	// Succeeded: exit status 0 and the log shows phase 12 without error.
	Succeeded Result = "succeeded"
	// Failed: nimadm ended with a non-zero status (or 0 without reaching
	// phase 12).
	Failed Result = "failed"
	// Stalled: the run is alive but printed nothing for the progress
	// deadline. It is still running: Kill it, then Cleanup.
	Stalled Result = "stalled"
	// Overdue: the run is alive past the host deadline. Still running.
	Overdue Result = "overdue"
	// Lost: the process is gone without an exit status (killed, or the
	// master rebooted).
	Lost Result = "lost"
)

// Outcome is how a followed run ended (or why following stopped).
type Outcome struct {
	Result Result
	// ExitCode is nimadm's exit status, -1 when unknown.
	ExitCode int
	// Phase is the last phase seen; Phases all of them.
	Phase  int
	Phases []PhaseStart
	// Signature identifies a failure (see Tracker.Signature); Fatal is
	// nimadm's own error line, empty if none.
	Signature string
	Fatal     string
	Messages  []Message
	// Log is the full log, fetched at the end for diagnosis (nil for
	// Stalled and Overdue, which are still running; see FetchLog).
	Log []byte
	// Duration is from the start to the verdict.
	Duration time.Duration
}

// Wait polls every Interval until the run ends, stalls or overruns the
// host deadline, and returns the outcome. Transient transport errors
// (connection lost, unreachable, timeout) are retried at the next poll;
// Wait gives up with the error when polls have failed for longer than
// max(ProgressDeadline, 3 intervals) — the run goes on, and a later
// Attach resumes it. A cancelled ctx returns its error; the run goes on.
func (j *Job) Wait(ctx context.Context) (Outcome, error) { return j.wait(ctx, true) }

// WaitExit is Wait without the stall and deadline verdicts: after Kill,
// it polls until the process is gone and returns Failed (with the exit
// status the shell recorded) or Lost.
func (j *Job) WaitExit(ctx context.Context) (Outcome, error) { return j.wait(ctx, false) }

func (j *Job) wait(ctx context.Context, verdicts bool) (Outcome, error) {
	lastOK := j.o.now()
	for {
		st, err := j.Poll(ctx)
		now := j.o.now()
		switch {
		case err != nil && ctx.Err() != nil:
			return Outcome{}, ctx.Err()
		case err != nil && !retryable(err):
			return Outcome{}, err
		case err != nil:
			if now.Sub(lastOK) > max(j.o.ProgressDeadline, 3*j.o.interval()) {
				return Outcome{}, fmt.Errorf("nimadm for %s: no successful poll since %s: %w", j.client.Name, lastOK.Format(time.RFC3339), err)
			}
		default:
			lastOK = now
			if st.Exited || !st.Alive {
				return j.finish(ctx, st, now)
			}
			if !verdicts {
				break
			}
			if j.o.HostDeadline > 0 && now.Sub(j.h.Started) > j.o.HostDeadline {
				return j.outcome(Overdue, -1, nil, now), nil
			}
			if stalled, _ := j.tracker.Stalled(now); stalled {
				return j.outcome(Stalled, -1, nil, now), nil
			}
		}
		if err := j.o.sleep(ctx, j.o.interval()); err != nil {
			return Outcome{}, err
		}
	}
}

func retryable(err error) bool {
	return transport.IsTransient(err) || errors.Is(err, transport.ErrTimeout)
}

func (j *Job) finish(ctx context.Context, st Status, now time.Time) (Outcome, error) {
	log, err := j.FetchLog(ctx)
	if err != nil {
		return Outcome{}, err
	}
	switch {
	case !st.Exited:
		return j.outcome(Lost, -1, log, now), nil
	case st.ExitCode == 0 && j.tracker.Completed():
		return j.outcome(Succeeded, 0, log, now), nil
	}
	return j.outcome(Failed, st.ExitCode, log, now), nil
}

func (j *Job) outcome(r Result, code int, log []byte, now time.Time) Outcome {
	o := Outcome{Result: r, ExitCode: code, Phase: j.tracker.Phase(), Phases: j.tracker.Phases(),
		Messages: j.tracker.Messages(), Log: log, Duration: now.Sub(j.h.Started)}
	if r != Succeeded {
		o.Signature = j.tracker.Signature()
	}
	if f := j.tracker.Fatal(); f != nil {
		o.Fatal = f.Line
	}
	return o
}

// FetchLog reads the whole log (for diagnosis).
func (j *Job) FetchLog(ctx context.Context) ([]byte, error) {
	res, err := j.r.Run(ctx, transport.Command{Host: j.h.Master, Line: CatLine(j.h.Files.Log), Timeout: j.o.Timeout, MaxOutput: 64 << 20})
	if err != nil {
		return nil, fmt.Errorf("fetch nimadm log of %s from %s: %w", j.client.Name, j.h.Master, err)
	}
	if !res.OK() {
		return nil, fmt.Errorf("fetch nimadm log of %s from %s: cat exit %d: %s", j.client.Name, j.h.Master, res.ExitCode, strings.TrimSpace(string(res.Stderr)))
	}
	return res.Stdout, nil
}

// Kill stops the run: it sends SIGTERM to the client's nimadm processes
// (on AIX the child of the detached shell, which then records nimadm's
// exit status) and to the detached shell if no nimadm is found. It
// returns the pids signalled. Poll afterwards to see the run end.
func (j *Job) Kill(ctx context.Context) ([]int, error) {
	pids, err := Busy(ctx, j.r, j.client, j.o.Timeout)
	if err != nil {
		return nil, fmt.Errorf("kill nimadm of %s: %w", j.client.Name, err)
	}
	if len(pids) == 0 {
		if j.h.PID == 0 {
			return nil, nil
		}
		pids = []int{j.h.PID}
	}
	slices.Sort(pids)
	res, err := j.r.Run(ctx, transport.Command{Host: j.h.Master, Line: KillLine(pids...), Mutates: true, Timeout: j.o.Timeout})
	if err != nil {
		return nil, fmt.Errorf("kill nimadm of %s on %s: %w", j.client.Name, j.h.Master, err)
	}
	if !res.OK() {
		// A process that ended meanwhile is fine; the next poll tells.
		return pids, fmt.Errorf("kill nimadm of %s on %s: exit %d: %s", j.client.Name, j.h.Master, res.ExitCode, strings.TrimSpace(string(res.Stderr)))
	}
	return pids, nil
}

// Cleanup runs `nimadm -C` for the client on its master, after a killed
// or lost run. It refuses while a nimadm for the client is alive.
func Cleanup(ctx context.Context, r transport.Runner, h *inventory.Host, timeout time.Duration) (transport.Result, error) {
	line, err := CleanupCommand(h)
	if err != nil {
		return transport.Result{}, err
	}
	busy, err := Busy(ctx, r, h, timeout)
	if err != nil {
		return transport.Result{}, fmt.Errorf("nimadm cleanup for %s: %w", h.Name, err)
	}
	if len(busy) > 0 {
		return transport.Result{}, &BusyError{Client: h.Name, PIDs: busy}
	}
	res, err := r.Run(ctx, transport.Command{Host: h.Master.Name, Line: "LC_ALL=C " + line, Mutates: true, Timeout: timeout})
	if err != nil {
		return res, fmt.Errorf("nimadm cleanup for %s on %s: %w", h.Name, h.Master.Name, err)
	}
	return res, nil
}
