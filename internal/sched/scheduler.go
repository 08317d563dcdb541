package sched

import (
	"fmt"
	"sort"
	"time"

	"github.com/nimfleet/nimfleet/internal/inventory"
)

// Scheduler decides which hosts of a [Plan] start next. It never sleeps
// and has no goroutines: the caller asks [Scheduler.Next] with the current
// time, starts the hosts it returns, and reports each end with
// [Scheduler.Done]. It is not safe for concurrent use.
//
// Constraints, all enforced in Next:
//
//   - per master, at most MasterPlan.Slots runs at once;
//   - per master, the cache reservations of the running hosts (rootvg used
//     plus margin, -j runs only) fit in the cache VG's free space;
//   - a host runs at most once at a time (it is running or it is not);
//   - waves in order: wave k+1 starts when wave k has finished, or with
//     Policy.WaveOverlap once all of wave k has started (never after or
//     during a canary wave);
//   - the failure budget: nothing starts once more hosts failed than
//     Policy.MaxFailures allows;
//   - pauses: a failed canary host, and (Policy.PauseOnNewSignature) a
//     failure whose signature was not seen before, stop new starts until
//     [Scheduler.Resume];
//   - windows: a host starts only if its expected run fits in its own
//     window and in Policy.Window; one that can no longer fit is skipped.
//
// Among the hosts allowed to start, the plan's order decides (LPT with
// EASY backfilling by default; see [Order]).
type Scheduler struct {
	policy  Policy
	waves   []*waveState
	hosts   map[string]*hostState
	masters map[string]*masterState
	order   []string // master names, sorted
	total   int
	failed  int
	known   map[string]bool
	paused  []string
}

type status int

const (
	pending status = iota
	running
	succeeded
	failed
	skipped
)

type hostState struct {
	Host
	wave    *waveState
	status  status
	started time.Time
	reason  string // skip reason
}

type waveState struct {
	Wave
	hosts            []*hostState
	pending, running int
}

type masterState struct {
	MasterPlan
	running  []*hostState
	reserved int
}

// New returns a scheduler for plan, with every host pending.
func New(plan *Plan) *Scheduler {
	s := &Scheduler{policy: plan.Policy, hosts: map[string]*hostState{}, masters: map[string]*masterState{}, known: map[string]bool{}}
	for _, m := range plan.Masters {
		s.masters[m.Name] = &masterState{MasterPlan: m}
		s.order = append(s.order, m.Name)
	}
	sort.Strings(s.order)
	for _, w := range plan.Waves {
		ws := &waveState{Wave: w}
		for _, h := range w.Hosts {
			hs := &hostState{Host: h, wave: ws}
			ws.hosts = append(ws.hosts, hs)
			ws.pending++
			s.hosts[h.Name] = hs
			s.total++
		}
		s.waves = append(s.waves, ws)
	}
	return s
}

// Start is a host the caller should start now. The scheduler counts it as
// running from the moment Next returns it.
type Start struct {
	Host, Master string
	Wave         int
	// ReserveMB is the cache-VG space the run holds.
	ReserveMB int
	Expected  time.Duration
}

// Result is how a run ended.
type Result struct {
	Failed bool
	// Signature identifies the failure (the diagnosis rule ID or the first
	// 0505-xxx message ID); empty means "unknown", itself a signature.
	Signature string
}

// Next returns the hosts to start at now (possibly none) and marks them
// running.
func (s *Scheduler) Next(now time.Time) []Start {
	starts, _ := s.decide(now, true)
	return starts
}

// Done reports that a running host's run ended. A failure may pause the
// rollout (see the type documentation).
func (s *Scheduler) Done(host string, r Result) error {
	h := s.hosts[host]
	if h == nil {
		return fmt.Errorf("sched: host %s is not in the plan", host)
	}
	if h.status != running {
		return fmt.Errorf("sched: host %s is not running", host)
	}
	s.stopRunning(h)
	if !r.Failed {
		h.status = succeeded
		return nil
	}
	h.status = failed
	s.failed++
	sig := r.Signature
	if sig == "" {
		sig = "unknown"
	}
	switch {
	case h.wave.Canary:
		s.paused = append(s.paused, fmt.Sprintf("canary host %s failed (%s)", host, sig))
	case s.policy.PauseOnNewSignature && !s.known[sig]:
		s.paused = append(s.paused, fmt.Sprintf("new failure signature %s on %s", sig, host))
	}
	s.known[sig] = true
	return nil
}

