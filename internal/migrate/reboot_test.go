package migrate

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// TestRebootAndRollback migrates the healthy lab with the reboot on:
// every client boots the new disk at the target level, lppchk is clean,
// old_rootvg exists and sshd answers. Then one client is rolled back
// after its reboot (bootlist to old_rootvg, shutdown -Fr, old level
// checked), and a fresh migration without reboot is rolled back before
// the reboot (clone removed, bootlist back).
func TestRebootAndRollback(t *testing.T) { synctest.Test(t, testRebootAndRollback) }

func testRebootAndRollback(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	r.o.Reboot = true
	res := r.run(t, false)
	if !res.AllMigrated() {
		t.Fatalf("outcome %s (%s); hosts %+v", res.Outcome, res.Detail, res.Hosts)
	}
	hs := r.host(t, "aix01")
	for _, w := range []string{"oslevel -s 7300-03-01-2446", "lppchk -v clean", "old_rootvg on hdisk0", "sshd"} {
		if !strings.Contains(hs.Reason, w) {
			t.Errorf("aix01 verified %q, want it to mention %q", hs.Reason, w)
		}
	}
	if got := r.timeline(t, "aix01"); !strings.HasSuffix(got, "state:succeeded state:rebooting state:verifying state:verified") {
		t.Errorf("aix01 timeline: %s", got)
	}
	if vg := lspvVG(t, r.kit.Lab, "aix01", "hdisk0"); vg != "old_rootvg" {
		t.Fatalf("aix01 hdisk0 in %q after the reboot", vg)
	}

	ctx := context.Background()
	ro := RollbackOptions{Inventory: r.kit.Inv, Host: r.kit.Inv.Host("aix01"), Runner: r.kit.Runner, Journal: r.j,
		Clock: r.o.Clock, PollInterval: r.o.PollInterval, CommandTimeout: r.o.CommandTimeout}
	rep, err := Rollback(ctx, ro)
	if err != nil || rep.Mode != RollbackBoot || rep.Failed != "" {
		t.Fatalf("rollback after reboot: %v %+v", err, rep)
	}
	if vg := lspvVG(t, r.kit.Lab, "aix01", "hdisk0"); vg != "rootvg" {
		t.Errorf("after the rollback aix01 hdisk0 is in %q, want rootvg", vg)
	}
	if !strings.Contains(rep.Verified, "booted from hdisk0") || !strings.Contains(rep.Verified, "7200-05-07-2346") {
		t.Errorf("verified: %q", rep.Verified)
	}
	if hs := r.host(t, "aix01"); hs.State != journal.StateRolledBack {
		t.Errorf("aix01 state %s, want rolled_back", hs.State)
	}
	// A second rollback is refused: the journal says rolled_back.
	if _, err := Rollback(ctx, ro); !errors.Is(err, ErrRefused) {
		t.Errorf("second rollback: %v, want refused", err)
	}
}

// TestRollbackBeforeReboot: a client migrated without a reboot is rolled
// back by removing the clone; the dry run first changes nothing and lists
// the commands.
func TestRollbackBeforeReboot(t *testing.T) { synctest.Test(t, testRollbackBeforeReboot) }

func testRollbackBeforeReboot(t *testing.T) {
	r := newRig(t, scenario(t, "healthy"), false)
	r.o.Hosts = []*inventory.Host{r.kit.Inv.Host("aix02")}
	if res := r.run(t, false); !res.AllMigrated() {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Detail)
	}
	ctx := context.Background()
	plan := &transport.Plan{}
	ro := RollbackOptions{Inventory: r.kit.Inv, Host: r.kit.Inv.Host("aix02"), Runner: transport.DryRun(r.kit.Runner, plan), DryRun: true,
		Journal: r.j, Clock: r.o.Clock, PollInterval: r.o.PollInterval, CommandTimeout: r.o.CommandTimeout}
	rep, err := Rollback(ctx, ro)
	if err != nil || rep.Mode != RollbackClone {
		t.Fatalf("dry run: %v %+v", err, rep)
	}
	var lines []string
	for _, c := range plan.Commands() {
		lines = append(lines, c.Line)
	}
	want := []string{"/usr/sbin/alt_rootvg_op -X altinst_rootvg", "/usr/sbin/chpv -C hdisk1", "/usr/bin/bootlist -m normal hdisk0"}
	if !cmp.Equal(lines, want) {
		t.Errorf("dry run recorded %q, want %q", lines, want)
	}
	if vg := lspvVG(t, r.kit.Lab, "aix02", "hdisk1"); vg != "altinst_rootvg" {
		t.Fatalf("the dry run changed aix02: hdisk1 in %q", vg)
	}
	if hs := r.host(t, "aix02"); hs.State != journal.StateVerified {
		t.Fatalf("the dry run changed the journal: %s", hs.State)
	}
	ro.Runner, ro.DryRun = r.kit.Runner, false
	rep, err = Rollback(ctx, ro)
	if err != nil || rep.Failed != "" {
		t.Fatalf("apply: %v %+v", err, rep)
	}
	if vg := lspvVG(t, r.kit.Lab, "aix02", "hdisk1"); vg != "None" {
		t.Errorf("after the rollback aix02 hdisk1 is in %q, want None", vg)
	}
	if hs := r.host(t, "aix02"); hs.State != journal.StateRolledBack {
		t.Errorf("aix02 state %s, want rolled_back", hs.State)
	}
}
