package remediate

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Status is the outcome of one action on one host.
type Status string

const (
	// StatusNotNeeded: the finding is absent.
	StatusNotNeeded Status = "not-needed"
	// StatusUnknown: nimfleet could not tell whether the finding is
	// present, or could not gather fresh facts to check the precondition.
	StatusUnknown Status = "unknown"
	// StatusRefused: the finding is present, but the host is not in the
	// state the action requires; nothing was run.
	StatusRefused Status = "refused"
	// StatusNeedsApproval: a destructive action whose precondition holds,
	// without an approval for the host.
	StatusNeedsApproval Status = "needs-approval"
	// StatusWouldRun: dry run; the precondition holds and the commands
	// were recorded, not executed.
	StatusWouldRun Status = "would-run"
	// StatusFixed: the commands ran and fresh facts show the finding gone.
	StatusFixed Status = "fixed"
	// StatusFailed: a command failed, or fresh facts still show the
	// finding.
	StatusFailed Status = "failed"
	// StatusSkipped: not tried, because an earlier action on the host
	// failed.
	StatusSkipped Status = "skipped"
)

// Attention reports whether the status leaves the host needing a human.
func (s Status) Attention() bool {
	switch s {
	case StatusNotNeeded, StatusWouldRun, StatusFixed:
		return false
	}
	return true
}

// ActionResult is what one action did, or would do, on one host.
type ActionResult struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Checks []string `json:"checks"`
	Status Status   `json:"status"`
	// Finding is the action's Needed explanation from the facts.
	Finding string `json:"finding"`
	// Verified is what the action's Check found on fresh facts when the
	// precondition held.
	Verified string `json:"verified,omitempty"`
	// Reason says why the action was refused, failed, skipped, is unknown
	// or needs approval.
	Reason string `json:"reason,omitempty"`
	// Safety is why the action is safe (for would-run, fixed, and
	// needs-approval).
	Safety string `json:"safety,omitempty"`
	// Commands are the commands run or recorded (would-run, fixed,
	// failed), or that would be run (refused, needs-approval).
	Commands []CommandRecord `json:"commands,omitempty"`
	// Undo says how to reverse the commands; empty when they cannot be.
	Undo []string `json:"undo,omitempty"`
	// Notes are remarks the action made while running.
	Notes []string `json:"notes,omitempty"`
	// Approval is, for needs-approval, the approvals-file line that would
	// allow the action; when it ran, who approved it.
	Approval string `json:"approval,omitempty"`
	// PostCheck is what fresh facts showed after the commands ran.
	PostCheck string `json:"post_check,omitempty"`
}

// HostResult is the outcome of the run on one host.
type HostResult struct {
	Host   string `json:"host"`
	Role   string `json:"role"`
	Master string `json:"master,omitempty"`
	// Error is why nothing could be done at all (facts not gathered);
	// ErrorClass its transport class when it came from the transport
	// ("unreachable", "conn_lost", "timeout", ...; see
	// transport.ErrorClass), so a caller can wait out a passing outage.
	Error      string         `json:"error,omitempty"`
	ErrorClass string         `json:"error_class,omitempty"`
	Actions    []ActionResult `json:"actions"`
}

// Attention reports whether the host still needs a human.
func (h *HostResult) Attention() bool {
	if h.Error != "" {
		return true
	}
	for _, a := range h.Actions {
		if a.Status.Attention() {
			return true
		}
	}
	return false
}

// Report is the outcome of a run over many hosts.
type Report struct {
	DryRun bool `json:"dry_run"`
	// Hosts are in the order they were given.
	Hosts []HostResult `json:"hosts"`
	// UnusedApprovals matched no action in this run.
	UnusedApprovals []*Approval `json:"unused_approvals,omitempty"`
}

// Attention reports whether any host still needs a human.
func (r *Report) Attention() bool {
	for i := range r.Hosts {
		if r.Hosts[i].Attention() {
			return true
		}
	}
	return false
}

// Counts returns how many actions ended in each status (not-needed
// included) and how many hosts could not be worked on.
func (r *Report) Counts() (map[Status]int, int) {
	c := map[Status]int{}
	failed := 0
	for _, h := range r.Hosts {
		if h.Error != "" {
			failed++
		}
		for _, a := range h.Actions {
			c[a.Status]++
		}
	}
	return c, failed
}

