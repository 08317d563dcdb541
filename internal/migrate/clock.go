package migrate

import (
	"context"
	"time"
)

// Clock is the controller's time: when things happen (journal times,
// elapsed, ETA, stalls, windows) and how it waits between polls. Tests run
// the orchestrator on the lab's scaled clock, so a migration of an hour
// takes a fraction of a second and nothing sleeps for real longer than
// that.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits d, or until ctx is done (returning its error).
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
func RealClock() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
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

// ScaledClock runs Scale times faster than the wall clock from Origin
// on: Now is Origin plus the real time elapsed since Origin, times Scale,
// and Sleep(d) waits d/Scale of real time. Two processes with the same
// Origin and Scale agree on the time, so a controller that is killed and
// resumed keeps one time line. It matches a lab's time scale
// (sim.Config.TimeScale) for rehearsals and tests, where the controller is
// another process than the lab.
type ScaledClock struct {
	Origin time.Time
	Scale  float64
}

// NewScaledClock returns a clock running scale times faster than the wall
// clock from origin on. A scale of 0 or less means 1.
func NewScaledClock(origin time.Time, scale float64) *ScaledClock {
	if scale <= 0 {
		scale = 1
	}
	return &ScaledClock{Origin: origin, Scale: scale}
}

// Now implements Clock.
func (c *ScaledClock) Now() time.Time {
	return c.Origin.Add(time.Duration(float64(time.Since(c.Origin)) * c.Scale))
}

// Sleep implements Clock.
func (c *ScaledClock) Sleep(ctx context.Context, d time.Duration) error {
	return realClock{}.Sleep(ctx, time.Duration(float64(d)/c.Scale))
}
