// Package report holds the result model of a preflight run and its
// formatters: text for the terminal, JSON for programs (versioned, see
// [SchemaVersion]) and a self-contained HTML page to attach to a change
// ticket. One model, several formatters: every formatter reads the same
// [Report].
//
// # JSON schema (schema_version 1)
//
// Keys are stable: fields may be added, never renamed or given another
// meaning.
//
//	schema_version  1
//	command         "nimfleet check"
//	generated_at    RFC 3339 time of the run
//	inventory       the inventory file
//	summary         {hosts, masters, checks, ready, warning, blocked, unknown, unreachable}
//	checks[]        one per check run: {id, title, severity, phase, scope,
//	                errors[], fix, remediation, commands[],
//	                counts {pass, fail, unknown, skipped, waived, blocking}}
//	hosts[]         one per client, in inventory order:
//	                {host, master, via, status, blockers[], unknown[],
//	                warnings[], error, results[]}
//	hosts[].results[]  one per check, by ID: {id, status, severity, summary,
//	                reason, missing_facts[], evidence[{host, command, exit,
//	                lines[], note}], fix, commands[], waiver, waived_status}
//	waivers         {file, applied, unmatched[], expired[]}; a waiver is
//	                {hosts[], check, reason, expires, file, line}
//
// status of a host: "blocked" (a blocker check failed), "unknown" (no
// blocker failed, but a blocker could not be evaluated), "warning" (only
// warnings failed), "ready". status of a result: pass, fail, unknown,
// skipped, waived. severity: info, warning, blocker. Empty lists are [],
// never null.
package report

import (
	"io"
	"time"

	"github.com/nimfleet/nimfleet/internal/check"
)

// SchemaVersion versions the JSON output.
const SchemaVersion = 1

// HostStatus is a host's readiness for migration.
type HostStatus string

// Host readiness, worst first.
const (
	Blocked HostStatus = "blocked"
	Unknown HostStatus = "unknown"
	Warning HostStatus = "warning"
	Ready   HostStatus = "ready"
)

// Report is the outcome of one preflight run.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Command       string    `json:"command"`
	GeneratedAt   time.Time `json:"generated_at"`
	Inventory     string    `json:"inventory"`
	Summary       Summary   `json:"summary"`
	Checks        []Check   `json:"checks"`
	Hosts         []Host    `json:"hosts"`
	Waivers       Waivers   `json:"waivers"`
}

// Summary counts hosts by readiness.
type Summary struct {
	Hosts   int `json:"hosts"`
	Masters int `json:"masters"`
	Checks  int `json:"checks"`
	Ready   int `json:"ready"`
	Warning int `json:"warning"`
	Blocked int `json:"blocked"`
	Unknown int `json:"unknown"`
	// Unreachable counts hosts whose facts could not be gathered at all.
	Unreachable int `json:"unreachable"`
}

// Check documents one check of the run and counts its results.
type Check struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Severity    check.Severity `json:"severity"`
	Phase       string         `json:"phase"`
	Scope       string         `json:"scope"`
	Errors      []string       `json:"errors"`
	Fix         string         `json:"fix"`
	Remediation string         `json:"remediation"`
	Commands    []string       `json:"commands"`
	Counts      Counts         `json:"counts"`
}

// Counts are a check's results by status.
type Counts struct {
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
	Skipped int `json:"skipped"`
	Waived  int `json:"waived"`
	// Blocking counts the results that block a host: fail or unknown at
	// blocker severity (a check may lower the severity of a finding).
	Blocking int `json:"blocking"`
}

// Host is one client and the result of every check on it.
type Host struct {
	Host   string     `json:"host"`
	Master string     `json:"master"`
	Via    string     `json:"via"`
	Status HostStatus `json:"status"`
	// Blockers are the blocker checks that failed; Unknown the blocker
	// checks that could not be evaluated; Warnings the warning checks that
	// failed.
	Blockers []string `json:"blockers"`
	Unknown  []string `json:"unknown"`
	Warnings []string `json:"warnings"`
	// Error says why no facts at all could be gathered from the host.
	Error   string         `json:"error,omitempty"`
	Results []check.Result `json:"results"`
}

// Waivers reports how the waiver file was used.
type Waivers struct {
	File      string          `json:"file,omitempty"`
	Applied   int             `json:"applied"`
	Unmatched []*check.Waiver `json:"unmatched"`
	Expired   []*check.Waiver `json:"expired"`
}

// Finalize derives every host's status and lists, the summary and the
// per-check counts from the results. Call it once the results are in.
func (r *Report) Finalize() {
	r.SchemaVersion = SchemaVersion
	idx := map[string]int{}
	for i := range r.Checks {
		r.Checks[i].Counts = Counts{}
		idx[r.Checks[i].ID] = i
	}
	s := Summary{Hosts: len(r.Hosts), Masters: r.Summary.Masters, Checks: len(r.Checks)}
	applied := 0
	for i := range r.Hosts {
		h := &r.Hosts[i]
		h.Blockers, h.Unknown, h.Warnings = []string{}, []string{}, []string{}
		for j := range h.Results {
			res := &h.Results[j]
			if k, ok := idx[res.ID]; ok {
				c := &r.Checks[k].Counts
				switch res.Status {
				case check.Pass:
					c.Pass++
				case check.Fail:
					c.Fail++
				case check.Unknown:
					c.Unknown++
				case check.Skipped:
					c.Skipped++
				case check.Waived:
					c.Waived++
				}
				if res.Blocks() {
					c.Blocking++
				}
			}
			if res.Status == check.Waived {
				applied++
			}
			switch {
			case res.Status == check.Fail && res.Severity == check.Blocker:
				h.Blockers = append(h.Blockers, res.ID)
			case res.Status == check.Unknown && res.Severity == check.Blocker:
				h.Unknown = append(h.Unknown, res.ID)
			case res.Status == check.Fail && res.Severity == check.Warning:
				h.Warnings = append(h.Warnings, res.ID)
			}
		}
		switch {
		case len(h.Blockers) > 0:
			h.Status = Blocked
			s.Blocked++
		case len(h.Unknown) > 0:
			h.Status = Unknown
			s.Unknown++
		case len(h.Warnings) > 0:
			h.Status = Warning
			s.Warning++
		default:
			h.Status = Ready
			s.Ready++
		}
		if h.Error != "" {
			s.Unreachable++
		}
	}
	r.Summary = s
	r.Waivers.Applied = applied
	if r.Waivers.Unmatched == nil {
		r.Waivers.Unmatched = []*check.Waiver{}
	}
	if r.Waivers.Expired == nil {
		r.Waivers.Expired = []*check.Waiver{}
	}
}

// NotReady reports whether any host is blocked or unknown: the run's exit
// status is then 3.
func (r *Report) NotReady() bool { return r.Summary.Blocked > 0 || r.Summary.Unknown > 0 }

// CheckByID returns the documentation of check id.
func (r *Report) CheckByID(id string) *Check {
	for i := range r.Checks {
		if r.Checks[i].ID == id {
			return &r.Checks[i]
		}
	}
	return nil
}

// Formatter writes a report in one format.
type Formatter interface {
	Format(w io.Writer, r *Report) error
}