// Options configure [Run].
type Options struct {
	// Env reaches the hosts; its DryRun must match its Runner.
	Env *Env
	// Actions are tried in this order; nil means [All].
	Actions []Action
	// Approvals allow destructive actions; nil approves nothing.
	Approvals *Approvals
	// Concurrency bounds the hosts worked on at once; 0 means 64.
	Concurrency int
}

// Run works on hosts (masters and clients of one inventory): it gathers
// their facts, and for each action in order asks Needed, gathers fresh
// facts, asks Check, gets approval for destructive actions, runs Apply
// and gathers facts again to confirm the finding is gone. Hosts are
// worked on concurrently, each host's actions in order. A host whose
// facts cannot be gathered gets an Error and the others carry on. Run
// returns when every host is done or ctx is cancelled.
func Run(ctx context.Context, hosts []*inventory.Host, o Options) *Report {
	acts := o.Actions
	if acts == nil {
		acts = All()
	}
	conc := o.Concurrency
	if conc <= 0 {
		conc = 64
	}
	e := &engine{env: o.Env, acts: acts, approvals: o.Approvals, masters: map[string]*masterFacts{}}
	rep := &Report{DryRun: o.Env.DryRun, Hosts: make([]HostResult, len(hosts))}

	// The masters' facts first: client actions read their NIM state.
	for _, h := range hosts {
		m := h
		if h.Role == inventory.RoleClient && h.Master != nil {
			m = h.Master
		}
		if e.masters[m.Name] == nil {
			e.masters[m.Name] = &masterFacts{host: m}
		}
	}
	names := make([]string, 0, len(e.masters))
	for n := range e.masters {
		names = append(names, n)
	}
	sort.Strings(names)
	par(ctx, len(names), conc, func(i int) {
		mf := e.masters[names[i]]
		mf.m, mf.err = e.env.Gatherer.Master(ctx, mf.host.Name, facts.MasterPlanFor(mf.host))
	})
	par(ctx, len(hosts), conc, func(i int) {
		rep.Hosts[i] = e.host(ctx, hosts[i])
	})
	for i, h := range hosts {
		if rep.Hosts[i].Host == "" { // not reached: cancelled
			rep.Hosts[i] = HostResult{Host: h.Name, Role: h.Role.String(), Error: "not worked on: " + errString(ctx.Err())}
		}
	}
	rep.UnusedApprovals = o.Approvals.Unused()
	return rep
}

func errString(err error) string {
	if err == nil {
		return "cancelled"
	}
	return err.Error()
}

// par runs f(0..n-1) with at most limit at a time; it stops starting new
// ones when ctx is done.
func par(ctx context.Context, n, limit int, f func(i int)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}

type masterFacts struct {
	host *inventory.Host
	m    *facts.Master
	err  error
}

type engine struct {
	env       *Env
	acts      []Action
	approvals *Approvals
	masters   map[string]*masterFacts // read-only once the hosts run
}

func (e *engine) host(ctx context.Context, h *inventory.Host) HostResult {
	hr := HostResult{Host: h.Name, Role: h.Role.String(), Actions: []ActionResult{}}
	if h.Role == inventory.RoleClient && h.Master != nil {
		hr.Master = h.Master.Name
	}
	t := &Target{Host: h, Now: e.env.now()}
	if mf := e.masters[t.MasterHost().Name]; mf != nil {
		t.Master, t.MasterErr = mf.m, mf.err
	}
	if h.Role == inventory.RoleMaster {
		if t.Master == nil {
			hr.Error, hr.ErrorClass = tidy(errString(t.MasterErr)), transport.ErrorClass(t.MasterErr)
			return hr
		}
	} else {
		c, err := e.env.Gatherer.Client(ctx, h.Name, facts.PlanFor(h))
		if err != nil {
			hr.Error, hr.ErrorClass = tidy(err.Error()), transport.ErrorClass(err)
			return hr
		}
		t.Client = c
	}
	failed := false
	for _, a := range e.acts {
		if a.Role() != h.Role {
			continue
		}
		r := e.action(ctx, a, t, failed)
		if r.Status == StatusFailed {
			failed = true
		}
		hr.Actions = append(hr.Actions, r)
	}
	return hr
}

