package fleetreport

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// sampleNow is the report time of the sample: after its run ended.
var sampleNow = SampleStart.Add(6 * time.Hour)

// sampleJournal appends [Sample] to a new in-memory journal.
func sampleJournal(t testing.TB) (journal.Journal, *Script) {
	t.Helper()
	s, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	j := journal.NewMem()
	if err := s.AppendTo(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	return j, s
}

func build(t testing.TB, j journal.Journal, o Options) *Report {
	t.Helper()
	r, err := Build(j, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func hostByName(t *testing.T, r *Report, name string) *Host {
	t.Helper()
	for i := range r.Hosts {
		if r.Hosts[i].Name == name {
			return &r.Hosts[i]
		}
	}
	t.Fatalf("host %s not in the report", name)
	return nil
}

func groupByKey(t *testing.T, r *Report, key string) *FailureGroup {
	t.Helper()
	for i := range r.Failures {
		if r.Failures[i].Key == key {
			return &r.Failures[i]
		}
	}
	t.Fatalf("failure group %s not in the report", key)
	return nil
}

func TestSampleSummary(t *testing.T) {
	j, s := sampleJournal(t)
	r := build(t, j, Options{Now: sampleNow, Audit: AuditRecords(s.Audit()), AuditPath: "audit.jsonl"})
	sm := r.Summary
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"hosts", sm.Hosts, 12},
		{"planned", sm.Planned, 11},
		{"succeeded", sm.Succeeded, 9},
		{"verified", sm.Verified, 8},
		{"failed", sm.Failed, 1},
		{"stopped", sm.Stopped, 1},
		{"excluded", sm.Excluded, 1},
		{"rolled back", sm.RolledBack, 0},
		{"running", sm.Running, 0},
		{"pending", sm.Pending, 0},
		{"attempts", sm.Attempts, 11},
		{"retried", sm.Retried, 1},
		{"succeeded after retry", sm.SucceededAfterRetry, 1},
		{"state succeeded", sm.States[journal.StateSucceeded], 1},
		{"runs", len(r.Runs), 1},
		{"failure groups", len(r.Failures), 2},
		{"fixes", len(r.Fixes), 1},
		{"audit outside", r.Audit.Outside, 3},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, c.got, c.want)
		}
	}
	if sm.Open || sm.Ended == nil || sm.DurationSeconds != int64(sm.Ended.Sub(*sm.Started)/time.Second) {
		t.Errorf("summary: open %v, ended %v, duration %d: want a closed run measured start to end", sm.Open, sm.Ended, sm.DurationSeconds)
	}
	if sm.MakespanSeconds <= 0 || sm.MakespanSeconds > sm.DurationSeconds {
		t.Errorf("makespan %d: want 0 < makespan <= duration %d", sm.MakespanSeconds, sm.DurationSeconds)
	}
	if got := sm.ExcludedReasons; len(got) != 1 || !slices.Equal(got[0].Hosts, []string{"lpar12"}) || got[0].Reason != sampleExcluded {
		t.Errorf("excluded reasons: got %+v", got)
	}
	if got := sm.StoppedReasons; len(got) != 1 || !slices.Equal(got[0].Hosts, []string{"lpar6"}) {
		t.Errorf("stopped reasons: got %+v", got)
	}
	if p := r.Runs[0].Plan; p == nil || p.Hosts != 11 || p.Excluded != 1 || p.Waves != 2 {
		t.Errorf("plan summary: got %+v, want 11 hosts in 2 waves, 1 excluded", p)
	}
	var names []string
	for _, h := range r.Hosts {
		names = append(names, h.Name)
	}
	want := []string{"lpar1", "lpar2", "lpar3", "lpar4", "lpar5", "lpar6", "lpar7", "lpar8", "lpar9", "lpar10", "lpar11", "lpar12"}
	if !slices.Equal(names, want) {
		t.Errorf("host order: got %v, want %v", names, want)
	}
}

