package nimadm

import (
	"time"
)

// Phases is the number of nimadm phases (nimadm.md §3).
const Phases = 12

// Workload describes one migration for the duration model.
type Workload struct {
	// RootvgUsedMB is the client's rootvg used size.
	RootvgUsedMB int
	// Cache is local disk caching (nimadm -j); false is NFS mode.
	Cache bool
	// Load is the master's CPU load factor for phases 5 to 8: concurrent
	// runs divided by the runs the master carries at full speed, when
	// above 1. 0 or less means 1.
	Load float64
}

func (w Workload) gb() float64 { return float64(w.RootvgUsedMB) / 1024 }

func (w Workload) load() float64 {
	if w.Load < 1 {
		return 1
	}
	return w.Load
}

// baseSeconds is the default model [U]: nimadm.md §7 (about an hour per
// client, phase 6 about 30 minutes; phase 1 about 2-3 minutes per GB of
// rootvg) as calibrated in the lab (internal/sim doc, "Time"): start-up
// 10 s; phase 1 60 s + 30 s/GB; 2 30 s; 3 30 s/GB with -j, 60 s over NFS;
// 4 and 7 5 s; 5 300 s; 6 1800 s; 8 120 s; 9 60 s + 15 s/GB with -j,
// 30 s over NFS; 10 and 12 30 s; 11 120 s. Phases 5 and 6 take 20%
// longer over NFS; phases 5, 6 and 8 scale with the master's load. Phase 0
// is the start-up before the first banner.
func baseSeconds(n int, w Workload) float64 {
	g, j, load := w.gb(), w.Cache, w.load()
	nfs := 1.0
	if !j {
		nfs = 1.2
	}
	switch n {
	case 0:
		return 10
	case 1:
		return 60 + 30*g
	case 2:
		return 30
	case 3:
		if j {
			return 30 * g
		}
		return 60
	case 4, 7:
		return 5
	case 5:
		return 300 * nfs * load
	case 6:
		return 1800 * nfs * load
	case 8:
		return 120 * load
	case 9:
		if j {
			return 60 + 15*g
		}
		return 30
	case 10, 12:
		return 30
	case 11:
		return 120
	}
	return 0
}

// Model predicts nimadm's duration phase by phase. The zero value is the
// default model (nimadm.md §7 as calibrated in the lab); a [Learner]
// returns models fitted to the runs of a fleet.
type Model struct {
	// Scale[n] multiplies the default estimate of phase n (index 0 is the
	// start-up before phase 1). Zero means 1.
	Scale [Phases + 1]float64
}

// Phase returns the expected duration of phase n (0 for the start-up).
func (m Model) Phase(n int, w Workload) time.Duration {
	if n < 0 || n > Phases {
		return 0
	}
	s := baseSeconds(n, w)
	if f := m.Scale[n]; f > 0 {
		s *= f
	}
	return time.Duration(s * float64(time.Second))
}

// Total returns the expected duration of a whole run.
func (m Model) Total(w Workload) time.Duration {
	var d time.Duration
	for n := 0; n <= Phases; n++ {
		d += m.Phase(n, w)
	}
	return d
}

// Remaining returns the expected time left in a run that entered phase
// (0 before the first banner) elapsed ago: what is left of the current
// phase (at least nothing) plus the phases after it.
func (m Model) Remaining(w Workload, phase int, elapsed time.Duration) time.Duration {
	if phase > Phases {
		return 0
	}
	left := max(m.Phase(phase, w)-elapsed, 0)
	for n := phase + 1; n <= Phases; n++ {
		left += m.Phase(n, w)
	}
	return left
}

// Learner fits a [Model] to finished runs of the same fleet: for each
// phase it keeps the mean ratio of the observed duration to the default
// model's, so a fleet whose installp phase runs slow gets longer phase-6
// estimates while size-dependent phases keep their size dependence. The
// zero value is ready to use. It is not safe for concurrent use.
type Learner struct {
	sum [Phases + 1]float64
	n   [Phases + 1]int
}

// PhaseStart is when a phase started, as the [Tracker] reports it.
type PhaseStart struct {
	Phase int
	At    time.Time
}

// Observe adds a finished successful run: its phase starts in order, when
// it began (before phase 1) and when it ended. Phases with a non-positive
// observed or modelled duration are ignored, and so are runs that did not
// see their phases in order.
func (l *Learner) Observe(w Workload, began time.Time, phases []PhaseStart, ended time.Time) {
	for i := 1; i < len(phases); i++ {
		if phases[i].Phase <= phases[i-1].Phase {
			return
		}
	}
	add := func(n int, d time.Duration) {
		base := baseSeconds(n, w)
		if base <= 0 || d <= 0 {
			return
		}
		l.sum[n] += d.Seconds() / base
		l.n[n]++
	}
	if len(phases) > 0 && phases[0].Phase == 1 && !began.IsZero() {
		add(0, phases[0].At.Sub(began))
	}
	for i, p := range phases {
		end := ended
		if i+1 < len(phases) {
			if phases[i+1].Phase != p.Phase+1 {
				continue // a phase was skipped (-P): no clean boundary
			}
			end = phases[i+1].At
		}
		add(p.Phase, end.Sub(p.At))
	}
}

// Runs returns how many observations phase n has.
func (l *Learner) Runs(n int) int {
	if n < 0 || n > Phases {
		return 0
	}
	return l.n[n]
}

// Model returns the fitted model: phases without observations keep the
// default estimate.
func (l *Learner) Model() Model {
	var m Model
	for n := range l.sum {
		if l.n[n] > 0 {
			m.Scale[n] = l.sum[n] / float64(l.n[n])
		}
	}
	return m
}
