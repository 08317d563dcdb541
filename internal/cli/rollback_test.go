package cli

import (
	"strings"
	"testing"
	"testing/synctest"
)

// TestRollbackAfterReboot: a client migrated with --reboot is rolled
// back: the plan (dry run) changes nothing; --apply points the bootlist at
// old_rootvg's disk, reboots, and checks the client came back at its old
// level; the journal says rolled_back.
func TestRollbackAfterReboot(t *testing.T) { synctest.Test(t, testRollbackAfterReboot) }

func testRollbackAfterReboot(t *testing.T) {
	l := newMigrateLab(t, loadScenarioT(t, "healthy"))
	useLab(t, l)
	if stdout, stderr, code := runMigrateCLI(t, nil, "migrate", "run", "-i", l.inv, "--reboot"); code != 0 {
		t.Fatalf("migrate run --reboot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	stdout, stderr, code := runMigrateCLI(t, nil, "rollback", "aix01", "-i", l.inv)
	if code != 0 {
		t.Fatalf("rollback plan: exit %d: %s", code, stderr)
	}
	migrateGolden(t, "rollback-after-reboot-plan.txt", stdout, l.dir)
	stdout, stderr, code = runMigrateCLI(t, nil, "rollback", "aix01", "-i", l.inv, "--apply")
	if code != 0 {
		t.Fatalf("rollback --apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, w := range []string{"ran:", "/usr/bin/bootlist -m normal hdisk0  (exit 0)", "/usr/sbin/shutdown -Fr", "now:", "booted from hdisk0; oslevel -s 7200-05-07-2346", "The journal records it as run rb"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("rollback --apply output lacks %q:\n%s", w, stdout)
		}
	}
	stdout, _, _ = runMigrateCLI(t, nil, "status", "-i", l.inv, "aix01")
	if !strings.Contains(stdout, "aix01  rolled_back") {
		t.Errorf("status after the rollback:\n%s", stdout)
	}
	// Refused the second time: the journal says rolled_back.
	stdout, _, code = runMigrateCLI(t, nil, "rollback", "aix01", "-i", l.inv)
	if code != ExitHostsFailed || !strings.Contains(stdout, "refused:") {
		t.Errorf("second rollback (exit %d):\n%s", code, stdout)
	}
}

// TestRollbackBeforeReboot: a client migrated without a reboot is rolled
// back by removing the clone and resetting the bootlist.
func TestRollbackBeforeReboot(t *testing.T) { synctest.Test(t, testRollbackBeforeReboot) }

func testRollbackBeforeReboot(t *testing.T) {
	l := newMigrateLab(t, loadScenarioT(t, "healthy"))
	useLab(t, l)
	if stdout, stderr, code := runMigrateCLI(t, nil, "migrate", "run", "-i", l.inv, "aix02"); code != 0 {
		t.Fatalf("migrate run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	stdout, stderr, code := runMigrateCLI(t, nil, "rollback", "aix02", "-i", l.inv)
	if code != 0 {
		t.Fatalf("rollback plan: exit %d: %s", code, stderr)
	}
	migrateGolden(t, "rollback-before-reboot-plan.txt", stdout, l.dir)
	stdout, stderr, code = runMigrateCLI(t, nil, "rollback", "aix02", "-i", l.inv, "--apply")
	if code != 0 || !strings.Contains(stdout, "altinst_rootvg removed from hdisk1; bootlist hdisk0") {
		t.Fatalf("rollback --apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// A client nimfleet never migrated is refused.
	stdout, _, code = runMigrateCLI(t, nil, "rollback", "aix03", "-i", l.inv)
	if code != ExitHostsFailed || !strings.Contains(stdout, "refused:") {
		t.Errorf("rollback of a client never migrated (exit %d):\n%s", code, stdout)
	}
	if _, stderr, code := runMigrateCLI(t, nil, "rollback", "nim73", "-i", l.inv); code != ExitUsage {
		t.Errorf("rollback of a master: exit %d: %s", code, stderr)
	}
}
