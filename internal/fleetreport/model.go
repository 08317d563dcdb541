package fleetreport

import (
	"encoding/json"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
)

// SchemaVersion versions the JSON output (see the package documentation).
// Keys may be added without a change of version; a key never changes
// meaning.
const SchemaVersion = 1

// Status is the bucket a host's final journal state falls in. Every host is
// in exactly one bucket, so the bucket counts of [Summary] add up to
// Summary.Hosts.
type Status string

// Host statuses, in the order the report lists them.
const (
	// StatusVerified: the migration succeeded and was verified (state
	// verified).
	StatusVerified Status = "verified"
	// StatusMigrated: nimadm succeeded; the verification has not finished
	// (states succeeded, rebooting, verifying).
	StatusMigrated Status = "migrated"
	// StatusFailed: state failed.
	StatusFailed Status = "failed"
	// StatusStopped: state stopped (the operator or the policy stopped the
	// host).
	StatusStopped Status = "stopped"
	// StatusExcluded: state excluded (left out, with a reason).
	StatusExcluded Status = "excluded"
	// StatusRolledBack: state rolled_back.
	StatusRolledBack Status = "rolled_back"
	// StatusRunning: a migration is in progress (states starting,
	// running, fixing, retrying).
	StatusRunning Status = "running"
	// StatusPending: planned, not started yet (state planned).
	StatusPending Status = "pending"
)

// Statuses returns every status in report order.
func Statuses() []Status {
	return []Status{StatusVerified, StatusMigrated, StatusFailed, StatusStopped, StatusExcluded,
		StatusRolledBack, StatusRunning, StatusPending}
}

// StatusOf returns the bucket of a journal state.
func StatusOf(s journal.State) Status {
	switch s {
	case journal.StateVerified:
		return StatusVerified
	case journal.StateSucceeded, journal.StateRebooting, journal.StateVerifying:
		return StatusMigrated
	case journal.StateFailed:
		return StatusFailed
	case journal.StateStopped:
		return StatusStopped
	case journal.StateExcluded:
		return StatusExcluded
	case journal.StateRolledBack:
		return StatusRolledBack
	case journal.StatePlanned:
		return StatusPending
	}
	return StatusRunning
}

// Report is the fleet report: one model that every formatter reads.
// Times are UTC; lists are never nil (they encode as []).
type Report struct {
	SchemaVersion int `json:"schema_version"`
	// GeneratedAt is the report's "now": spans still open (a running
	// attempt, an open run) are measured up to it.
	GeneratedAt time.Time `json:"generated_at"`
	// Journal is the journal's file name ("" for an in-memory journal);
	// Events is its number of events when it was read.
	Journal string `json:"journal"`
	Events  uint64 `json:"events"`
	// Inventory and AuditLog are the optional inputs ("" when not given).
	Inventory string          `json:"inventory"`
	AuditLog  string          `json:"audit_log"`
	Runs      []Run           `json:"runs"`
	Summary   Summary         `json:"summary"`
	Masters   []MasterSummary `json:"masters"`
	Hosts     []Host          `json:"hosts"`
	Failures  []FailureGroup  `json:"failures"`
	Fixes     []Fix           `json:"fixes"`
	// Audit summarises the audit log; nil (null) when none was given.
	Audit *Audit `json:"audit"`
	// Warnings are inconsistencies found while building the report (an
	// undecodable plan snapshot, inventory clients the journal never
	// names, ...). They do not stop the report.
	Warnings []string `json:"warnings"`
}

// Run is one run of the journal.
type Run struct {
	ID      string    `json:"id"`
	Started time.Time `json:"started"`
	// Ended is nil while the run is open; Outcome is the run_ended
	// outcome ("completed", "halted", "interrupted", ...), "" while open.
	Ended   *time.Time `json:"ended"`
	Outcome string     `json:"outcome"`
	Open    bool       `json:"open"`
	// Resumed lists when controllers took the run over.
	Resumed         []time.Time `json:"resumed"`
	Controller      string      `json:"controller"`
	Version         string      `json:"version"`
	Inventory       string      `json:"inventory"`
	InventorySHA256 string      `json:"inventory_sha256"`
	// Plan summarises the run's plan snapshot; nil when the run has none
	// or it could not be decoded (see Report.Warnings).
	Plan  *PlanSummary `json:"plan"`
	Notes []string     `json:"notes"`
}

