package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

type demoOptions struct {
	lab   labOptions
	keep  bool
	steps string
}

func newDemoCommand(g *GlobalOptions) *cobra.Command {
	o := &demoOptions{}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Run the main job against the embedded lab: check, fix, migrate, verify, report",
		Long: `Start the embedded lab — simulated NIM masters and AIX LPARs served over SSH on
127.0.0.1, with a realistic mix of the faults that make nimadm fail — and run
the whole job against it, printing each step:

  1. check    read-only preflight of every client (evidence in check.html)
  2. fix      the safe fixes, applied (a leftover /bos_inst is moved aside ...)
  3. migrate  nimadm across the fleet, per-master slots, live tracking,
              failed runs diagnosed, fixed and retried once, clones verified
  4. report   the fleet report (report.html) from the journal and audit log

Time is scaled (--time-scale 3600: an hour of nimadm takes a second), so 200
LPARs migrate in about a minute. The lab's own files, the journal, the audit
log and both reports stay in --dir (default: a new temporary directory, kept).

EXIT STATUS
  0 the demo ran, 1 error`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDemo(cmd.Context(), o, g) },
	}
	f := c.Flags()
	f.StringVar(&o.lab.scenario, "scenario", "", "a shipped scenario or file instead of a generated fleet (seed: the field report's single LPAR)")
	f.IntVar(&o.lab.clients, "clients", 200, "clients of the generated fleet")
	f.IntVar(&o.lab.masters, "masters", 2, "masters of the generated fleet")
	f.Int64Var(&o.lab.seed, "seed", 7, "seed of the generated fleet")
	f.Float64Var(&o.lab.timeScale, "time-scale", 3600, "simulated seconds per real second")
	f.StringVar(&o.lab.dir, "dir", "", "directory for the lab's files, the journal and the reports (default: a new temporary directory)")
	return c
}

func demoStep(w io.Writer, n int, format string, args ...any) {
	fmt.Fprintf(w, "\n== %d. %s\n", n, fmt.Sprintf(format, args...))
}

func runDemo(ctx context.Context, o *demoOptions, g *GlobalOptions) error {
	w := g.stdout
	start := time.Now()
	if o.lab.scenario != "" {
		o.lab.clients = 0
	}
	if o.lab.dir == "" {
		d, err := os.MkdirTemp("", "nimfleet-demo-")
		if err != nil {
			return err
		}
		o.lab.dir = d
	}
	o.lab.via = "ssh"
	lab, err := startLab(o.lab)
	if err != nil {
		return err
	}
	defer lab.Close()
	scale := lab.Lab.Config().TimeScale
	inv := lab.Inventory
	dir := lab.Dir
	nClients := len(lab.Inv.Clients())
	demoStep(w, 0, "lab up: %d NIM masters, %d LPARs, served over SSH on 127.0.0.1 (time x%g)", len(lab.Inv.Masters()), nClients, scale)
	printTruth(w, lab.Truth)
	fmt.Fprintf(w, "files in %s\n", dir)

	// The CLI itself, in-process, as an admin would type it; progress
	// (stderr) goes to the same stream as the results.
	sub := func(args ...string) (string, int) {
		var out bytes.Buffer
		sg := &GlobalOptions{stdin: strings.NewReader(""), stdout: &out, stderr: &out}
		err := Run(ctx, args, sg.stdin, sg.stdout, sg.stderr)
		return out.String(), ExitCode(err, &out)
	}
	// A locked rootvg hangs LVM commands forever: give up on a host's facts
	// after a few seconds here (the default is minutes).
	const timeout = "5s"

	demoStep(w, 1, "check: read-only preflight of every client")
	fmt.Fprintf(w, "$ nimfleet check -i inventory.yaml --html check.html\n")
	out, code := sub("check", "-i", inv, "--timeout", timeout, "--html", filepath.Join(dir, "check.html"))
	if code != ExitOK && code != ExitHostsFailed {
		return fmt.Errorf("demo: check failed (exit %d):\n%s", code, out)
	}
	printUntil(w, out, "FINDINGS", 14)

	demoStep(w, 2, "fix: the safe fixes, applied (every command re-checked first and audited)")
	fmt.Fprintf(w, "$ nimfleet fix -i inventory.yaml --apply\n")
	out, code = sub("fix", "-i", inv, "--timeout", timeout, "--apply")
	if code != ExitOK && code != ExitHostsFailed {
		return fmt.Errorf("demo: fix failed (exit %d):\n%s", code, out)
	}
	printFixSummary(w, out)

	demoStep(w, 3, "migrate: nimadm across the fleet (%d slots per master)", lab.Inv.Masters()[0].Slots)
	fmt.Fprintf(w, "$ nimfleet migrate run -i inventory.yaml --brief --lab-time-scale %g\n", scale)
	// The controller's clock runs as fast as the lab's, but its own work
	// (SSH round trips, parsing) does not: give a silent nimadm at least
	// five real seconds before calling it stalled.
	deadline := max(4*time.Hour, time.Duration(5*scale)*time.Second)
	out, code = sub("migrate", "run", "-i", inv, "--timeout", timeout, "--brief",
		"--lab-time-scale", strconv.FormatFloat(scale, 'g', -1, 64), "--max-failures", "25%",
		"--progress-deadline", deadline.String())
	if code != ExitOK && code != ExitHostsFailed {
		return fmt.Errorf("demo: migrate failed (exit %d):\n%s", code, out)
	}
	printMigrate(w, out)

	demoStep(w, 4, "report: the fleet report from the journal and the audit log")
	fmt.Fprintf(w, "$ nimfleet report -i inventory.yaml --html report.html\n")
	out, code = sub("report", "-i", inv, "--html", filepath.Join(dir, "report.html"))
	if code != ExitOK {
		return fmt.Errorf("demo: report failed (exit %d):\n%s", code, out)
	}
	fmt.Fprint(w, indent(out))

	fmt.Fprintf(w, "\ndone in %v. Open %s (and check.html beside it); the journal, audit log and nimadm logs are there too.\n",
		time.Since(start).Round(time.Second), filepath.Join(dir, "report.html"))
	return nil
}

