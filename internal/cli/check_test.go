package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
)

func init() {
	// Another test file of this package may define -update too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func checkUpdateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

var checkNow = time.Date(2011, 11, 22, 14, 0, 0, 0, time.UTC)

// checkRoot is the root command with 'check' registered (until root.go
// registers it itself).
func checkRoot(g *GlobalOptions) *cobra.Command {
	root := newRootCommand(g)
	for _, c := range root.Commands() {
		if c.Name() == "check" {
			return root
		}
	}
	root.AddCommand(newCheckCommand(g))
	return root
}

// runCheckCLI runs 'nimfleet ARGS' in-process and returns stdout, stderr
// and the exit code.
func runCheckCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &GlobalOptions{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	root := checkRoot(g)
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.ExecuteContext(context.Background())
	code := ExitCode(err, &errb)
	return out.String(), errb.String(), code
}

// seedKit is the seed lab in memory with its inventory written to a file.
func seedKit(t *testing.T) (*labkit.Kit, string) {
	t.Helper()
	cfg, err := sim.LoadScenario("seed")
	if err != nil {
		t.Fatal(err)
	}
	k := labkit.New(t, cfg, labkit.Options{})
	data, err := inventory.Marshal(k.Inv)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(k.Dir, "inventory.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return k, path
}

// runCheckInMemory calls runCheck on the seed lab through the in-memory
// runner, with a fixed clock.
func runCheckInMemory(t *testing.T, k *labkit.Kit, inv string, mod func(o *checkOptions), args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &GlobalOptions{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	o := &checkOptions{testOnlyRunner: k.Runner, testOnlyNow: func() time.Time { return checkNow }}
	o.fleet.inventory = inv
	o.fleet.concurrency = 8
	o.fleet.timeout, o.crsh = 10*time.Second, 10*time.Second
	if mod != nil {
		mod(o)
	}
	err := runCheck(context.Background(), o, g, args)
	code := ExitCode(err, &errb)
	return out.String(), errb.String(), code
}

// checkLsDate masks the dates ls, mount and ps print (lab time runs on).
var checkLsDate = regexp.MustCompile(`(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-9]\d \d\d:\d\d`)

func checkNormalize(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "$DIR")
	return checkLsDate.ReplaceAllString(s, "Mmm dd hh:mm")
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "check", name)
	if checkUpdateGolden() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run TestCheck -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output (go test ./internal/cli -run TestCheck -update rewrites it); got:\n%s", path, got)
	}
}