// PlanSummary is what the report takes from a run's plan snapshot (the
// JSON of a sched.Plan).
type PlanSummary struct {
	Hosts    int `json:"hosts"`
	Waves    int `json:"waves"`
	Excluded int `json:"excluded"`
	// Policy is the snapshot's policy object, verbatim.
	Policy json.RawMessage `json:"policy"`
}

// Summary holds the fleet's key numbers.
type Summary struct {
	// Started is the first run's start; Ended the last run's end, nil while
	// a run is open. DurationSeconds spans Started to Ended (to
	// GeneratedAt while open).
	Started         *time.Time `json:"started"`
	Ended           *time.Time `json:"ended"`
	DurationSeconds int64      `json:"duration_seconds"`
	// Open says that a run has not ended.
	Open bool `json:"open"`
	// MakespanSeconds spans the first nimadm attempt's start to the moment
	// the last host reached its current state (0 without attempts).
	MakespanSeconds int64 `json:"makespan_seconds"`
	// Counts counts every host the journal names by status.
	Counts
	// Planned counts the hosts that were planned at some point (not
	// excluded from the start).
	Planned int `json:"planned"`
	// Attempts counts nimadm attempts; Retried the hosts with more than
	// one; SucceededAfterRetry the hosts whose succeeding attempt was not
	// their first.
	Attempts            int `json:"attempts"`
	Retried             int `json:"retried"`
	SucceededAfterRetry int `json:"succeeded_after_retry"`
	// States counts hosts by final journal state; every state is a key.
	States map[journal.State]int `json:"states"`
	// ExcludedReasons and StoppedReasons group the excluded and stopped
	// hosts by reason, most hosts first.
	ExcludedReasons []ReasonGroup `json:"excluded_reasons"`
	StoppedReasons  []ReasonGroup `json:"stopped_reasons"`
	// NotInJournal lists inventory clients the journal never names (only
	// with an inventory).
	NotInJournal []string `json:"not_in_journal"`
}

// Counts counts hosts by status.
type Counts struct {
	Hosts int `json:"hosts"`
	// Succeeded counts hosts whose migration succeeded and stands
	// (statuses verified and migrated); Verified is the verified part.
	Succeeded int `json:"succeeded"`
	Verified  int `json:"verified"`
	// Failed, Stopped, Excluded, RolledBack, Running and Pending count the
	// other statuses. Succeeded + Failed + Stopped + Excluded + RolledBack
	// + Running + Pending = Hosts.
	Failed     int `json:"failed"`
	Stopped    int `json:"stopped"`
	Excluded   int `json:"excluded"`
	RolledBack int `json:"rolled_back"`
	Running    int `json:"running"`
	Pending    int `json:"pending"`
}

// add counts one host of status st.
func (c *Counts) add(st Status) {
	c.Hosts++
	switch st {
	case StatusVerified:
		c.Succeeded++
		c.Verified++
	case StatusMigrated:
		c.Succeeded++
	case StatusFailed:
		c.Failed++
	case StatusStopped:
		c.Stopped++
	case StatusExcluded:
		c.Excluded++
	case StatusRolledBack:
		c.RolledBack++
	case StatusRunning:
		c.Running++
	case StatusPending:
		c.Pending++
	}
}

// ReasonGroup is the hosts that share a reason.
type ReasonGroup struct {
	Reason string   `json:"reason"`
	Hosts  []string `json:"hosts"`
}

// MasterSummary counts one master's hosts. A host belongs to the master of
// its last attempt, else the master the plan or the inventory gives it;
// hosts with none are under the name "".
type MasterSummary struct {
	Name string `json:"name"`
	// Slots is the plan's slot limit (0 when unknown).
	Slots int `json:"slots"`
	// Counts counts the master's hosts by status.
	Counts
	// Attempts counts the nimadm attempts run on the master (a host that
	// moved masters counts where each attempt ran).
	Attempts int `json:"attempts"`
	// Started and Ended span its attempts (Ended nil while one runs);
	// MakespanSeconds is their distance; BusySeconds the sum of the
	// attempts' durations; PeakParallel the most attempts that ran at once.
	Started         *time.Time `json:"started"`
	Ended           *time.Time `json:"ended"`
	MakespanSeconds int64      `json:"makespan_seconds"`
	BusySeconds     int64      `json:"busy_seconds"`
	PeakParallel    int        `json:"peak_parallel"`
}

