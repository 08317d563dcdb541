package preflight_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/preflight"
	"github.com/nimfleet/nimfleet/internal/report"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// TestSeedScenario is the field report behind nimfleet: the leftover
// /bos_inst of lpar1 is a blocker that protects nimadm phase 11, with the
// evidence that proves it.
func TestSeedScenario(t *testing.T) {
	cfg, err := sim.LoadScenario("seed")
	if err != nil {
		t.Fatal(err)
	}
	k := labkit.New(t, cfg, labkit.Options{})
	rep, err := preflight.Run(context.Background(), preflight.Options{Runner: k.Runner, Inventory: k.Inv})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.NotReady() || rep.Summary.Blocked != 1 {
		t.Errorf("summary %+v: want lpar1 blocked", rep.Summary)
	}
	h := rep.Hosts[0]
	if h.Host != "lpar1" || h.Status != report.Blocked || strings.Join(h.Blockers, " ") != "PRE-0301" {
		t.Errorf("lpar1: status %s, blockers %v: want blocked by PRE-0301 alone", h.Status, h.Blockers)
	}
	var r check.Result
	for _, x := range h.Results {
		if x.ID == "PRE-0301" {
			r = x
		}
		if x.Status == check.Unknown {
			t.Errorf("unknown on the seed lab: %s", x)
		}
	}
	c := rep.CheckByID("PRE-0301")
	if r.Status != check.Fail || r.Severity != check.Blocker || c.Phase != "11" || r.Fix != "FIX-BOSINST" {
		t.Fatalf("PRE-0301: %s, phase %s, fix %s", r, c.Phase, r.Fix)
	}
	var lines []string
	for _, e := range r.Evidence {
		lines = append(lines, e.Host+"$ "+e.Command)
		lines = append(lines, e.Lines...)
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"lpar1$ /usr/bin/ls -ld /bos_inst", "root     system          256", "/bos_inst",
		"lpar1$ /usr/sbin/lsvg -l rootvg", "hd4                 jfs2", "fslv01"} {
		if !strings.Contains(text, want) {
			t.Errorf("evidence lacks %q:\n%s", want, text)
		}
	}
	if len(r.Commands) == 0 || !strings.HasPrefix(r.Commands[0], "mv /bos_inst /bos_inst.nimfleet.") {
		t.Errorf("fix commands %q", r.Commands)
	}
	if testing.Verbose() {
		var b bytes.Buffer
		report.Text{}.Format(&b, rep)
		t.Logf("\n%s", b.String())
	}
}