func (s *Scheduler) stopRunning(h *hostState) {
	m := s.masters[h.Master]
	for i, x := range m.running {
		if x == h {
			m.running = append(m.running[:i], m.running[i+1:]...)
			break
		}
	}
	m.reserved -= h.ReserveMB
	h.wave.running--
}

// Retry makes a failed host pending again (after a fix); it no longer
// counts against the failure budget. The host rejoins its own wave.
func (s *Scheduler) Retry(host string) error {
	h := s.hosts[host]
	if h == nil {
		return fmt.Errorf("sched: host %s is not in the plan", host)
	}
	if h.status != failed {
		return fmt.Errorf("sched: host %s has not failed", host)
	}
	h.status = pending
	h.wave.pending++
	s.failed--
	return nil
}

// Resume clears the pauses (an operator looked at the new failure).
func (s *Scheduler) Resume() { s.paused = nil }

// KnownSignature records a failure signature as already seen, so that it
// does not pause the rollout (signatures from earlier runs, or ones the
// operator accepted).
func (s *Scheduler) KnownSignature(sig string) { s.known[sig] = true }

// Restored is a host's state as recorded in the journal, for [Scheduler.Restore].
type Restored int

// Restored states.
const (
	// RestoredRunning: a nimadm is (or may be) running; it holds its slot
	// and cache reservation.
	RestoredRunning Restored = iota + 1
	RestoredSucceeded
	RestoredFailed
	// RestoredSkipped: done with the host for this run (excluded, stopped
	// or skipped earlier).
	RestoredSkipped
)

// Restore sets a pending host's state from the journal when a run is
// resumed. started is when a running host started. A restored failure
// counts against the budget and marks its signature known, but does not
// pause the rollout again (the pause was taken when it happened).
func (s *Scheduler) Restore(host string, st Restored, started time.Time, signature string) error {
	h := s.hosts[host]
	if h == nil {
		return fmt.Errorf("sched: host %s is not in the plan", host)
	}
	if h.status != pending {
		return fmt.Errorf("sched: host %s restored twice", host)
	}
	h.wave.pending--
	switch st {
	case RestoredRunning:
		s.startRunning(h, started)
	case RestoredSucceeded:
		h.status = succeeded
	case RestoredFailed:
		h.status = failed
		s.failed++
		if signature == "" {
			signature = "unknown"
		}
		s.known[signature] = true
	case RestoredSkipped:
		h.status, h.reason = skipped, "restored as done"
	default:
		h.wave.pending++
		return fmt.Errorf("sched: host %s: unknown restored state %d", host, st)
	}
	return nil
}

func (s *Scheduler) startRunning(h *hostState, now time.Time) {
	m := s.masters[h.Master]
	h.status, h.started = running, now
	m.running = append(m.running, h)
	m.reserved += h.ReserveMB
	h.wave.running++
}

// Wait says why a pending host of an eligible wave is not starting.
type Wait struct {
	Host   string
	Reason string
}

// Status is a summary of the rollout at a point in time.
type Status struct {
	Total, Pending, Running, Succeeded, Failed, Skipped int
	// Wave is the number of the first unfinished wave, 0 when all are
	// finished.
	Wave int
	// Paused lists why new starts are paused (until Resume).
	Paused []string
	// Halted is set when the failure budget is exhausted.
	Halted string
	// Waiting explains the pending hosts of the eligible waves that
	// cannot start now; Skips the hosts skipped (window missed).
	Waiting []Wait
	Skips   []Wait
	// WakeAt is the earliest time a waiting host's window opens (the
	// caller should call Next again then, even without a completion);
	// zero if none.
	WakeAt time.Time
	// Finished: nothing runs and nothing will start without an operator
	// (every host is done, or the budget is exhausted). A pause with
	// nothing running is not Finished: it waits for Resume.
	Finished bool
}

