package journal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// impl makes an empty journal of one implementation. reopen, when set,
// closes it and opens it again from stable storage.
type impl struct {
	name   string
	open   func(t *testing.T) Journal
	reopen func(t *testing.T, j Journal) Journal
}

func impls() []impl {
	return []impl{
		{name: "mem", open: func(t *testing.T) Journal { return NewMem() }},
		{
			name: "file",
			open: func(t *testing.T) Journal {
				j, err := Open(filepath.Join(t.TempDir(), "fleet.journal"), Options{Create: true, Now: func() time.Time { return t0 }})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { j.Close() })
				return j
			},
			reopen: func(t *testing.T, j Journal) Journal {
				p := j.(*File).Path()
				if err := j.Close(); err != nil {
					t.Fatal(err)
				}
				j2, err := Open(p, Options{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { j2.Close() })
				return j2
			},
		},
		{
			// Writes that never fail behave like the wrapped journal.
			name: "failing-not-yet",
			open: func(t *testing.T) Journal { return FailWritesForTest(NewMem(), 1<<30) },
		},
	}
}

func forEachImpl(t *testing.T, fn func(t *testing.T, im impl)) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) { fn(t, im) })
	}
}

func TestFleetScriptState(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		fleetScript(newScript(t, j, "r1"))
		check := func(j Journal) {
			t.Helper()
			h1, err := j.Host("lpar1")
			if err != nil {
				t.Fatal(err)
			}
			if h1.State != StateVerified || h1.Reason != "oslevel 7300-03-01-2446" {
				t.Errorf("lpar1: got %s %q, want verified", h1.State, h1.Reason)
			}
			if a := h1.Current(); a == nil || a.N != 1 || a.PID != 1234 || a.Phase() != 12 || a.Offset != 12000 || a.Exit == nil || *a.Exit != 0 || a.Outcome != "succeeded" {
				t.Errorf("lpar1 attempt: got %+v", a)
			}
			h2, err := j.Host("lpar2")
			if err != nil {
				t.Fatal(err)
			}
			if h2.State != StateSucceeded || len(h2.Attempts) != 2 {
				t.Fatalf("lpar2: got %s with %d attempts, want succeeded with 2", h2.State, len(h2.Attempts))
			}
			first := h2.Attempts[0]
			if first.Phase() != 11 || *first.Exit != 1 || first.Diagnosis == nil || first.Diagnosis.Signature != "DIAG-0001" {
				t.Errorf("lpar2 attempt 1: got phase %d exit %v diagnosis %+v", first.Phase(), first.Exit, first.Diagnosis)
			}
			if h2.Attempts[1].Diagnosis != nil {
				t.Errorf("lpar2 attempt 2 has a diagnosis: %+v", h2.Attempts[1].Diagnosis)
			}
			if len(h2.Fixes) != 1 || h2.Fixes[0].Fix != "FIX-0301" {
				t.Errorf("lpar2 fixes: got %+v", h2.Fixes)
			}
			if want := `{"rule":"DIAG-0001","title":"multibos leftover","evidence":["0505-218"]}`; string(h2.Diagnosis.Data) != want {
				t.Errorf("diagnosis data: got %s, want %s", h2.Diagnosis.Data, want)
			}
			hs, err := j.Hosts()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hs {
				got = append(got, h.Host+"="+string(h.State))
			}
			if want := []string{"lpar1=verified", "lpar2=succeeded", "lpar3=excluded", "lpar4=stopped"}; !cmp.Equal(got, want) {
				t.Errorf("hosts: got %v, want %v", got, want)
			}
			runs, err := j.Runs()
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != 1 || runs[0].ID != "r1" || runs[0].Open() || runs[0].Outcome != "completed" || len(runs[0].Resumed) != 1 || len(runs[0].Notes) != 1 {
				t.Errorf("runs: got %+v", runs)
			}
			if string(runs[0].Plan) != `{"policy":{"max_parallel":8,"max_failures":"10%"},"waves":[["lpar1"],["lpar2","lpar3","lpar4"]]}` {
				t.Errorf("plan not compacted: %s", runs[0].Plan)
			}
			evs, err := HostEvents(j, "lpar3")
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 2 || evs[0].To != StatePlanned || evs[1].To != StateExcluded || evs[1].Reason == "" {
				t.Errorf("lpar3 events: got %+v", evs)
			}
			var seq uint64
			for e, err := range j.All() {
				if err != nil {
					t.Fatal(err)
				}
				seq++
				if e.Seq != seq {
					t.Fatalf("event %d has seq %d", seq, e.Seq)
				}
			}
			if seq != j.LastSeq() || seq == 0 {
				t.Errorf("All yielded %d events, LastSeq %d", seq, j.LastSeq())
			}
			run, err := HostEvents(j, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(run) != 4 || run[0].Kind != KindRunStarted || run[3].Kind != KindRunEnded {
				t.Errorf("run-level events: got %d, kinds %v...", len(run), run[0].Kind)
			}
		}
		check(j)
		if im.reopen != nil {
			before, _ := j.Hosts()
			j = im.reopen(t, j)
			after, _ := j.Hosts()
			if d := cmp.Diff(before, after); d != "" {
				t.Errorf("state after replay differs (-before +after):\n%s", d)
			}
			check(j)
		}
	})
}

