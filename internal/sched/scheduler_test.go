package sched

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nimfleet/nimfleet/internal/inventory"
)

var now0 = time.Date(2026, 3, 7, 20, 0, 0, 0, time.UTC)

func policy(mod func(*Policy)) Policy {
	p := DefaultPolicy()
	p.Canary = 0
	p.PauseOnNewSignature = false
	p.MaxFailures = Budget{N: 100, Percent: true}
	if mod != nil {
		mod(&p)
	}
	return p
}

// client builds a client with an expected duration in hours and a rootvg
// used size in GB (cache mode when gb > 0).
func client(name, master string, hours float64, gb int) Client {
	return Client{Name: name, Master: master, Expected: time.Duration(hours * float64(time.Hour)), RootvgUsedMB: gb * 1024, Cache: gb > 0}
}

func mustPlan(t *testing.T, cs []Client, ms []Master, p Policy) *Plan {
	t.Helper()
	plan, err := NewPlan(cs, ms, p)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func names(ss []Start) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Host)
	}
	return out
}

func waitReason(st Status, host string) string {
	for _, w := range st.Waiting {
		if w.Host == host {
			return w.Reason
		}
	}
	return ""
}

func TestSlots(t *testing.T) {
	var cs []Client
	for i := range 5 {
		cs = append(cs, client(fmt.Sprintf("a%d", i), "nim1", float64(5-i), 0), client(fmt.Sprintf("b%d", i), "nim2", 1, 0))
	}
	s := New(mustPlan(t, cs, []Master{{Name: "nim1", Slots: 2}, {Name: "nim2", Slots: 3}}, policy(nil)))
	got := names(s.Next(now0))
	if want := []string{"a0", "a1", "b0", "b1", "b2"}; !cmp.Equal(got, want) {
		t.Fatalf("first starts: got %v, want %v (2 on nim1, 3 on nim2, longest first)", got, want)
	}
	if more := s.Next(now0); len(more) != 0 {
		t.Fatalf("second Next with full slots: got %v", names(more))
	}
	if r := waitReason(s.Status(now0), "a2"); !strings.Contains(r, "all 2 slots of nim1 busy") {
		t.Errorf("a2 waits for: %q", r)
	}
	if err := s.Done("a1", Result{}); err != nil {
		t.Fatal(err)
	}
	if got := names(s.Next(now0)); !cmp.Equal(got, []string{"a2"}) {
		t.Errorf("after a1 ends: got %v, want [a2]", got)
	}
}

func TestMaxParallelCapsSlots(t *testing.T) {
	cs := []Client{client("a", "nim1", 1, 0), client("b", "nim1", 1, 0), client("c", "nim1", 1, 0)}
	plan := mustPlan(t, cs, []Master{{Name: "nim1", Slots: 8}}, policy(func(p *Policy) { p.MaxParallel = 2 }))
	if plan.Masters[0].Slots != 2 {
		t.Errorf("effective slots: got %d, want 2", plan.Masters[0].Slots)
	}
	if got := New(plan).Next(now0); len(got) != 2 {
		t.Errorf("got %d starts, want 2", len(got))
	}
}

func TestCache(t *testing.T) {
	// 100 GB of cache; each 30 GB client reserves 30 GB + 512 MB: three
	// fit (91.5 GB), a fourth does not. The NFS client needs no cache.
	ms := []Master{{Name: "nim1", Slots: 8, CacheFreeMB: 100 * 1024}}
	cs := []Client{client("c1", "nim1", 4, 30), client("c2", "nim1", 3, 30), client("c3", "nim1", 2, 30), client("c4", "nim1", 1, 30), client("nfs", "nim1", 0.5, 0)}
	s := New(mustPlan(t, cs, ms, policy(func(p *Policy) { p.Order = OrderGreedy })))
	got := names(s.Next(now0))
	if want := []string{"c1", "c2", "c3", "nfs"}; !cmp.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if r := waitReason(s.Status(now0), "c4"); !strings.Contains(r, "cache VG of nim1") {
		t.Errorf("c4 waits for: %q", r)
	}
	s.Done("c2", Result{})
	if got := names(s.Next(now0)); !cmp.Equal(got, []string{"c4"}) {
		t.Errorf("after c2: got %v, want [c4]", got)
	}
}

