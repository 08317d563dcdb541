package journal

import (
	"context"
	"fmt"
	"iter"
	"sync"
)

// Mem is an in-memory [Journal] for tests and dry runs. It validates and
// derives state exactly as the file journal does; it is not durable.
type Mem struct {
	mu     sync.Mutex
	b      *book
	events []Event
	closed bool
}

// NewMem returns an empty in-memory journal.
func NewMem() *Mem { return &Mem{b: newBook()} }

var _ Journal = (*Mem)(nil)

// Append implements [Journal].
func (m *Mem) Append(ctx context.Context, e Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("journal append: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	e, err := m.b.prepare(e)
	if err != nil {
		return err
	}
	m.b.apply(&e)
	m.events = append(m.events, e)
	return nil
}

// Run implements [Journal].
func (m *Mem) Run(id string) (Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return Run{}, ErrClosed
	}
	return m.b.run(id)
}

// Runs implements [Journal].
func (m *Mem) Runs() ([]Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	return m.b.runList(), nil
}

// Host implements [Journal].
func (m *Mem) Host(name string) (HostState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return HostState{}, ErrClosed
	}
	return m.b.host(name)
}

// Hosts implements [Journal].
func (m *Mem) Hosts() ([]HostState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	return m.b.hostList(), nil
}

// Events implements [Journal].
func (m *Mem) Events(host string) iter.Seq2[Event, error] {
	return m.iterate(func(e *Event) bool { return e.Host == host })
}

// All implements [Journal].
func (m *Mem) All() iter.Seq2[Event, error] {
	return m.iterate(func(*Event) bool { return true })
}

func (m *Mem) iterate(keep func(*Event) bool) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		m.mu.Lock()
		if m.closed {
			m.mu.Unlock()
			yield(Event{}, ErrClosed)
			return
		}
		evs := m.events[:len(m.events):len(m.events)]
		m.mu.Unlock()
		for i := range evs {
			if keep(&evs[i]) && !yield(evs[i].clone(), nil) {
				return
			}
		}
	}
}

// LastSeq implements [Journal].
func (m *Mem) LastSeq() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.b.seq
}

// Close implements [Journal].
func (m *Mem) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
