package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
)

// statusJournal writes a small journal with fixed times: a verified host,
// a failed one with its diagnosis, a running one in phase 6.
func statusJournal(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, defaultJournalName)
	j, err := journal.Open(p, journal.Options{Create: true, Now: func() time.Time { return migrateT0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	at := func(min int) time.Time { return migrateT0.Add(time.Duration(min) * time.Minute) }
	exit0, exit1 := 0, 1
	evs := []journal.Event{
		{Kind: journal.KindRunStarted, Time: at(0), RunInfo: &journal.RunInfo{ID: "r1", Started: at(0), Inventory: "/etc/nimfleet/fleet.yaml", Controller: "nim73 pid 4242"}},
		{Kind: journal.KindState, Host: "aix01", To: journal.StatePlanned, Time: at(0), Reason: "planned in wave 1"},
		{Kind: journal.KindState, Host: "aix02", To: journal.StatePlanned, Time: at(0), Reason: "planned in wave 2"},
		{Kind: journal.KindState, Host: "aix03", To: journal.StatePlanned, Time: at(0), Reason: "planned in wave 2"},
		{Kind: journal.KindState, Host: "aix01", To: journal.StateStarting, Time: at(1)},
		{Kind: journal.KindAttempt, Host: "aix01", Attempt: 1, Master: "nim73", Log: "/var/adm/ras/nimfleet/aix01.r1.1.log", Time: at(1)},
		{Kind: journal.KindLaunched, Host: "aix01", PID: 4711, Time: at(1)},
		{Kind: journal.KindState, Host: "aix01", To: journal.StateRunning, Time: at(1), Reason: "nimadm attempt 1 on nim73, pid 4711"},
		{Kind: journal.KindPhase, Host: "aix01", Phase: 12, Time: at(55)},
		{Kind: journal.KindExit, Host: "aix01", Outcome: "succeeded", Exit: &exit0, Phase: 12, Time: at(57)},
		{Kind: journal.KindState, Host: "aix01", To: journal.StateSucceeded, Time: at(57)},
		{Kind: journal.KindState, Host: "aix01", To: journal.StateVerifying, Time: at(57)},
		{Kind: journal.KindState, Host: "aix01", To: journal.StateVerified, Time: at(58), Reason: "altinst_rootvg on hdisk1, bootlist hdisk1; reboot to activate (not requested)"},
		{Kind: journal.KindState, Host: "aix02", To: journal.StateStarting, Time: at(58)},
		{Kind: journal.KindAttempt, Host: "aix02", Attempt: 1, Master: "nim73", Log: "/var/adm/ras/nimfleet/aix02.r1.1.log", Time: at(58)},
		{Kind: journal.KindLaunched, Host: "aix02", PID: 4800, Time: at(58)},
		{Kind: journal.KindState, Host: "aix02", To: journal.StateRunning, Time: at(58)},
		{Kind: journal.KindPhase, Host: "aix02", Phase: 1, Time: at(59)},
		{Kind: journal.KindExit, Host: "aix02", Outcome: "failed", Exit: &exit1, Phase: 1, Time: at(60)},
		{Kind: journal.KindDiagnosis, Host: "aix02", Rule: "DIAG-0003", Signature: "DIAG-0003", Time: at(60), Detail: "DIAG-0003 the target disk already belongs to a volume group"},
		{Kind: journal.KindState, Host: "aix02", To: journal.StateFailed, Time: at(60), Reason: "nimadm failed in phase 1: DIAG-0003 the target disk already belongs to a volume group"},
		{Kind: journal.KindState, Host: "aix03", To: journal.StateStarting, Time: at(58)},
		{Kind: journal.KindAttempt, Host: "aix03", Attempt: 1, Master: "nim73", Log: "/var/adm/ras/nimfleet/aix03.r1.1.log", Time: at(58)},
		{Kind: journal.KindLaunched, Host: "aix03", PID: 4900, Time: at(58)},
		{Kind: journal.KindState, Host: "aix03", To: journal.StateRunning, Time: at(58), Reason: "nimadm attempt 1 on nim73, pid 4900"},
		{Kind: journal.KindPhase, Host: "aix03", Phase: 6, Time: at(80)},
		{Kind: journal.KindNote, Time: at(81), Detail: "controller interrupted: 1 nimadm run left running on their masters: aix03; run 'nimfleet migrate resume' to take over"},
	}
	for _, e := range evs {
		e.Run = "r1"
		if err := j.Append(context.Background(), e); err != nil {
			t.Fatalf("%+v: %v", e, err)
		}
	}
	return p
}

func TestStatus(t *testing.T) {
	dir := t.TempDir()
	p := statusJournal(t, dir)
	old := testOnlyStatusNow
	testOnlyStatusNow = func() time.Time { return migrateT0.Add(90 * time.Minute) }
	defer func() { testOnlyStatusNow = old }()

	stdout, stderr, code := runMigrateCLI(t, nil, "status", "--journal", p)
	if code != ExitHostsFailed {
		t.Fatalf("exit %d, want 3 (a host failed): %s", code, stderr)
	}
	migrateGolden(t, "status.txt", stdout, dir)

	stdout, _, _ = runMigrateCLI(t, nil, "status", "--journal", p, "--json", "aix0[13]")
	var doc struct {
		SchemaVersion int `json:"schema_version"`
		Hosts         []struct {
			Host  string        `json:"host"`
			State journal.State `json:"state"`
			Phase int           `json:"phase"`
			PID   int           `json:"pid"`
		} `json:"hosts"`
		Runs []struct {
			ID   string `json:"id"`
			Open bool   `json:"open"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || len(doc.Hosts) != 2 || doc.Hosts[1].Host != "aix03" || doc.Hosts[1].Phase != 6 || doc.Hosts[1].PID != 4900 ||
		len(doc.Runs) != 1 || !doc.Runs[0].Open {
		t.Errorf("status --json: %s", stdout)
	}
	// The journal is read without its lock: status works while a
	// controller holds it.
	j, err := journal.Open(p, journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if stdout, _, code := runMigrateCLI(t, nil, "status", "--journal", p, "aix01"); code != 0 || !strings.Contains(stdout, "aix01  verified") {
		t.Errorf("status while locked (exit %d):\n%s", code, stdout)
	}
	if _, stderr, code := runMigrateCLI(t, nil, "status", "--journal", filepath.Join(dir, "nope.jsonl")); code != ExitUsage {
		t.Errorf("missing journal: exit %d: %s", code, stderr)
	}
}
