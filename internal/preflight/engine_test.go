package preflight

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/report"
	"github.com/nimfleet/nimfleet/internal/transport"
)

func TestUnreachableClient(t *testing.T) {
	rep := newWorld(t, unreachable(errUnreachable)).report()
	h := rep.Hosts[0]
	if h.Error != errUnreachable.Error() || h.Status != report.Unknown {
		t.Fatalf("host error %q status %s", h.Error, h.Status)
	}
	readsOnlyMaster := map[string]bool{"PRE-0101": true, "PRE-0103": true, "PRE-0105": true, "PRE-0106": true, "PRE-0107": true,
		"PRE-0201": true, "PRE-0204": true, "PRE-0205": true, "PRE-0207": true, "PRE-0208": true, "PRE-0406": true, "PRE-0411": true}
	for _, r := range h.Results {
		switch {
		case r.ID == "PRE-0407":
			if r.Status != check.Unknown || !strings.Contains(r.Reason, "aix01") {
				t.Errorf("%s: the only client's size is unknown: %s", r.ID, r)
			}
		case readsOnlyMaster[r.ID]:
			if r.Status != check.Pass {
				t.Errorf("%s: want pass from the master's facts: %s", r.ID, r)
			}
		case r.Status != check.Unknown:
			t.Errorf("%s: want unknown: %s", r.ID, r)
		case !strings.Contains(r.Reason, "host unreachable"):
			t.Errorf("%s: the reason must carry the transport error: %s", r.ID, r.Reason)
		}
	}
}

func TestMasterDown(t *testing.T) {
	rep := newWorld(t, masterDown(errMasterDown), peer()).report()
	for _, h := range rep.Hosts {
		for _, r := range h.Results {
			c, _ := Lookup(r.ID)
			if c.Scope == check.ScopeMaster && r.Status != check.Unknown && r.Status != check.Skipped && r.ID != "PRE-0411" {
				t.Errorf("%s %s: master-scoped check on a master that is down: %s", h.Host, r.ID, r)
			}
		}
		if h.Status != report.Unknown {
			t.Errorf("%s: status %s, want unknown", h.Host, h.Status)
		}
	}
}