func TestCacheTooSmallExcludes(t *testing.T) {
	ms := []Master{{Name: "nim1", Slots: 8, CacheFreeMB: 50 * 1024}, {Name: "nim2", Slots: 1}}
	cs := []Client{client("huge", "nim1", 1, 60), client("ok", "nim1", 1, 40), client("nfs", "nim2", 1, 60),
		{Name: "gone", Master: "nim1", Excluded: true, Reason: "PRE-0301 failed"}}
	plan := mustPlan(t, cs, ms, policy(nil))
	if plan.Hosts() != 2 {
		t.Errorf("planned %d hosts, want 2", plan.Hosts())
	}
	want := []Excluded{
		{"huge", "needs 61952 MB of cache VG on nim1 (rootvg 61440 MB + margin 512 MB), which has 51200 MB free"},
		{"gone", "PRE-0301 failed"},
	}
	if d := cmp.Diff(want, plan.Excluded); d != "" {
		t.Errorf("excluded (-want +got):\n%s", d)
	}
}

// TestFillKeepsSlotsBusy: big clients do not take the whole cache VG while
// slots idle: after the first big one the smaller ones start.
func TestFillKeepsSlotsBusy(t *testing.T) {
	ms := []Master{{Name: "nim1", Slots: 4, CacheFreeMB: 110 * 1024}}
	cs := []Client{client("big1", "nim1", 3, 45), client("big2", "nim1", 3, 45), client("s1", "nim1", 1, 10), client("s2", "nim1", 1, 10), client("s3", "nim1", 1, 10)}
	got := names(New(mustPlan(t, cs, ms, policy(nil))).Next(now0))
	sort.Strings(got)
	if want := []string{"big1", "s1", "s2", "s3"}; !cmp.Equal(got, want) {
		t.Errorf("lpt: got %v, want %v", got, want)
	}
	got = names(New(mustPlan(t, cs, ms, policy(func(p *Policy) { p.Order = OrderGreedy }))).Next(now0))
	sort.Strings(got)
	if want := []string{"big1", "big2", "s1"}; !cmp.Equal(got, want) {
		t.Errorf("greedy: got %v, want %v (a slot idles)", got, want)
	}
}

// TestBlockedHeadIsProtected: near the end, a big client waiting for cache
// space is not starved by small ones that would outlast the moment it
// fits.
func TestBlockedHeadIsProtected(t *testing.T) {
	ms := []Master{{Name: "nim1", Slots: 4, CacheFreeMB: 100 * 1024}}
	cs := []Client{client("run1", "nim1", 1, 60), client("big", "nim1", 3, 60), client("short", "nim1", 0.5, 10), client("long", "nim1", 2, 10)}
	s := New(mustPlan(t, cs, ms, policy(nil)))
	// Start run1 alone first (restore it as running since 8 PM).
	if err := s.Restore("run1", RestoredRunning, now0, ""); err != nil {
		t.Fatal(err)
	}
	got := names(s.Next(now0))
	sort.Strings(got)
	// big (60 GB) does not fit beside run1 (60 GB); it fits at 9 PM, when
	// run1 ends. short ends before that and starts; long runs past 9 PM
	// but fits beside big then (100 - 60.5 - 10.5 GB), so it starts too.
	if want := []string{"long", "short"}; !cmp.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// Here small (20 GB, until 10 PM) fits now but not beside big (85 GB)
	// at 9 PM: it is held back.
	cs = []Client{client("run1", "nim1", 1, 60), client("big", "nim1", 3, 85), client("small", "nim1", 2, 20)}
	s = New(mustPlan(t, cs, ms, policy(nil)))
	s.Restore("run1", RestoredRunning, now0, "")
	if got := names(s.Next(now0)); len(got) != 0 {
		t.Errorf("got %v, want nothing: small would delay big", got)
	}
	if r := waitReason(s.Status(now0), "small"); !strings.Contains(r, "held back for a larger client") {
		t.Errorf("small waits for: %q", r)
	}
	s.Done("run1", Result{})
	if got := names(s.Next(now0.Add(time.Hour))); !cmp.Equal(got, []string{"big"}) {
		t.Errorf("after run1: got %v, want [big]", got)
	}
}

