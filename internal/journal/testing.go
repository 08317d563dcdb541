package journal

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
)

// ErrInjected is the write error of a journal from [FailWritesForTest].
var ErrInjected = errors.New("injected write failure")

// FailWritesForTest wraps j so that its Appends succeed n times and then
// fail as a failing disk would: the failing Append returns an error
// wrapping [ErrInjected] (without recording the event) and every later one
// fails with [ErrBroken]. Reads pass through. Tests of the journal's
// callers use it for their error paths.
func FailWritesForTest(j Journal, n int) Journal {
	return &failing{Journal: j, left: n}
}

type failing struct {
	Journal
	mu     sync.Mutex
	left   int
	broken bool
}

func (f *failing) Append(ctx context.Context, e Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.broken {
		return fmt.Errorf("%w: %v", ErrBroken, ErrInjected)
	}
	if f.left <= 0 {
		f.broken = true
		return fmt.Errorf("journal append %s: %w", e.Kind, ErrInjected)
	}
	f.left--
	return f.Journal.Append(ctx, e)
}

func (f *failing) Events(host string) iter.Seq2[Event, error] { return f.Journal.Events(host) }