func TestInvalidEventsChangeNothing(t *testing.T) {
	at := t0.Add(time.Hour)
	cases := []struct {
		name string
		e    Event
		want string
	}{
		{"zero time", Event{Kind: KindNote, Run: "r1", Detail: "x"}, "time is zero"},
		{"no run", Event{Kind: KindNote, Time: at, Detail: "x"}, "run id is empty"},
		{"bad run id", Event{Kind: KindNote, Time: at, Run: "r 1", Detail: "x"}, "not allowed"},
		{"unknown run", Event{Kind: KindNote, Time: at, Run: "r9", Detail: "x"}, "never started"},
		{"unknown kind", Event{Kind: "explode", Time: at, Run: "r1", Host: "lpar1"}, "unknown kind"},
		{"unknown state", Event{Kind: KindState, Time: at, Run: "r1", Host: "lpar1", To: "happy"}, "not a host state"},
		{"state without host", Event{Kind: KindState, Time: at, Run: "r1", To: StatePlanned}, "host is empty"},
		{"host on run event", Event{Kind: KindRunEnded, Time: at, Run: "r1", Host: "lpar1", Outcome: "x"}, "names host"},
		{"unused field", Event{Kind: KindState, Time: at, Run: "r1", Host: "lpar1", To: StatePlanned, PID: 4}, "[pid]"},
		{"forbidden transition", Event{Kind: KindState, Time: at, Run: "r1", Host: "lpar1", To: StateSucceeded}, "planned -> succeeded is not allowed"},
		{"new host not planned", Event{Kind: KindState, Time: at, Run: "r1", Host: "new", To: StateRunning}, "(new) -> running"},
		{"running without attempt", Event{Kind: KindState, Time: at, Run: "r1", Host: "lpar2", To: StateRunning}, "without an attempt"},
		{"attempt when planned", Event{Kind: KindAttempt, Time: at, Run: "r1", Host: "lpar1", Attempt: 1, Master: "nim1", Log: "/l"}, "want starting"},
		{"attempt zero", Event{Kind: KindAttempt, Time: at, Run: "r1", Host: "lpar2", Attempt: 0, Master: "nim1", Log: "/l"}, "want 1 or more"},
		{"attempt without log", Event{Kind: KindAttempt, Time: at, Run: "r1", Host: "lpar2", Attempt: 1, Master: "nim1"}, "log path is empty"},
		{"phase before attempt", Event{Kind: KindPhase, Time: at, Run: "r1", Host: "lpar2", Phase: 1}, "before any attempt"},
		{"phase 13", Event{Kind: KindPhase, Time: at, Run: "r1", Host: "lpar2", Phase: 13}, "want 1 to 12"},
		{"pid unknown without why", Event{Kind: KindLaunched, Time: at, Run: "r1", Host: "lpar2"}, "without a detail"},
		{"negative pid", Event{Kind: KindLaunched, Time: at, Run: "r1", Host: "lpar2", PID: -3}, "want 1 or more"},
		{"bad data", Event{Kind: KindFix, Time: at, Run: "r1", Host: "lpar1", Fix: "F", Data: json.RawMessage(`{`)}, "not valid JSON"},
		{"diagnosis without signature", Event{Kind: KindDiagnosis, Time: at, Run: "r1", Host: "lpar1", Rule: "DIAG-1"}, "signature is empty"},
		{"huge detail", Event{Kind: KindNote, Time: at, Run: "r1", Detail: strings.Repeat("x", maxField+1)}, "longer than"},
		{"run started twice", Event{Kind: KindRunStarted, Time: at, Run: "r1", RunInfo: &RunInfo{ID: "r1"}}, "already started"},
		{"run info id mismatch", Event{Kind: KindRunStarted, Time: at, Run: "r2", RunInfo: &RunInfo{ID: "r3"}}, "differs"},
	}
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		s := newScript(t, j, "r1")
		s.start()
		s.state("lpar1", StatePlanned, "")
		s.state("lpar2", StatePlanned, "")
		s.state("lpar2", StateStarting, "")
		before, _ := j.Hosts()
		seq := j.LastSeq()
		for _, c := range cases {
			err := j.Append(context.Background(), c.e)
			switch {
			case err == nil:
				t.Errorf("%s: append succeeded", c.name)
			case !errors.Is(err, ErrInvalid):
				t.Errorf("%s: got %v, want ErrInvalid", c.name, err)
			case !strings.Contains(err.Error(), c.want):
				t.Errorf("%s: got %q, want it to contain %q", c.name, err, c.want)
			}
		}
		after, _ := j.Hosts()
		if d := cmp.Diff(before, after); d != "" || j.LastSeq() != seq {
			t.Errorf("refused events changed the journal (seq %d -> %d):\n%s", seq, j.LastSeq(), d)
		}
		// The journal stays usable.
		s.state("lpar1", StateExcluded, "operator")
	})
}

