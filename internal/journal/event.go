package journal

import (
	"encoding/json"
	"fmt"
	"time"
)

// Kind says what an [Event] records. Each kind uses a documented subset of
// the Event fields; the others must be zero.
type Kind string

// Event kinds. Run-level kinds have an empty Host; every other kind names
// the host it is about.
const (
	// KindRunStarted opens a run. Fields: RunInfo (required; RunInfo.ID
	// must equal Run). The first event of every run.
	KindRunStarted Kind = "run_started"
	// KindRunResumed records a controller taking over a run after a crash,
	// an interrupt or a pause. Fields: Detail (the controller, e.g.
	// "nim1 pid 4242").
	KindRunResumed Kind = "run_resumed"
	// KindRunEnded closes a run; no event may name it afterwards. Fields:
	// Outcome ("completed", "halted", "interrupted", ...), Detail.
	KindRunEnded Kind = "run_ended"

	// KindState moves a host to another state. Fields: To (required),
	// Reason (why: the exclusion reason, the failure summary, ...). The
	// transition must be allowed by [CanTransition].
	KindState Kind = "state"
	// KindAttempt opens a new nimadm attempt while the host is starting.
	// It is written before the detached nimadm is launched, so that a
	// controller that crashes right after the launch still knows where
	// the run logs. Fields: Attempt (required, greater than every earlier
	// attempt of the host), Master (required), Log (required, the log path
	// on the master).
	KindAttempt Kind = "attempt"
	// KindLaunched records the pid of the detached nimadm of the current
	// attempt. Fields: PID (required, > 0).
	KindLaunched Kind = "launched"
	// KindPhase records that the current attempt entered a nimadm phase
	// (its banner was seen) at Time. Fields: Phase (1 to 12, greater than
	// the attempt's last phase).
	KindPhase Kind = "phase"
	// KindOffset checkpoints how many bytes of the current attempt's log
	// the controller has read and processed. Fields: Offset (not smaller
	// than the previous checkpoint).
	KindOffset Kind = "offset"
	// KindExit records how the current attempt's nimadm ended. Fields:
	// Outcome (required: "succeeded", "failed", "stalled", "lost",
	// "killed", ...), Exit (the exit status, nil when unknown), Phase (the
	// last phase seen, 0 if none).
	KindExit Kind = "exit"
	// KindDiagnosis records the diagnosis of a failure. Fields: Rule (the
	// diagnosis rule ID, may be empty when no rule matched), Signature
	// (required: what identifies this kind of failure for the scheduler —
	// the rule ID or the first 0505-xxx message ID), Data (the diagnosis
	// report, opaque JSON).
	KindDiagnosis Kind = "diagnosis"
	// KindFix records a remediation applied to the host. Fields: Fix
	// (required, the action ID), Detail, Data (opaque JSON).
	KindFix Kind = "fix"
	// KindNote is free text attached to a host or, with an empty Host, to
	// the run. Fields: Detail (required).
	KindNote Kind = "note"
)

// Event is one entry of the journal. Seq is assigned by [Journal.Append];
// every other field is set by the caller. Time comes from the caller's
// (injected) clock and must not be zero.
type Event struct {
	// Seq numbers the journal's events from 1 without gaps. Append ignores
	// the value it is given.
	Seq uint64
	// Time is when the event happened.
	Time time.Time
	// Kind says which of the fields below are used.
	Kind Kind
	// Run is the ID of the run the event belongs to; required.
	Run string
	// Host is the inventory name of the host; empty for run-level kinds
	// (and for a run-level note).
	Host string

	To      State
	Reason  string
	Attempt int
	Master  string
	Log     string
	PID     int
	Phase   int
	Offset  int64
	Exit    *int
	Outcome string
	Rule    string
	// Signature identifies a failure for the scheduler's "new signature"
	// pause.
	Signature string
	Fix       string
	Detail    string
	// Data is opaque JSON (a diagnosis report, a fix's details). It must
	// be valid JSON when set.
	Data json.RawMessage
	// RunInfo describes a run; set on KindRunStarted only.
	RunInfo *RunInfo
}