// TestCheckSeed is the seed case: lpar1's leftover /bos_inst is a blocker
// protecting phase 11, with its evidence; exit status 3.
func TestCheckSeed(t *testing.T) {
	k, inv := seedKit(t)
	t.Run("text", func(t *testing.T) {
		out, errs, code := runCheckInMemory(t, k, inv, nil)
		if code != ExitHostsFailed {
			t.Errorf("exit %d, want 3; stderr:\n%s", code, errs)
		}
		for _, want := range []string{"lpar1  nim1    blocked  PRE-0301", "PRE-0301 [blocker] no leftover /bos_inst directory on the client",
			"protects nimadm phase 11", "lpar1$ /usr/bin/ls -ld /bos_inst", "/bos_inst", "fix (FIX-BOSINST):", "rmdir /bos_inst"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q", want)
			}
		}
		checkGolden(t, "seed.txt", checkNormalize(out, k.Dir))
	})
	t.Run("json", func(t *testing.T) {
		out, _, code := runCheckInMemory(t, k, inv, func(o *checkOptions) { o.json = true })
		if code != ExitHostsFailed {
			t.Errorf("exit %d, want 3", code)
		}
		var doc struct {
			SchemaVersion int `json:"schema_version"`
			Hosts         []struct {
				Host     string   `json:"host"`
				Status   string   `json:"status"`
				Blockers []string `json:"blockers"`
				Results  []struct {
					ID       string `json:"id"`
					Status   string `json:"status"`
					Severity string `json:"severity"`
					Evidence []struct {
						Command string   `json:"command"`
						Lines   []string `json:"lines"`
					} `json:"evidence"`
				} `json:"results"`
			} `json:"hosts"`
			Checks []struct {
				ID    string `json:"id"`
				Phase string `json:"phase"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.SchemaVersion != 1 || len(doc.Hosts) != 1 || doc.Hosts[0].Status != "blocked" || strings.Join(doc.Hosts[0].Blockers, ",") != "PRE-0301" {
			t.Errorf("doc: %+v", doc)
		}
		checkGolden(t, "seed.json", checkNormalize(out, k.Dir))
	})
	t.Run("html", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "report.html")
		_, errs, code := runCheckInMemory(t, k, inv, func(o *checkOptions) { o.html = file })
		if code != ExitHostsFailed {
			t.Errorf("exit %d, want 3", code)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		html := string(b)
		for _, want := range []string{"<!DOCTYPE html>", "<style>", "PRE-0301", "lpar1", "drwxr-xr-x", "rmdir /bos_inst", "</html>"} {
			if !strings.Contains(html, want) {
				t.Errorf("HTML lacks %q", want)
			}
		}
		for _, bad := range []string{"<script", "src=", "href=\"http", "<link", "@import", "url("} {
			if strings.Contains(html, bad) {
				t.Errorf("HTML is not self-contained: %q", bad)
			}
		}
		if !strings.Contains(errs, "wrote "+file) {
			t.Errorf("stderr: %s", errs)
		}
	})
	t.Run("waived", func(t *testing.T) {
		wf := filepath.Join(t.TempDir(), "waivers.yaml")
		os.WriteFile(wf, []byte("waivers:\n  - hosts: lpar*\n    check: PRE-0301\n    reason: moved aside by hand in CHG7\n"), 0o600)
		out, errs, code := runCheckInMemory(t, k, inv, func(o *checkOptions) { o.waivers = wf })
		if code != ExitOK {
			t.Errorf("exit %d, want 0; stderr:\n%s", code, errs)
		}
		if !strings.Contains(out, "waived on 1 host: lpar1") || !strings.Contains(out, "applied to 1 result") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("bad waivers", func(t *testing.T) {
		wf := filepath.Join(t.TempDir(), "waivers.yaml")
		os.WriteFile(wf, []byte("waivers:\n  - hosts: lpar*\n    check: PRE-0301\n"), 0o600)
		_, errs, code := runCheckInMemory(t, k, inv, func(o *checkOptions) { o.waivers = wf })
		if code != ExitUsage || !strings.Contains(errs, "waivers.yaml:2: waiver: missing reason") {
			t.Errorf("exit %d, stderr:\n%s", code, errs)
		}
	})
	t.Run("unknown host", func(t *testing.T) {
		_, errs, code := runCheckInMemory(t, k, inv, nil, "lpar9")
		if code != ExitUsage || !strings.Contains(errs, "lpar9") {
			t.Errorf("exit %d, stderr:\n%s", code, errs)
		}
	})
}

// TestCheckOverSSH runs the whole CLI against the seed lab served over
// real SSH.
func TestCheckOverSSH(t *testing.T) {
	cfg, err := sim.LoadScenario("seed")
	if err != nil {
		t.Fatal(err)
	}
	k := labkit.Serve(t, cfg, labkit.Options{})
	out, errs, code := runCheckCLI(t, "check", "-i", k.Inv.File, "--timeout", "30s")
	if code != ExitHostsFailed {
		t.Fatalf("exit %d, want 3; stderr:\n%s\nstdout:\n%s", code, errs, out)
	}
	for _, want := range []string{"lpar1  nim1    blocked  PRE-0301", "PRE-0301 [blocker]", "lpar1$ /usr/bin/ls -ld /bos_inst", "40 other checks passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	audit, err := os.ReadFile(filepath.Join(filepath.Dir(k.Inv.File), "nimfleet-audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(audit), "c_rsh lpar1") {
		t.Errorf("the c_rsh probe is not in the audit log")
	}
}

func TestCheckExplain(t *testing.T) {
	out, _, code := runCheckCLI(t, "check", "explain", "PRE-0301")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"PRE-0301: no leftover /bos_inst directory on the client", "severity:    blocker", "protects:    nimadm phase 11",
		"errors.md:   E01", "fix:         FIX-BOSINST", "WHY", "0505-218", "DETECT", "REMEDIATION", "COMMANDS", "rmdir /bos_inst"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runCheckCLI(t, "check", "explain")
	if code != 0 || strings.Count(out, "\n") < 40 || !strings.Contains(out, "PRE-0411") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	_, errs, code := runCheckCLI(t, "check", "explain", "PRE-0999")
	if code != ExitUsage || !strings.Contains(errs, `unknown check "PRE-0999"`) {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestCheckNoInventory(t *testing.T) {
	_, errs, code := runCheckCLI(t, "check", "-i", filepath.Join(t.TempDir(), "none.yaml"))
	if code != ExitUsage || !strings.Contains(errs, "hint:") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