// refresh gathers, again, the facts an action reads.
func (e *engine) refresh(ctx context.Context, t *Target, s Scope) error {
	if s&ScopeClient != 0 && t.Host.Role == inventory.RoleClient {
		c, err := e.env.Gatherer.Client(ctx, t.Host.Name, facts.PlanFor(t.Host))
		if err != nil {
			return err
		}
		t.Client = c
	}
	if s&ScopeMaster != 0 {
		mh := t.MasterHost()
		m, err := e.env.Gatherer.Master(ctx, mh.Name, facts.MasterPlanFor(mh))
		if err != nil {
			t.Master, t.MasterErr = nil, err
			return err
		}
		t.Master, t.MasterErr = m, nil
	}
	return nil
}

func (e *engine) action(ctx context.Context, a Action, t *Target, earlierFailed bool) ActionResult {
	r := ActionResult{ID: a.ID(), Title: a.Title(), Checks: a.Checks()}
	need, why := a.Needed(t)
	r.Finding = why
	switch need {
	case NeedNo:
		r.Status = StatusNotNeeded
		return r
	case NeedUnknown:
		r.Status, r.Reason = StatusUnknown, why
		return r
	}
	if earlierFailed {
		r.Status, r.Reason = StatusSkipped, "an earlier action on this host failed"
		r.Commands = planned(a.Commands(t))
		return r
	}
	// Fresh facts, gathered just before acting.
	if err := e.refresh(ctx, t, a.Scope()); err != nil {
		r.Status, r.Reason = StatusUnknown, "could not gather fresh facts: "+tidy(err.Error())
		return r
	}
	need, why = a.Needed(t)
	r.Finding = why
	switch need {
	case NeedNo:
		r.Status = StatusNotNeeded
		return r
	case NeedUnknown:
		r.Status, r.Reason = StatusUnknown, why
		return r
	}
	env := *e.env
	env.rec = &recorder{}
	ok, reason, err := a.Check(ctx, &env, t)
	if err != nil {
		r.Status, r.Reason = StatusUnknown, "could not verify the precondition: "+tidy(err.Error())
		r.Commands = planned(a.Commands(t))
		return r
	}
	if !ok {
		r.Status, r.Reason = StatusRefused, reason
		r.Commands = planned(a.Commands(t))
		return r
	}
	r.Verified = reason
	r.Safety = a.Safety()
	if d, ok := a.(Destructive); ok {
		subj := d.Subjects(t)
		ap, why := e.approvals.Match(t.Host.Name, a.ID(), subj, env.now())
		if ap == nil {
			r.Status = StatusNeedsApproval
			r.Reason = why
			r.Approval = ApprovalLine(t.Host.Name, a.ID(), subj)
			r.Commands = planned(a.Commands(t))
			return r
		}
		r.Approval = fmt.Sprintf("approved by %s at %s: %s", ap.ApprovedBy, ap.Where(), ap.Reason)
	}
	r.Undo = a.Undo(t)
	err = a.Apply(ctx, &env, t)
	r.Commands, r.Notes = env.rec.cmds, env.rec.notes
	if e.env.DryRun {
		if err != nil {
			r.Status, r.Reason = StatusFailed, tidy(err.Error())
			return r
		}
		r.Status = StatusWouldRun
		return r
	}
	if err != nil {
		r.Status, r.Reason = StatusFailed, tidy(err.Error())
		return r
	}
	// Post-check on fresh facts.
	if err := e.refresh(ctx, t, a.Scope()); err != nil {
		r.Status, r.Reason = StatusFailed, "the commands ran, but fresh facts could not be gathered to confirm: "+tidy(err.Error())
		return r
	}
	need, why = a.Needed(t)
	r.PostCheck = why
	if need != NeedNo {
		r.Status = StatusFailed
		r.Reason = "the commands ran, but the finding is still there: " + why
		return r
	}
	r.Status = StatusFixed
	return r
}

// planned turns commands not (yet) run into records.
func planned(cmds []transport.Command) []CommandRecord {
	out := make([]CommandRecord, len(cmds))
	for i, c := range cmds {
		out[i] = CommandRecord{Host: c.Host, Line: c.Line}
	}
	return out
}