// Status reports the state at now without starting anything.
func (s *Scheduler) Status(now time.Time) Status {
	st := Status{Total: s.total, Paused: append([]string(nil), s.paused...)}
	_, st.Waiting = s.decide(now, false)
	for _, w := range s.waves {
		if st.Wave == 0 && w.pending+w.running > 0 {
			st.Wave = w.Number
		}
		for _, h := range w.hosts {
			switch h.status {
			case pending:
				st.Pending++
				for _, win := range []*inventory.Window{h.Window, s.policy.Window} {
					if win != nil && now.Before(win.Start) && (st.WakeAt.IsZero() || win.Start.Before(st.WakeAt)) {
						st.WakeAt = win.Start
					}
				}
			case running:
				st.Running++
			case succeeded:
				st.Succeeded++
			case failed:
				st.Failed++
			case skipped:
				st.Skipped++
				st.Skips = append(st.Skips, Wait{h.Name, h.reason})
			}
		}
	}
	if s.budgetExhausted() {
		st.Halted = fmt.Sprintf("failure budget exhausted: %d of %d hosts failed (max %s)", s.failed, s.total, s.policy.MaxFailures)
	}
	st.Finished = st.Running == 0 && (st.Pending == 0 || st.Halted != "")
	return st
}

func (s *Scheduler) budgetExhausted() bool {
	return s.policy.MaxFailures.Exceeded(s.failed, s.total)
}

// criticalRatio: a host blocked by the cache VG is protected (EASY
// backfilling) once the master's remaining work per slot is less than
// this many times its own expected run — waiting longer would leave it
// running alone at the end. Tuned on the makespan simulation.
const criticalRatio = 1.5

// remainingWork returns, per master, the expected work left: pending
// hosts' durations plus what remains of the running ones.
func (s *Scheduler) remainingWork(now time.Time) map[string]time.Duration {
	w := map[string]time.Duration{}
	for _, h := range s.hosts {
		switch h.status {
		case pending:
			w[h.Master] += h.Expected
		case running:
			w[h.Master] += max(h.started.Add(h.Expected).Sub(now), 0)
		}
	}
	return w
}

// smallestPending returns, per master, a function giving the sum of the
// k smallest pending cache reservations.
func (s *Scheduler) smallestPending() map[string]func(int) int {
	rs := map[string][]int{}
	for _, h := range s.hosts {
		if h.status == pending {
			rs[h.Master] = append(rs[h.Master], h.ReserveMB)
		}
	}
	out := map[string]func(int) int{}
	for _, name := range s.order {
		r := rs[name]
		sort.Ints(r)
		pre := make([]int, len(r)+1)
		for i, x := range r {
			pre[i+1] = pre[i] + x
		}
		out[name] = func(k int) int {
			return pre[min(max(k, 0), len(r))]
		}
	}
	return out
}

// head is a master's highest-priority host blocked by the cache VG, with
// the backfill allowance it leaves (EASY backfilling).
type head struct {
	shadow     time.Time // when the head is expected to fit
	extraMB    int       // cache space left over at shadow after the head
	extraSlots int       // slots left over at shadow after the head
}

