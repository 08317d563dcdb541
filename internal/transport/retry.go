package transport

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryOptions configures [Retry]. The zero value gives the defaults noted
// on each field.
type RetryOptions struct {
	// MaxAttempts is the total number of attempts, the first included.
	// Zero means 4; 1 disables retrying.
	MaxAttempts int
	// BaseDelay is the delay before the second attempt, before jitter. Zero
	// means 2s. Each further retry doubles it.
	BaseDelay time.Duration
	// MaxDelay caps the delay before jitter. Zero means 30s.
	MaxDelay time.Duration
	// Sleep waits for d or until ctx ends, returning ctx.Err() in the latter
	// case. Nil means a real timer. Tests inject a fake that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1). Nil means math/rand/v2.
	Jitter func() float64
	// OnRetry, if not nil, is called before each wait with the attempt that
	// just failed (1 for the first), its error and the delay chosen; use it
	// to log retries. It must not block.
	OnRetry func(c Command, attempt int, err error, delay time.Duration)
}

// Retry returns a Runner that runs commands through next and retries those
// that failed with a transient error ([IsTransient]: unreachable, connection
// lost) — but only commands with Mutates == false, whose repetition is
// harmless. A command that exits non-zero is a result, not an error, and is
// never retried; nor are timeouts, authentication or host key failures.
//
// The delay before retry n (n = 1, 2, ...) is BaseDelay·2^(n-1), capped at
// MaxDelay, with "equal jitter": half of it fixed, the other half uniformly
// random, so that many hosts failing together do not retry in lockstep.
//
// When every attempt failed, the error of the last attempt is returned,
// wrapped with the number of attempts ("after 4 attempts: ...") and still
// matching its class with errors.Is. If ctx ends during a wait, Run stops
// and returns the last error wrapped together with ctx.Err(), so that both
// errors.Is(err, ErrConnLost) and errors.Is(err, context.Canceled) hold.
func Retry(next Runner, o RetryOptions) Runner {
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 4
	}
	if o.BaseDelay == 0 {
		o.BaseDelay = 2 * time.Second
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = 30 * time.Second
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	return &retrier{next: next, o: o}
}

type retrier struct {
	next Runner
	o    RetryOptions
}

func (r *retrier) Run(ctx context.Context, c Command) (Result, error) {
	res, err := r.next.Run(ctx, c)
	if c.Mutates {
		return res, err
	}
	attempt := 1
	for ; err != nil && IsTransient(err) && attempt < r.o.MaxAttempts; attempt++ {
		d := r.delay(attempt)
		if r.o.OnRetry != nil {
			r.o.OnRetry(c, attempt, err, d)
		}
		if serr := r.o.Sleep(ctx, d); serr != nil {
			return res, fmt.Errorf("%w (gave up retrying after %d attempts: %w)", err, attempt, serr)
		}
		res, err = r.next.Run(ctx, c)
	}
	if err != nil && attempt > 1 {
		err = fmt.Errorf("after %d attempts: %w", attempt, err)
	}
	return res, err
}

// delay returns the wait after the given failed attempt (1-based).
func (r *retrier) delay(attempt int) time.Duration {
	d := r.o.BaseDelay
	for i := 1; i < attempt && d < r.o.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, r.o.MaxDelay)
	half := d / 2
	return half + time.Duration(r.o.Jitter()*float64(d-half))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