// RunInfo describes a run when it starts.
type RunInfo struct {
	// ID names the run; letters, digits, '-', '_' and '.', at most 64
	// bytes, not starting with '-'. It appears in remote log file names.
	ID      string
	Started time.Time
	// Inventory is the inventory file the run was planned from, and
	// InventoryHash its SHA-256 (hex), so that resume can refuse an
	// inventory that changed underneath it.
	Inventory     string
	InventoryHash string
	// Plan is the plan and policy snapshot (opaque JSON, written by the
	// scheduler's caller).
	Plan json.RawMessage
	// Controller says who drives the run ("nim1 pid 4242").
	Controller string
	// Version is the nimfleet version that started the run.
	Version string
}

// maxField bounds each string field; maxData bounds Data and RunInfo.Plan.
const (
	maxField = 4096
	maxData  = 1 << 20
)

// validRunID reports whether id is usable as a run ID.
func validRunID(id string) error {
	if id == "" {
		return fmt.Errorf("run id is empty")
	}
	if len(id) > 64 {
		return fmt.Errorf("run id %q: longer than 64 bytes", id)
	}
	if id[0] == '-' {
		return fmt.Errorf("run id %q: starts with '-'", id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("run id %q: byte %q not allowed (letters, digits, '-', '_', '.')", id, c)
		}
	}
	return nil
}

// ValidRunID reports whether id is a valid run ID (see [RunInfo.ID]).
func ValidRunID(id string) error { return validRunID(id) }

