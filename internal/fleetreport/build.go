package fleetreport

import (
	"cmp"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/sched"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// DefaultListAllUpTo is the largest audit window whose every command the
// report lists; above it only the state-changing commands are listed and
// the read-only ones are counted.
const DefaultListAllUpTo = 2000

// Options are the inputs of [Build] besides the journal.
type Options struct {
	// Now is the report's GeneratedAt, the end of the spans still open;
	// zero means time.Now().
	Now time.Time
	// JournalPath names the journal in the report.
	JournalPath string
	// Audit yields the audit log's records ([ReadAuditLog] reads a log,
	// [AuditRecords] takes a slice); nil leaves the audit section out.
	// AuditPath names the log.
	Audit     iter.Seq2[transport.AuditRecord, error]
	AuditPath string
	// Inventory, when set, gives masters to hosts the journal has no
	// attempt for, and names the clients the journal never mentions.
	Inventory     *inventory.Inventory
	InventoryPath string
	// ListAllUpTo: the audit section lists every command when the window
	// holds at most this many records, else only the state-changing ones.
	// 0 means DefaultListAllUpTo; a negative value always lists only the
	// state-changing ones.
	ListAllUpTo int
}

// hostTrack is what one pass over the events learns about a host beyond
// the journal's derived state.
type hostTrack struct {
	states  []StateChange
	planned bool
	details map[int]string // attempt -> exit detail
	attempt int            // current attempt number
	// exitFailed: a failed attempt's exit came after the last state
	// change, so a move to failed now is that attempt's failure.
	exitFailed bool
	failures   []stateFailure // failures outside an attempt
	// diag is a diagnosis recorded since the last state change, nil if
	// none: it explains a move to failed outside an attempt.
	diag *journal.Event
}

// stateFailure is a move to failed outside an attempt, with the diagnosis
// recorded just before it, if any. Its failure group is the diagnosis
// signature, or "state:" and the state the host failed from.
type stateFailure struct {
	key, sig, rule string
	data           json.RawMessage
	hit            FailureHit
}

// Build reads j (its runs, host states and events) and computes the
// report. It reads the events once more for what the derived states do not
// keep, so the report is consistent when nothing is appended to j
// meanwhile: a read-only [journal.File] is such a snapshot, even while a
// migration appends to the file.
func Build(j journal.Journal, o Options) (*Report, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	jruns, err := j.Runs()
	if err != nil {
		return nil, fmt.Errorf("fleet report: %w", err)
	}
	states, err := j.Hosts()
	if err != nil {
		return nil, fmt.Errorf("fleet report: %w", err)
	}
	slices.SortFunc(states, func(a, b journal.HostState) int { return naturalCompare(a.Host, b.Host) })
	r := &Report{
		SchemaVersion: SchemaVersion,
		GeneratedAt:   now,
		Journal:       o.JournalPath,
		Events:        j.LastSeq(),
		Inventory:     o.InventoryPath,
		AuditLog:      o.AuditPath,
		Runs:          []Run{},
		Masters:       []MasterSummary{},
		Hosts:         make([]Host, 0, len(states)),
		Failures:      []FailureGroup{},
		Warnings:      []string{},
	}

	tracks, fixes, err := readEvents(j, len(states))
	if err != nil {
		return nil, err
	}
	r.Fixes = fixes

	// Runs, and what their plans say about hosts and masters.
	runEnd := map[string]time.Time{}
	plans := planIndex{master: map[string]string{}, wave: map[string]int{}, slots: map[string]int{}}
	for _, jr := range jruns {
		run := Run{
			ID: jr.ID, Started: jr.Started.UTC(), Outcome: jr.Outcome, Open: jr.Open(),
			Resumed: utcTimes(jr.Resumed), Controller: jr.Controller, Version: jr.Version,
			Inventory: jr.Inventory, InventorySHA256: jr.InventoryHash, Notes: nonNil(jr.Notes),
		}
		if !jr.Open() {
			run.Ended = timePtr(jr.Ended)
			runEnd[jr.ID] = jr.Ended.UTC()
		}
		if len(jr.Plan) > 0 {
			ps, err := plans.add(jr.Plan)
			if err != nil {
				r.Warnings = append(r.Warnings, fmt.Sprintf("run %s: plan snapshot: %v", jr.ID, err))
			} else {
				run.Plan = ps
			}
		}
		r.Runs = append(r.Runs, run)
	}
	// openEnd is where a span without an end stops: its run's end if the
	// run ended, else now.
	openEnd := func(run string) time.Time {
		if t, ok := runEnd[run]; ok {
			return t
		}
		return now
	}

	var invMaster map[string]string
	if o.Inventory != nil {
		invMaster = map[string]string{}
		for _, h := range o.Inventory.Hosts {
			if h.Role == inventory.RoleClient && h.Master != nil {
				invMaster[h.Name] = h.Master.Name
			}
		}
	}

	for i := range states {
		hs := &states[i]
		t := tracks[hs.Host]
		if t == nil {
			t = &hostTrack{}
		}
		h := Host{
			Name: hs.Host, State: hs.State, Status: StatusOf(hs.State), Reason: hs.Reason,
			Since: hs.Since.UTC(), Run: hs.Run, Attempts: make([]Attempt, 0, len(hs.Attempts)),
			States: nonNilStates(t.states), Notes: nonNil(hs.Notes), Fixes: len(hs.Fixes),
		}
		for _, ja := range hs.Attempts {
			a := buildAttempt(ja, t.details[ja.N], openEnd(ja.Run))
			h.NimadmSeconds += a.Seconds
			if a.Outcome == "succeeded" {
				h.SucceededAttempt = a.N
			}
			h.Attempts = append(h.Attempts, a)
		}
		if hs.Diagnosis != nil {
			h.Rule, h.Signature = hs.Diagnosis.Rule, hs.Diagnosis.Signature
		}
		switch {
		case len(h.Attempts) > 0:
			h.Master = h.Attempts[len(h.Attempts)-1].Master
		case plans.master[h.Name] != "":
			h.Master = plans.master[h.Name]
		default:
			h.Master = invMaster[h.Name]
		}
		h.Wave = plans.wave[h.Name]
		r.Hosts = append(r.Hosts, h)
	}

	index := make(map[string]int, len(states))
	for i := range states {
		index[states[i].Host] = i
	}
	r.Summary = summarize(r, tracks, now, openEnd)
	r.Masters = masters(r, plans.slots, openEnd)
	r.Failures = failures(r, states, tracks)
	for i := range r.Fixes {
		f := &r.Fixes[i]
		if f.AfterAttempt == 0 {
			continue
		}
		if k, ok := index[f.Host]; ok {
			for _, a := range states[k].Attempts {
				if a.N == f.AfterAttempt && a.Diagnosis != nil {
					f.FollowsSignature = a.Diagnosis.Signature
				}
			}
		}
	}
	slices.SortStableFunc(r.Fixes, func(a, b Fix) int { return a.At.Compare(b.At) })

	if o.Inventory != nil {
		known := make(map[string]bool, len(r.Hosts))
		for _, h := range r.Hosts {
			known[h.Name] = true
		}
		for _, h := range o.Inventory.Hosts {
			if h.Role == inventory.RoleClient && !known[h.Name] {
				r.Summary.NotInJournal = append(r.Summary.NotInJournal, h.Name)
			}
		}
		slices.SortFunc(r.Summary.NotInJournal, naturalCompare)
		if n := len(r.Summary.NotInJournal); n > 0 {
			names := strings.Join(r.Summary.NotInJournal[:min(n, 10)], " ")
			if n > 10 {
				names += fmt.Sprintf(" and %d more", n-10)
			}
			r.Warnings = append(r.Warnings, fmt.Sprintf("%d inventory %s never named in the journal: %s", n, plural(n, "client is", "clients are"), names))
		}
	}
	if o.Audit != nil {
		if r.Audit, err = buildAudit(r, o.Audit, o.ListAllUpTo); err != nil {
			return nil, fmt.Errorf("fleet report: audit log %s: %w", o.AuditPath, err)
		}
	}
	return r, nil
}

// readEvents makes one pass over the events for what the journal's
// derived state does not keep: each host's state history, its exit
// details, its failures outside attempts, and the fixes with the attempt
// they followed.
func readEvents(j journal.Journal, hosts int) (map[string]*hostTrack, []Fix, error) {
	tracks := make(map[string]*hostTrack, hosts)
	fixes := []Fix{}
	for e, err := range j.All() {
		if err != nil {
			return nil, nil, fmt.Errorf("fleet report: %w", err)
		}
		if e.Host == "" {
			continue
		}
		t := tracks[e.Host]
		if t == nil {
			t = &hostTrack{}
			tracks[e.Host] = t
		}
		switch e.Kind {
		case journal.KindState:
			exitFailed, d := t.exitFailed, t.diag
			t.exitFailed, t.diag = false, nil
			if e.To == journal.StateFailed && !exitFailed {
				sf := stateFailure{hit: FailureHit{Host: e.Host, Run: e.Run, At: e.Time.UTC(), Reason: e.Reason}}
				switch {
				case d != nil:
					sf.key, sf.sig, sf.rule, sf.data = d.Signature, d.Signature, d.Rule, d.Data
				case len(t.states) > 0:
					sf.key = "state:" + string(t.states[len(t.states)-1].State)
				default:
					sf.key = "state:"
				}
				t.failures = append(t.failures, sf)
			}
			t.states = append(t.states, StateChange{State: e.To, At: e.Time.UTC(), Reason: e.Reason})
			t.planned = t.planned || e.To == journal.StatePlanned
		case journal.KindAttempt:
			t.attempt = e.Attempt
		case journal.KindExit:
			t.exitFailed = e.Outcome != "succeeded"
			if e.Detail != "" {
				if t.details == nil {
					t.details = map[int]string{}
				}
				t.details[t.attempt] = e.Detail
			}
		case journal.KindDiagnosis:
			t.diag = &e
		case journal.KindFix:
			f := Fix{Host: e.Host, Action: e.Fix, Run: e.Run, At: e.Time.UTC(), Detail: e.Detail, AfterAttempt: t.attempt}
			decodeFixData(&f, e.Data)
			fixes = append(fixes, f)
		}
	}
	return tracks, fixes, nil
}

func buildAttempt(ja journal.Attempt, detail string, openEnd time.Time) Attempt {
	a := Attempt{
		N: ja.N, Run: ja.Run, Master: ja.Master, Log: ja.Log, PID: ja.PID,
		Started: ja.Started.UTC(), Outcome: ja.Outcome, Detail: detail,
		LastPhase: ja.Phase(), Phases: make([]Phase, 0, len(ja.Phases)),
	}
	if ja.Exit != nil {
		x := *ja.Exit
		a.Exit = &x
	}
	end := openEnd
	if ja.Outcome != "" {
		a.Ended = timePtr(ja.Ended)
		end = ja.Ended.UTC()
	}
	a.Seconds = seconds(a.Started, end)
	for i, pm := range ja.Phases {
		p := Phase{N: pm.N, Started: pm.At.UTC()}
		pend := end
		switch {
		case i+1 < len(ja.Phases):
			p.Ended = timePtr(ja.Phases[i+1].At)
			pend = ja.Phases[i+1].At.UTC()
		case a.Ended != nil:
			p.Ended = timePtr(*a.Ended)
		}
		p.Seconds = seconds(p.Started, pend)
		a.Phases = append(a.Phases, p)
	}
	if ja.Diagnosis != nil {
		a.Rule, a.Signature = ja.Diagnosis.Rule, ja.Diagnosis.Signature
	}
	return a
}

func summarize(r *Report, tracks map[string]*hostTrack, now time.Time, openEnd func(string) time.Time) Summary {
	s := Summary{
		States:          map[journal.State]int{},
		ExcludedReasons: []ReasonGroup{},
		StoppedReasons:  []ReasonGroup{},
		NotInJournal:    []string{},
	}
	for _, st := range journal.States() {
		s.States[st] = 0
	}
	for _, run := range r.Runs {
		if s.Started == nil || run.Started.Before(*s.Started) {
			s.Started = timePtr(run.Started)
		}
		s.Open = s.Open || run.Open
		if run.Ended != nil && (s.Ended == nil || run.Ended.After(*s.Ended)) {
			s.Ended = timePtr(*run.Ended)
		}
	}
	if s.Open {
		s.Ended = nil
	}
	if s.Started != nil {
		end := now
		if s.Ended != nil {
			end = *s.Ended
		}
		s.DurationSeconds = seconds(*s.Started, end)
	}
	var first, last time.Time
	excluded, stopped := map[string][]string{}, map[string][]string{}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		s.add(h.Status)
		s.States[h.State]++
		if t := tracks[h.Name]; t != nil && t.planned {
			s.Planned++
		}
		switch h.Status {
		case StatusStopped:
			stopped[h.Reason] = append(stopped[h.Reason], h.Name)
		case StatusExcluded:
			excluded[h.Reason] = append(excluded[h.Reason], h.Name)
		}
		s.Attempts += len(h.Attempts)
		if len(h.Attempts) > 1 {
			s.Retried++
		}
		if h.SucceededAttempt > 0 && h.SucceededAttempt != h.Attempts[0].N {
			s.SucceededAfterRetry++
		}
		if len(h.Attempts) == 0 {
			continue
		}
		if a := h.Attempts[0].Started; first.IsZero() || a.Before(first) {
			first = a
		}
		end := h.Since
		if h.Status == StatusRunning {
			end = openEnd(h.Run)
		}
		if end.After(last) {
			last = end
		}
	}
	if !first.IsZero() {
		s.MakespanSeconds = seconds(first, last)
	}
	s.ExcludedReasons = reasonGroups(excluded)
	s.StoppedReasons = reasonGroups(stopped)
	return s
}

