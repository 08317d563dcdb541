package sched

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/inventory"
)

// Policy is the rollout policy of a migration. The zero value is not
// useful; start from [DefaultPolicy] and change fields.
type Policy struct {
	// MaxParallel caps the concurrent nimadm runs per master below the
	// master's inventory slots. 0 means the slots alone decide.
	MaxParallel int `json:"max_parallel,omitempty"`
	// Canary is the size of a canary wave formed from the first wave when
	// the inventory marks no wave canary: that many hosts (the quickest,
	// spread over the masters) migrate alone first, and any failure among
	// them pauses the rollout. 0 means no canary wave (unless the
	// inventory has one).
	Canary int `json:"canary,omitempty"`
	// MaxFailures is the failure budget: no new host starts once more
	// hosts than this have failed.
	MaxFailures Budget `json:"max_failures"`
	// HostDeadline bounds one nimadm run; a run still going after it is
	// stopped and failed. 0 means no deadline.
	HostDeadline time.Duration `json:"host_deadline,omitempty"`
	// ProgressDeadline is how long a run may go without new log output
	// (or a new phase) before it is considered stalled. The runner
	// stretches it for phases its duration model expects to be longer.
	// 0 means no stall detection.
	ProgressDeadline time.Duration `json:"progress_deadline,omitempty"`
	// Window is a fleet-wide maintenance window, on top of the hosts' own:
	// no host starts unless its expected run fits inside. nil means none.
	Window *inventory.Window `json:"window,omitempty"`
	// WaveOverlap lets wave k+1 start on free slots once every host of
	// wave k has started, instead of waiting until wave k has finished.
	// Canary waves never overlap.
	WaveOverlap bool `json:"wave_overlap,omitempty"`
	// PauseOnNewSignature pauses the rollout (no new starts until
	// [Scheduler.Resume]) when a host fails with a signature not seen
	// before in this migration.
	PauseOnNewSignature bool `json:"pause_on_new_signature"`
	// Order chooses which eligible host starts first; see [Order].
	Order Order `json:"order,omitempty"`
}

// Order is a start-order strategy.
type Order string

const (
	// OrderLPT starts the longest expected runs first (longest processing
	// time first, a classic makespan heuristic), and when the head of the
	// queue cannot start for lack of cache-VG space, backfills shorter
	// runs only where they do not delay it (EASY backfilling). The
	// default.
	OrderLPT Order = "lpt"
	// OrderGreedy is LPT that starts whatever fits, without protecting a
	// blocked head: it fills the cache VG best now but can starve big
	// clients until the end.
	OrderGreedy Order = "lpt-greedy"
	// OrderInventory keeps the inventory's order (first fit).
	OrderInventory Order = "inventory"
)

// Defaults of [DefaultPolicy].
const (
	// DefaultHostDeadline is the 4 hours IBM's Ansible role allows an
	// asynchronous nimadm (nimadm.md §7).
	DefaultHostDeadline = 4 * time.Hour
	// DefaultProgressDeadline: nimadm prints nothing for long stretches of
	// phase 6 (installp), which takes 30 minutes or more.
	DefaultProgressDeadline = 45 * time.Minute
	// DefaultCanary: one host first.
	DefaultCanary = 1
)

// DefaultPolicy returns the default policy: slots from the inventory, a
// canary of one host, at most 10% of hosts failed, a 4-hour host
// deadline, 45 minutes without progress is a stall, pause on every new
// failure signature, LPT order.
func DefaultPolicy() Policy {
	return Policy{
		Canary:              DefaultCanary,
		MaxFailures:         Budget{N: 10, Percent: true},
		HostDeadline:        DefaultHostDeadline,
		ProgressDeadline:    DefaultProgressDeadline,
		PauseOnNewSignature: true,
		Order:               OrderLPT,
	}
}

// Validate reports every problem of the policy at once.
func (p Policy) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if p.MaxParallel < 0 || p.MaxParallel > inventory.MaxSlots {
		add("max parallel %d: want 0 to %d", p.MaxParallel, inventory.MaxSlots)
	}
	if p.Canary < 0 {
		add("canary %d: must not be negative", p.Canary)
	}
	if err := p.MaxFailures.validate(); err != nil {
		errs = append(errs, err)
	}
	if p.HostDeadline < 0 {
		add("host deadline %v: must not be negative", p.HostDeadline)
	}
	if p.ProgressDeadline < 0 {
		add("progress deadline %v: must not be negative", p.ProgressDeadline)
	}
	if p.HostDeadline > 0 && p.ProgressDeadline > p.HostDeadline {
		add("progress deadline %v: longer than the host deadline %v", p.ProgressDeadline, p.HostDeadline)
	}
	if w := p.Window; w != nil && !w.End.After(w.Start) {
		add("window %s to %s: end must be after start", w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339))
	}
	switch p.Order {
	case "", OrderLPT, OrderGreedy, OrderInventory:
	default:
		add("order %q: want %s, %s or %s", p.Order, OrderLPT, OrderGreedy, OrderInventory)
	}
	return errors.Join(errs...)
}

// Budget is a failure budget: a number of hosts, or a percentage of the
// hosts in the plan.
type Budget struct {
	N       int
	Percent bool
}

// ParseBudget parses "3" or "10%".
func ParseBudget(s string) (Budget, error) {
	t := strings.TrimSpace(s)
	b := Budget{Percent: strings.HasSuffix(t, "%")}
	n, err := strconv.Atoi(strings.TrimSuffix(t, "%"))
	if err != nil {
		return Budget{}, fmt.Errorf("failure budget %q: want a number of hosts or a percentage (3, 10%%)", s)
	}
	b.N = n
	if err := b.validate(); err != nil {
		return Budget{}, err
	}
	return b, nil
}

func (b Budget) validate() error {
	switch {
	case b.N < 0:
		return fmt.Errorf("failure budget %s: must not be negative", b)
	case b.Percent && b.N > 100:
		return fmt.Errorf("failure budget %s: more than 100%%", b)
	}
	return nil
}

// String returns "3" or "10%".
func (b Budget) String() string {
	if b.Percent {
		return strconv.Itoa(b.N) + "%"
	}
	return strconv.Itoa(b.N)
}

// Allowed returns how many of total hosts may fail: N, or N% of total
// rounded down.
func (b Budget) Allowed(total int) int {
	if b.Percent {
		return total * b.N / 100
	}
	return b.N
}

// Exceeded reports whether failed hosts out of total exceed the budget.
func (b Budget) Exceeded(failed, total int) bool { return failed > b.Allowed(total) }

// MarshalText implements encoding.TextMarshaler.
func (b Budget) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Budget) UnmarshalText(t []byte) error {
	v, err := ParseBudget(string(t))
	if err != nil {
		return err
	}
	*b = v
	return nil
}
