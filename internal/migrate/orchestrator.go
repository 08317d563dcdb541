package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/diag"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/nimadm"
	"github.com/nimfleet/nimfleet/internal/remediate"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Errors of Run and Resume that the CLI maps to hints.
var (
	// ErrOpenRun: Run found a run that has not ended (interrupted,
	// crashed or paused): resume it instead.
	ErrOpenRun = errors.New("a migration run is still open")
	// ErrNoOpenRun: Resume found no run to resume.
	ErrNoOpenRun = errors.New("no open migration run to resume")
	// ErrInventoryChanged: Resume found the inventory changed since the
	// run started.
	ErrInventoryChanged = errors.New("the inventory changed since the run started")
)

// Defaults of [Options].
const (
	// DefaultPollInterval is the time between two polls of a running
	// nimadm (one remote command each).
	DefaultPollInterval = 30 * time.Second
	// DefaultBootTimeout is how long a rebooted client may take to answer
	// again.
	DefaultBootTimeout = 30 * time.Minute
	// DefaultCommandTimeout bounds one remote command (real time).
	DefaultCommandTimeout = 5 * time.Minute
	// maxRuns is how many nimadm runs one host gets per migration run:
	// the first, and one retry after a fix.
	maxRuns = 2
)

// Options configure an [Orchestrator].
type Options struct {
	// Inventory is the resolved inventory (required); InventoryHash its
	// file's SHA-256, kept with the run so that resume can refuse a
	// changed inventory ("" disables the check).
	Inventory     *inventory.Inventory
	InventoryHash string
	// Hosts are the selected clients (a master stands for its clients);
	// nil means every client. Resume takes the plan's hosts instead.
	Hosts []*inventory.Host
	// Runner reaches the fleet (required): the audited runner of package
	// connect. Every command, read-only or not, goes through it.
	Runner transport.Runner
	// Journal records the run (required) and holds its lock.
	Journal journal.Journal
	// Policy is the rollout policy of a new run (resume uses the one
	// recorded with the run).
	Policy sched.Policy
	// AutoFix applies safe fixes before nimadm (preflight blockers with a
	// FIX- action) and after a diagnosed failure (see [FixForRule]), then
	// retries once. Resume uses the run's setting.
	AutoFix bool
	// Reboot reboots each migrated client onto the new disk (shutdown
	// -Fr) and verifies it afterwards. Resume uses the run's setting.
	Reboot bool
	// SkipPreflight leaves the checks out; nimadm finds what is wrong.
	SkipPreflight bool
	// Waivers accept known preflight findings; Approvals allow the
	// destructive fixes on named hosts.
	Waivers   *check.Waivers
	Approvals *remediate.Approvals
	// LogDir is the local directory for the nimadm logs of every attempt
	// (<host>.<attempt>.log); "" keeps none.
	LogDir string
	// RemoteDir is where the masters keep the detached runs' files; ""
	// means nimadm.DefaultDir.
	RemoteDir string
	// Clock is the controller's time; nil means the wall clock.
	Clock Clock
	// PollInterval is the time between polls of a running nimadm, and
	// of a rebooting host; 0 means DefaultPollInterval.
	PollInterval time.Duration
	// CommandTimeout bounds one remote command (transport time); 0 means
	// DefaultCommandTimeout.
	CommandTimeout time.Duration
	// BootTimeout is how long a rebooted client may take to come back; 0
	// means DefaultBootTimeout.
	BootTimeout time.Duration
	// Concurrency bounds the hosts gathered or fixed at once; 0 means 64.
	Concurrency int
	// GatherTimeout bounds one host's fact gathering; 0 means the facts
	// package default.
	GatherTimeout time.Duration
	// Observer, when set, is told every event (see [Event]).
	Observer Observer
	// RunID names a new run; "" makes one from the clock ("r20260301-100000").
	RunID string
	// Controller and Version describe this controller in the journal.
	Controller, Version string
	// Model estimates nimadm durations; the zero value is the default.
	Model nimadm.Model
}

// Orchestrator runs a fleet migration: it plans, fixes what is safe to
// fix, starts nimadm on the masters as the scheduler allows, follows
// every run, diagnoses failures, fixes and retries where that is safe,
// verifies, and records every step in the journal so that a crashed or
// interrupted controller resumes exactly where it stopped. See the
// package documentation.
type Orchestrator struct {
	o     Options
	j     journal.Journal
	clock Clock
	model nimadm.Model
	diag  *diag.Engine

	runID string
	plan  *Plan

	mu     sync.Mutex
	states map[string]journal.State // the plan's hosts
	active map[string]*progressOf
}