// Host is one host's part in the migration.
type Host struct {
	Name   string `json:"name"`
	Master string `json:"master"`
	// Wave is the plan's wave number (0 when unknown).
	Wave   int           `json:"wave"`
	State  journal.State `json:"state"`
	Status Status        `json:"status"`
	// Reason is the reason of the last state change; Since its time.
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
	// Run is the run of the host's last event.
	Run      string    `json:"run"`
	Attempts []Attempt `json:"attempts"`
	// SucceededAttempt is the number of the attempt that succeeded (0:
	// none).
	SucceededAttempt int `json:"succeeded_attempt"`
	// NimadmSeconds sums the attempts' durations.
	NimadmSeconds int64 `json:"nimadm_seconds"`
	// Rule and Signature are the latest diagnosis ("" when none).
	Rule      string `json:"rule"`
	Signature string `json:"signature"`
	// Fixes counts the remediations applied (listed in Report.Fixes).
	Fixes int `json:"fixes"`
	// States is the host's state history, oldest first.
	States []StateChange `json:"states"`
	Notes  []string      `json:"notes"`
	// Commands counts the host's audited commands; nil without an audit
	// log.
	Commands *HostCommands `json:"commands"`
}

// StateChange is one state transition.
type StateChange struct {
	State  journal.State `json:"state"`
	At     time.Time     `json:"at"`
	Reason string        `json:"reason"`
}

// Attempt is one nimadm attempt.
type Attempt struct {
	N      int    `json:"n"`
	Run    string `json:"run"`
	Master string `json:"master"`
	Log    string `json:"log"`
	PID    int    `json:"pid"`
	// Started is when the attempt was opened; Ended when its exit was
	// recorded (nil while it runs). Seconds is the duration (so far, for a
	// running attempt: up to GeneratedAt, or to its run's end if the run
	// ended without an exit).
	Started time.Time  `json:"started"`
	Ended   *time.Time `json:"ended"`
	Seconds int64      `json:"seconds"`
	// Outcome is the runner's verdict ("succeeded", "failed", "stalled",
	// ...; "" while running); Exit nimadm's exit status (nil if unknown);
	// Detail the exit event's detail.
	Outcome string `json:"outcome"`
	Exit    *int   `json:"exit"`
	Detail  string `json:"detail"`
	// LastPhase is the last phase banner seen (0: none).
	LastPhase int     `json:"last_phase"`
	Phases    []Phase `json:"phases"`
	// Rule and Signature are this attempt's diagnosis ("" when none).
	Rule      string `json:"rule"`
	Signature string `json:"signature"`
}

// Phase is one nimadm phase of an attempt. A phase ends when the next
// banner appears, or when the attempt ends; Ended is nil for the phase in
// progress.
type Phase struct {
	N       int        `json:"n"`
	Started time.Time  `json:"started"`
	Ended   *time.Time `json:"ended"`
	Seconds int64      `json:"seconds"`
}

// FailureGroup is the failures that share a signature, with the
// diagnosis.
type FailureGroup struct {
	// Key identifies the group: the diagnosis signature (a rule ID or a
	// message ID); "outcome:OUTCOME" for failed attempts without a
	// diagnosis; "state:STATE" for hosts that failed outside a nimadm
	// attempt (while verifying, fixing, ...) without a diagnosis recorded
	// just before.
	Key       string `json:"key"`
	Signature string `json:"signature"`
	Rule      string `json:"rule"`
	// Title, Cause, Fix, Check (the preflight check that would have caught
	// it, or "none"), Confidence and Evidence come from the first stored
	// diagnosis report of the group (Source "report"), or from the
	// built-in rule base when no report was stored (Source "rules":
	// placeholders stay unfilled and there is no evidence); Source is
	// "none" for groups without a rule.
	Title      string     `json:"title"`
	Cause      string     `json:"cause"`
	Fix        Advice     `json:"fix"`
	Check      string     `json:"check"`
	Confidence string     `json:"confidence"`
	Evidence   []Evidence `json:"evidence"`
	Source     string     `json:"source"`
	// Hits are the failures, in time order; HostsHit counts distinct
	// hosts, Resolved those among them whose migration has since
	// succeeded.
	Hits     []FailureHit `json:"hits"`
	HostsHit int          `json:"hosts_hit"`
	Resolved int          `json:"resolved"`
}

