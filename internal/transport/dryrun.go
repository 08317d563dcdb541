package transport

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Plan collects the state-changing commands a dry run did not execute, in
// the order they were attempted. It is safe for concurrent use; the zero
// value is an empty plan.
type Plan struct {
	mu   sync.Mutex
	cmds []Command
}

// Commands returns a copy of the commands recorded so far.
func (p *Plan) Commands() []Command {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Command(nil), p.cmds...)
}

func (p *Plan) add(c Command) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cmds = append(p.cmds, c)
}

// DryRun returns a Runner that passes read-only commands (Mutates == false)
// to next and does not execute state-changing ones.
//
// For a command with Mutates == true it records the command in plan (if
// plan is not nil) and returns a zero Result (ExitCode 0, no output)
// together with an error wrapping [ErrDryRun]. The error is the contract:
// callers that check errors stop where a real run would have changed the
// host, instead of carrying on as if it had (a dry run cannot know what the
// host would look like afterwards). Callers that want to go on planning
// test for it with [IsDryRun] and treat it as "would run". The audit
// decorator records such commands with dry_run set; the retry decorator
// never retries them (they are not transient).
func DryRun(next Runner, plan *Plan) Runner {
	return RunnerFunc(func(ctx context.Context, c Command) (Result, error) {
		if !c.Mutates {
			return next.Run(ctx, c)
		}
		if plan != nil {
			plan.add(c)
		}
		return Result{}, fmt.Errorf("would run %q: %w", c.Line, ErrDryRun)
	})
}

// IsDryRun reports whether err says a command was not executed because of
// a dry run.
func IsDryRun(err error) bool { return errors.Is(err, ErrDryRun) }