func TestSampleHosts(t *testing.T) {
	j, _ := sampleJournal(t)
	r := build(t, j, Options{Now: sampleNow})

	l1 := hostByName(t, r, "lpar1")
	if l1.Status != StatusVerified || l1.SucceededAttempt != 2 || len(l1.Attempts) != 2 || l1.Fixes != 1 || l1.Signature != "DIAG-0001" {
		t.Errorf("lpar1: got status %s, succeeded attempt %d, %d attempts, %d fixes, signature %q; want verified on attempt 2 of 2 after 1 fix, DIAG-0001",
			l1.Status, l1.SucceededAttempt, len(l1.Attempts), l1.Fixes, l1.Signature)
	}
	a1 := l1.Attempts[0]
	if a1.Outcome != "failed" || a1.LastPhase != 11 || len(a1.Phases) != 11 || a1.Exit == nil || *a1.Exit != 1 || a1.Signature != "DIAG-0001" {
		t.Errorf("lpar1 attempt 1: got %+v", a1)
	}
	a2 := l1.Attempts[1]
	if a2.Outcome != "succeeded" || len(a2.Phases) != 12 || a2.Ended == nil {
		t.Errorf("lpar1 attempt 2: got outcome %q, %d phases", a2.Outcome, len(a2.Phases))
	}
	// Phases tile the attempt: each ends where the next starts, the last
	// where the attempt ends, and the durations add up.
	for _, a := range l1.Attempts {
		var sum int64
		for i, p := range a.Phases {
			sum += p.Seconds
			if p.Ended == nil {
				t.Fatalf("attempt %d phase %d: no end", a.N, p.N)
			}
			if i+1 < len(a.Phases) && !p.Ended.Equal(a.Phases[i+1].Started) {
				t.Errorf("attempt %d phase %d ends %v, phase %d starts %v", a.N, p.N, p.Ended, a.Phases[i+1].N, a.Phases[i+1].Started)
			}
		}
		if last := a.Phases[len(a.Phases)-1]; !last.Ended.Equal(*a.Ended) {
			t.Errorf("attempt %d: last phase ends %v, attempt ends %v", a.N, last.Ended, a.Ended)
		}
		if startup := int64(a.Phases[0].Started.Sub(a.Started) / time.Second); sum+startup != a.Seconds {
			t.Errorf("attempt %d: phases %ds + start-up %ds, attempt %ds", a.N, sum, startup, a.Seconds)
		}
	}
	if got := l1.NimadmSeconds; got != a1.Seconds+a2.Seconds {
		t.Errorf("lpar1 nimadm seconds: got %d, want %d", got, a1.Seconds+a2.Seconds)
	}
	var states []journal.State
	for _, sc := range l1.States {
		states = append(states, sc.State)
	}
	wantStates := []journal.State{"planned", "starting", "running", "failed", "fixing", "planned", "starting", "running", "succeeded", "verifying", "verified"}
	if !slices.Equal(states, wantStates) {
		t.Errorf("lpar1 states: got %v, want %v", states, wantStates)
	}

	for _, c := range []struct {
		host   string
		status Status
		master string
	}{
		{"lpar6", StatusStopped, "nim1"}, // stopped before any attempt: the plan names its master
		{"lpar7", StatusFailed, "nim2"},
		{"lpar11", StatusMigrated, "nim2"},
		{"lpar12", StatusExcluded, "nim1"}, // excluded by the plan, which names its master
	} {
		h := hostByName(t, r, c.host)
		if h.Status != c.status {
			t.Errorf("%s: status %s, want %s", c.host, h.Status, c.status)
		}
		if h.Master != c.master {
			t.Errorf("%s: master %q, want %q", c.host, h.Master, c.master)
		}
	}
	if h := hostByName(t, r, "lpar6"); h.Master != "nim1" || h.Wave != 2 {
		t.Errorf("lpar6: master %q wave %d from the plan, want nim1 wave 2", h.Master, h.Wave)
	}
}

