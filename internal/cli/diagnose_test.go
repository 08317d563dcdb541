package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

const seedConsole = `+-----------------------------------------------------------------------------+
Executing nimadm phase 11.
+-----------------------------------------------------------------------------+
Cloning altinst_rootvg on client, Phase 3.
Client alt_disk_install command: alt_disk_copy -j -M 7.1 -P3 -d "hdisk1"
## Phase 3 ###################
Verifying altinst_rootvg...
alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.
Cleaning up.
forced unmount of /alt_inst
forced unmount of /alt_inst
0505-187 nimadm: Error cloning altinst_rootvg on client.
Cleaning up alt_disk_migration on the NIM master.
Cleaning up alt_disk_migration on client lpar1.
Client alt_disk_install command: alt_disk_install -M 7.1 -X
Bootlist is set to the boot disk: hdisk0 blv=hd5
`

const cleanMultibos = `Initializing multibos methods ...
Initializing log /etc/multibos/logs/op.alog ...
Log file is /etc/multibos/logs/op.alog
Return Status = SUCCESS
`

const clientLog = `Tue Nov 22 14:48:12 EETDT 2011
cmd: /ALT_MIG_SPOT/sbin/alt_disk_copy -j -M 7.1 -P3 -d hdisk1
alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.
Wed Nov 23 09:12:40 EETDT 2011
cmd: /ALT_MIG_SPOT/sbin/alt_disk_copy -j -M 7.1 -P3 -d hdisk1
Bootlist is set to the boot disk: hdisk1 blv=hd5
`

const userRules = `rules:
  - id: DIAG-9001
    title: the site's frobnicator failed
    errors: [E01]
    check: none
    confidence: high
    cause: frob {what} failed
    fix: {text: restart it}
    match:
      trigger: {regex: 'frob (?P<what>\w+) failed'}
`