func TestAttemptRules(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		s := newScript(t, j, "r1")
		s.start()
		s.state("h", StatePlanned, "")
		s.state("h", StateStarting, "")
		s.add(Event{Kind: KindAttempt, Host: "h", Attempt: 1, Master: "nim1", Log: "/l1"})
		for _, bad := range []Event{
			{Kind: KindState, Host: "h", To: StateRunning},                         // not launched
			{Kind: KindState, Host: "h", To: StateFailed},                          // open attempt
			{Kind: KindAttempt, Host: "h", Attempt: 2, Master: "nim1", Log: "/l2"}, // previous has no exit
		} {
			if err := s.try(bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s %s: got %v, want ErrInvalid", bad.Kind, bad.To, err)
			}
		}
		s.add(Event{Kind: KindLaunched, Host: "h", PID: 77})
		if err := s.try(Event{Kind: KindLaunched, Host: "h", PID: 78}); !errors.Is(err, ErrInvalid) {
			t.Errorf("second launch: got %v", err)
		}
		if err := s.try(Event{Kind: KindLaunched, Host: "h", Detail: "pid never learnt"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("second launch without a pid: got %v", err)
		}
		s.state("h", StateRunning, "")
		s.add(Event{Kind: KindPhase, Host: "h", Phase: 3})
		for _, bad := range []Event{
			{Kind: KindPhase, Host: "h", Phase: 3},
			{Kind: KindPhase, Host: "h", Phase: 2},
			{Kind: KindState, Host: "h", To: StateSucceeded}, // no exit recorded
		} {
			if err := s.try(bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s %d: got %v, want ErrInvalid", bad.Kind, bad.Phase, err)
			}
		}
		s.add(Event{Kind: KindOffset, Host: "h", Offset: 500})
		if err := s.try(Event{Kind: KindOffset, Host: "h", Offset: 400}); !errors.Is(err, ErrInvalid) {
			t.Errorf("offset going back: got %v", err)
		}
		s.add(Event{Kind: KindExit, Host: "h", Outcome: "lost", Phase: 3})
		if err := s.try(Event{Kind: KindPhase, Host: "h", Phase: 4}); !errors.Is(err, ErrInvalid) {
			t.Errorf("phase after exit: got %v", err)
		}
		s.state("h", StateFailed, "lost")
		s.state("h", StateRetrying, "")
		s.state("h", StateStarting, "")
		if err := s.try(Event{Kind: KindAttempt, Host: "h", Attempt: 1, Master: "nim1", Log: "/l"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("attempt number reused: got %v", err)
		}
		s.add(Event{Kind: KindAttempt, Host: "h", Attempt: 2, Master: "nim2", Log: "/l2"})
		h, err := j.Host("h")
		if err != nil {
			t.Fatal(err)
		}
		if a := h.Current(); a.N != 2 || a.PID != 0 || a.Phase() != 0 || a.Offset != 0 || a.Master != "nim2" {
			t.Errorf("new attempt does not start clean: %+v", a)
		}
		if act, _ := Active(j); len(act) != 1 || act[0].Host != "h" {
			t.Errorf("Active: got %+v", act)
		}
	})
}