func reasonGroups(m map[string][]string) []ReasonGroup {
	out := make([]ReasonGroup, 0, len(m))
	for reason, hosts := range m {
		out = append(out, ReasonGroup{Reason: reason, Hosts: hosts})
	}
	slices.SortFunc(out, func(a, b ReasonGroup) int {
		if c := cmp.Compare(len(b.Hosts), len(a.Hosts)); c != 0 {
			return c
		}
		return cmp.Compare(a.Reason, b.Reason)
	})
	return out
}

func masters(r *Report, slots map[string]int, openEnd func(string) time.Time) []MasterSummary {
	by := map[string]*MasterSummary{}
	get := func(name string) *MasterSummary {
		m := by[name]
		if m == nil {
			m = &MasterSummary{Name: name, Slots: slots[name]}
			by[name] = m
		}
		return m
	}
	type span struct {
		start, end time.Time
		open       bool
	}
	spans := map[string][]span{}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		get(h.Master).add(h.Status)
		for _, a := range h.Attempts {
			am := get(a.Master)
			am.Attempts++
			am.BusySeconds += a.Seconds
			end := openEnd(a.Run)
			if a.Ended != nil {
				end = *a.Ended
			}
			spans[a.Master] = append(spans[a.Master], span{a.Started, end, a.Ended == nil})
		}
	}
	for name, ss := range spans {
		m := by[name]
		first, last, open := ss[0].start, ss[0].end, false
		type edge struct {
			t time.Time
			d int
		}
		edges := make([]edge, 0, 2*len(ss))
		for _, sp := range ss {
			if sp.start.Before(first) {
				first = sp.start
			}
			if sp.end.After(last) {
				last = sp.end
			}
			open = open || sp.open
			edges = append(edges, edge{sp.start, 1}, edge{sp.end, -1})
		}
		// Ends sort before starts at the same instant: back-to-back runs
		// do not overlap.
		slices.SortFunc(edges, func(a, b edge) int {
			if c := a.t.Compare(b.t); c != 0 {
				return c
			}
			return cmp.Compare(a.d, b.d)
		})
		cur := 0
		for _, e := range edges {
			cur += e.d
			m.PeakParallel = max(m.PeakParallel, cur)
		}
		m.Started = timePtr(first)
		if !open {
			m.Ended = timePtr(last)
		}
		m.MakespanSeconds = seconds(first, last)
	}
	out := make([]MasterSummary, 0, len(by))
	for _, m := range by {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b MasterSummary) int { return naturalCompare(a.Name, b.Name) })
	return out
}

