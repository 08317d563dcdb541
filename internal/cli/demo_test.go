package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runDemoForTest(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	dir := t.TempDir()
	args = append([]string{"demo", "--dir", dir}, args...)
	err := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("demo: %v\nstderr:\n%s\nstdout:\n%s", err, errb.String(), out.String())
	}
	for _, f := range []string{"check.html", "report.html", "nimfleet-journal.jsonl", "nimfleet-audit.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("demo left no %s: %v", f, err)
		}
	}
	return out.String()
}

// TestDemoSeed runs the README's first command on the field report's lab:
// the leftover /bos_inst is caught by check, moved aside by fix, and lpar1
// migrates and verifies with no human step.
func TestDemoSeed(t *testing.T) {
	out := runDemoForTest(t, "--scenario", "seed", "--time-scale", "1e6")
	for _, want := range []string{
		"PRE-0301",
		"FIX-BOSINST    fixed on 1 host",
		"mv /bos_inst /bos_inst.nimfleet.",
		"completed: 1 client: 1 verified",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

// TestDemoFleet runs the demo's whole pipeline on a small generated fleet
// with faults: every step runs and the run completes.
func TestDemoFleet(t *testing.T) {
	out := runDemoForTest(t, "--clients", "16", "--seed", "2", "--time-scale", "2e5")
	for _, want := range []string{"== 1. check", "== 2. fix", "== 3. migrate", "== 4. report", "completed: 16 clients", "verified"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}
