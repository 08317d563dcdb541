package check

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/nimfleet/nimfleet/internal/aix"
)

// Severity says how much a failed check matters. The zero value means
// "not set".
type Severity int

// Severities, weakest first, so that they compare with < and >.
const (
	// Info: worth knowing; never stops a migration.
	Info Severity = iota + 1
	// Warning: a migration can run, but something is likely to go wrong
	// afterwards or the rule is not confirmed by IBM.
	Warning
	// Blocker: nimadm would fail or do damage; the host must not be
	// migrated until it is fixed or waived.
	Blocker
)

// String returns "info", "warning", "blocker", or "" for the zero value.
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Blocker:
		return "blocker"
	}
	return ""
}

// ParseSeverity parses "info", "warning" or "blocker".
func ParseSeverity(s string) (Severity, error) {
	for _, v := range []Severity{Info, Warning, Blocker} {
		if v.String() == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("severity %q: want info, warning or blocker", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Scope says where a check's condition lives and how often it is
// evaluated.
type Scope string

const (
	// ScopeClient: evaluated for every client (it may read what the master
	// knows about that client, such as its NIM object).
	ScopeClient Scope = "client"
	// ScopeMaster: depends only on the master and the migration plan (SPOT,
	// lpp_source, target level, cache VG, the master's clients); evaluated
	// once per master and plan, and its result is attached to every client
	// of that master.
	ScopeMaster Scope = "master"
)

// Levels says which AIX levels a check applies to.
type Levels struct {
	// Text describes the levels for people, e.g. "target 7.3 and later".
	Text string
	// Target reports whether the check applies to a migration to target;
	// nil means every target. It is called only when the target is known;
	// otherwise the check runs and decides for itself.
	Target func(target aix.Level) bool
}

// Phases a check can protect: nimadm's start-up checks, phases 1 to 12,
// and the first boot of the migrated disk.
var Phases = []string{"start", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "after reboot"}

// Meta is a check's self-description. Everything a user sees about a check
// (explain, the generated docs/checks.md, report headings) comes from it.
type Meta struct {
	// ID is permanent: PRE- and four digits.
	ID string
	// Title is one line saying what must hold, e.g. "no leftover /bos_inst
	// directory on the client".
	Title    string
	Severity Severity
	// Phase is the nimadm phase the check protects (one of [Phases]).
	Phase string
	Scope Scope
	// Why explains what goes wrong when the check fails.
	Why string
	// Detect says how the check decides: the commands and the rule.
	Detect string
	// Remediation says what to do about a failure.
	Remediation string
	// Commands are the exact fix commands, with {placeholders} such as
	// {client}, {disk}, {vg}, {label}, filled in per host in results.
	Commands []string
	// Fix is the FIX- action ID when nimfleet can fix the finding itself
	// ('nimfleet fix'), else "".
	Fix string
	// Levels are the AIX levels the check applies to.
	Levels Levels
	// Errors are the errors.md entries the check prevents (E01 ...).
	Errors []string
	// Since is the nimfleet version that introduced the check.
	Since string
	// Aliases are former IDs that still select this check in waivers and
	// explain.
	Aliases []string
	// Deprecated, when not empty, says why the check is no longer run and
	// what replaces it. A deprecated check keeps its ID.
	Deprecated string
}

var (
	idRE    = regexp.MustCompile(`^PRE-[0-9]{4}$`)
	fixRE   = regexp.MustCompile(`^FIX-[A-Z][A-Z0-9]*$`)
	entryRE = regexp.MustCompile(`^E[0-9]{2}$`)
)

// ValidID reports whether id is a well-formed check ID (PRE-dddd).
func ValidID(id string) bool { return idRE.MatchString(id) }

// ValidFixID reports whether id is a well-formed fix action ID (FIX-NAME).
func ValidFixID(id string) bool { return fixRE.MatchString(id) }

// Validate reports every problem with m, joined.
func (m *Meta) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("check %s: "+format, append([]any{m.ID}, args...)...))
	}
	if !ValidID(m.ID) {
		bad("malformed ID: want PRE- and four digits")
	}
	for _, a := range m.Aliases {
		if !ValidID(a) {
			bad("malformed alias %q", a)
		}
	}
	if strings.TrimSpace(m.Title) == "" {
		bad("no title")
	}
	if strings.TrimSpace(m.Why) == "" {
		bad("no why")
	}
	if strings.TrimSpace(m.Detect) == "" {
		bad("no detect")
	}
	if strings.TrimSpace(m.Remediation) == "" {
		bad("no remediation")
	}
	if m.Severity < Info || m.Severity > Blocker {
		bad("no severity")
	}
	if m.Scope != ScopeClient && m.Scope != ScopeMaster {
		bad("scope %q: want client or master", m.Scope)
	}
	okPhase := false
	for _, p := range Phases {
		okPhase = okPhase || p == m.Phase
	}
	if !okPhase {
		bad("phase %q: want one of %s", m.Phase, strings.Join(Phases, ", "))
	}
	if m.Fix != "" && !ValidFixID(m.Fix) {
		bad("malformed fix ID %q", m.Fix)
	}
	for _, e := range m.Errors {
		if !entryRE.MatchString(e) {
			bad("errors.md entry %q: want E and two digits", e)
		}
	}
	if m.Levels.Text == "" {
		bad("no levels text")
	}
	if m.Since == "" {
		bad("no since")
	}
	return errors.Join(errs...)
}

// PhaseText renders Phase for people: "nimadm start-up checks",
// "nimadm phase 11", "first boot after the migration".
func (m *Meta) PhaseText() string {
	switch m.Phase {
	case "start":
		return "nimadm start-up checks"
	case "after reboot":
		return "first boot after the migration"
	}
	return "nimadm phase " + m.Phase
}