// planIndex merges the plan snapshots of the runs; later runs win.
type planIndex struct {
	master map[string]string
	wave   map[string]int
	slots  map[string]int
}

// planSnapshot is what the report reads of a plan snapshot. Two shapes
// are understood: the orchestrator's plan (migrate.Plan: the scheduler's
// plan under "schedule", every selected client under "hosts" with its
// master, wave and action, the masters' slots under "masters"), and a bare
// sched.Plan (policy, waves, masters, excluded at the top level).
type planSnapshot struct {
	Schedule json.RawMessage `json:"schedule"`
	Hosts    []struct {
		Name   string `json:"name"`
		Master string `json:"master"`
		Wave   int    `json:"wave"`
		Action string `json:"action"`
	} `json:"hosts"`
	Masters []struct {
		Name  string `json:"name"`
		Slots int    `json:"slots"`
	} `json:"masters"`
}

func (p *planIndex) add(raw json.RawMessage) (*PlanSummary, error) {
	var snap planSnapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		return nil, err
	}
	sraw := raw
	if len(snap.Schedule) > 0 && string(snap.Schedule) != "null" {
		sraw = snap.Schedule
	}
	var plan sched.Plan
	if err := json.Unmarshal(sraw, &plan); err != nil {
		return nil, err
	}
	var policy struct {
		Policy json.RawMessage `json:"policy"`
	}
	_ = json.Unmarshal(sraw, &policy) // decoded above
	ps := &PlanSummary{Hosts: plan.Hosts(), Waves: len(plan.Waves), Excluded: len(plan.Excluded), Policy: policy.Policy}
	if len(ps.Policy) == 0 {
		ps.Policy = json.RawMessage("null")
	}
	for _, m := range snap.Masters {
		p.slots[m.Name] = m.Slots
	}
	for _, m := range plan.Masters {
		p.slots[m.Name] = m.Slots // the effective limit
	}
	for _, w := range plan.Waves {
		for _, h := range w.Hosts {
			p.master[h.Name], p.wave[h.Name] = h.Master, w.Number
		}
	}
	if len(snap.Hosts) > 0 {
		ps.Excluded = 0
		for _, h := range snap.Hosts {
			if h.Master != "" {
				p.master[h.Name] = h.Master
			}
			if h.Wave > 0 {
				p.wave[h.Name] = h.Wave
			}
			if h.Action == "exclude" {
				ps.Excluded++
			}
		}
	}
	return ps, nil
}

func seconds(from, to time.Time) int64 {
	if to.Before(from) {
		return 0
	}
	return int64(to.Sub(from) / time.Second)
}

func timePtr(t time.Time) *time.Time {
	u := t.UTC()
	return &u
}

func utcTimes(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilStates(s []StateChange) []StateChange {
	if s == nil {
		return []StateChange{}
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// naturalCompare orders host names with their digit runs compared as
// numbers (lpar2 before lpar10); names equal that way (lpar02, lpar2)
// are ordered bytewise.
func naturalCompare(a, b string) int {
	if c := natural(a, b); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

func natural(a, b string) int {
	for a != "" && b != "" {
		da, db := digitsPrefix(a), digitsPrefix(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitsPrefix(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
