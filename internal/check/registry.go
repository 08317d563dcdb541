package check

import (
	"fmt"
	"sort"
	"sync"
)

// Checker is anything registered as a check: it documents itself.
type Checker interface {
	Doc() *Meta
}

// Registry holds checks by ID. Register them at start-up (from init
// functions); lookups are safe for concurrent use afterwards.
type Registry[C Checker] struct {
	mu     sync.RWMutex
	byID   map[string]C
	alias  map[string]string
	sorted []C
}

// Register adds c. It panics when c's metadata is invalid or its ID or an
// alias is already taken: both are programmer mistakes found at start-up.
func (r *Registry[C]) Register(c C) {
	m := c.Doc()
	if err := m.Validate(); err != nil {
		panic(fmt.Sprintf("check: register: %v", err))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID, r.alias = map[string]C{}, map[string]string{}
	}
	taken := func(id string) bool {
		_, a := r.byID[id]
		_, b := r.alias[id]
		return a || b
	}
	if taken(m.ID) {
		panic(fmt.Sprintf("check: register: duplicate check ID %s", m.ID))
	}
	for _, a := range m.Aliases {
		if taken(a) || a == m.ID {
			panic(fmt.Sprintf("check: register: %s: alias %s is already taken", m.ID, a))
		}
	}
	r.byID[m.ID] = c
	for _, a := range m.Aliases {
		r.alias[a] = m.ID
	}
	r.sorted = append(r.sorted, c)
	sort.Slice(r.sorted, func(i, j int) bool { return r.sorted[i].Doc().ID < r.sorted[j].Doc().ID })
}

// Lookup returns the check with ID or alias id.
func (r *Registry[C]) Lookup(id string) (C, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if c, ok := r.byID[id]; ok {
		return c, true
	}
	if canon, ok := r.alias[id]; ok {
		return r.byID[canon], true
	}
	var zero C
	return zero, false
}

// Canonical returns the ID that id (an ID or an alias) stands for.
func (r *Registry[C]) Canonical(id string) (string, bool) {
	c, ok := r.Lookup(id)
	if !ok {
		return "", false
	}
	return c.Doc().ID, true
}

// All returns every registered check, deprecated ones included, by ID.
func (r *Registry[C]) All() []C {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]C(nil), r.sorted...)
}

// Metas returns the metadata of every registered check, by ID.
func (r *Registry[C]) Metas() []*Meta {
	all := r.All()
	out := make([]*Meta, len(all))
	for i, c := range all {
		out[i] = c.Doc()
	}
	return out
}
