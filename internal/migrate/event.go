package migrate

import (
	"sort"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/nimadm"
)

// EventSchemaVersion versions [Event] as `migrate run --json` prints it,
// one object per line. Fields may be added, never change meaning.
const EventSchemaVersion = 1

// Event is what an [Observer] is told: every journal event of the run as
// it is written (Kind is the journal kind: run_started, state, attempt,
// launched, phase, exit, diagnosis, fix, note, run_resumed, run_ended),
// with the host's master added. Offset checkpoints are not reported.
type Event struct {
	SchemaVersion int           `json:"schema_version"`
	Time          time.Time     `json:"time"`
	Kind          journal.Kind  `json:"kind"`
	Run           string        `json:"run"`
	Host          string        `json:"host,omitempty"`
	Master        string        `json:"master,omitempty"`
	State         journal.State `json:"state,omitempty"`
	Reason        string        `json:"reason,omitempty"`
	Attempt       int           `json:"attempt,omitempty"`
	Log           string        `json:"log,omitempty"`
	PID           int           `json:"pid,omitempty"`
	Phase         int           `json:"phase,omitempty"`
	Exit          *int          `json:"exit,omitempty"`
	Outcome       string        `json:"outcome,omitempty"`
	Rule          string        `json:"rule,omitempty"`
	Signature     string        `json:"signature,omitempty"`
	Fix           string        `json:"fix,omitempty"`
	Detail        string        `json:"detail,omitempty"`
}

// Observer receives the run's events. It is called from several
// goroutines (one per host), after the event is durable in the journal,
// and must not block for long.
type Observer func(Event)

func eventOf(e journal.Event, master string) Event {
	return Event{SchemaVersion: EventSchemaVersion, Time: e.Time, Kind: e.Kind, Run: e.Run, Host: e.Host, Master: master,
		State: e.To, Reason: e.Reason, Attempt: e.Attempt, Log: e.Log, PID: e.PID, Phase: e.Phase, Exit: e.Exit,
		Outcome: e.Outcome, Rule: e.Rule, Signature: e.Signature, Fix: e.Fix, Detail: e.Detail}
}

// HostProgress is a host with work in flight, for live displays.
type HostProgress struct {
	Host, Master string
	State        journal.State
	Attempt      int
	// Phase is the nimadm phase (0 before the first banner; 12 phases).
	Phase int
	// Started is when the attempt (or the current stage) started.
	Started time.Time
	// ETA is the expected time left of the nimadm run (0 outside one).
	ETA time.Duration
}

// Progress is the run at a point in time.
type Progress struct {
	Now time.Time
	Run string
	// Active are the hosts being worked on, by name.
	Active []HostProgress
	// Counts of the plan's hosts by journal state.
	States map[journal.State]int
	Total  int
}

// progressOf is what the orchestrator keeps per active host.
type progressOf struct {
	HostProgress
	phaseAt  time.Time
	workload nimadm.Workload
}

// Progress returns the run's progress now. It is safe to call from any
// goroutine while the run goes on.
func (m *Orchestrator) Progress() Progress {
	now := m.clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	p := Progress{Now: now, Run: m.runID, States: map[journal.State]int{}, Total: len(m.states)}
	for _, s := range m.states {
		p.States[s]++
	}
	for _, a := range m.active {
		hp := a.HostProgress
		if a.State == journal.StateRunning {
			since := a.phaseAt
			if since.IsZero() {
				since = a.Started
			}
			hp.ETA = m.model.Remaining(a.workload, a.Phase, now.Sub(since))
		}
		p.Active = append(p.Active, hp)
	}
	sort.Slice(p.Active, func(i, j int) bool { return p.Active[i].Host < p.Active[j].Host })
	return p
}