func TestSampleFailuresAndFixes(t *testing.T) {
	j, _ := sampleJournal(t)
	r := build(t, j, Options{Now: sampleNow})

	g1 := groupByKey(t, r, "DIAG-0001")
	if g1.Source != "report" || g1.Check != "PRE-0301" || g1.Confidence != "high" || g1.HostsHit != 1 || g1.Resolved != 1 {
		t.Errorf("DIAG-0001: source %s, check %s, confidence %s, %d hit, %d resolved", g1.Source, g1.Check, g1.Confidence, g1.HostsHit, g1.Resolved)
	}
	if len(g1.Hits) != 1 || g1.Hits[0].Host != "lpar1" || g1.Hits[0].Phase != 11 || !g1.Hits[0].Resolved || g1.Hits[0].FinalState != journal.StateVerified {
		t.Errorf("DIAG-0001 hits: got %+v", g1.Hits)
	}
	if !slices.ContainsFunc(g1.Evidence, func(e Evidence) bool {
		return e.Role == "trigger" && e.Text == "alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result."
	}) {
		t.Errorf("DIAG-0001 evidence lacks the 0505-218 trigger line: %+v", g1.Evidence)
	}
	if g1.Cause == "" || g1.Fix.Text == "" || len(g1.Fix.Commands) == 0 {
		t.Errorf("DIAG-0001: cause or fix missing: %+v", g1)
	}

	g3 := groupByKey(t, r, "DIAG-0003")
	if g3.Check != "PRE-0401" || g3.HostsHit != 1 || g3.Resolved != 0 || g3.Hits[0].Host != "lpar7" || g3.Hits[0].Phase != 1 {
		t.Errorf("DIAG-0003: got check %s, %d hit, %d resolved, hits %+v", g3.Check, g3.HostsHit, g3.Resolved, g3.Hits)
	}

	f := r.Fixes[0]
	if f.Host != "lpar1" || f.Action != "FIX-BOSINST" || f.Status != "fixed" || f.AfterAttempt != 1 || f.FollowsSignature != "DIAG-0001" ||
		f.Before == "" || f.After != "/bos_inst does not exist" || len(f.Commands) != 1 || f.Commands[0].Exit == nil || len(f.Undo) != 1 {
		t.Errorf("fix: got %+v", f)
	}
}

// TestInvariants checks, on fleets of several shapes, what every report
// must satisfy whatever the journal holds.
func TestInvariants(t *testing.T) {
	for _, c := range []struct {
		name string
		o    FleetOptions
	}{
		{"closed", FleetOptions{Hosts: 300, Masters: 3, Slots: 6, PollBy: 10 * time.Minute, Seed: 1}},
		{"open", FleetOptions{Hosts: 300, Masters: 2, Slots: 8, PollBy: 10 * time.Minute, Open: true, Seed: 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Fleet(c.o)
			if err != nil {
				t.Fatal(err)
			}
			j := journal.NewMem()
			if err := s.AppendTo(context.Background(), j); err != nil {
				t.Fatal(err)
			}
			now := s.last.Add(time.Hour)
			r := build(t, j, Options{Now: now, Audit: AuditRecords(s.Audit())})
			checkInvariants(t, r, j)
			if c.o.Open && (r.Summary.Running == 0 || r.Summary.Pending == 0 || !r.Summary.Open || r.Summary.Ended != nil) {
				t.Errorf("open fleet: running %d, pending %d, open %v: want some running and pending in an open run", r.Summary.Running, r.Summary.Pending, r.Summary.Open)
			}
		})
	}
	t.Run("sample", func(t *testing.T) {
		j, s := sampleJournal(t)
		checkInvariants(t, build(t, j, Options{Now: sampleNow, Audit: AuditRecords(s.Audit())}), j)
	})
}