// checkShape checks the fields of e that do not depend on the journal's
// state: the kind is known, required fields are set, unused fields are
// zero, sizes are bounded.
func checkShape(e *Event) error {
	if e.Time.IsZero() {
		return fmt.Errorf("time is zero")
	}
	if err := validRunID(e.Run); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{
		{"host", e.Host}, {"reason", e.Reason}, {"master", e.Master}, {"log", e.Log},
		{"outcome", e.Outcome}, {"rule", e.Rule}, {"signature", e.Signature}, {"fix", e.Fix}, {"detail", e.Detail},
	} {
		if len(f.v) > maxField {
			return fmt.Errorf("%s: longer than %d bytes", f.name, maxField)
		}
	}
	if len(e.Data) > maxData {
		return fmt.Errorf("data: larger than %d bytes", maxData)
	}
	if len(e.Data) > 0 && !json.Valid(e.Data) {
		return fmt.Errorf("data: not valid JSON")
	}
	// used lists the optional fields a kind may set.
	type used struct{ to, reason, attempt, master, log, pid, phase, offset, exit, outcome, rule, sig, fix, detail, data, info bool }
	var u used
	hostLevel := true
	switch e.Kind {
	case KindRunStarted:
		hostLevel = false
		u = used{info: true, detail: true}
		if e.RunInfo == nil {
			return fmt.Errorf("run info is missing")
		}
		if e.RunInfo.ID != e.Run {
			return fmt.Errorf("run info id %q differs from run %q", e.RunInfo.ID, e.Run)
		}
		if len(e.RunInfo.Plan) > maxData {
			return fmt.Errorf("run plan: larger than %d bytes", maxData)
		}
		if len(e.RunInfo.Plan) > 0 && !json.Valid(e.RunInfo.Plan) {
			return fmt.Errorf("run plan: not valid JSON")
		}
	case KindRunResumed:
		hostLevel = false
		u = used{detail: true}
	case KindRunEnded:
		hostLevel = false
		u = used{outcome: true, detail: true}
	case KindState:
		u = used{to: true, reason: true, detail: true}
		if !e.To.Valid() {
			return fmt.Errorf("state %q is not a host state", e.To)
		}
	case KindAttempt:
		u = used{attempt: true, master: true, log: true, detail: true}
		switch {
		case e.Attempt < 1:
			return fmt.Errorf("attempt %d: want 1 or more", e.Attempt)
		case e.Master == "":
			return fmt.Errorf("attempt: master is empty")
		case e.Log == "":
			return fmt.Errorf("attempt: log path is empty")
		}
	case KindLaunched:
		u = used{pid: true, detail: true}
		// A pid of 0 is a launch whose pid was never learnt (the link
		// dropped before the pid file was written and the run had ended
		// when the controller looked); the detail must say so.
		switch {
		case e.PID < 0:
			return fmt.Errorf("pid %d: want 1 or more", e.PID)
		case e.PID == 0 && e.Detail == "":
			return fmt.Errorf("pid 0 (unknown) without a detail saying why")
		}
	case KindPhase:
		u = used{phase: true, detail: true}
		if e.Phase < 1 || e.Phase > 12 {
			return fmt.Errorf("phase %d: want 1 to 12", e.Phase)
		}
	case KindOffset:
		u = used{offset: true}
		if e.Offset < 0 {
			return fmt.Errorf("offset %d: negative", e.Offset)
		}
	case KindExit:
		u = used{exit: true, outcome: true, phase: true, detail: true}
		if e.Outcome == "" {
			return fmt.Errorf("exit: outcome is empty")
		}
		if e.Phase < 0 || e.Phase > 12 {
			return fmt.Errorf("exit: phase %d: want 0 to 12", e.Phase)
		}
	case KindDiagnosis:
		u = used{rule: true, sig: true, data: true, detail: true}
		if e.Signature == "" {
			return fmt.Errorf("diagnosis: signature is empty")
		}
	case KindFix:
		u = used{fix: true, detail: true, data: true}
		if e.Fix == "" {
			return fmt.Errorf("fix: action id is empty")
		}
	case KindNote:
		hostLevel = e.Host != ""
		u = used{detail: true}
		if e.Detail == "" {
			return fmt.Errorf("note: detail is empty")
		}
	default:
		return fmt.Errorf("unknown kind %q", e.Kind)
	}
	if hostLevel && e.Host == "" {
		return fmt.Errorf("%s: host is empty", e.Kind)
	}
	if !hostLevel && e.Host != "" {
		return fmt.Errorf("%s: run-level event names host %q", e.Kind, e.Host)
	}
	var extra []string
	check := func(set, allowed bool, name string) {
		if set && !allowed {
			extra = append(extra, name)
		}
	}
	check(e.To != "", u.to, "to")
	check(e.Reason != "", u.reason, "reason")
	check(e.Attempt != 0, u.attempt, "attempt")
	check(e.Master != "", u.master, "master")
	check(e.Log != "", u.log, "log")
	check(e.PID != 0, u.pid, "pid")
	check(e.Phase != 0, u.phase, "phase")
	check(e.Offset != 0, u.offset, "offset")
	check(e.Exit != nil, u.exit, "exit")
	check(e.Outcome != "", u.outcome, "outcome")
	check(e.Rule != "", u.rule, "rule")
	check(e.Signature != "", u.sig, "signature")
	check(e.Fix != "", u.fix, "fix")
	check(e.Detail != "", u.detail, "detail")
	check(len(e.Data) > 0, u.data, "data")
	check(e.RunInfo != nil, u.info, "run info")
	if len(extra) > 0 {
		return fmt.Errorf("%s: fields not used by this kind are set: %v", e.Kind, extra)
	}
	return nil
}

// clone returns a deep copy of e (its pointer and slice fields are not
// shared).
func (e Event) clone() Event {
	if e.Exit != nil {
		x := *e.Exit
		e.Exit = &x
	}
	e.Data = cloneRaw(e.Data)
	if e.RunInfo != nil {
		ri := *e.RunInfo
		ri.Plan = cloneRaw(ri.Plan)
		e.RunInfo = &ri
	}
	return e
}

func cloneRaw(r json.RawMessage) json.RawMessage {
	if r == nil {
		return nil
	}
	return append(json.RawMessage(nil), r...)
}