// New checks o and returns an orchestrator.
func New(o Options) (*Orchestrator, error) {
	var errs []error
	if o.Inventory == nil {
		errs = append(errs, errors.New("an inventory is required"))
	}
	if o.Runner == nil {
		errs = append(errs, errors.New("a runner is required"))
	}
	if o.Journal == nil {
		errs = append(errs, errors.New("a journal is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if o.Clock == nil {
		o.Clock = RealClock()
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = DefaultCommandTimeout
	}
	if o.BootTimeout <= 0 {
		o.BootTimeout = DefaultBootTimeout
	}
	if o.RemoteDir == "" {
		o.RemoteDir = nimadm.DefaultDir
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	eng, err := diag.New(diag.Builtin()...)
	if err != nil {
		return nil, fmt.Errorf("migrate: diagnosis rules: %w", err)
	}
	return &Orchestrator{o: o, j: o.Journal, clock: o.Clock, model: o.Model, diag: eng,
		states: map[string]journal.State{}, active: map[string]*progressOf{}}, nil
}

// Outcome says how a call of Run or Resume ended.
type Outcome string

// Outcomes.
const (
	// OutcomeCompleted: every planned host is done; the run is closed.
	OutcomeCompleted Outcome = "completed"
	// OutcomeHalted: the failure budget is exhausted; hosts not started
	// are stopped and the run is closed.
	OutcomeHalted Outcome = "halted"
	// OutcomePaused: a new failure signature (or a failed canary) paused
	// the rollout and nothing runs any more; the run stays open for
	// `migrate resume` once someone has looked.
	OutcomePaused Outcome = "paused"
	// OutcomeInterrupted: the context was cancelled (Ctrl-C); running
	// nimadm processes go on, the journal says which; the run stays open.
	OutcomeInterrupted Outcome = "interrupted"
	// OutcomeIncomplete: nothing more can be done now, but some nimadm
	// could not be followed to its end (its master stopped answering);
	// the run stays open for resume.
	OutcomeIncomplete Outcome = "incomplete"
)

// Result is the end of a Run or Resume call.
type Result struct {
	Run     string
	Outcome Outcome
	// Detail says why the run paused, halted or is incomplete.
	Detail string
	Plan   *Plan
	// Hosts are the plan's hosts as the journal has them at the end.
	Hosts []journal.HostState
	// LeftRunning are the hosts whose nimadm may still run (interrupted
	// or not followed to the end).
	LeftRunning []string
}

// Count returns how many of the plan's hosts are in state s.
func (r *Result) Count(s journal.State) int {
	n := 0
	for _, h := range r.Hosts {
		if h.State == s {
			n++
		}
	}
	return n
}

// AllMigrated reports whether every client of the plan is migrated
// (verified) and the run completed.
func (r *Result) AllMigrated() bool {
	if r.Outcome != OutcomeCompleted {
		return false
	}
	for _, h := range r.Hosts {
		if h.State != journal.StateVerified {
			return false
		}
	}
	return len(r.Hosts) > 0
}

// RunID returns the run's ID once Run or Resume has started it.
func (m *Orchestrator) RunID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.runID
}

// Plan returns the run's plan once Run or Resume has it.
func (m *Orchestrator) Plan() *Plan {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.plan
}

// Run plans a new run (facts, preflight), records it in the journal,
// applies the safe fixes the plan calls for, and migrates the fleet. It
// fails with [ErrOpenRun] when the journal has a run that has not ended.
// Host failures are results; an error means the run could not go on (the
// journal could not be written, the context was cancelled before the run
// started).
func (m *Orchestrator) Run(ctx context.Context) (*Result, error) {
	open, err := openMigrationRuns(m.j)
	if err != nil {
		return nil, err
	}
	if len(open) > 0 {
		return nil, fmt.Errorf("%w: run %s (started %s)", ErrOpenRun, open[len(open)-1].ID, open[len(open)-1].Started.Format(time.RFC3339))
	}
	plan, err := NewPlan(ctx, PlanOptions{Inventory: m.o.Inventory, Hosts: m.o.Hosts, Runner: m.o.Runner, Policy: m.o.Policy,
		AutoFix: m.o.AutoFix, Reboot: m.o.Reboot, SkipPreflight: m.o.SkipPreflight, Waivers: m.o.Waivers, Journal: m.j,
		Concurrency: m.o.Concurrency, GatherTimeout: m.o.GatherTimeout, Now: m.clock.Now, Model: m.model})
	if err != nil {
		return nil, err
	}
	id, err := m.newRunID()
	if err != nil {
		return nil, err
	}
	snap, err := json.Marshal(plan)
	if err != nil {
		return nil, fmt.Errorf("plan snapshot: %w", err)
	}
	now := m.clock.Now()
	m.mu.Lock()
	m.runID, m.plan = id, plan
	m.mu.Unlock()
	info := &journal.RunInfo{ID: id, Started: now, Inventory: m.o.Inventory.File, InventoryHash: m.o.InventoryHash,
		Plan: snap, Controller: m.controller(), Version: m.o.Version}
	if err := m.record(journal.Event{Kind: journal.KindRunStarted, Time: now, RunInfo: info}); err != nil {
		return nil, err
	}
	return m.drive(ctx, false)
}

// Resume takes over the open run (after a crash, kill -9, Ctrl-C or a
// pause): it re-attaches to the nimadm runs still going on the masters,
// collects the ones that ended meanwhile, and carries on with the plan.
// A pause is lifted: resuming is the operator's decision to go on. It
// fails with [ErrNoOpenRun] when there is nothing to resume and with
// [ErrInventoryChanged] when the inventory is not the run's.
func (m *Orchestrator) Resume(ctx context.Context) (*Result, error) {
	open, err := openMigrationRuns(m.j)
	if err != nil {
		return nil, err
	}
	if len(open) == 0 {
		return nil, ErrNoOpenRun
	}
	run := open[len(open)-1]
	if m.o.InventoryHash != "" && run.InventoryHash != "" && run.InventoryHash != m.o.InventoryHash {
		return nil, fmt.Errorf("%w: run %s was planned from %s (sha256 %.12s), which now has sha256 %.12s", ErrInventoryChanged, run.ID, run.Inventory, run.InventoryHash, m.o.InventoryHash)
	}
	var plan Plan
	if err := json.Unmarshal(run.Plan, &plan); err != nil || plan.Schedule == nil {
		return nil, fmt.Errorf("run %s: plan snapshot unreadable: %v", run.ID, err)
	}
	for _, h := range plan.Hosts {
		if m.o.Inventory.Host(h.Name) == nil {
			return nil, fmt.Errorf("%w: run %s: client %s is not in the inventory", ErrInventoryChanged, run.ID, h.Name)
		}
	}
	m.mu.Lock()
	m.runID, m.plan = run.ID, &plan
	m.mu.Unlock()
	if err := m.record(journal.Event{Kind: journal.KindRunResumed, Detail: m.controller()}); err != nil {
		return nil, err
	}
	return m.drive(ctx, true)
}

// openMigrationRuns returns the open runs that are migrations (their plan
// snapshot has a schedule); a rollback that crashed leaves a run of its
// own open, which neither blocks nor is resumed.
func openMigrationRuns(j journal.Journal) ([]journal.Run, error) {
	open, err := journal.OpenRuns(j)
	if err != nil {
		return nil, err
	}
	var out []journal.Run
	for _, r := range open {
		var p struct {
			Schedule json.RawMessage `json:"schedule"`
		}
		if json.Unmarshal(r.Plan, &p) == nil && len(p.Schedule) > 0 && string(p.Schedule) != "null" {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *Orchestrator) controller() string {
	if m.o.Controller != "" {
		return m.o.Controller
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s pid %d", host, os.Getpid())
}

func (m *Orchestrator) newRunID() (string, error) {
	id := m.o.RunID
	if id == "" {
		id = "r" + m.clock.Now().UTC().Format("20060102-150405")
	}
	if err := journal.ValidRunID(id); err != nil {
		return "", err
	}
	runs, err := m.j.Runs()
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, r := range runs {
		taken[r.ID] = true
	}
	base := id
	for i := 2; taken[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	return id, nil
}

// record appends e to the journal under the run (never cancelled: it
// records what already happened) and tells the observer.
func (m *Orchestrator) record(e journal.Event) error {
	e.Run = m.runID
	if e.Time.IsZero() {
		e.Time = m.clock.Now()
	}
	if err := m.j.Append(context.Background(), e); err != nil {
		return err
	}
	if e.Kind == journal.KindState {
		m.mu.Lock()
		if _, ok := m.states[e.Host]; ok || m.plan.Host(e.Host) != nil {
			m.states[e.Host] = e.To
		}
		if a := m.active[e.Host]; a != nil {
			a.State = e.To
		}
		m.mu.Unlock()
	}
	if m.o.Observer != nil && e.Kind != journal.KindOffset {
		master := ""
		if h := m.o.Inventory.Host(e.Host); h != nil && h.Master != nil {
			master = h.Master.Name
		}
		m.o.Observer(eventOf(e, master))
	}
	return nil
}

// setState moves host to state to.
func (m *Orchestrator) setState(host string, to journal.State, reason string) error {
	return m.record(journal.Event{Kind: journal.KindState, Host: host, To: to, Reason: clip(reason)})
}

func (m *Orchestrator) note(host, format string, a ...any) error {
	return m.record(journal.Event{Kind: journal.KindNote, Host: host, Detail: clip(fmt.Sprintf(format, a...))})
}

// clip bounds a journal text field.
func clip(s string) string {
	const max = 4000
	if len(s) > max {
		return s[:max-3] + "..."
	}
	return s
}

// moveTo moves host from its current state to to through allowed
// transitions that never pass an active state (planned from failed goes
// through fixing). Nothing is written when host is already there.
func (m *Orchestrator) moveTo(host string, to journal.State, reason string) error {
	cur := journal.State("")
	if hs, err := m.j.Host(host); err == nil {
		cur = hs.State
	} else if !errors.Is(err, journal.ErrNotFound) {
		return err
	}
	if cur == to {
		return nil
	}
	path := statePath(cur, to)
	if path == nil {
		return fmt.Errorf("host %s: no way from state %s to %s", host, cur, to)
	}
	for _, s := range path {
		if err := m.setState(host, s, reason); err != nil {
			return err
		}
	}
	return nil
}

// statePath returns the shortest list of states leading from cur to to
// without an active state, nil if there is none.
func statePath(cur, to journal.State) []journal.State {
	prev := map[journal.State]journal.State{cur: cur}
	queue := []journal.State{cur}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, n := range journal.States() {
			if _, seen := prev[n]; seen || n.Active() || !journal.CanTransition(s, n) {
				continue
			}
			prev[n] = s
			if n == to {
				var path []journal.State
				for x := n; x != cur; x = prev[x] {
					path = append([]journal.State{x}, path...)
				}
				return path
			}
			queue = append(queue, n)
		}
	}
	return nil
}

// hostState returns the journal's state of host (zero when unknown).
func (m *Orchestrator) hostState(host string) (journal.HostState, error) {
	hs, err := m.j.Host(host)
	if errors.Is(err, journal.ErrNotFound) {
		return journal.HostState{Host: host}, nil
	}
	return hs, err
}

// initialStates writes planned or excluded for the plan's hosts whose
// state is not yet from this run (all of them for a new run; those a
// crash left without one on resume).
func (m *Orchestrator) initialStates() error {
	for _, hp := range m.plan.Hosts {
		hs, err := m.hostState(hp.Name)
		if err != nil {
			return err
		}
		if hs.Run == m.runID && hs.State != "" {
			continue
		}
		switch hp.Action {
		case ActionExclude:
			switch hs.State {
			case journal.StateSucceeded, journal.StateRebooting, journal.StateVerifying, journal.StateVerified:
				continue // migrated before: nothing to record
			}
			err = m.moveTo(hp.Name, journal.StateExcluded, hp.Reason)
		default:
			reason := "planned in wave " + fmt.Sprint(hp.Wave)
			if hp.Action == ActionFixFirst {
				reason += "; " + hp.Reason
			}
			err = m.moveTo(hp.Name, journal.StatePlanned, reason)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// drive runs the plan to its end (or until interrupted).
func (m *Orchestrator) drive(ctx context.Context, resumed bool) (*Result, error) {
	m.mu.Lock()
	for _, hp := range m.plan.Hosts {
		if hs, err := m.j.Host(hp.Name); err == nil && hs.Run == m.runID {
			m.states[hp.Name] = hs.State
		} else {
			m.states[hp.Name] = ""
		}
	}
	m.mu.Unlock()
	if err := m.initialStates(); err != nil {
		return nil, err
	}
	if err := m.prefix(ctx); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return m.finish(OutcomeInterrupted, "interrupted before any nimadm started")
	}
	return m.loop(ctx, resumed)
}

// finish builds the result.
func (m *Orchestrator) finish(out Outcome, detail string) (*Result, error) {
	r := &Result{Run: m.runID, Outcome: out, Detail: detail, Plan: m.plan}
	for _, hp := range m.plan.Hosts {
		hs, err := m.hostState(hp.Name)
		if err != nil {
			return nil, err
		}
		r.Hosts = append(r.Hosts, hs)
		if hs.State.Active() {
			r.LeftRunning = append(r.LeftRunning, hp.Name)
		}
	}
	return r, nil
}

// slotMsg reports that a host's nimadm slot is free (its run succeeded,
// or failed for good).
type slotMsg struct {
	host string
	res  sched.Result
}

// loop is the scheduling loop: start what the scheduler allows, follow
// each host in its own goroutine, feed results back, until nothing is
// left, the rollout pauses or halts, or ctx is cancelled.
func (m *Orchestrator) loop(ctx context.Context, resumed bool) (*Result, error) {
	s := sched.New(m.plan.Schedule)
	slots := make(chan slotMsg, len(m.plan.Hosts))
	exits := make(chan error, len(m.plan.Hosts))
	wctx, cancelWorkers := context.WithCancel(ctx)
	defer cancelWorkers()
	alive := 0
	spawn := func(host string, holdsSlot bool) {
		alive++
		w := &worker{m: m, h: m.o.Inventory.Host(host), hp: m.plan.Host(host)}
		if holdsSlot {
			w.slot = func(r sched.Result) { slots <- slotMsg{host, r} }
		}
		go func() { exits <- w.run(wctx) }()
	}
	// Restore the scheduler from the journal (every host's state is from
	// this run by now).
	for _, hp := range m.plan.Hosts {
		if hp.Wave == 0 {
			continue
		}
		hs, err := m.hostState(hp.Name)
		if err != nil {
			return nil, err
		}
		st, holds, post := m.restored(hs)
		if st != 0 {
			sig := ""
			if hs.Diagnosis != nil {
				sig = hs.Diagnosis.Signature
			}
			if err := s.Restore(hp.Name, st, hs.Since, sig); err != nil {
				return nil, err
			}
		}
		if holds || post {
			spawn(hp.Name, holds)
		}
	}
	if resumed {
		s.Resume()
	}
	var fatal error
	done := func(msg slotMsg) {
		if err := s.Done(msg.host, msg.res); err != nil && fatal == nil {
			fatal = err
			cancelWorkers()
		}
	}
	for {
		// A worker hands back its slot before it exits, so a slot
		// message may wait behind an exit the select took first: take
		// them all before deciding, or a finished host would look
		// running with no worker left.
	drain:
		for {
			select {
			case msg := <-slots:
				done(msg)
			default:
				break drain
			}
		}
		now := m.clock.Now()
		if ctx.Err() == nil && fatal == nil {
			for _, st := range s.Next(now) {
				spawn(st.Host, true)
			}
		}
		status := s.Status(now)
		if alive == 0 {
			switch {
			case fatal != nil:
				return nil, fatal
			case ctx.Err() != nil:
				return m.interrupted()
			case status.Halted != "":
				return m.close(s, OutcomeHalted, status.Halted)
			case len(status.Paused) > 0:
				_ = m.note("", "rollout paused: %s; run 'nimfleet migrate resume' to go on", strings.Join(status.Paused, "; "))
				return m.finish(OutcomePaused, strings.Join(status.Paused, "; "))
			case status.Finished || status.Pending == 0:
				return m.close(s, OutcomeCompleted, "")
			case !status.WakeAt.IsZero():
				if err := m.clock.Sleep(ctx, status.WakeAt.Sub(now)); err != nil {
					continue
				}
				continue
			default:
				return m.close(s, OutcomeCompleted, "nothing can start: "+waitReasons(status))
			}
		}
		var wake chan struct{}
		stopWake := func() {}
		if !status.WakeAt.IsZero() {
			wake = make(chan struct{})
			var wc context.Context
			wc, stopWake = context.WithCancel(ctx)
			go func(d time.Duration) {
				if m.clock.Sleep(wc, d) == nil {
					close(wake)
				}
			}(max(status.WakeAt.Sub(now), 0))
		}
		select {
		case msg := <-slots:
			done(msg)
		case err := <-exits:
			alive--
			if err != nil && fatal == nil && ctx.Err() == nil {
				fatal = err
				cancelWorkers()
			}
		case <-wake:
		case <-ctx.Done():
			// Workers see it too; wait for them to return (the slot
			// channel is buffered for every host).
			for alive > 0 {
				<-exits
				alive--
			}
		}
		stopWake()
	}
}

func waitReasons(st sched.Status) string {
	var rs []string
	for i, w := range st.Waiting {
		if i == 3 {
			rs = append(rs, "...")
			break
		}
		rs = append(rs, w.Host+": "+w.Reason)
	}
	return strings.Join(rs, "; ")
}

// restored maps a host's journal state to the scheduler's (0: pending),
// and says whether a worker must take the host over holding a slot
// (nimadm runs, or a failure is being fixed and retried), or without one
// (verification and reboot after a successful run).
func (m *Orchestrator) restored(hs journal.HostState) (st sched.Restored, holdsSlot, post bool) {
	switch hs.State {
	case "", journal.StatePlanned:
		return 0, false, false
	case journal.StateExcluded, journal.StateStopped, journal.StateRolledBack:
		return sched.RestoredSkipped, false, false
	case journal.StateStarting, journal.StateRunning, journal.StateRetrying:
		return sched.RestoredRunning, true, false
	case journal.StateFixing:
		if m.attemptsThisRun(hs) > 0 {
			return sched.RestoredRunning, true, false
		}
		return 0, false, false // a fix before the first run: prefix did it
	case journal.StateFailed:
		if m.wantsRetry(hs) {
			return sched.RestoredRunning, true, false
		}
		return sched.RestoredFailed, false, false
	case journal.StateSucceeded, journal.StateRebooting, journal.StateVerifying:
		return sched.RestoredSucceeded, false, true
	case journal.StateVerified:
		return sched.RestoredSucceeded, false, false
	}
	return sched.RestoredSkipped, false, false
}

// interrupted records that the controller stops with nimadm runs left
// going, and returns the result. The run stays open.
func (m *Orchestrator) interrupted() (*Result, error) {
	r, err := m.finish(OutcomeInterrupted, "")
	if err != nil {
		return nil, err
	}
	if len(r.LeftRunning) > 0 {
		runs := "runs"
		if len(r.LeftRunning) == 1 {
			runs = "run"
		}
		r.Detail = fmt.Sprintf("%d nimadm %s left running on their masters: %s", len(r.LeftRunning), runs, strings.Join(r.LeftRunning, ", "))
	} else {
		r.Detail = "no nimadm was running"
	}
	if err := m.note("", "controller interrupted: %s; run 'nimfleet migrate resume' to take over", r.Detail); err != nil {
		return nil, err
	}
	return r, nil
}

// close ends the run: hosts that will not start are stopped (with the
// scheduler's reason), and, unless a nimadm could not be followed to its
// end, the run is closed.
func (m *Orchestrator) close(s *sched.Scheduler, out Outcome, detail string) (*Result, error) {
	st := s.Status(m.clock.Now())
	skipped := map[string]string{}
	for _, w := range st.Skips {
		skipped[w.Host] = w.Reason
	}
	for _, hp := range m.plan.Hosts {
		hs, err := m.hostState(hp.Name)
		if err != nil {
			return nil, err
		}
		if hs.State != journal.StatePlanned && hs.State != journal.StateFixing {
			continue
		}
		why := detail
		if r, ok := skipped[hp.Name]; ok && r != "restored as done" {
			why = r
		}
		if why == "" {
			why = "not started"
		}
		if err := m.setState(hp.Name, journal.StateStopped, why); err != nil {
			return nil, err
		}
	}
	r, err := m.finish(out, detail)
	if err != nil {
		return nil, err
	}
	if len(r.LeftRunning) > 0 {
		r.Outcome = OutcomeIncomplete
		r.Detail = fmt.Sprintf("nimadm could not be followed to its end for %s; run 'nimfleet migrate resume' once the masters answer", strings.Join(r.LeftRunning, ", "))
		if err := m.note("", "%s", r.Detail); err != nil {
			return nil, err
		}
		return r, nil
	}
	if err := m.record(journal.Event{Kind: journal.KindRunEnded, Outcome: string(out), Detail: clip(detail)}); err != nil {
		return nil, err
	}
	return r, nil
}

// attemptsThisRun counts the nimadm runs of this migration run that were
// launched (an attempt whose launch never happened does not count).
func (m *Orchestrator) attemptsThisRun(hs journal.HostState) int {
	n := 0
	for _, a := range hs.Attempts {
		if a.Run == m.runID && a.Outcome != outcomeNotLaunched {
			n++
		}
	}
	return n
}
