package remediate

import "github.com/nimfleet/nimfleet/internal/inventory"

// meta holds the descriptive half of an action.
type meta struct {
	id, title, safety string
	checks, errs      []string
	role              inventory.Role
	scope             Scope
}

func (m *meta) ID() string           { return m.id }
func (m *meta) Title() string        { return m.title }
func (m *meta) Safety() string       { return m.safety }
func (m *meta) Checks() []string     { return append([]string(nil), m.checks...) }
func (m *meta) Errors() []string     { return append([]string(nil), m.errs...) }
func (m *meta) Role() inventory.Role { return m.role }
func (m *meta) Scope() Scope         { return m.scope }
