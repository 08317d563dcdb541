package transport

import (
	"context"
	"sync"
)

// step is one scripted answer of a fakeRunner.
type step struct {
	res Result
	err error
}

// fakeRunner answers from a script (the last step repeats) and records the
// commands it saw. It is safe for concurrent use.
type fakeRunner struct {
	mu     sync.Mutex
	script []step
	calls  []Command
}

func (f *fakeRunner) Run(ctx context.Context, c Command) (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	if len(f.script) == 0 {
		return Result{}, nil
	}
	s := f.script[0]
	if len(f.script) > 1 {
		f.script = f.script[1:]
	}
	return s.res, s.err
}

func (f *fakeRunner) Calls() []Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Command(nil), f.calls...)
}
