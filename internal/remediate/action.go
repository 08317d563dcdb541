package remediate

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Need is an action's answer to "is the finding present?".
type Need int

const (
	// NeedNo: the finding is absent; the action has nothing to do.
	NeedNo Need = iota
	// NeedYes: the finding is present.
	NeedYes
	// NeedUnknown: the facts that decide it could not be gathered. Never
	// a guess either way; the host needs attention.
	NeedUnknown
)

// Scope says which facts an action reads, so that the engine knows what
// to gather again before the action's Check and after its Apply.
type Scope int

const (
	// ScopeClient: the facts of the client the action works on.
	ScopeClient Scope = 1 << iota
	// ScopeMaster: the facts of the host's NIM master (of the host itself
	// for a master).
	ScopeMaster
)

// Target is one host an action looks at, with the facts nimfleet has
// about it. The engine fills it and gathers it again (a fresh, read-only
// round trip) before each action's Check and after its Apply.
type Target struct {
	// Host is the inventory entry of the host the action is about.
	Host *inventory.Host
	// Client holds Host's facts when Host is a client; nil for a master.
	Client *facts.Client
	// Master holds the facts of Host's NIM master, or of Host itself when
	// it is a master. Nil when they could not be gathered; MasterErr says
	// why.
	Master    *facts.Master
	MasterErr error
	// Now is the time the engine started working on the host (the
	// controller's clock); actions name things after it.
	Now time.Time
}

// MasterHost returns the inventory entry of the target's NIM master (the
// host itself for a master).
func (t *Target) MasterHost() *inventory.Host {
	if t.Host.Role == inventory.RoleMaster || t.Host.Master == nil {
		return t.Host
	}
	return t.Host.Master
}

// masterFacts returns the master's facts or why they are missing.
func (t *Target) masterFacts() (*facts.Master, string) {
	if t.Master != nil {
		return t.Master, ""
	}
	why := "not gathered"
	if t.MasterErr != nil {
		why = t.MasterErr.Error()
	}
	return nil, fmt.Sprintf("facts of NIM master %s unknown: %s", t.MasterHost().Name, why)
}

// Action is one remediation. It answers separately whether the finding is
// present (Needed, from facts), whether it may act here (Check, on fresh
// facts and, where facts do not say enough, read-only commands), and acts
// (Apply). See the package documentation for the contract the engine
// keeps around these calls.
type Action interface {
	// ID is the permanent identifier (FIX-BOSINST); checks name it in
	// their remediation.
	ID() string
	// Title is a short imperative description.
	Title() string
	// Safety says why the action is safe where its Check passes.
	Safety() string
	// Checks are the preflight check IDs (docs/check-ids.md) whose
	// failure the action repairs.
	Checks() []string
	// Errors are the errors.md entries (E01...) it addresses.
	Errors() []string
	// Role is the kind of host the action is about.
	Role() inventory.Role
	// Scope is the facts it reads.
	Scope() Scope
	// Needed reports whether the finding is present, from t's facts
	// only (no I/O), with a one-line explanation either way.
	Needed(t *Target) (Need, string)
	// Check re-checks the precondition on fresh facts gathered just
	// before: ok false with the reason refuses the action. It may run
	// read-only commands (Mutates false) through env; err means the
	// precondition could not be verified.
	Check(ctx context.Context, env *Env, t *Target) (ok bool, reason string, err error)
	// Commands returns the exact commands Apply runs for t, in order
	// (every one with Mutates set). It is nil when t's facts do not
	// allow building them; Check refuses then.
	Commands(t *Target) []transport.Command
	// Undo says how to reverse the commands, one command a line ("host:
	// command"); nil when they cannot be undone. The engine asks before
	// Apply, on the facts Check saw.
	Undo(t *Target) []string
	// Apply runs Commands(t) through env, stopping at the first one that
	// fails. Under a dry run each command is recorded and not executed.
	Apply(ctx context.Context, env *Env, t *Target) error
}

// Destructive is implemented by the actions that cannot be undone. The
// engine runs them only with an approval for the host and the action (see
// [Approvals]); without one the plan lists them as needing approval.
type Destructive interface {
	Action
	// Subjects lists what an approval must name besides the host and the
	// action (the efix labels of FIX-EFIX); nil when nothing.
	Subjects(t *Target) []string
}

// Env is what actions use to reach hosts.
type Env struct {
	// Runner reaches the fleet, with the audit log and, for a plan, the
	// dry-run decorator.
	Runner transport.Runner
	// Gatherer collects facts over Runner.
	Gatherer *facts.Gatherer
	// DryRun says that Runner does not execute state-changing commands.
	DryRun bool
	// Now is the controller's clock; nil means time.Now.
	Now func() time.Time

	rec *recorder // the engine gives every action its own
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// CommandRecord is one state-changing command an action ran or would run.
type CommandRecord struct {
	Host string `json:"host"`
	Line string `json:"line"`
	// DryRun marks a command the dry run recorded and did not execute.
	DryRun bool `json:"dry_run,omitempty"`
	// ExitCode is nil when the command was not executed or its outcome is
	// unknown.
	ExitCode *int `json:"exit_code,omitempty"`
	// Error is the transport error class ("timeout", "conn_lost"...)
	// when the outcome is unknown.
	Error string `json:"error,omitempty"`
}

type recorder struct {
	mu    sync.Mutex
	cmds  []CommandRecord
	notes []string
}

// Run runs c through the environment's runner. State-changing commands
// are recorded for the action's result.
func (e *Env) Run(ctx context.Context, c transport.Command) (transport.Result, error) {
	res, err := e.Runner.Run(ctx, c)
	if c.Mutates && e.rec != nil {
		r := CommandRecord{Host: c.Host, Line: c.Line}
		switch {
		case err == nil:
			code := res.ExitCode
			r.ExitCode = &code
		case transport.IsDryRun(err):
			r.DryRun = true
		default:
			r.Error = transport.ErrorClass(err)
		}
		e.rec.mu.Lock()
		e.rec.cmds = append(e.rec.cmds, r)
		e.rec.mu.Unlock()
	}
	return res, err
}

// Note adds a remark to the action's result ("the directory was not
// empty").
func (e *Env) Note(format string, args ...any) {
	if e.rec == nil {
		return
	}
	e.rec.mu.Lock()
	e.rec.notes = append(e.rec.notes, fmt.Sprintf(format, args...))
	e.rec.mu.Unlock()
}

// runAll runs cmds in order and stops at the first that fails. Under a
// dry run every command is attempted (and recorded, not executed), so the
// plan shows them all. ok, when not nil, judges a finished command's
// result; nil means exit status 0.
func runAll(ctx context.Context, env *Env, cmds []transport.Command, ok func(c transport.Command, r transport.Result) error) error {
	if len(cmds) == 0 {
		return fmt.Errorf("no commands to run")
	}
	for _, c := range cmds {
		c.Mutates = true
		res, err := env.Run(ctx, c)
		if transport.IsDryRun(err) {
			continue
		}
		if err != nil {
			return &transport.HostError{Host: c.Host, Op: fmt.Sprintf("run %q", c.Line), Err: err}
		}
		if ok != nil {
			if err := ok(c, res); err != nil {
				return &transport.HostError{Host: c.Host, Op: fmt.Sprintf("run %q", c.Line), Err: err}
			}
			continue
		}
		if res.ExitCode != 0 {
			return &transport.HostError{Host: c.Host, Op: fmt.Sprintf("run %q", c.Line),
				Err: fmt.Errorf("exit status %d: %s", res.ExitCode, firstLine(res.Stderr, res.Stdout))}
		}
	}
	return nil
}
