package fleetreport

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/nimadm"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// This file holds helpers for the tests of this package and of the CLI,
// and for the benchmarks: a Script writes a realistic migration into a
// journal, with the audit records its controller would have written.

// Script builds the events of one run with a clock per host, so that hosts
// overlap in time as they do in a fleet; [Script.AppendTo] appends them in
// time order. Tests and benchmarks only.
type Script struct {
	run    string
	evs    []journal.Event
	audit  []transport.AuditRecord
	last   time.Time
	ended  bool
	PollBy time.Duration // the follower's poll interval; 0 writes no poll records
}

// NewScript starts run id at started; plan is the plan snapshot (nil for
// none).
func NewScript(id string, started time.Time, plan json.RawMessage) *Script {
	s := &Script{run: id, last: started}
	s.evs = append(s.evs, journal.Event{Time: started, Kind: journal.KindRunStarted, Run: id, RunInfo: &journal.RunInfo{
		ID: id, Started: started, Inventory: "/etc/nimfleet/fleet.yaml",
		InventoryHash: "5f2b4c1d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c",
		Plan:          plan, Controller: "nimctl pid 4242", Version: "0.1.0",
	}})
	return s
}

// Host returns a track for host whose clock starts at at.
func (s *Script) Host(host string, at time.Time) *Track { return &Track{s: s, host: host, T: at} }

// Note adds a run-level note at t.
func (s *Script) Note(t time.Time, text string) {
	s.add(journal.Event{Time: t, Kind: journal.KindNote, Detail: text})
}

// Command adds an audit record without a journal event (a command run
// before the migration, for example).
func (s *Script) Command(rec transport.AuditRecord) {
	rec.V = transport.AuditVersion
	s.audit = append(s.audit, rec)
}

// End closes the run after every event so far.
func (s *Script) End(outcome, detail string) {
	s.add(journal.Event{Time: s.last.Add(time.Minute), Kind: journal.KindRunEnded, Outcome: outcome, Detail: detail})
	s.ended = true
}

func (s *Script) add(e journal.Event) {
	e.Run = s.run
	if e.Time.After(s.last) {
		s.last = e.Time
	}
	s.evs = append(s.evs, e)
}

