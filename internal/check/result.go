package check

import (
	"fmt"
	"strings"
)

// Status is the outcome of one check on one host.
type Status string

// Outcomes; see the package documentation.
const (
	Pass    Status = "pass"
	Fail    Status = "fail"
	Unknown Status = "unknown"
	Skipped Status = "skipped"
	Waived  Status = "waived"
)

// Statuses lists every status in report order.
var Statuses = []Status{Fail, Unknown, Waived, Pass, Skipped}

// Evidence is what proves a result: the host, the command that was run
// there and the lines of its output that matter.
type Evidence struct {
	Host    string `json:"host"`
	Command string `json:"command"`
	// Exit is the command's exit status (-1: it did not complete).
	Exit  int      `json:"exit"`
	Lines []string `json:"lines"`
	// Note explains the lines when they alone do not ("no LV named bos_*").
	Note string `json:"note,omitempty"`
}

// Result is the outcome of one check on one host.
type Result struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	// Severity is the check's severity unless the check lowered it for this
	// finding.
	Severity Severity `json:"severity"`
	// Summary says in one sentence what was found.
	Summary string `json:"summary"`
	// Reason says why a result is unknown (which fact and why), skipped
	// (why it does not apply) or waived (the waiver's reason).
	Reason string `json:"reason,omitempty"`
	// Missing names the facts an unknown result lacked.
	Missing  []string   `json:"missing_facts,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// Fix is the FIX- action that repairs this finding, when nimfleet can
	// apply it here; Commands are the exact commands for this host.
	Fix      string   `json:"fix,omitempty"`
	Commands []string `json:"commands,omitempty"`
	// Waiver is set on a waived result; WaivedStatus is what the status
	// was before.
	Waiver       *Waiver `json:"waiver,omitempty"`
	WaivedStatus Status  `json:"waived_status,omitempty"`

	// Vars fill the {placeholders} of the check's Commands when the check
	// did not set Commands itself.
	Vars map[string]string `json:"-"`
	// NoFix says that the check's fix action must not be offered for this
	// finding (it would not help or is not safe here).
	NoFix bool `json:"-"`
}

// PassResult returns a pass with a summary and its evidence.
func PassResult(summary string, ev ...Evidence) Result {
	return Result{Status: Pass, Summary: summary, Evidence: ev}
}

// FailResult returns a fail with a summary and its evidence.
func FailResult(summary string, ev ...Evidence) Result {
	return Result{Status: Fail, Summary: summary, Evidence: ev}
}

// UnknownResult returns an unknown result naming the missing fact and why
// it is missing.
func UnknownResult(fact, reason string, ev ...Evidence) Result {
	return Result{Status: Unknown, Summary: "cannot tell: " + fact + " is unknown",
		Reason: fact + ": " + reason, Missing: []string{fact}, Evidence: ev}
}

// SkipResult returns a skipped result with the reason the check does not
// apply.
func SkipResult(reason string) Result {
	return Result{Status: Skipped, Summary: "not applicable", Reason: reason}
}

// WithSeverity returns r with its severity set to s.
func (r Result) WithSeverity(s Severity) Result { r.Severity = s; return r }

// WithVars returns r with placeholder values for the check's commands.
func (r Result) WithVars(kv ...string) Result {
	if r.Vars == nil {
		r.Vars = map[string]string{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Vars[kv[i]] = kv[i+1]
	}
	return r
}

// Blocks reports whether the result stops a migration: a blocker that
// failed or could not be checked.
func (r *Result) Blocks() bool {
	return r.Severity == Blocker && (r.Status == Fail || r.Status == Unknown)
}

// Expand replaces {name} placeholders in s with vars[name]. Placeholders
// without a value are left as they are, so a reader sees what is missing.
func Expand(s string, vars map[string]string) string {
	if !strings.Contains(s, "{") || len(vars) == 0 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+1 : i+j]
		b.WriteString(s[:i])
		if v, ok := vars[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

// String renders r on one line, for logs and test failures.
func (r Result) String() string {
	s := fmt.Sprintf("%s %s (%s): %s", r.ID, r.Status, r.Severity, r.Summary)
	if r.Reason != "" {
		s += " [" + r.Reason + "]"
	}
	return s
}