func checkInvariants(t *testing.T, r *Report, j journal.Journal) {
	t.Helper()
	s := r.Summary
	if sum := s.Succeeded + s.Failed + s.Stopped + s.Excluded + s.RolledBack + s.Running + s.Pending; sum != s.Hosts {
		t.Errorf("status counts add up to %d, hosts %d", sum, s.Hosts)
	}
	n := 0
	for _, c := range s.States {
		n += c
	}
	if n != s.Hosts {
		t.Errorf("state counts add up to %d, hosts %d", n, s.Hosts)
	}
	hs, err := j.Hosts()
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != s.Hosts {
		t.Errorf("journal has %d hosts, report %d", len(hs), s.Hosts)
	}
	var mh, ma, att int
	for _, m := range r.Masters {
		mh += m.Hosts
		ma += m.Attempts
		if m.PeakParallel > max(m.Slots, 1) && m.Slots > 0 {
			t.Errorf("master %s: peak %d above its %d slots", m.Name, m.PeakParallel, m.Slots)
		}
	}
	for _, h := range r.Hosts {
		att += len(h.Attempts)
		for _, a := range h.Attempts {
			if a.Seconds < 0 {
				t.Errorf("%s attempt %d: negative duration", h.Name, a.N)
			}
			for i := 1; i < len(a.Phases); i++ {
				if a.Phases[i].N <= a.Phases[i-1].N || a.Phases[i].Started.Before(a.Phases[i-1].Started) {
					t.Errorf("%s attempt %d: phases out of order", h.Name, a.N)
				}
			}
		}
	}
	if mh != s.Hosts || ma != s.Attempts || att != s.Attempts {
		t.Errorf("masters count %d hosts and %d attempts, hosts hold %d attempts; summary %d hosts, %d attempts", mh, ma, att, s.Hosts, s.Attempts)
	}
	hits := 0
	for _, g := range r.Failures {
		hits += len(g.Hits)
		if g.HostsHit > len(g.Hits) || g.Resolved > g.HostsHit {
			t.Errorf("group %s: %d hits, %d hosts, %d resolved", g.Key, len(g.Hits), g.HostsHit, g.Resolved)
		}
	}
	failed := 0
	for _, h := range r.Hosts {
		for _, a := range h.Attempts {
			if a.Outcome != "" && a.Outcome != "succeeded" {
				failed++
			}
		}
	}
	if hits < failed {
		t.Errorf("failure groups hold %d hits, the hosts %d failed attempts", hits, failed)
	}
	if a := r.Audit; a != nil {
		if a.Mutating+a.ReadOnly != a.Records {
			t.Errorf("audit: %d mutating + %d read-only != %d records", a.Mutating, a.ReadOnly, a.Records)
		}
		sum := 0
		for _, h := range a.Hosts {
			sum += h.Commands
		}
		if sum != a.Records {
			t.Errorf("audit: hosts hold %d commands, records %d", sum, a.Records)
		}
	}
	// Every list encodes as [], never null.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"runs":null`, `"hosts":null`, `"failures":null`, `"fixes":null`, `"attempts":null`, `"phases":null`, `"states":null`, `"notes":null`, `"warnings":null`, `"evidence":null`, `"commands":null`, `"hits":null`} {
		if bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON holds %s", key)
		}
	}
}