// printTruth lists what the lab injected: what a real fleet would hide.
func printTruth(w io.Writer, truthFile string) {
	data, err := os.ReadFile(truthFile)
	if err != nil {
		return
	}
	var t struct {
		Hosts []struct {
			Faults []struct {
				Name string `json:"fault"`
			} `json:"faults"`
		} `json:"hosts"`
	}
	if json.Unmarshal(data, &t) != nil {
		return
	}
	count := map[string]int{}
	hosts := 0
	for _, h := range t.Hosts {
		if len(h.Faults) > 0 {
			hosts++
		}
		for _, f := range h.Faults {
			count[f.Name]++
		}
	}
	if hosts == 0 {
		fmt.Fprintln(w, "no fault injected")
		return
	}
	names := make([]string, 0, len(count))
	for n := range count {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if count[names[i]] != count[names[j]] {
			return count[names[i]] > count[names[j]]
		}
		return names[i] < names[j]
	})
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s x%d", n, count[n]))
	}
	fmt.Fprintln(w, wrap(fmt.Sprintf("the lab injected faults on %d hosts (nimfleet is not told): %s", hosts, strings.Join(parts, ", ")), 78, "  "))
}

// printUntil prints out up to the line starting with stop, keeping at
// most max lines of any table (the rest is in the HTML report).
func printUntil(w io.Writer, out, stop string, max int) {
	rows := 0
	cut := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, stop) {
			break
		}
		if strings.HasPrefix(l, "  ") && l != "" {
			rows++
			if rows > max {
				cut++
				continue
			}
		} else {
			if cut > 0 {
				fmt.Fprintf(w, "  ... %d more rows (see the HTML report)\n", cut)
			}
			rows, cut = 0, 0
		}
		fmt.Fprintln(w, l)
	}
}

// printFixSummary prints what fix did, action by action, and its summary.
func printFixSummary(w io.Writer, out string) {
	fixed := map[string]int{}
	var order []string
	var tail []string
	shown := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "  FIX-") && strings.HasSuffix(l, "[fixed]"):
			id := strings.Fields(l)[0]
			if fixed[id] == 0 {
				order = append(order, id)
			}
			fixed[id]++
		case strings.Contains(l, " hosts: ") || strings.HasPrefix(l, "Needs attention"):
			tail = append(tail, l)
		case !shown && strings.HasPrefix(l, "    ran:") && strings.Contains(l, "mv /bos_inst"):
			fmt.Fprintf(w, "  e.g. %s\n", strings.TrimSpace(strings.TrimPrefix(l, "    ran:")))
			shown = true
		}
	}
	for _, id := range order {
		fmt.Fprintf(w, "  %-14s fixed on %d %s\n", id, fixed[id], plural(fixed[id], "host", "hosts"))
	}
	for _, l := range tail {
		fmt.Fprintln(w, wrap(l, 78, "  "))
	}
}

// printMigrate prints the run's progress lines and the first line of its
// summary with the hosts that did not end verified.
func printMigrate(w io.Writer, out string) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	inTable := false
	notOK := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "Run "):
			fmt.Fprintln(w, l)
		case strings.HasPrefix(l, "HOST "):
			inTable = true
		case inTable && strings.Contains(l, " verified "):
		case inTable && l != "" && !strings.HasPrefix(l, "Journal"):
			if notOK < 12 {
				fmt.Fprintln(w, "  "+shorten(l, 150))
			}
			notOK++
		case strings.HasPrefix(l, "Journal"):
			if notOK > 12 {
				fmt.Fprintf(w, "  ... %d more not migrated (see the report)\n", notOK-12)
			}
			fmt.Fprintln(w, l)
		default:
			fmt.Fprintln(w, shorten(l, 170))
		}
	}
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// wrap breaks s at spaces into lines of at most width, continuation lines
// prefixed with pre.
func wrap(s string, width int, pre string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if n+1+len(word) > width {
				b.WriteString("\n" + pre)
				n = len(pre)
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