func TestRunEnded(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		s := newScript(t, j, "r1")
		s.start()
		s.add(Event{Kind: KindRunEnded, Outcome: "halted"})
		if err := s.try(Event{Kind: KindState, Host: "h", To: StatePlanned}); !errors.Is(err, ErrInvalid) {
			t.Errorf("event after run end: got %v", err)
		}
		if open, _ := OpenRuns(j); len(open) != 0 {
			t.Errorf("OpenRuns: got %d", len(open))
		}
		s2 := newScript(t, j, "r2")
		s2.start()
		if open, _ := OpenRuns(j); len(open) != 1 || open[0].ID != "r2" {
			t.Errorf("OpenRuns: got %+v", open)
		}
		if _, err := j.Run("r3"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Run(r3): got %v", err)
		}
		if _, err := j.Host("nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Host(nobody): got %v", err)
		}
	})
}

func TestReturnedStateIsACopy(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		fleetScript(newScript(t, j, "r1"))
		h, _ := j.Host("lpar2")
		h.Attempts[0].Phases[0].N = 99
		*h.Attempts[0].Exit = 42
		h.Fixes[0].Data = append(h.Fixes[0].Data, 'x')
		h.Diagnosis.Data[0] = '['
		h2, _ := j.Host("lpar2")
		if h2.Attempts[0].Phases[0].N != 1 || *h2.Attempts[0].Exit != 1 || h2.Diagnosis.Data[0] != '{' {
			t.Errorf("mutating a returned HostState changed the journal")
		}
		for e := range j.Events("lpar2") {
			if e.Kind == KindDiagnosis {
				e.Data[0] = '['
			}
		}
		for e := range j.Events("lpar2") {
			if e.Kind == KindDiagnosis && e.Data[0] != '{' {
				t.Errorf("mutating a yielded event changed the journal")
			}
		}
	})
}