func TestOneRunPerClient(t *testing.T) {
	cs := []Client{client("a", "nim1", 1, 0), client("b", "nim1", 1, 0)}
	s := New(mustPlan(t, cs, []Master{{Name: "nim1", Slots: 4}}, policy(nil)))
	if err := s.Restore("a", RestoredRunning, now0, ""); err != nil {
		t.Fatal(err)
	}
	if got := names(s.Next(now0)); !cmp.Equal(got, []string{"b"}) {
		t.Fatalf("got %v, want [b]: a is already running", got)
	}
	for i := range 3 {
		if got := s.Next(now0.Add(time.Duration(i) * time.Minute)); len(got) != 0 {
			t.Fatalf("running hosts started again: %v", names(got))
		}
	}
	if err := s.Done("a", Result{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Done("a", Result{}); err == nil {
		t.Error("Done twice: no error")
	}
	if got := s.Next(now0); len(got) != 0 {
		t.Errorf("a succeeded host started again: %v", names(got))
	}
	if err := s.Restore("b", RestoredRunning, now0, ""); err == nil {
		t.Error("Restore of a running host: no error")
	}
	if err := s.Done("nobody", Result{}); err == nil {
		t.Error("Done of an unknown host: no error")
	}
}

func TestWaves(t *testing.T) {
	cs := []Client{client("c1", "nim1", 1, 0), client("c2", "nim1", 1, 0), client("w2a", "nim1", 2, 0), client("w2b", "nim1", 2, 0), client("w3", "nim1", 1, 0), client("nowave", "nim1", 9, 0)}
	cs[0].Wave, cs[1].Wave, cs[0].Canary, cs[1].Canary = 1, 1, true, true
	cs[2].Wave, cs[3].Wave, cs[4].Wave = 2, 2, 3
	plan := mustPlan(t, cs, []Master{{Name: "nim1", Slots: 8}}, policy(nil))
	var ws [][]string
	for _, w := range plan.Waves {
		var hs []string
		for _, h := range w.Hosts {
			hs = append(hs, h.Name)
		}
		ws = append(ws, hs)
	}
	if want := [][]string{{"c1", "c2"}, {"w2a", "w2b"}, {"w3"}, {"nowave"}}; !cmp.Equal(ws, want) {
		t.Fatalf("waves: got %v, want %v", ws, want)
	}
	for _, overlap := range []bool{false, true} {
		t.Run(fmt.Sprintf("overlap=%v", overlap), func(t *testing.T) {
			s := New(mustPlan(t, cs, []Master{{Name: "nim1", Slots: 8}}, policy(func(p *Policy) { p.WaveOverlap = overlap })))
			if got := names(s.Next(now0)); !cmp.Equal(got, []string{"c1", "c2"}) {
				t.Fatalf("canary wave: got %v", got)
			}
			if got := s.Next(now0); len(got) != 0 {
				t.Fatalf("wave 2 started during the canary wave: %v", names(got))
			}
			s.Done("c1", Result{})
			if got := s.Next(now0); len(got) != 0 {
				t.Fatalf("wave 2 started before the canary wave finished: %v", names(got))
			}
			s.Done("c2", Result{})
			if got := names(s.Next(now0)); !cmp.Equal(got, map[bool][]string{false: {"w2a", "w2b"}, true: {"w2a", "w2b", "w3", "nowave"}}[overlap]) {
				t.Errorf("after the canary wave: got %v", got)
			}
			if st := s.Status(now0); st.Wave != 2 {
				t.Errorf("status wave: got %d, want 2", st.Wave)
			}
		})
	}
}

func TestPolicyCanary(t *testing.T) {
	cs := []Client{client("a1", "nim1", 3, 0), client("a2", "nim1", 1, 0), client("a3", "nim1", 2, 0), client("b1", "nim2", 0.5, 0), client("b2", "nim2", 4, 0)}
	ms := []Master{{Name: "nim1", Slots: 4}, {Name: "nim2", Slots: 4}}
	plan := mustPlan(t, cs, ms, policy(func(p *Policy) { p.Canary = 2 }))
	if len(plan.Waves) != 2 || !plan.Waves[0].Canary || plan.Waves[0].Name != "canary" {
		t.Fatalf("waves: %+v", plan.Waves)
	}
	var got []string
	for _, h := range plan.Waves[0].Hosts {
		got = append(got, h.Name)
	}
	if want := []string{"a2", "b1"}; !cmp.Equal(got, want) {
		t.Errorf("canary: got %v, want %v (the quickest host of each master)", got, want)
	}
	// An inventory canary wave wins over the policy's.
	cs[4].Wave, cs[4].Canary = 1, true
	plan = mustPlan(t, cs, ms, policy(func(p *Policy) { p.Canary = 2 }))
	if len(plan.Waves[0].Hosts) != 1 || plan.Waves[0].Hosts[0].Name != "b2" {
		t.Errorf("inventory canary: got %+v", plan.Waves[0])
	}
}

func TestFailureBudget(t *testing.T) {
	for _, c := range []struct {
		budget    string
		hosts     int
		haltAfter int // failures that exhaust the budget
	}{
		{"0", 10, 1},
		{"2", 10, 3},
		{"10%", 20, 3},  // 2 of 20 allowed
		{"25%", 10, 3},  // 2 of 10 allowed (rounded down)
		{"100%", 4, -1}, // never
	} {
		t.Run(c.budget, func(t *testing.T) {
			b, err := ParseBudget(c.budget)
			if err != nil {
				t.Fatal(err)
			}
			var cs []Client
			for i := range c.hosts {
				cs = append(cs, client(fmt.Sprintf("h%02d", i), "nim1", 1, 0))
			}
			s := New(mustPlan(t, cs, []Master{{Name: "nim1", Slots: 1}}, policy(func(p *Policy) { p.MaxFailures = b })))
			for i := 0; ; i++ {
				st := s.Next(now0)
				if len(st) == 0 {
					status := s.Status(now0)
					if c.haltAfter < 0 {
						if i != c.hosts || status.Halted != "" || !status.Finished {
							t.Fatalf("stopped after %d failures (status %+v), want all %d run", i, status, c.hosts)
						}
						return
					}
					if i != c.haltAfter || status.Halted == "" || !status.Finished {
						t.Fatalf("stopped after %d failures (status %+v), want %d", i, status, c.haltAfter)
					}
					if !strings.Contains(waitReason(status, fmt.Sprintf("h%02d", i)), "failure budget exhausted") {
						t.Errorf("wait reason: %+v", status.Waiting)
					}
					return
				}
				s.Done(st[0].Host, Result{Failed: true, Signature: "0505-187"})
			}
		})
	}
}

func TestNewSignaturePauses(t *testing.T) {
	var cs []Client
	for i := range 6 {
		cs = append(cs, client(fmt.Sprintf("h%d", i), "nim1", float64(9-i), 0))
	}
	s := New(mustPlan(t, cs, []Master{{Name: "nim1", Slots: 1}}, policy(func(p *Policy) { p.PauseOnNewSignature = true })))
	s.KnownSignature("DIAG-0040")
	step := func(want string, r Result) {
		t.Helper()
		st := s.Next(now0)
		if len(st) != 1 || st[0].Host != want {
			t.Fatalf("got %v, want [%s]", names(st), want)
		}
		s.Done(want, r)
	}
	step("h0", Result{Failed: true, Signature: "DIAG-0040"}) // known: no pause
	step("h1", Result{Failed: true, Signature: "DIAG-0001"}) // new: pause
	if got := s.Next(now0); len(got) != 0 {
		t.Fatalf("started while paused: %v", names(got))
	}
	st := s.Status(now0)
	if len(st.Paused) != 1 || !strings.Contains(st.Paused[0], "new failure signature DIAG-0001 on h1") || st.Finished {
		t.Fatalf("status: %+v", st)
	}
	s.Resume()
	step("h2", Result{Failed: true, Signature: "DIAG-0001"}) // seen: no pause
	step("h3", Result{Failed: true})                         // "unknown" is new
	if got := s.Next(now0); len(got) != 0 {
		t.Fatalf("started while paused: %v", names(got))
	}
	s.Resume()
	step("h4", Result{Failed: true}) // unknown again: seen
	step("h5", Result{})
}

func TestCanaryFailurePauses(t *testing.T) {
	cs := []Client{client("c", "nim1", 1, 0), client("x", "nim1", 1, 0)}
	s := New(mustPlan(t, cs, []Master{{Name: "nim1", Slots: 4}}, policy(func(p *Policy) { p.Canary = 1 })))
	s.KnownSignature("0505-187")
	st := s.Next(now0)
	s.Done(st[0].Host, Result{Failed: true, Signature: "0505-187"})
	if got := s.Next(now0); len(got) != 0 {
		t.Fatalf("started after a canary failure: %v", names(got))
	}
	if p := s.Status(now0).Paused; len(p) != 1 || !strings.Contains(p[0], "canary host") {
		t.Errorf("paused: %v", p)
	}
	s.Resume()
	if got := s.Next(now0); len(got) != 1 {
		t.Errorf("after Resume: got %v", names(got))
	}
}

func TestRetryAndRestore(t *testing.T) {
	cs := []Client{client("a", "nim1", 1, 0), client("b", "nim1", 1, 0), client("c", "nim1", 1, 0), client("d", "nim1", 1, 0)}
	plan := mustPlan(t, cs, []Master{{Name: "nim1", Slots: 1}}, policy(func(p *Policy) { p.MaxFailures = Budget{N: 1} }))
	s := New(plan)
	s.Restore("a", RestoredSucceeded, time.Time{}, "")
	s.Restore("b", RestoredFailed, time.Time{}, "DIAG-0001")
	s.Restore("c", RestoredRunning, now0.Add(-time.Hour), "")
	st := s.Status(now0)
	if st.Succeeded != 1 || st.Failed != 1 || st.Running != 1 || st.Pending != 1 || len(st.Paused) != 0 {
		t.Fatalf("restored status: %+v", st)
	}
	if got := s.Next(now0); len(got) != 0 {
		t.Fatalf("slot taken by the restored run, got %v", names(got))
	}
	s.Done("c", Result{Failed: true, Signature: "DIAG-0001"}) // 2 failures > 1
	if s.Status(now0).Halted == "" {
		t.Fatal("budget not exhausted")
	}
	if err := s.Retry("b"); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry("a"); err == nil {
		t.Error("Retry of a succeeded host: no error")
	}
	if got := names(s.Next(now0)); !cmp.Equal(got, []string{"b"}) {
		t.Errorf("after retry: got %v, want [b] (budget back under)", got)
	}
}

func TestWindows(t *testing.T) {
	win := func(from, to time.Duration) *inventory.Window {
		return &inventory.Window{Start: now0.Add(from), End: now0.Add(to)}
	}
	cs := []Client{
		client("fits", "nim1", 1, 0),
		client("toolong", "nim1", 3, 0),
		client("later", "nim1", 1, 0),
		client("any", "nim1", 1, 0),
	}
	cs[0].Window = win(-time.Hour, 2*time.Hour)
	cs[1].Window = win(-time.Hour, 2*time.Hour)
	cs[2].Window = win(4*time.Hour, 8*time.Hour)
	s := New(mustPlan(t, cs, []Master{{Name: "nim1", Slots: 8}}, policy(nil)))
	st := s.Status(now0)
	if r := waitReason(st, "later"); !strings.Contains(r, "window opens") {
		t.Errorf("later waits for %q", r)
	}
	if !st.WakeAt.Equal(now0.Add(4 * time.Hour)) {
		t.Errorf("WakeAt: got %v", st.WakeAt)
	}
	got := names(s.Next(now0))
	sort.Strings(got)
	if want := []string{"any", "fits"}; !cmp.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	st = s.Status(now0)
	if st.Skipped != 1 || st.Skips[0].Host != "toolong" || !strings.Contains(st.Skips[0].Reason, "no longer fits") {
		t.Errorf("skips: %+v", st.Skips)
	}
	s.Done("fits", Result{})
	s.Done("any", Result{})
	if st := s.Status(now0.Add(time.Hour)); st.Finished {
		t.Error("finished while a host waits for its window")
	}
	if got := names(s.Next(now0.Add(4 * time.Hour))); !cmp.Equal(got, []string{"later"}) {
		t.Errorf("at window start: got %v", got)
	}
	// The policy's window applies to everyone.
	s = New(mustPlan(t, []Client{client("a", "nim1", 1, 0), client("b", "nim1", 5, 0)}, []Master{{Name: "nim1", Slots: 8}},
		policy(func(p *Policy) { p.Window = win(0, 2*time.Hour) })))
	if got := names(s.Next(now0)); !cmp.Equal(got, []string{"a"}) {
		t.Errorf("policy window: got %v, want [a]", got)
	}
}

func TestPlanErrors(t *testing.T) {
	cs := []Client{client("a", "nim9", 1, 0), client("b", "nim1", 1, 0), client("b", "nim1", 1, 0)}
	_, err := NewPlan(cs, []Master{{Name: "nim1", Slots: 0}, {Name: "nim1", Slots: 2}}, Policy{MaxParallel: -1})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"policy: max parallel -1", "master nim1: slots 0", "master nim1: listed twice", `client a: master "nim9"`, "client b: listed twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestPlanJSONAndLowerBound(t *testing.T) {
	cs := []Client{client("a", "nim1", 2, 10), client("b", "nim1", 1, 10), client("c", "nim1", 1, 10)}
	plan := mustPlan(t, cs, []Master{{Name: "nim1", Slots: 2, CacheFreeMB: 1024 * 1024}}, policy(nil))
	if lb := plan.LowerBound(); lb != 2*time.Hour {
		t.Errorf("lower bound: got %v, want 2h (longest run, = work/slots)", lb)
	}
	data, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(*plan, back); d != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", d)
	}
	if !strings.Contains(string(data), `"max_failures":"100%"`) {
		t.Errorf("budget not marshalled as text: %s", data)
	}
}
