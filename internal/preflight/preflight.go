package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/report"
)

// Report is the outcome of a preflight run.
type Report = report.Report

// Check is one preflight check: its documentation and its rule.
type Check struct {
	check.Meta
	// Run evaluates the check. It must be a pure function of e: no I/O,
	// no parsing of raw command output beyond what the facts hold.
	Run func(e *Env) check.Result
	// AfterGather marks a check that reads the whole run - the fleet view,
	// every client of a master, or the c_rsh probes - and so runs once
	// every host is gathered. Other checks run as soon as a client's and
	// its master's facts are in; they must not read Env.CRsh or the fleet
	// view.
	AfterGather bool
}

// Doc returns the check's metadata.
func (c *Check) Doc() *check.Meta { return &c.Meta }

var registry check.Registry[*Check]

// register adds a check at start-up; it panics on a malformed or
// duplicate ID.
func register(c *Check) { registry.Register(c) }

// Checks returns every check, by ID (deprecated ones included).
func Checks() []*Check { return registry.All() }

// Lookup returns the check with ID or alias id.
func Lookup(id string) (*Check, bool) { return registry.Lookup(id) }

// Canonical returns the ID that id (an ID or an alias) stands for; it
// validates check IDs in waiver files.
func Canonical(id string) (string, bool) { return registry.Canonical(id) }

// Metas returns the metadata of every check, by ID.
func Metas() []*check.Meta { return registry.Metas() }

// since is the version that introduced the first checks.
const since = "0.1"

// allLevels applies to every AIX level.
var allLevels = check.Levels{Text: "all levels"}
