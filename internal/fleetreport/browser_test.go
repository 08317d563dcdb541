package fleetreport

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// The browser test renders the HTML report in a real headless Chromium
// (Debian's chromium package) and reads the DOM it serialises: the page
// must load without a console error, the script must have run, and the
// numbers on the page must be the journal's. A second load of the page
// with its script removed must show the same numbers (Chromium's
// --dump-dom needs JavaScript itself, so the page cannot be loaded with
// JavaScript switched off; removing the one script is what a reader
// without JavaScript gets). Without Chromium the
// test is skipped, unless NIMFLEET_REQUIRE_BROWSER=1 (CI installs
// Chromium and sets it), which turns the skip into a failure.

// chromiumFlags are the flags every run needs: the machine has no
// network, and without the background-networking flags Chromium stalls
// on its first start.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("NIMFLEET_REQUIRE_BROWSER") == "1" {
		t.Fatal("NIMFLEET_REQUIRE_BROWSER=1 but no chromium found in PATH or at /usr/bin/chromium: install Debian's chromium package (apt-get install chromium)")
	}
	t.Skip("chromium not installed (set NIMFLEET_REQUIRE_BROWSER=1 to make this a failure)")
	return ""
}

// dumpDOM loads page in Chromium and returns the serialised DOM and the
// console messages it logged.
func dumpDOM(t *testing.T, bin, page string) (dom string, console []string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{}, chromiumFlags...)
	args = append(args, "--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0")
	args = append(args, "--dump-dom", "file://"+file)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, tail(stderr.String(), 2000))
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, line)
		}
	}
	return stdout.String(), console
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func TestBrowser(t *testing.T) {
	bin := chromium(t)
	type fleet struct {
		name  string
		j     journal.Journal
		audit []transport.AuditRecord
		now   time.Time
	}
	var fleets []fleet
	j, s := sampleJournal(t)
	fleets = append(fleets, fleet{"sample", j, s.Audit(), sampleNow})
	big, err := Fleet(FleetOptions{Hosts: 250, Masters: 2, Slots: 8, PollBy: 5 * time.Minute, Open: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	bj := journal.NewMem()
	if err := big.AppendTo(context.Background(), bj); err != nil {
		t.Fatal(err)
	}
	fleets = append(fleets, fleet{"open-250", bj, big.Audit(), big.last.Add(time.Minute)})

	for _, f := range fleets {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel() // each Chromium has its own profile directory
			r := build(t, f.j, Options{Now: f.now, Audit: AuditRecords(f.audit), AuditPath: "audit.jsonl", ListAllUpTo: 500})
			page := renderHTML(t, r)
			want := expect(t, f.j, f.audit)
			for _, script := range []bool{true, false} {
				if !script && f.name != "sample" {
					continue
				}
				p := page
				if !script {
					i, j := strings.Index(p, "<script>"), strings.Index(p, "</script>")
					p = p[:i] + p[j+len("</script>"):]
				}
				dom, console := dumpDOM(t, bin, p)
				if len(console) > 0 {
					t.Errorf("script %v: console messages:\n%s", script, strings.Join(console, "\n"))
				}
				if !strings.Contains(dom, `<h1>nimfleet fleet report</h1>`) || !strings.Contains(dom, `id="failures"`) || !strings.HasSuffix(strings.TrimSpace(dom), "</html>") {
					t.Fatalf("script %v: the DOM is not the whole report:\n%s", script, tail(dom, 500))
				}
				// The filter box exists only when the script ran.
				if got := strings.Contains(dom, `id="filter"`); got != script {
					t.Errorf("script %v: filter box present %v", script, got)
				}
				checkPage(t, dom, want)
				// The SVG bars were parsed as SVG: their rectangles carry
				// the geometry the report computed.
				if !strings.Contains(dom, `<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none"><rect class="p0"`) {
					t.Errorf("no SVG bar in the DOM")
				}
			}
		})
	}
}
