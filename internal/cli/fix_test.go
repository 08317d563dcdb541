package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/transport"
)

func init() {
	// Another test file of this package may define -update too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func fixUpdateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// fixNow is the controller clock of the CLI tests.
var fixNow = time.Date(2024, 3, 4, 10, 15, 0, 0, time.UTC)

// runFixCLI runs 'nimfleet fix ARGS' in-process under a root command
// configured like the real one, and returns stdout, stderr and the exit
// code.
func runFixCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	old := testOnlyFixNow
	testOnlyFixNow = func() time.Time { return fixNow }
	defer func() { testOnlyFixNow = old }()
	var stdout, stderr bytes.Buffer
	g := &GlobalOptions{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	root := &cobra.Command{Use: "nimfleet", SilenceErrors: true, SilenceUsage: true}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return withExit(ExitUsage, err) })
	root.AddCommand(newFixCommand(g))
	root.SetArgs(append([]string{"fix"}, args...))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(context.Background())
	code := ExitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

// fixGolden compares got with testdata/fix/name, after replacing dir
// with $DIR; -update rewrites the file.
func fixGolden(t *testing.T, name, got, dir string) {
	t.Helper()
	got = strings.ReplaceAll(got, dir, "$DIR")
	path := filepath.Join("testdata", "fix", name)
	if fixUpdateGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// auditMutations reads the audit log beside the inventory and returns
// the state-changing commands that were executed, from record from on.
func auditMutations(t *testing.T, dir string, from int) ([]transport.AuditRecord, int) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "nimfleet-audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := transport.ReadAudit(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []transport.AuditRecord
	for _, r := range recs[from:] {
		if r.Mutates && !r.DryRun {
			out = append(out, r)
		}
	}
	return out, len(recs)
}

// fixLab is a small lab with one of everything the plan can say: a
// varied-off cache VG, a multibos standby that leaves /bos_inst behind,
// a leftover /bos_inst with an old_rootvg (needs approval), and an efix
// that cannot go before a reboot.
func fixLab(t *testing.T) *labkit.Kit {
	t.Helper()
	cfg, err := sim.LoadScenario("healthy")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeScale = 1e9
	cfg.Masters[0].Faults = []string{sim.FaultCacheVGVariedOff}
	cfg.Clients[0].Faults = []string{sim.FaultMultibosStandby}
	cfg.Clients[0].MultibosLeavesBosInst = true
	cfg.Clients[1].Faults = []string{sim.FaultBosInstLeftover, sim.FaultOldRootvgExists}
	cfg.Clients[2].Faults = []string{sim.FaultEfixLocks, sim.FaultEfixRebootPending}
	return labkit.Serve(t, cfg, labkit.Options{})
}