// decide computes the starts at now; with commit it marks them running
// and skips hosts that missed their window.
func (s *Scheduler) decide(now time.Time, commit bool) ([]Start, []Wait) {
	var starts []Start
	var waits []Wait
	wait := func(h *hostState, format string, a ...any) {
		if !commit {
			waits = append(waits, Wait{h.Name, fmt.Sprintf(format, a...)})
		}
	}
	blockedAll := ""
	switch {
	case len(s.paused) > 0:
		blockedAll = "rollout paused: " + s.paused[0]
	case s.budgetExhausted():
		blockedAll = "failure budget exhausted"
	}
	// Trial state when not committing.
	running := map[string]int{}
	reserved := map[string]int{}
	for name, m := range s.masters {
		running[name], reserved[name] = len(m.running), m.reserved
	}
	heads := map[string]*head{}
	smallest := s.smallestPending()
	work := s.remainingWork(now)
	lpt := s.policy.Order == OrderLPT
	var deferred []*hostState
	// try starts h if the constraints allow; fill applies the LPT rule
	// that keeps the master's other free slots fillable.
	try := func(h *hostState, fill bool) (started bool) {
		m := s.masters[h.Master]
		if running[m.Name] >= m.Slots {
			wait(h, "all %d slots of %s busy", m.Slots, m.Name)
			return false
		}
		if reason := s.outsideWindow(h, now); reason != "" {
			wait(h, "%s", reason)
			return false
		}
		end := now.Add(h.Expected)
		if m.CacheMB > 0 && reserved[m.Name]+h.ReserveMB > m.CacheMB {
			wait(h, "cache VG of %s: %d MB reserved of %d, needs %d", m.Name, reserved[m.Name], m.CacheMB, h.ReserveMB)
			// Protect the highest-priority blocked host once waiting
			// longer would leave it running alone at the end.
			if lpt && heads[m.Name] == nil && float64(work[m.Name])/float64(m.Slots) < criticalRatio*float64(h.Expected) {
				heads[m.Name] = s.shadow(m, h, now, running[m.Name], reserved[m.Name])
			}
			return false
		}
		hd := heads[m.Name]
		if hd != nil && end.After(hd.shadow) && (h.ReserveMB > hd.extraMB || hd.extraSlots < 1) {
			wait(h, "held back for a larger client waiting for cache VG space on %s", m.Name)
			return false
		}
		if fill && m.CacheMB > 0 {
			// Keep the other free slots fillable: after h, the smallest
			// pending clients must still fit in them.
			free := m.Slots - running[m.Name] - 1
			if reserved[m.Name]+h.ReserveMB+smallest[m.Name](free) > m.CacheMB {
				deferred = append(deferred, h)
				return false
			}
		}
		if hd != nil && end.After(hd.shadow) {
			hd.extraMB -= h.ReserveMB
			hd.extraSlots--
		}
		running[m.Name]++
		reserved[m.Name] += h.ReserveMB
		if commit {
			h.wave.pending--
			s.startRunning(h, now)
			starts = append(starts, Start{Host: h.Name, Master: h.Master, Wave: h.wave.Number, ReserveMB: h.ReserveMB, Expected: h.Expected})
		}
		return true
	}
	for i, w := range s.waves {
		if w.pending+w.running == 0 {
			continue
		}
		left := 0 // hosts of w still pending after this decision
		for _, h := range w.hosts {
			if h.status != pending {
				continue
			}
			if reason := s.missedWindow(h, now); reason != "" {
				if commit {
					h.status, h.reason = skipped, reason
					w.pending--
				} else {
					wait(h, "%s", reason)
				}
				continue
			}
			if blockedAll != "" {
				wait(h, "%s", blockedAll)
				left++
				continue
			}
			if !try(h, lpt) {
				left++
			}
		}
		// The next wave is eligible only with overlap, once everything
		// here has started, and never next to a canary wave.
		if !s.policy.WaveOverlap || left > 0 || w.Canary || i+1 < len(s.waves) && s.waves[i+1].Canary {
			break
		}
	}
	// Second pass: slots still free after the fill rule take what fits.
	for _, h := range deferred {
		try(h, false)
	}
	return starts, waits
}

// shadow computes when the blocked host h is expected to fit on m (as the
// running hosts end in their expected order) and what is left over then.
func (s *Scheduler) shadow(m *masterState, h *hostState, now time.Time, nRunning, reserved int) *head {
	type run struct {
		end time.Time
		mb  int
	}
	var rs []run
	for _, r := range m.running {
		end := r.started.Add(r.Expected)
		if end.Before(now) {
			end = now
		}
		rs = append(rs, run{end, r.ReserveMB})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].end.Before(rs[j].end) })
	free, slots := m.CacheMB-reserved, m.Slots-nRunning
	hd := &head{shadow: now}
	for _, r := range rs {
		if free >= h.ReserveMB && slots >= 1 {
			break
		}
		free += r.mb
		slots++
		hd.shadow = r.end
	}
	// Hosts started earlier in this same decision are not in m.running
	// yet; they are counted in reserved/nRunning and assumed to outlast
	// the shadow, which only makes the allowance smaller.
	hd.extraMB = free - h.ReserveMB
	hd.extraSlots = slots - 1
	if hd.extraMB < 0 {
		hd.extraMB = 0
	}
	return hd
}

// missedWindow returns why h can never start any more (its expected run
// no longer fits before the end of its window or the policy's), or "".
func (s *Scheduler) missedWindow(h *hostState, now time.Time) string {
	for _, w := range []*inventory.Window{h.Window, s.policy.Window} {
		if w != nil && now.Add(h.Expected).After(w.End) {
			return fmt.Sprintf("window ends %s: an expected run of %v no longer fits", w.End.Format(time.RFC3339), h.Expected.Round(time.Minute))
		}
	}
	return ""
}

// outsideWindow returns why h cannot start yet (a window not open), or "".
func (s *Scheduler) outsideWindow(h *hostState, now time.Time) string {
	for _, w := range []*inventory.Window{h.Window, s.policy.Window} {
		if w != nil && now.Before(w.Start) {
			return fmt.Sprintf("window opens %s", w.Start.Format(time.RFC3339))
		}
	}
	return ""
}