// Events returns the events in the order they are appended: by time,
// events at the same instant in the order they were added (so each
// host's events keep their order), run_ended last.
func (s *Script) Events() []journal.Event {
	evs := slices.Clone(s.evs)
	slices.SortStableFunc(evs, func(a, b journal.Event) int {
		if a.Kind == journal.KindRunEnded || b.Kind == journal.KindRunEnded {
			return boolCmp(a.Kind == journal.KindRunEnded, b.Kind == journal.KindRunEnded)
		}
		return a.Time.Compare(b.Time)
	})
	return evs
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// AppendTo appends the events to j.
func (s *Script) AppendTo(ctx context.Context, j journal.Journal) error {
	for _, e := range s.Events() {
		if err := j.Append(ctx, e); err != nil {
			return fmt.Errorf("script %s: %s %s at %s: %w", s.run, e.Host, e.Kind, e.Time.Format(time.RFC3339), err)
		}
	}
	return nil
}

// Audit returns the audit records, by time.
func (s *Script) Audit() []transport.AuditRecord {
	out := slices.Clone(s.audit)
	slices.SortStableFunc(out, func(a, b transport.AuditRecord) int { return a.Time.Compare(b.Time) })
	return out
}

// WriteAudit writes the audit records as an audit log.
func (s *Script) WriteAudit(w io.Writer) error {
	log := transport.NewAuditLog(w)
	for _, rec := range s.Audit() {
		if err := log.Write(rec); err != nil {
			return err
		}
	}
	return nil
}

// Track is one host's part of a [Script]; T is its clock.
type Track struct {
	s       *Script
	host    string
	T       time.Time
	attempt int
}

// Wait advances the host's clock.
func (t *Track) Wait(d time.Duration) *Track {
	t.T = t.T.Add(d)
	return t
}

func (t *Track) add(e journal.Event) {
	e.Host = t.host
	e.Time = t.T
	t.s.add(e)
	t.T = t.T.Add(time.Second)
}

func (t *Track) command(host, line string, mutates bool, exit int, dur time.Duration) {
	x := exit
	t.s.audit = append(t.s.audit, transport.AuditRecord{
		V: transport.AuditVersion, Time: t.T.UTC(), Host: host, Transport: "ssh", Line: line,
		Mutates: mutates, ExitCode: &x, DurationMS: dur.Milliseconds(), StdoutBytes: 64,
	})
}

// State moves the host to state to.
func (t *Track) State(to journal.State, reason string) *Track {
	t.add(journal.Event{Kind: journal.KindState, To: to, Reason: reason})
	return t
}

// Note adds a host note.
func (t *Track) Note(text string) *Track {
	t.add(journal.Event{Kind: journal.KindNote, Detail: text})
	return t
}

// AttemptSpec is one nimadm attempt for [Track.Attempt].
type AttemptSpec struct {
	Master string
	// Phases are the durations of the start-up (index 0) and of phases 1
	// to 12; UpTo is the last phase the run reaches.
	Phases [13]time.Duration
	UpTo   int
	// Outcome is the exit verdict ("succeeded", "failed", "stalled",
	// ...); "" leaves the attempt running. Exit and Detail go with it.
	Outcome string
	Exit    int
	Detail  string
	// Reason is the reason of the failed state (for a failed outcome).
	Reason string
}

// ModelRun returns a run through all 12 phases with the durations of the
// default nimadm duration model for a client of rootvgGB on a -j master.
func ModelRun(master string, rootvgGB int) AttemptSpec {
	r := AttemptSpec{Master: master, UpTo: 12, Outcome: "succeeded"}
	w := nimadm.Workload{RootvgUsedMB: rootvgGB * 1024, Cache: true}
	for n := range r.Phases {
		r.Phases[n] = nimadm.Model{}.Phase(n, w).Round(time.Second)
	}
	return r
}

// Attempt runs one nimadm attempt: starting, attempt, launched, running,
// the phases, the exit and the succeeded or failed state (nothing after
// the phases when r.Outcome is ""), with the audit records of the start,
// the polls and the final log fetch.
func (t *Track) Attempt(r AttemptSpec) *Track {
	t.attempt++
	n := t.attempt
	base := nimadm.DefaultDir + "/" + t.host + "." + t.s.run + "." + strconv.Itoa(n)
	files := nimadm.Files{Dir: nimadm.DefaultDir, Log: base + ".log", RC: base + ".rc", PID: base + ".pid"}
	pid := 3000000 + 1000*n + len(t.host)*17
	t.State(journal.StateStarting, "")
	t.add(journal.Event{Kind: journal.KindAttempt, Attempt: n, Master: r.Master, Log: files.Log})
	t.command(r.Master, "/usr/bin/mkdir -p "+files.Dir+" || exit 1; /usr/bin/nohup /usr/bin/sh -c 'LC_ALL=C /usr/sbin/nimadm -c "+
		t.host+" -l lpp7300 -s spot7300 -j nimadmvg -Y -d hdisk1 > "+files.Log+" 2>&1; echo $? > "+files.RC+
		"' < /dev/null > /dev/null 2>&1 & echo $! > "+files.PID+"; echo $!", true, 0, 300*time.Millisecond)
	t.add(journal.Event{Kind: journal.KindLaunched, PID: pid})
	t.State(journal.StateRunning, "")
	start := t.T
	var offset int64
	poll := func(until time.Time) {
		if t.s.PollBy <= 0 {
			return
		}
		for next := start.Add(t.s.PollBy); next.Before(until); next = next.Add(t.s.PollBy) {
			rec := transport.AuditRecord{V: transport.AuditVersion, Time: next.UTC(), Host: r.Master, Transport: "ssh",
				Line: nimadm.PollLine(files, pid, offset), ExitCode: new(int), DurationMS: 180, StdoutBytes: 120}
			t.s.audit = append(t.s.audit, rec)
			offset += 300
			start = next
		}
	}
	t.T = t.T.Add(r.Phases[0])
	for p := 1; p <= r.UpTo; p++ {
		poll(t.T)
		t.add(journal.Event{Kind: journal.KindPhase, Phase: p})
		t.add(journal.Event{Kind: journal.KindOffset, Offset: int64(p) * 2048})
		t.T = t.T.Add(r.Phases[p])
	}
	poll(t.T)
	if r.Outcome == "" {
		return t
	}
	t.command(r.Master, nimadm.CatLine(files.Log), false, 0, 250*time.Millisecond)
	exit := r.Exit
	t.add(journal.Event{Kind: journal.KindExit, Outcome: r.Outcome, Exit: &exit, Phase: r.UpTo, Detail: r.Detail})
	if r.Outcome == "succeeded" {
		return t.State(journal.StateSucceeded, "")
	}
	return t.State(journal.StateFailed, r.Reason)
}

// Diagnose records a diagnosis of the current attempt.
func (t *Track) Diagnose(rule, signature string, report json.RawMessage) *Track {
	t.add(journal.Event{Kind: journal.KindDiagnosis, Rule: rule, Signature: signature, Data: report})
	return t
}

// Fix records a fix whose commands ran on the host (each one audited as a
// state-changing command).
func (t *Track) Fix(action, detail string, data json.RawMessage, commands ...string) *Track {
	for _, c := range commands {
		t.command(t.host, c, true, 0, 400*time.Millisecond)
		t.T = t.T.Add(time.Second)
	}
	t.add(journal.Event{Kind: journal.KindFix, Fix: action, Detail: detail, Data: data})
	return t
}

// Verify takes a succeeded host through verifying to verified after d,
// auditing the read-only level check.
func (t *Track) Verify(d time.Duration) *Track {
	t.State(journal.StateVerifying, "")
	t.T = t.T.Add(d)
	t.command(t.host, "/usr/bin/oslevel -s", false, 0, 2*time.Second)
	return t.State(journal.StateVerified, "oslevel -s: 7300-03-00-2446")
}
