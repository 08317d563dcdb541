package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/nimfleet/nimfleet/internal/fleetreport"
	"github.com/nimfleet/nimfleet/internal/journal"
)

func init() {
	// Another test file of this package may define -update too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

// reportNow is the report's clock in these tests: two hours after the
// sample run ended.
var reportNow = fleetreport.SampleStart.Add(6 * time.Hour)

// reportFleet writes the sample migration (fleetreport.Sample: 12 hosts,
// a DIAG-0001 failure fixed and retried, a DIAG-0003 failure, an excluded
// and a stopped host) as the journal and the audit log beside a copy of
// testdata/report/inventory.yaml, the way 'nimfleet migrate' leaves them.
// It returns the directory and the journal, still open for writing, as a
// running migration holds it.
func reportFleet(t *testing.T) (string, *journal.File) {
	t.Helper()
	dir := t.TempDir()
	inv, err := os.ReadFile("testdata/report/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "inventory.yaml"), inv, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := fleetreport.Sample()
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(dir, defaultJournalName), journal.Options{Create: true, Now: func() time.Time { return fleetreport.SampleStart }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	if err := s.AppendTo(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "nimfleet-audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteAudit(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, j
}

// runReportCLI runs 'nimfleet report ARGS' in-process and returns stdout,
// stderr and the exit code.
func runReportCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	old := testOnlyReportNow
	testOnlyReportNow = func() time.Time { return reportNow }
	defer func() { testOnlyReportNow = old }()
	var stdout, stderr bytes.Buffer
	g := &GlobalOptions{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	root := &cobra.Command{Use: "nimfleet", SilenceErrors: true, SilenceUsage: true}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return withExit(ExitUsage, err) })
	root.AddCommand(newReportCommand(g))
	root.SetArgs(append([]string{"report"}, args...))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(context.Background())
	code := ExitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

// reportGolden compares got with testdata/report/name after replacing dir
// with $DIR; -update rewrites the file.
func reportGolden(t *testing.T, name, got, dir string) {
	t.Helper()
	got = strings.ReplaceAll(got, dir, "$DIR")
	path := filepath.Join("testdata", "report", name)
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -run %s -update to accept):\n%s", name, t.Name(), lineDiff(string(want), got))
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

func TestReportGolden(t *testing.T) {
	dir, _ := reportFleet(t)
	inv := filepath.Join(dir, "inventory.yaml")
	for _, c := range []struct {
		name   string
		args   []string
		golden string
	}{
		{"text", []string{"-i", inv}, "sample.txt"},
		{"json", []string{"-i", inv, "--json"}, "sample.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runReportCLI(t, c.args...)
			if code != ExitOK || stderr != "" {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			reportGolden(t, c.golden, stdout, dir)
		})
	}
}

// TestReportJSONMatchesJournal reads the JSON back and checks its key
// numbers against the journal, counted directly.
func TestReportJSONMatchesJournal(t *testing.T) {
	dir, j := reportFleet(t)
	stdout, stderr, code := runReportCLI(t, "-i", filepath.Join(dir, "inventory.yaml"), "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		SchemaVersion int `json:"schema_version"`
		Summary       struct {
			Hosts, Succeeded, Verified, Failed, Excluded, Stopped, Attempts int
			NotInJournal                                                    []string `json:"not_in_journal"`
		} `json:"summary"`
		Hosts []struct {
			Name, Master string
		} `json:"hosts"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	hs, err := j.Hosts()
	if err != nil {
		t.Fatal(err)
	}
	count := map[journal.State]int{}
	attempts := 0
	for _, h := range hs {
		count[h.State]++
		attempts += len(h.Attempts)
	}
	s := rep.Summary
	if rep.SchemaVersion != 1 || s.Hosts != len(hs) || s.Verified != count[journal.StateVerified] ||
		s.Succeeded != count[journal.StateVerified]+count[journal.StateSucceeded] || s.Failed != count[journal.StateFailed] ||
		s.Excluded != count[journal.StateExcluded] || s.Stopped != count[journal.StateStopped] || s.Attempts != attempts {
		t.Errorf("summary %+v, journal states %v, %d attempts", s, count, attempts)
	}
	if len(s.NotInJournal) != 1 || s.NotInJournal[0] != "lpar13" {
		t.Errorf("not in journal: %v, want [lpar13]", s.NotInJournal)
	}
	// The inventory gives the excluded host, which never ran, its master.
	for _, h := range rep.Hosts {
		if h.Name == "lpar12" && h.Master != "nim1" {
			t.Errorf("lpar12: master %q, want nim1 from the inventory", h.Master)
		}
	}
}

func TestReportHTML(t *testing.T) {
	dir, _ := reportFleet(t)
	out := filepath.Join(dir, "out", "fleet.html")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runReportCLI(t, "-i", filepath.Join(dir, "inventory.yaml"), "--html", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "fleet report: journal ") {
		t.Errorf("stdout is not the text summary:\n%s", stdout)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<!DOCTYPE html>`, `id="n-succeeded">9<`, `id="n-verified">8<`, `id="n-failed">1<`, `id="n-excluded">1<`, `id="n-stopped">1<`,
		`id="f-DIAG-0001"`, `id="f-DIAG-0003"`, `data-action="FIX-BOSINST"`, `id="a-outside">3<`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("page lacks %s", want)
		}
	}
	if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 1 {
		t.Errorf("output directory holds %d files, want only the page", len(ents))
	}
	// --json and --html together: JSON on stdout, the page written.
	stdout, _, code = runReportCLI(t, "-i", filepath.Join(dir, "inventory.yaml"), "--html", out, "--json")
	if code != ExitOK || !json.Valid([]byte(stdout)) {
		t.Errorf("--json --html: exit %d, stdout valid JSON %v", code, json.Valid([]byte(stdout)))
	}
}

// TestReportWhileMigrating: the journal is held by a writer (as 'nimfleet
// migrate' holds it); report reads it without the lock and sees what was
// appended up to the moment it runs.
func TestReportWhileMigrating(t *testing.T) {
	dir, j := reportFleet(t)
	// A second writer is refused: the lock is held.
	if _, err := journal.Open(j.Path(), journal.Options{}); !journal.IsLocked(err) {
		t.Fatalf("second writer: got %v, want a locked error", err)
	}
	inv := filepath.Join(dir, "inventory.yaml")
	stdout, stderr, code := runReportCLI(t, "-i", inv)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := regexp.MustCompile(`(\d+) events`).FindStringSubmatch(stdout)
	// The migration goes on: a new run starts and lpar6 is planned again.
	at := reportNow.Add(-time.Hour)
	for _, e := range []journal.Event{
		{Time: at, Kind: journal.KindRunStarted, Run: "r20260307", RunInfo: &journal.RunInfo{ID: "r20260307", Started: at}},
		{Time: at, Kind: journal.KindState, Run: "r20260307", Host: "lpar6", To: journal.StatePlanned, Reason: "freeze lifted"},
	} {
		if err := j.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code = runReportCLI(t, "-i", inv)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	after := regexp.MustCompile(`(\d+) events`).FindStringSubmatch(stdout)
	if before == nil || after == nil || before[1] == after[1] {
		t.Errorf("events before %v, after %v: want the second report to see the appends", before, after)
	}
	for _, want := range []string{"r20260307  2026-03-07 03:00:00Z -> (open)", "pending          1", "stopped          0"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report during the run lacks %q:\n%s", want, stdout)
		}
	}
}

func TestReportErrors(t *testing.T) {
	dir, _ := reportFleet(t)
	inv := filepath.Join(dir, "inventory.yaml")
	corrupt := filepath.Join(dir, "corrupt.jsonl")
	if err := os.WriteFile(corrupt, []byte("{\"nimfleet_journal\":1,\"created\":\"2026-03-01T10:00:00Z\"}\nnot json\n{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badAudit := filepath.Join(dir, "bad-audit.jsonl")
	if err := os.WriteFile(badAudit, []byte("{\"v\":1}\nnot json\n{\"v\":1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"missing journal", []string{"--journal", filepath.Join(dir, "none.jsonl")}, ExitUsage, "hint: name the journal with --journal FILE"},
		{"missing inventory", []string{"-i", filepath.Join(dir, "none.yaml")}, ExitUsage, "none.yaml"},
		{"missing audit log", []string{"-i", inv, "--audit-log", filepath.Join(dir, "none-audit.jsonl")}, ExitUsage, "none-audit.jsonl"},
		{"bad audit log", []string{"-i", inv, "--audit-log", badAudit}, ExitError, "lines 1-3: audit log: line 2"},
		{"corrupt journal", []string{"-i", inv, "--journal", corrupt}, ExitError, "line 2"},
		{"html into a missing directory", []string{"-i", inv, "--html", filepath.Join(dir, "no", "such", "dir", "x.html")}, ExitError, "html report"},
		{"argument", []string{"-i", inv, "extra"}, ExitUsage, "no arguments"},
		{"bad flag", []string{"--no-such-flag"}, ExitUsage, "unknown flag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runReportCLI(t, c.args...)
			if code != c.code || !strings.Contains(stderr, c.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, c.code, c.stderr)
			}
		})
	}
}

// TestReportDefaults: with --journal alone, a missing default inventory
// and audit log are not errors; the report has no audit section.
func TestReportDefaults(t *testing.T) {
	dir, _ := reportFleet(t)
	t.Setenv("NIMFLEET_INVENTORY", filepath.Join(t.TempDir(), "inventory.yaml"))
	stdout, stderr, code := runReportCLI(t, "--journal", filepath.Join(dir, defaultJournalName))
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if strings.Contains(stdout, "audit log") {
		t.Errorf("audit section without an audit log:\n%s", stdout)
	}
	// A default inventory that does not parse is a warning, not an error.
	bad := filepath.Join(t.TempDir(), "inventory.yaml")
	if err := os.WriteFile(bad, []byte("version: 9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NIMFLEET_INVENTORY", bad)
	_, stderr, code = runReportCLI(t, "--journal", filepath.Join(dir, defaultJournalName))
	if code != ExitOK || !strings.Contains(stderr, "warning: inventory") {
		t.Errorf("bad default inventory: exit %d, stderr %q", code, stderr)
	}
}