// TestMasterScopedOnce: a master-scoped check runs once per master and
// plan, and each client gets the same result.
func TestMasterScopedOnce(t *testing.T) {
	var calls atomic.Int32
	c := &Check{Meta: check.Meta{ID: "PRE-9999", Title: "t", Severity: check.Info, Phase: "start", Scope: check.ScopeMaster,
		Why: "w", Detect: "d", Remediation: "r", Levels: allLevels, Since: since},
		Run: func(e *Env) check.Result {
			calls.Add(1)
			if e.Host != nil || e.C != nil {
				t.Error("a master-scoped check saw a client")
			}
			return check.PassResult("ok")
		}}
	e1 := &Env{MasterHost: &inventory.Host{Name: "m"}}
	memo := map[string]check.Result{}
	for i := 0; i < 3; i++ {
		key := c.ID + planKey(e1.Plan)
		if _, ok := memo[key]; !ok {
			memo[key] = runCheck(c, e1)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("ran %d times", calls.Load())
	}
	rep := newWorld(t, peer()).report()
	a, b := result(t, rep, "aix01", "PRE-0204"), result(t, rep, "aix02", "PRE-0204")
	if a.Summary != b.Summary || a.Status != b.Status {
		t.Errorf("master-scoped results differ: %s / %s", a, b)
	}
}

func TestWaivers(t *testing.T) {
	old := clOn("aix01", "lspv", 0, strings.ReplaceAll(lspvAltinst, "altinst_rootvg", "old_rootvg"))
	rep := newWorld(t, old, cl("ls_ld_bos_inst", 0, bosInstDir), cl("ls_A_bos_inst", 0, ""), withWaivers(`waivers:
  - hosts: aix0*
    check: PRE-0305
    reason: rollback kept until CHG42 is signed off
    expires: 2026-12-31
  - hosts: aix01
    check: PRE-0301
    reason: too old
    expires: 2026-01-01
  - hosts: [web*]
    check: PRE-0404
    reason: never matches
`)).report()
	r := result(t, rep, "aix01", "PRE-0305")
	if r.Status != check.Waived || r.WaivedStatus != check.Fail || r.Waiver == nil || !strings.Contains(r.Reason, "CHG42") {
		t.Errorf("PRE-0305 not waived: %+v", r)
	}
	if r := result(t, rep, "aix01", "PRE-0301"); r.Status != check.Fail {
		t.Errorf("an expired waiver applied: %s", r)
	}
	w := rep.Waivers
	if w.Applied != 1 || len(w.Expired) != 1 || len(w.Unmatched) != 1 || w.Unmatched[0].Check != "PRE-0404" || w.File != "waivers.yaml" {
		t.Errorf("waiver report: %+v", w)
	}
	if h := rep.Hosts[0]; h.Status != report.Blocked || strings.Join(h.Blockers, " ") != "PRE-0301" {
		t.Errorf("host: %s %v", h.Status, h.Blockers)
	}
	if c := rep.CheckByID("PRE-0305"); c.Counts.Waived != 1 {
		t.Errorf("counts: %+v", c.Counts)
	}
}

func TestSelection(t *testing.T) {
	w := newWorld(t, peer())
	cs, ms := w.inv.ClientsOf(nil)
	if len(cs) != 2 || len(ms) != 1 {
		t.Fatalf("all: %d clients %d masters", len(cs), len(ms))
	}
	cs, ms = w.inv.ClientsOf([]*inventory.Host{w.master})
	if len(cs) != 2 || len(ms) != 1 {
		t.Errorf("a master stands for its clients: %d clients", len(cs))
	}
	cs, ms = w.inv.ClientsOf([]*inventory.Host{w.clients[1]})
	if len(cs) != 1 || cs[0].Name != "aix02" || len(ms) != 1 {
		t.Errorf("one client: %v", cs)
	}
}

func TestCRshProbe(t *testing.T) {
	w := newWorld(t)
	h := w.clients[0]
	tests := []struct {
		name   string
		res    transport.Result
		err    error
		check  func(p *CRshProbe) bool
		status check.Status
	}{
		{"ok", transport.Result{Stdout: []byte("aix01\nrc=0\n")}, nil, func(p *CRshProbe) bool { return p.RCOK && p.Hostname == "aix01" }, check.Pass},
		{"refused", transport.Result{Stderr: []byte("0042-006 c_rsh: (To aix01) connect Connection refused\n"), ExitCode: 1}, nil,
			func(p *CRshProbe) bool { return !p.RCOK && strings.Contains(string(p.Output), "refused") }, check.Fail},
		{"hangs", transport.Result{ExitCode: -1}, fmt.Errorf("run: %w", transport.ErrTimeout), func(p *CRshProbe) bool { return !p.RCOK && p.Err == nil }, check.Fail},
		{"master down", transport.Result{}, fmt.Errorf("dial: %w", transport.ErrUnreachable), func(p *CRshProbe) bool { return p.Err != nil }, check.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got transport.Command
			r := transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
				got = c
				return tt.res, tt.err
			})
			p := runCRshProbe(context.Background(), r, h, 5*time.Second)
			if got.Host != "nim73" || got.Line != `/usr/lpp/bos.sysmgt/nim/methods/c_rsh aix01 '( LC_ALL=C /usr/bin/hostname ); echo rc=$?'` || got.Timeout != 5*time.Second || got.Mutates {
				t.Errorf("command %+v", got)
			}
			if !tt.check(p) {
				t.Errorf("probe %+v", p)
			}
			rep := newWorld(t, probe(p)).report()
			if r := result(t, rep, "aix01", "PRE-0103"); r.Status != tt.status {
				t.Errorf("PRE-0103: %s", r)
			}
		})
	}
}

// TestRunSmallFleet runs the whole engine (gathering included) on a fake
// runner that answers nothing: every host is unknown, none passes.
func TestRunNothingAnswers(t *testing.T) {
	w := newWorld(t, peer())
	r := transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		return transport.Result{}, &transport.HostError{Host: c.Host, Err: transport.ErrUnreachable}
	})
	rep, err := Run(context.Background(), Options{Runner: r, Inventory: w.inv})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Unknown != 2 || rep.Summary.Unreachable != 2 || !rep.NotReady() {
		t.Errorf("summary %+v", rep.Summary)
	}
	for _, h := range rep.Hosts {
		for _, res := range h.Results {
			if res.Status == check.Pass && res.ID != "PRE-0411" {
				t.Errorf("%s: %s passed with nothing gathered", h.Host, res)
			}
		}
	}
	if _, err := Run(context.Background(), Options{}); err == nil {
		t.Error("Run without a runner: want an error")
	}
	_ = errors.New
}