// Advice is a fix: prose and commands.
type Advice struct {
	Text     string   `json:"text"`
	Commands []string `json:"commands"`
}

// Evidence is a log line that supports a diagnosis.
type Evidence struct {
	Input string `json:"input"`
	Line  int    `json:"line"`
	Text  string `json:"text"`
	Role  string `json:"role"`
}

// FailureHit is one failure of one host.
type FailureHit struct {
	Host string    `json:"host"`
	Run  string    `json:"run"`
	At   time.Time `json:"at"`
	// Attempt is the failed attempt (0 for a failure outside an attempt);
	// Phase its last phase; Outcome and Exit its end.
	Attempt int    `json:"attempt"`
	Phase   int    `json:"phase"`
	Outcome string `json:"outcome"`
	Exit    *int   `json:"exit"`
	// Reason is the reason of the failed state change or the exit detail.
	Reason string `json:"reason"`
	// FinalState is the host's current state; Resolved says its migration
	// has since succeeded.
	FinalState journal.State `json:"final_state"`
	Resolved   bool          `json:"resolved"`
}

// Fix is one remediation applied to a host.
type Fix struct {
	Host   string    `json:"host"`
	Action string    `json:"action"`
	Run    string    `json:"run"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail"`
	// Title, Status, Before (the finding), After (what fresh facts showed
	// afterwards), Commands and Undo come from the fix event's data when it
	// holds them (the JSON of a remediate.ActionResult, or an object with
	// "before"/"after"); empty otherwise.
	Title    string       `json:"title"`
	Status   string       `json:"status"`
	Before   string       `json:"before"`
	After    string       `json:"after"`
	Commands []FixCommand `json:"commands"`
	Undo     []string     `json:"undo"`
	// AfterAttempt is the number of the host's attempts before the fix;
	// FollowsSignature the diagnosis of the last of them ("" when none).
	AfterAttempt     int    `json:"after_attempt"`
	FollowsSignature string `json:"follows_signature"`
}

// FixCommand is a command a fix ran.
type FixCommand struct {
	Host   string `json:"host"`
	Line   string `json:"line"`
	Exit   *int   `json:"exit"`
	DryRun bool   `json:"dry_run"`
	Error  string `json:"error"`
}

// Audit summarises the audit log over the report's window.
type Audit struct {
	// Records counts the records inside the window (from the first run's
	// start to the last run's end, open-ended while a run is open);
	// Outside the records of the log outside it, left out.
	Records int `json:"records"`
	Outside int `json:"outside"`
	// Mutating and ReadOnly split Records; Failed counts records with a
	// non-zero exit or a transport error; DryRun the state-changing
	// commands the dry-run layer did not execute.
	Mutating int `json:"mutating"`
	ReadOnly int `json:"read_only"`
	Failed   int `json:"failed"`
	DryRun   int `json:"dry_run"`
	// First and Last are the times of the first and last record.
	First      *time.Time     `json:"first"`
	Last       *time.Time     `json:"last"`
	Transports []NameCount    `json:"transports"`
	Hosts      []HostCommands `json:"hosts"`
	// ReadOnlyPrograms counts the read-only commands by program (the
	// first word of the line, without its directory), most first.
	ReadOnlyPrograms []NameCount `json:"read_only_programs"`
	// Listed says which commands Commands lists: "all", or "mutating"
	// when the log has more records than Options.ListAllUpTo (the
	// read-only ones are then only counted).
	Listed   string    `json:"listed"`
	Commands []Command `json:"commands"`
}

// NameCount counts something by name.
type NameCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// HostCommands counts one host's audited commands.
type HostCommands struct {
	Host       string `json:"host"`
	Commands   int    `json:"commands"`
	Mutating   int    `json:"mutating"`
	ReadOnly   int    `json:"read_only"`
	Failed     int    `json:"failed"`
	DurationMS int64  `json:"duration_ms"`
}

// Command is one audited remote command.
type Command struct {
	Time       time.Time `json:"time"`
	Host       string    `json:"host"`
	Transport  string    `json:"transport"`
	Line       string    `json:"line"`
	Mutates    bool      `json:"mutates"`
	DryRun     bool      `json:"dry_run"`
	Exit       *int      `json:"exit"`
	Error      string    `json:"error"`
	DurationMS int64     `json:"duration_ms"`
}