func TestDiagnose(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	seed := write("case1/lpar1_alt_mig.log", seedConsole)
	write("case1/client/alt_disk_inst.log", strings.Join(strings.SplitAfter(clientLog, "\n")[:3], ""))
	clean := write("multibos.out", cleanMultibos)
	client := write("alt_disk_inst.log", clientLog)
	frob := write("frob.log", "frob widget failed\n")
	binary := write("core", "\x7fELF\x02\x01\x01"+strings.Repeat("\x00\x01\x02\x03\x04", 400))
	empty := write("empty.log", "")
	goodRules := write("rules/site.yaml", userRules)
	badRules := write("rules/bad.yaml", "rules:\n  - id: DIAG-9002\n    title: x\n    errors: [E01]\n    check: none\n    confidence: high\n    cause: c\n    fix: {text: f}\n    match:\n      trigger: {regex: 'a(b'}\n      whithin: 3\n")
	dupRules := write("rules/dup.yaml", strings.Replace(userRules, "DIAG-9001", "DIAG-0001", 1))

	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantOut    []string
		wantErr    []string
		notOut     []string
		checkJSON  bool
		jsonStatus string
	}{
		{name: "seed", args: []string{seed}, wantCode: 3,
			wantOut: []string{"FAILURE: leftover /bos_inst", "1. DIAG-0001 [high confidence]", "would have been caught by PRE-0301",
				"last nimadm phase reached: 11", "last command: alt_disk_install -M 7.1 -X", "0505-218 x1", "$ rmdir /bos_inst", "2. DIAG-0002 [medium confidence]"}},
		{name: "directory combines evidence", args: []string{filepath.Join(dir, "case1")}, wantCode: 3,
			wantOut: []string{"case1/client/alt_disk_inst.log:3", "case1/lpar1_alt_mig.log:8"}},
		{name: "clean", args: []string{clean}, wantCode: 0, wantOut: []string{"OK: no failure found"}},
		{name: "stdin", args: []string{"-"}, stdin: seedConsole, wantCode: 3, wantOut: []string{"-, run 1 of 1", "DIAG-0001"}},
		{name: "json", args: []string{"--json", seed}, wantCode: 3, checkJSON: true, jsonStatus: "failure"},
		{name: "json clean", args: []string{"--json", clean}, wantCode: 0, checkJSON: true, jsonStatus: "clean"},
		{name: "last run of alt_disk_inst.log", args: []string{client}, wantCode: 0, wantOut: []string{"run 2 of 2", "no failure found"}},
		{name: "run 1", args: []string{"--run", "1", client}, wantCode: 3, wantOut: []string{"run 1 of 2", "DIAG-0001"}},
		{name: "all runs", args: []string{"--all-runs", client}, wantCode: 3, wantOut: []string{"run 1 of 2", "run 2 of 2"}},
		{name: "run out of range", args: []string{"--run", "5", client}, wantCode: 1, wantErr: []string{"run 5 asked for, but the input has 2", "nothing to diagnose"}},
		{name: "user rules", args: []string{"--rules", goodRules, frob}, wantCode: 3, wantOut: []string{"DIAG-9001", "frob widget failed"}},
		{name: "without user rules: unknown", args: []string{frob}, wantCode: 3, wantOut: []string{"UNKNOWN", "frob.log:1: frob widget failed"}},
		{name: "bad rule file", args: []string{"--rules", badRules, seed}, wantCode: 2,
			wantErr: []string{"bad.yaml:11: DIAG-9002: match: unknown key \"whithin\"", "bad.yaml:10: DIAG-9002: trigger: bad regular expression"}},
		{name: "duplicate rule ID", args: []string{"--rules", dupRules, seed}, wantCode: 2, wantErr: []string{"dup.yaml:2: DIAG-0001: duplicate rule ID"}},
		{name: "missing rule file", args: []string{"--rules", filepath.Join(dir, "nope.yaml"), seed}, wantCode: 2, wantErr: []string{"nope.yaml"}},
		{name: "no input", args: nil, wantCode: 2, wantErr: []string{"no input"}},
		{name: "missing input", args: []string{filepath.Join(dir, "missing.log")}, wantCode: 2, wantErr: []string{"missing.log"}},
		{name: "stdin twice", args: []string{"-", "-"}, wantCode: 2, wantErr: []string{"given twice"}},
		{name: "run and all-runs", args: []string{"--run", "1", "--all-runs", seed}, wantCode: 2, wantErr: []string{"exclude each other"}},
		{name: "negative run", args: []string{"--run", "-1", seed}, wantCode: 2},
		{name: "bad flag", args: []string{"--frob", seed}, wantCode: 2},
		{name: "host without an inventory", args: []string{"--host", "lpar1", "-i", filepath.Join(dir, "none.yaml")}, wantCode: 2,
			wantErr: []string{"none.yaml", "hint: name an inventory"}},
		{name: "binary only", args: []string{binary}, wantCode: 1, wantErr: []string{"warning: " + binary + ": skipped: binary data", "nothing to diagnose"}},
		{name: "empty only", args: []string{empty}, wantCode: 1, wantErr: []string{"nothing to diagnose", "empty"}},
		{name: "binary beside a log", args: []string{binary, seed}, wantCode: 3, wantOut: []string{"skipped: binary data", "DIAG-0001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			g := &GlobalOptions{stdin: strings.NewReader(tt.stdin), stdout: &stdout, stderr: &stderr}
			cmd := newDiagnoseCommand(g)
			cmd.SetArgs(tt.args)
			cmd.SetOut(&stdout)
			cmd.SetErr(&stderr)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return withExit(ExitUsage, err) })
			err := cmd.ExecuteContext(context.Background())
			code := ExitCode(err, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if tt.wantCode == 2 || tt.wantCode == 1 {
				if strings.Contains(stdout.String(), "FAILURE") {
					t.Errorf("report printed despite an error:\n%s", stdout.String())
				}
			}
			if tt.checkJSON {
				var rep struct {
					SchemaVersion int    `json:"schema_version"`
					Status        string `json:"status"`
					Diagnoses     []struct {
						Rule     string `json:"rule"`
						Check    string `json:"check"`
						Evidence []struct {
							Input string `json:"input"`
							Line  int    `json:"line"`
						} `json:"evidence"`
					} `json:"diagnoses"`
				}
				if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, stdout.String())
				}
				if rep.SchemaVersion != 1 || rep.Status != tt.jsonStatus {
					t.Errorf("got schema %d status %q", rep.SchemaVersion, rep.Status)
				}
				if tt.jsonStatus == "failure" && (rep.Diagnoses[0].Rule != "DIAG-0001" || rep.Diagnoses[0].Check != "PRE-0301" || rep.Diagnoses[0].Evidence[0].Line != 8) {
					t.Errorf("got %+v", rep.Diagnoses[0])
				}
			}
		})
	}
}

// TestRunDiagnoseDirect calls runDiagnose without cobra, as other commands'
// tests do.
func TestRunDiagnoseDirect(t *testing.T) {
	var stdout, stderr bytes.Buffer
	g := &GlobalOptions{stdin: strings.NewReader(seedConsole), stdout: &stdout, stderr: &stderr}
	err := runDiagnose(context.Background(), &diagnoseOptions{Paths: []string{"-"}}, g)
	if code := ExitCode(err, &stderr); code != ExitHostsFailed {
		t.Fatalf("exit code: got %d, want %d", code, ExitHostsFailed)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %q", stderr.String())
	}
	if !strings.Contains(stdout.String(), "DIAG-0001") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}
