package journal

import (
	"encoding/json"
	"time"
)

// State is where a host stands in a migration.
type State string

// Host states. The machine is
//
//	planned → starting → running → succeeded → [rebooting →] verifying → verified
//	                             ↘ failed → retrying → starting ...
//	                                      ↘ fixing → planned ...
//
// with excluded (left out, with a reason), stopped (the operator or the
// policy stopped the host) and rolled_back (booted back to the original
// rootvg) on the side. [CanTransition] has the full table.
const (
	StatePlanned    State = "planned"
	StateExcluded   State = "excluded"
	StateFixing     State = "fixing"
	StateStarting   State = "starting"
	StateRunning    State = "running"
	StateRetrying   State = "retrying"
	StateSucceeded  State = "succeeded"
	StateFailed     State = "failed"
	StateStopped    State = "stopped"
	StateRebooting  State = "rebooting"
	StateVerifying  State = "verifying"
	StateVerified   State = "verified"
	StateRolledBack State = "rolled_back"
)

// transitions lists, for each state, the states it may move to. The zero
// state is a host the journal has not seen yet.
var transitions = map[State][]State{
	"":              {StatePlanned, StateExcluded},
	StatePlanned:    {StateExcluded, StateFixing, StateStarting, StateStopped},
	StateExcluded:   {StatePlanned},
	StateFixing:     {StatePlanned, StateExcluded, StateFailed, StateStopped},
	StateStarting:   {StateRunning, StateFailed, StateStopped},
	StateRunning:    {StateSucceeded, StateFailed, StateStopped},
	StateRetrying:   {StateStarting, StateFixing, StateExcluded, StateStopped},
	StateFailed:     {StateRetrying, StateFixing, StateExcluded, StateStopped, StateRolledBack},
	StateSucceeded:  {StateRebooting, StateVerifying, StateRolledBack, StateStopped},
	StateRebooting:  {StateVerifying, StateFailed, StateStopped},
	StateVerifying:  {StateVerified, StateFailed, StateStopped},
	StateVerified:   {StateRolledBack},
	StateStopped:    {StatePlanned, StateRetrying, StateExcluded},
	StateRolledBack: {StatePlanned, StateExcluded},
}

// States returns every host state, in the order of the machine.
func States() []State {
	return []State{StatePlanned, StateExcluded, StateFixing, StateStarting, StateRunning, StateRetrying,
		StateSucceeded, StateFailed, StateStopped, StateRebooting, StateVerifying, StateVerified, StateRolledBack}
}

// Valid reports whether s is one of the host states.
func (s State) Valid() bool {
	_, ok := transitions[s]
	return ok && s != ""
}

// CanTransition reports whether a host in state from may move to state to.
// from is "" for a host the journal has not seen.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Terminal reports whether s ends the host's part in a run unless an
// operator intervenes: verified, rolled_back, excluded, stopped, and
// failed (which needs a retry or fix decision).
func (s State) Terminal() bool {
	switch s {
	case StateVerified, StateRolledBack, StateExcluded, StateStopped, StateFailed:
		return true
	}
	return false
}

// Active reports whether a nimadm may be running for a host in state s
// (starting or running): such a host must be re-attached on resume, never
// started again.
func (s State) Active() bool { return s == StateStarting || s == StateRunning }

// HostState is the state of one host, derived from its events.
type HostState struct {
	Host  string
	State State
	// Reason is the Reason of the last state change.
	Reason string
	// Since is the time of the last state change; Updated the time of the
	// host's last event.
	Since, Updated time.Time
	// Run is the run of the host's last event.
	Run string
	// Attempts lists the nimadm attempts, oldest first.
	Attempts []Attempt
	// Diagnosis is the latest diagnosis, nil if none.
	Diagnosis *Diagnosis
	// Fixes are the remediations applied, in order.
	Fixes []FixRecord
	// Notes are the host's notes, in order.
	Notes []string
	// Events counts the host's events; LastSeq is the Seq of the last one.
	Events  int
	LastSeq uint64
}

// Current returns the latest attempt, or nil before the first.
func (h *HostState) Current() *Attempt {
	if len(h.Attempts) == 0 {
		return nil
	}
	return &h.Attempts[len(h.Attempts)-1]
}

// Attempt is one nimadm run for a host.
type Attempt struct {
	N      int
	Run    string
	Master string
	// Log is the log path on the master; PID the detached process (0
	// until launched, or when it was never learnt); Launched whether a
	// launch was recorded.
	Log      string
	PID      int
	Launched bool
	// Started is when the attempt was opened; Ended when its exit was
	// recorded (zero while it runs).
	Started, Ended time.Time
	// Phases are the phase banners seen, in order.
	Phases []PhaseMark
	// Offset is the last checkpointed log offset (bytes read).
	Offset int64
	// Exit is nimadm's exit status (nil while running, or unknown);
	// Outcome the runner's verdict ("" while running).
	Exit    *int
	Outcome string
	// Diagnosis is this attempt's diagnosis, nil if none.
	Diagnosis *Diagnosis
}

// Phase returns the last phase seen, 0 if none.
func (a *Attempt) Phase() int {
	if len(a.Phases) == 0 {
		return 0
	}
	return a.Phases[len(a.Phases)-1].N
}

// PhaseMark says when a phase started.
type PhaseMark struct {
	N  int
	At time.Time
}

// Diagnosis is a failure diagnosis: the rule that matched, the signature
// the scheduler compares, and the full report as opaque JSON.
type Diagnosis struct {
	Rule, Signature string
	Data            json.RawMessage
	At              time.Time
}

// FixRecord is a remediation applied to a host.
type FixRecord struct {
	Fix, Detail string
	Data        json.RawMessage
	At          time.Time
}

// Run is a run, derived from its run-level events.
type Run struct {
	RunInfo
	// Resumed lists when controllers took the run over.
	Resumed []time.Time
	// Ended is zero while the run is open; Outcome is the run_ended
	// outcome.
	Ended   time.Time
	Outcome string
	// Notes are the run-level notes.
	Notes []string
}

// Open reports whether the run has not ended.
func (r *Run) Open() bool { return r.Ended.IsZero() }

func (h HostState) clone() HostState {
	h.Attempts = append([]Attempt(nil), h.Attempts...)
	for i := range h.Attempts {
		a := &h.Attempts[i]
		a.Phases = append([]PhaseMark(nil), a.Phases...)
		if a.Exit != nil {
			x := *a.Exit
			a.Exit = &x
		}
		a.Diagnosis = a.Diagnosis.clone()
	}
	h.Diagnosis = h.Diagnosis.clone()
	h.Fixes = append([]FixRecord(nil), h.Fixes...)
	for i := range h.Fixes {
		h.Fixes[i].Data = cloneRaw(h.Fixes[i].Data)
	}
	h.Notes = append([]string(nil), h.Notes...)
	return h
}

func (d *Diagnosis) clone() *Diagnosis {
	if d == nil {
		return nil
	}
	c := *d
	c.Data = cloneRaw(d.Data)
	return &c
}

func (r Run) clone() Run {
	r.Plan = cloneRaw(r.Plan)
	r.Resumed = append([]time.Time(nil), r.Resumed...)
	r.Notes = append([]string(nil), r.Notes...)
	return r
}