// TestFileAndMemAgree builds the report from a journal file, opened
// read-only, and from the in-memory journal with the same events.
func TestFileAndMemAgree(t *testing.T) {
	mem, s := sampleJournal(t)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, err := journal.Open(path, journal.Options{Create: true, Now: func() time.Time { return SampleStart }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AppendTo(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	// Read while the writer still holds the journal, as 'report' does
	// during a migration.
	ro, err := journal.Open(path, journal.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	a := build(t, mem, Options{Now: sampleNow})
	b := build(t, ro, Options{Now: sampleNow})
	var ja, jb bytes.Buffer
	if err := (JSON{}).Format(&ja, a); err != nil {
		t.Fatal(err)
	}
	if err := (JSON{}).Format(&jb, b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ja.Bytes(), jb.Bytes()) {
		t.Errorf("reports from the file and from memory differ")
	}

	// The read-only journal is a snapshot: what the writer appends next
	// is not in it, and a new read sees it.
	if err := w.Append(context.Background(), journal.Event{Time: sampleNow, Kind: journal.KindRunStarted, Run: "r2", RunInfo: &journal.RunInfo{ID: "r2", Started: sampleNow}}); err != nil {
		t.Fatal(err)
	}
	if got := build(t, ro, Options{Now: sampleNow}); len(got.Runs) != 1 {
		t.Errorf("snapshot: got %d runs, want 1", len(got.Runs))
	}
	ro2, err := journal.Open(path, journal.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro2.Close()
	if got := build(t, ro2, Options{Now: sampleNow}); len(got.Runs) != 2 || !got.Summary.Open {
		t.Errorf("after the append: got %d runs, open %v; want 2 runs, one open", len(got.Runs), got.Summary.Open)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRunning covers a journal read in the middle of a run: an attempt
// in phase 6, a host waiting, spans measured up to now.
func TestRunning(t *testing.T) {
	t0 := SampleStart
	s := NewScript("r1", t0, nil)
	s.Host("a1", t0).State(journal.StatePlanned, "").Attempt(AttemptSpec{Master: "m1", UpTo: 6, Phases: [13]time.Duration{10 * time.Second, time.Minute, time.Minute, time.Minute, time.Minute, time.Minute, time.Hour}})
	s.Host("a2", t0).State(journal.StatePlanned, "")
	j := journal.NewMem()
	if err := s.AppendTo(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(30 * time.Minute)
	r := build(t, j, Options{Now: now})
	a1 := hostByName(t, r, "a1")
	a := a1.Attempts[0]
	if a1.Status != StatusRunning || a.Ended != nil || a.Outcome != "" || a.LastPhase != 6 {
		t.Fatalf("a1: status %s, attempt %+v", a1.Status, a)
	}
	if want := int64(now.Sub(a.Started) / time.Second); a.Seconds != want {
		t.Errorf("running attempt: %d s, want %d (up to now)", a.Seconds, want)
	}
	last := a.Phases[len(a.Phases)-1]
	if last.Ended != nil || last.Seconds != int64(now.Sub(last.Started)/time.Second) {
		t.Errorf("phase in progress: ended %v, %d s", last.Ended, last.Seconds)
	}
	if s := r.Summary; !s.Open || s.Running != 1 || s.Pending != 1 || s.Ended != nil || s.DurationSeconds != 1800 {
		t.Errorf("summary: %+v", s)
	}
	if m := r.Masters; len(m) != 2 || m[1].Name != "m1" || m[1].Ended != nil || m[1].PeakParallel != 1 {
		t.Errorf("masters: %+v", m)
	}
}

// TestFailureOutsideAttempt: a host that fails outside a nimadm attempt
// (its verification, a fix after a failed attempt) is a failure of its
// own group, besides the attempt's.
func TestFailureOutsideAttempt(t *testing.T) {
	t0 := SampleStart
	failed := ModelRun("m1", 10)
	failed.Outcome, failed.Exit, failed.UpTo = "failed", 1, 11
	s := NewScript("r1", t0, nil)
	s.Host("a1", t0).State(journal.StatePlanned, "").Attempt(ModelRun("m1", 10)).
		State(journal.StateVerifying, "").Wait(time.Minute).State(journal.StateFailed, "oslevel -s: 7200-05-03-2148, want 7300-03")
	s.Host("a2", t0).State(journal.StatePlanned, "").Attempt(failed).Diagnose("DIAG-0001", "DIAG-0001", nil).
		State(journal.StateFixing, "").State(journal.StateFailed, "FIX-BOSINST: mv exited 1")
	// Refused before nimadm ran: the diagnosis comes with the failure.
	s.Host("a3", t0).State(journal.StatePlanned, "").State(journal.StateStarting, "").
		Diagnose("DIAG-0040", "DIAG-0040", nil).State(journal.StateFailed, "0042-053 a3 is not a NIM client")
	j := journal.NewMem()
	if err := s.AppendTo(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	r := build(t, j, Options{Now: t0.Add(3 * time.Hour)})
	for _, c := range []struct{ key, host, reason string }{
		{"state:verifying", "a1", "oslevel -s: 7200-05-03-2148, want 7300-03"},
		{"state:fixing", "a2", "FIX-BOSINST: mv exited 1"},
		{"DIAG-0001", "a2", ""},
		{"DIAG-0040", "a3", "0042-053 a3 is not a NIM client"},
	} {
		g := groupByKey(t, r, c.key)
		if len(g.Hits) != 1 || g.Hits[0].Host != c.host || g.Hits[0].Reason != c.reason {
			t.Errorf("%s: hits %+v", c.key, g.Hits)
		}
	}
	if len(r.Failures) != 4 {
		t.Errorf("got %d failure groups, want 4", len(r.Failures))
	}
	if g := groupByKey(t, r, "state:verifying"); g.Hits[0].Attempt != 0 || g.Source != "none" {
		t.Errorf("verification failure: %+v", g)
	}
	if g := groupByKey(t, r, "DIAG-0040"); g.Source != "rules" || g.Title != "the NIM object is not defined on the master" {
		t.Errorf("failure before nimadm: source %s, title %q", g.Source, g.Title)
	}
	if h := hostByName(t, r, "a1"); h.Status != StatusFailed || h.SucceededAttempt != 1 {
		t.Errorf("a1: status %s, succeeded attempt %d", h.Status, h.SucceededAttempt)
	}
	checkLinks(t, renderHTML(t, r))
}

// TestStoredDiagnoses covers the shapes a diagnosis event's data may
// take.
func TestStoredDiagnoses(t *testing.T) {
	rep, err := diagnoseLog("nim1:lpar1.log", "lpar1", sampleLogDIAG0001)
	if err != nil {
		t.Fatal(err)
	}
	var whole struct {
		Diagnoses []json.RawMessage `json:"diagnoses"`
	}
	if err := json.Unmarshal(rep, &whole); err != nil || len(whole.Diagnoses) == 0 {
		t.Fatalf("diag report: %v", err)
	}
	unknown, err := diagnoseLog("nim1:lpar1.log", "lpar1", phaseBanner(6)+"0503-999 installp: something nobody has seen.\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, rule, sig string
		data            json.RawMessage
		source, title   string
		evidence        bool
	}{
		{"report", "DIAG-0001", "DIAG-0001", rep, "report", "leftover /bos_inst directory from an earlier multibos makes alt_disk phase 3 fail", true},
		{"one diagnosis", "DIAG-0001", "DIAG-0001", whole.Diagnoses[0], "report", "leftover /bos_inst directory from an earlier multibos makes alt_disk phase 3 fail", true},
		{"no data", "DIAG-0001", "DIAG-0001", nil, "rules", "leftover /bos_inst directory from an earlier multibos makes alt_disk phase 3 fail", false},
		{"other JSON", "DIAG-0003", "DIAG-0003", json.RawMessage(`[1,2]`), "rules", "the target disk already belongs to a volume group", false},
		{"unknown", "", "0503-999", unknown, "report", "unknown: 1 error line that no rule explains", true},
		{"no rule at all", "", "0505-999", nil, "none", "", false},
		{"cut down", "DIAG-0001", "DIAG-0001", json.RawMessage(`{"schema_version":1,"status":"failure","summary":"s","truncated":true,"diagnoses":[{"Rule":"DIAG-0001","Title":"short title","Cause":"c","Fix":["rmdir /bos_inst"]}]}`), "report", "short title", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t0 := SampleStart
			f := ModelRun("m1", 10)
			f.Outcome, f.Exit, f.UpTo = "failed", 1, 11
			s := NewScript("r1", t0, nil)
			s.Host("a1", t0).State(journal.StatePlanned, "").Attempt(f).Diagnose(c.rule, c.sig, c.data)
			j := journal.NewMem()
			if err := s.AppendTo(context.Background(), j); err != nil {
				t.Fatal(err)
			}
			r := build(t, j, Options{Now: t0.Add(3 * time.Hour)})
			g := groupByKey(t, r, c.sig)
			if g.Source != c.source || g.Title != c.title || (len(g.Evidence) > 0) != c.evidence {
				t.Errorf("got source %q, title %q, %d evidence lines; want %q, %q, evidence %v", g.Source, g.Title, len(g.Evidence), c.source, c.title, c.evidence)
			}
		})
	}
}

func TestFixData(t *testing.T) {
	zero := 0
	for _, c := range []struct {
		name string
		data string
		want Fix
	}{
		{"action result", `{"id":"FIX-PVID","status":"fixed","finding":"hdisk1 has no PVID","post_check":"hdisk1 has PVID 00f6","commands":[{"host":"a1","line":"/usr/sbin/chdev -l hdisk1 -a pv=yes","exit_code":0}],"undo":[]}`,
			Fix{Status: "fixed", Before: "hdisk1 has no PVID", After: "hdisk1 has PVID 00f6", Commands: []FixCommand{{Host: "a1", Line: "/usr/sbin/chdev -l hdisk1 -a pv=yes", Exit: &zero}}, Undo: []string{}}},
		{"before and after", `{"before":"x","after":"y","commands":["rm /tmp/x"]}`,
			Fix{Before: "x", After: "y", Commands: []FixCommand{{Host: "a1", Line: "rm /tmp/x"}}, Undo: []string{}}},
		{"none", ``, Fix{Commands: []FixCommand{}, Undo: []string{}}},
		{"not an object", `"moved"`, Fix{Commands: []FixCommand{}, Undo: []string{}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := Fix{Host: "a1"}
			decodeFixData(&f, json.RawMessage(c.data))
			c.want.Host = "a1"
			got, _ := json.Marshal(f)
			want, _ := json.Marshal(c.want)
			if !bytes.Equal(got, want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestAuditListing(t *testing.T) {
	j, s := sampleJournal(t)
	for _, c := range []struct {
		name   string
		upTo   int
		listed string
	}{
		{"default", 0, "all"},
		{"small limit", 10, "mutating"},
		{"never all", -1, "mutating"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := build(t, j, Options{Now: sampleNow, Audit: AuditRecords(s.Audit()), ListAllUpTo: c.upTo}).Audit
			if a.Listed != c.listed {
				t.Fatalf("listed %q, want %q", a.Listed, c.listed)
			}
			want := a.Records
			if c.listed == "mutating" {
				want = a.Mutating
			}
			if len(a.Commands) != want {
				t.Errorf("%d commands listed, want %d", len(a.Commands), want)
			}
			for _, cmd := range a.Commands {
				if c.listed == "mutating" && !cmd.Mutates {
					t.Fatalf("read-only command listed: %s", cmd.Line)
				}
			}
			if a.Mutating != 12 || a.Records != a.Mutating+a.ReadOnly || a.ReadOnlyPrograms[0].Name != "kill" {
				t.Errorf("counts: %d mutating, %d read-only, programs %v", a.Mutating, a.ReadOnly, a.ReadOnlyPrograms)
			}
		})
	}
	// Without an audit log the section is absent and hosts have no counts.
	r := build(t, j, Options{Now: sampleNow})
	if r.Audit != nil || r.Hosts[0].Commands != nil {
		t.Errorf("no audit log: got audit %v, host commands %v", r.Audit, r.Hosts[0].Commands)
	}
	// An empty log is a section with zeros.
	if a := build(t, j, Options{Now: sampleNow, Audit: AuditRecords([]transport.AuditRecord{})}).Audit; a == nil || a.Records != 0 {
		t.Errorf("empty audit log: got %+v", a)
	}
}

func TestNaturalCompare(t *testing.T) {
	got := []string{"lpar10", "lpar2", "lpar1", "nim01", "lpar02", "lpar", "lpar1a", "aix9", "nim1"}
	slices.SortFunc(got, naturalCompare)
	want := []string{"aix9", "lpar", "lpar1", "lpar1a", "lpar02", "lpar2", "lpar10", "nim01", "nim1"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestPlanShapes: the plan snapshot may be the orchestrator's plan (the
// sample) or a bare scheduler plan; anything else is a warning.
func TestPlanShapes(t *testing.T) {
	t0 := SampleStart
	bare := json.RawMessage(`{"policy":{"max_parallel":2},"waves":[{"number":1,"hosts":[{"name":"a1","master":"m1","expected":0}]}],"masters":[{"name":"m1","slots":2,"margin_mb":512,"hosts":1,"work":0}],"excluded":[{"host":"a2","reason":"no"}]}`)
	for _, c := range []struct {
		name    string
		plan    json.RawMessage
		want    *PlanSummary
		warning bool
	}{
		{"bare sched.Plan", bare, &PlanSummary{Hosts: 1, Waves: 1, Excluded: 1, Policy: json.RawMessage(`{"max_parallel":2}`)}, false},
		{"not a plan", json.RawMessage(`[1]`), nil, true},
		{"none", nil, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := NewScript("r1", t0, c.plan)
			s.Host("a1", t0).State(journal.StatePlanned, "").Wait(time.Hour).State(journal.StateStopped, "")
			j := journal.NewMem()
			if err := s.AppendTo(context.Background(), j); err != nil {
				t.Fatal(err)
			}
			r := build(t, j, Options{Now: t0.Add(2 * time.Hour)})
			got, _ := json.Marshal(r.Runs[0].Plan)
			want, _ := json.Marshal(c.want)
			if !bytes.Equal(got, want) {
				t.Errorf("plan summary: got %s, want %s", got, want)
			}
			if (len(r.Warnings) > 0) != c.warning {
				t.Errorf("warnings: %v", r.Warnings)
			}
			if c.want != nil && (r.Hosts[0].Master != "m1" || r.Hosts[0].Wave != 1 || r.Masters[0].Slots != 2) {
				t.Errorf("from the plan: master %q wave %d slots %d", r.Hosts[0].Master, r.Hosts[0].Wave, r.Masters[0].Slots)
			}
		})
	}
}