func TestConcurrentAppends(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		s := newScript(t, j, "r1")
		s.start()
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					e := Event{Kind: KindNote, Run: "r1", Time: t0.Add(time.Duration(i) * time.Second), Host: fmt.Sprintf("h%d", w), Detail: fmt.Sprint(i)}
					if err := j.Append(context.Background(), e); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if got := j.LastSeq(); got != 1+workers*each {
			t.Fatalf("LastSeq: got %d, want %d", got, 1+workers*each)
		}
		for w := range workers {
			evs, err := HostEvents(j, fmt.Sprintf("h%d", w))
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range evs {
				if e.Detail != fmt.Sprint(i) {
					t.Fatalf("h%d event %d: got %q (order lost)", w, i, e.Detail)
				}
			}
		}
	})
}

func TestClosed(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		newScript(t, j, "r1").start()
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		if err := j.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if err := newScript(t, j, "r1").try(Event{Kind: KindNote, Detail: "x"}); !errors.Is(err, ErrClosed) {
			t.Errorf("Append after Close: got %v", err)
		}
		if _, err := j.Hosts(); !errors.Is(err, ErrClosed) {
			t.Errorf("Hosts after Close: got %v", err)
		}
		for _, err := range j.All() {
			if !errors.Is(err, ErrClosed) {
				t.Errorf("All after Close: got %v", err)
			}
		}
	})
}

func TestCancelledContext(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := j.Append(ctx, Event{Kind: KindRunStarted, Run: "r1", Time: t0, RunInfo: &RunInfo{ID: "r1"}})
		if !errors.Is(err, context.Canceled) || j.LastSeq() != 0 {
			t.Errorf("got %v (seq %d), want context.Canceled and nothing written", err, j.LastSeq())
		}
	})
}

// TestFailingWrites: the write-failure implementation breaks after n
// appends, keeps what was written readable, and refuses later appends.
func TestFailingWrites(t *testing.T) {
	for _, im := range impls()[:2] {
		t.Run(im.name, func(t *testing.T) {
			j := FailWritesForTest(im.open(t), 3)
			s := newScript(t, j, "r1")
			s.start()
			s.state("h", StatePlanned, "")
			s.state("h", StateStarting, "")
			err := s.try(Event{Kind: KindState, Host: "h", To: StateStopped})
			if !errors.Is(err, ErrInjected) {
				t.Fatalf("4th append: got %v, want ErrInjected", err)
			}
			if err := s.try(Event{Kind: KindNote, Detail: "x"}); !errors.Is(err, ErrBroken) {
				t.Errorf("append after failure: got %v, want ErrBroken", err)
			}
			h, err := j.Host("h")
			if err != nil || h.State != StateStarting || j.LastSeq() != 3 {
				t.Errorf("after failure: got %s seq %d err %v, want starting seq 3", h.State, j.LastSeq(), err)
			}
			if evs, err := HostEvents(j, "h"); err != nil || len(evs) != 2 {
				t.Errorf("events after failure: %d, %v", len(evs), err)
			}
		})
	}
}

// TestLaunchWithoutPID: a launch whose pid was never learnt (the run had
// ended when the controller looked) is a launch: the host may run, the
// attempt cannot be launched again, and it replays the same.
func TestLaunchWithoutPID(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		j := im.open(t)
		s := newScript(t, j, "r1")
		s.start()
		s.state("h", StatePlanned, "")
		s.state("h", StateStarting, "")
		s.add(Event{Kind: KindAttempt, Host: "h", Attempt: 1, Master: "nim1", Log: "/l1"})
		s.add(Event{Kind: KindLaunched, Host: "h", Detail: "the run had ended before its pid file was written"})
		if err := s.try(Event{Kind: KindLaunched, Host: "h", PID: 78}); !errors.Is(err, ErrInvalid) {
			t.Errorf("second launch: got %v", err)
		}
		s.state("h", StateRunning, "")
		hs, err := j.Host("h")
		if err != nil {
			t.Fatal(err)
		}
		if a := hs.Current(); !a.Launched || a.PID != 0 {
			t.Errorf("attempt: launched %v pid %d", a.Launched, a.PID)
		}
	})
}
