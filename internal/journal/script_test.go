package journal

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// t0 is the fixed start of the test scripts.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// script appends events with a ticking fake clock.
type script struct {
	t   testing.TB
	j   Journal
	run string
	now time.Time
}

func newScript(t testing.TB, j Journal, run string) *script {
	return &script{t: t, j: j, run: run, now: t0}
}

// add appends e (Run and Time filled in) and fails the test on error.
func (s *script) add(e Event) {
	s.t.Helper()
	if err := s.try(e); err != nil {
		s.t.Fatalf("append %s %s: %v", e.Kind, e.Host, err)
	}
}

func (s *script) try(e Event) error {
	if e.Run == "" {
		e.Run = s.run
	}
	if e.Time.IsZero() {
		s.now = s.now.Add(time.Minute)
		e.Time = s.now
	}
	return s.j.Append(context.Background(), e)
}

func (s *script) state(host string, to State, reason string) {
	s.t.Helper()
	s.add(Event{Kind: KindState, Host: host, To: to, Reason: reason})
}

func (s *script) start() {
	s.t.Helper()
	s.add(Event{Kind: KindRunStarted, RunInfo: &RunInfo{
		ID: s.run, Started: s.now, Inventory: "/etc/nimfleet/fleet.yaml",
		InventoryHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Plan:          json.RawMessage(`{"policy": {"max_parallel": 8, "max_failures": "10%"}, "waves": [["lpar1"], ["lpar2", "lpar3", "lpar4"]]}`),
		Controller:    "nim1 pid 4242", Version: "0.1.0",
	}})
}

func intp(n int) *int { return &n }

// attempt runs one nimadm attempt of host through the given phases and
// records its exit.
func (s *script) attempt(host string, n, pid int, phases int, exit int, outcome string) {
	s.t.Helper()
	s.add(Event{Kind: KindAttempt, Host: host, Attempt: n, Master: "nim1", Log: "/var/adm/ras/nimfleet/" + host + "." + s.run + "." + string(rune('0'+n)) + ".log"})
	s.add(Event{Kind: KindLaunched, Host: host, PID: pid})
	s.state(host, StateRunning, "")
	for p := 1; p <= phases; p++ {
		s.add(Event{Kind: KindPhase, Host: host, Phase: p})
		s.add(Event{Kind: KindOffset, Host: host, Offset: int64(p * 1000)})
	}
	s.add(Event{Kind: KindExit, Host: host, Exit: intp(exit), Outcome: outcome, Phase: phases})
}

// fleetScript is a small migration that uses every kind of event: one
// canary that succeeds and is verified, one host that fails in phase 11,
// is diagnosed, fixed and retried, one excluded host, one stopped host.
func fleetScript(s *script) {
	s.t.Helper()
	s.start()
	for _, h := range []string{"lpar1", "lpar2", "lpar3", "lpar4"} {
		s.state(h, StatePlanned, "")
	}
	s.state("lpar3", StateExcluded, "PRE-0301 failed: /bos_inst exists")

	s.state("lpar1", StateStarting, "")
	s.attempt("lpar1", 1, 1234, 12, 0, "succeeded")
	s.state("lpar1", StateSucceeded, "")
	s.state("lpar1", StateRebooting, "")
	s.state("lpar1", StateVerifying, "")
	s.state("lpar1", StateVerified, "oslevel 7300-03-01-2446")

	s.add(Event{Kind: KindNote, Detail: "canary wave done"})
	s.add(Event{Kind: KindRunResumed, Detail: "nim1 pid 4343"})

	s.state("lpar2", StateStarting, "")
	s.attempt("lpar2", 1, 2345, 11, 1, "failed")
	s.state("lpar2", StateFailed, "nimadm exit 1 in phase 11")
	s.add(Event{Kind: KindDiagnosis, Host: "lpar2", Rule: "DIAG-0001", Signature: "DIAG-0001",
		Data: json.RawMessage(`{"rule":"DIAG-0001","title":"multibos leftover","evidence":["0505-218"]}`)})
	s.state("lpar2", StateFixing, "")
	s.add(Event{Kind: KindFix, Host: "lpar2", Fix: "FIX-0301", Detail: "moved /bos_inst to /bos_inst.nimfleet"})
	s.state("lpar2", StatePlanned, "")
	s.state("lpar2", StateStarting, "")
	s.attempt("lpar2", 2, 3456, 12, 0, "succeeded")
	s.state("lpar2", StateSucceeded, "")
	s.add(Event{Kind: KindNote, Host: "lpar2", Detail: "reboot deferred to the weekend window"})

	s.state("lpar4", StateStopped, "operator stop")
	s.add(Event{Kind: KindRunEnded, Outcome: "completed", Detail: "2 migrated, 1 excluded, 1 stopped"})
}
