package journal

import (
	"fmt"
	"sort"
)

// book is the state derived from the events: the fold every
// implementation shares, so that the file journal's replay and the
// in-memory journal agree by construction. It is not safe for concurrent
// use; implementations lock around it.
type book struct {
	seq      uint64
	runs     map[string]*Run
	runOrder []string
	hosts    map[string]*HostState
}

func newBook() *book {
	return &book{runs: map[string]*Run{}, hosts: map[string]*HostState{}}
}

// check reports whether e (with its Seq already set) may be appended now.
// It does not change the book.
func (b *book) check(e *Event) error {
	if e.Seq != b.seq+1 {
		return fmt.Errorf("seq %d: want %d", e.Seq, b.seq+1)
	}
	if err := checkShape(e); err != nil {
		return err
	}
	r := b.runs[e.Run]
	if e.Kind == KindRunStarted {
		if r != nil {
			return fmt.Errorf("run %s already started", e.Run)
		}
		return nil
	}
	if r == nil {
		return fmt.Errorf("run %s was never started", e.Run)
	}
	if !r.Open() {
		return fmt.Errorf("run %s has ended", e.Run)
	}
	if e.Host == "" {
		return nil
	}
	h := b.hosts[e.Host]
	var cur State
	if h != nil {
		cur = h.State
	}
	var a *Attempt
	if h != nil {
		a = h.Current()
	}
	switch e.Kind {
	case KindState:
		if !CanTransition(cur, e.To) {
			return fmt.Errorf("host %s: state %s -> %s is not allowed", e.Host, stateName(cur), e.To)
		}
		if cur.Active() && e.To != StateRunning && a != nil && a.Outcome == "" {
			return fmt.Errorf("host %s: state %s -> %s: attempt %d has no recorded exit", e.Host, cur, e.To, a.N)
		}
		if e.To == StateRunning {
			switch {
			case a == nil:
				return fmt.Errorf("host %s: running without an attempt", e.Host)
			case !a.Launched:
				return fmt.Errorf("host %s: running, but attempt %d was never launched", e.Host, a.N)
			case a.Outcome != "":
				return fmt.Errorf("host %s: running, but attempt %d has ended", e.Host, a.N)
			}
		}
	case KindAttempt:
		if cur != StateStarting {
			return fmt.Errorf("host %s: attempt in state %s, want starting", e.Host, stateName(cur))
		}
		if a != nil && a.Outcome == "" {
			return fmt.Errorf("host %s: attempt %d: attempt %d has no recorded exit", e.Host, e.Attempt, a.N)
		}
		if a != nil && e.Attempt <= a.N {
			return fmt.Errorf("host %s: attempt %d: want more than %d", e.Host, e.Attempt, a.N)
		}
	case KindLaunched, KindPhase, KindOffset, KindExit:
		if a == nil {
			return fmt.Errorf("host %s: %s before any attempt", e.Host, e.Kind)
		}
		if a.Outcome != "" {
			return fmt.Errorf("host %s: %s after attempt %d ended", e.Host, e.Kind, a.N)
		}
		switch e.Kind {
		case KindLaunched:
			if a.Launched {
				return fmt.Errorf("host %s: attempt %d already launched (pid %d)", e.Host, a.N, a.PID)
			}
		case KindPhase:
			if e.Phase <= a.Phase() {
				return fmt.Errorf("host %s: phase %d does not advance (at phase %d)", e.Host, e.Phase, a.Phase())
			}
		case KindOffset:
			if e.Offset < a.Offset {
				return fmt.Errorf("host %s: offset %d goes back (at %d)", e.Host, e.Offset, a.Offset)
			}
		}
	}
	return nil
}

func stateName(s State) string {
	if s == "" {
		return "(new)"
	}
	return string(s)
}

// apply folds an event that passed check into the book.
func (b *book) apply(e *Event) {
	b.seq = e.Seq
	if e.Kind == KindRunStarted {
		b.runs[e.Run] = &Run{RunInfo: *e.clone().RunInfo}
		b.runOrder = append(b.runOrder, e.Run)
		return
	}
	r := b.runs[e.Run]
	if e.Host == "" {
		switch e.Kind {
		case KindRunResumed:
			r.Resumed = append(r.Resumed, e.Time)
		case KindRunEnded:
			r.Ended, r.Outcome = e.Time, e.Outcome
		case KindNote:
			r.Notes = append(r.Notes, e.Detail)
		}
		return
	}
	h := b.hosts[e.Host]
	if h == nil {
		h = &HostState{Host: e.Host}
		b.hosts[e.Host] = h
	}
	h.Updated, h.Run, h.Events, h.LastSeq = e.Time, e.Run, h.Events+1, e.Seq
	a := h.Current()
	switch e.Kind {
	case KindState:
		h.State, h.Reason, h.Since = e.To, e.Reason, e.Time
	case KindAttempt:
		h.Attempts = append(h.Attempts, Attempt{N: e.Attempt, Run: e.Run, Master: e.Master, Log: e.Log, Started: e.Time})
	case KindLaunched:
		a.PID, a.Launched = e.PID, true
	case KindPhase:
		a.Phases = append(a.Phases, PhaseMark{N: e.Phase, At: e.Time})
	case KindOffset:
		a.Offset = e.Offset
	case KindExit:
		a.Outcome, a.Ended = e.Outcome, e.Time
		if e.Exit != nil {
			x := *e.Exit
			a.Exit = &x
		}
	case KindDiagnosis:
		d := &Diagnosis{Rule: e.Rule, Signature: e.Signature, Data: cloneRaw(e.Data), At: e.Time}
		h.Diagnosis = d
		if a != nil {
			a.Diagnosis = d.clone()
		}
	case KindFix:
		h.Fixes = append(h.Fixes, FixRecord{Fix: e.Fix, Detail: e.Detail, Data: cloneRaw(e.Data), At: e.Time})
	case KindNote:
		h.Notes = append(h.Notes, e.Detail)
	}
}

func (b *book) host(name string) (HostState, error) {
	h := b.hosts[name]
	if h == nil {
		return HostState{}, fmt.Errorf("host %s: %w", name, ErrNotFound)
	}
	return h.clone(), nil
}

func (b *book) hostList() []HostState {
	out := make([]HostState, 0, len(b.hosts))
	for _, h := range b.hosts {
		out = append(out, h.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out
}

func (b *book) run(id string) (Run, error) {
	r := b.runs[id]
	if r == nil {
		return Run{}, fmt.Errorf("run %s: %w", id, ErrNotFound)
	}
	return r.clone(), nil
}

func (b *book) runList() []Run {
	out := make([]Run, 0, len(b.runOrder))
	for _, id := range b.runOrder {
		out = append(out, b.runs[id].clone())
	}
	return out
}

// prepare returns the event Append would record for e: a normalised copy
// with the next Seq, checked against the book. Errors wrap ErrInvalid.
func (b *book) prepare(e Event) (Event, error) {
	e = e.clone()
	e.Seq = b.seq + 1
	err := normalize(&e)
	if err == nil {
		err = b.check(&e)
	}
	if err != nil {
		return Event{}, fmt.Errorf("journal append %s: %w: %v", e.Kind, ErrInvalid, err)
	}
	return e, nil
}