// TestFixGolden drives 'nimfleet fix' over real SSH against the lab: the
// plan (text and JSON) changes nothing; --apply with an approval fixes
// what it may; a second --apply sends nothing.
func TestFixGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("serves the lab over SSH")
	}
	k := fixLab(t)
	inv := k.Inv.File
	before := map[string]string{}
	for _, h := range k.Lab.Hosts() {
		before[h] = k.Lab.Snapshot(h)
	}

	out, errOut, code := runFixCLI(t, "-i", inv)
	if code != ExitHostsFailed {
		t.Errorf("plan: exit %d, want 3 (an approval is missing, an efix is refused); stderr:\n%s", code, errOut)
	}
	fixGolden(t, "plan.txt", out, k.Dir)

	out, _, code = runFixCLI(t, "-i", inv, "--json")
	if code != ExitHostsFailed {
		t.Errorf("plan --json: exit %d, want 3", code)
	}
	var doc struct {
		SchemaVersion int    `json:"schema_version"`
		Mode          string `json:"mode"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.SchemaVersion != 1 || doc.Mode != "plan" {
		t.Errorf("plan JSON: %v %+v", err, doc)
	}
	fixGolden(t, "plan.json", out, k.Dir)

	if m, _ := auditMutations(t, k.Dir, 0); len(m) > 0 {
		t.Errorf("the plan executed %+v", m)
	}
	for h, s := range before {
		if s != k.Lab.Snapshot(h) {
			t.Errorf("the plan changed %s", h)
		}
	}

	approvals := filepath.Join(k.Dir, "approvals.yaml")
	if err := os.WriteFile(approvals, []byte("approvals:\n  - {host: aix02, action: FIX-OLDROOTVG, approved_by: jdoe, reason: CHG42 rollback window closed}\n  - {host: aix09, action: FIX-OLDROOTVG, approved_by: jdoe, reason: typo}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, seen := auditMutations(t, k.Dir, 0)
	out, errOut, code = runFixCLI(t, "-i", inv, "--apply", "--approvals", approvals)
	if code != ExitHostsFailed {
		t.Errorf("apply: exit %d, want 3 (the efix waits for a reboot)", code)
	}
	fixGolden(t, "apply.txt", out, k.Dir)
	if want := "nimfleet: warning: " + approvals + ":3: the approval of FIX-OLDROOTVG for aix09 matched nothing in this run\n"; errOut != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
	m, seen := auditMutations(t, k.Dir, seen)
	var lines []string
	for _, r := range m {
		if r.ExitCode == nil || *r.ExitCode != 0 {
			t.Errorf("audit: %+v", r)
		}
		lines = append(lines, r.Host+": "+r.Line)
	}
	if got, want := strings.Join(lines, "\n"), "aix02: /usr/bin/mv /bos_inst /bos_inst.nimfleet.20240304-101500"; !strings.Contains(got, want) {
		t.Errorf("audit log lacks %q:\n%s", want, got)
	}
	if len(lines) != 6 { // varyonvg; multibos -R, mv; mv, alt_rootvg_op, chpv
		t.Errorf("audit: %d state-changing commands, want 6:\n%s", len(lines), strings.Join(lines, "\n"))
	}

	out, _, code = runFixCLI(t, "-i", inv, "--apply", "--approvals", approvals)
	if code != ExitHostsFailed {
		t.Errorf("second apply: exit %d, want 3 (the efix is still refused)", code)
	}
	if m, _ := auditMutations(t, k.Dir, seen); len(m) > 0 {
		t.Errorf("second apply executed %+v", m)
	}
	if !strings.Contains(out, "FIX-EFIX") || strings.Contains(out, "[fixed]") {
		t.Errorf("second apply:\n%s", out)
	}
}

// TestFixSeedEndToEnd is the field report: 'nimfleet fix --apply' moves
// the leftover /bos_inst aside, and the seed's nimadm command, which
// failed in phase 11, then runs through phase 12.
func TestFixSeedEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("serves the lab over SSH")
	}
	cfg, err := sim.LoadScenario("seed")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeScale = 1e9
	k := labkit.Serve(t, cfg, labkit.Options{})
	inv := k.Inv.File

	out, errOut, code := runFixCLI(t, "-i", inv, "--apply")
	if code != ExitOK {
		t.Fatalf("fix --apply: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"lpar1 (client of nim1)\n  FIX-BOSINST  move the leftover /bos_inst directory aside  [fixed]\n",
		"lpar1: /usr/bin/mv /bos_inst /bos_inst.nimfleet.20240304-101500  (exit 0)\n",
		"now:       /bos_inst does not exist\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("fix --apply output lacks %q:\n%s", want, out)
		}
	}
	run := func(host, line string) transport.Result {
		t.Helper()
		r, err := k.Runner.Run(context.Background(), transport.Command{Host: host, Line: line, Mutates: true, Timeout: time.Minute})
		if err != nil {
			t.Fatalf("%s: %s: %v", host, line, err)
		}
		return r
	}
	if r := run("lpar1", "/usr/bin/ls -ld /bos_inst.nimfleet.20240304-101500"); r.ExitCode != 0 {
		t.Errorf("the moved directory is missing: %s", r.Stderr)
	}

	// Nothing left to do.
	_, seen := auditMutations(t, k.Dir, 0)
	out, _, code = runFixCLI(t, "-i", inv, "--apply")
	if code != ExitOK || out != "2 hosts: nothing to fix.\n" {
		t.Errorf("second fix --apply: exit %d:\n%s", code, out)
	}
	if m, _ := auditMutations(t, k.Dir, seen); len(m) > 0 {
		t.Errorf("second fix --apply executed %+v", m)
	}

	// The seed's migration now passes phase 11.
	r := run("nim1", "/usr/sbin/nimadm -j nimadmvg -c lpar1 -s spotaix710101 -l lpp_sourceaix710101 -d hdisk1 -Y")
	if r.ExitCode != 0 || !strings.Contains(string(r.Stdout), "Executing nimadm phase 12.") {
		t.Fatalf("nimadm: exit %d\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if strings.Contains(string(r.Stdout), "0505-218") {
		t.Errorf("nimadm still hit init_multibos:\n%s", r.Stdout)
	}
	lspv := string(run("lpar1", "/usr/sbin/lspv").Stdout)
	found := false
	for _, l := range strings.Split(lspv, "\n") {
		if f := strings.Fields(l); len(f) >= 3 && f[0] == "hdisk1" && f[2] == "altinst_rootvg" {
			found = true
		}
	}
	if !found {
		t.Errorf("lpar1 shows no altinst_rootvg on hdisk1:\n%s", lspv)
	}

	// The fresh clone waits for its reboot: fix must not touch it.
	_, seen = auditMutations(t, k.Dir, 0)
	out, _, code = runFixCLI(t, "-i", inv, "--apply")
	if code != ExitHostsFailed || !strings.Contains(out, "FIX-ALTINST  remove the stale altinst_rootvg  [refused]") ||
		!strings.Contains(out, "hdisk1 of altinst_rootvg is in the bootlist") {
		t.Errorf("fix after the migration: exit %d:\n%s", code, out)
	}
	if m, _ := auditMutations(t, k.Dir, seen); len(m) > 0 {
		t.Errorf("fix after the migration executed %+v", m)
	}
}

func TestFixUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "approvals.yaml")
	if err := os.WriteFile(bad, []byte("approvals:\n  - {host: lpar1, action: FIX-BOSINST, approved_by: a, reason: b}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown action", []string{"--only", "FIX-BOSINST,FIX-NOPE"}, "nimfleet: error: --only: unknown action FIX-NOPE (known: FIX-VARYON,"},
		{"bad approvals", []string{"--approvals", bad}, bad + ":2: action: FIX-BOSINST runs without approval"},
		{"missing approvals", []string{"--approvals", filepath.Join(dir, "none.yaml")}, "approvals: open"},
		{"missing inventory", []string{"-i", filepath.Join(dir, "inventory.yaml")}, "hint: name an inventory with -i FILE"},
		{"bad flag", []string{"--aply"}, "unknown flag: --aply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runFixCLI(t, tc.args...)
			if code != ExitUsage || out != "" || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errOut, tc.stderr)
			}
		})
	}
}
