package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/diag"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/transport"
)

type demoOptions struct {
	timeScale float64
	dir       string
}

func newDemoCommand(g *GlobalOptions) *cobra.Command {
	o := &demoOptions{}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Run the main job against the embedded lab (no AIX needed)",
		Long: `Start the embedded lab (simulated NIM master and LPARs served over SSH on
loopback) and run nimfleet against it, printing each step.

It reproduces the case that started nimfleet: nimadm from NIM master nim1
(AIX 7100-01-01) fails at phase 11 on lpar1 (AIX 5300-12-04) because of a
/bos_inst directory left behind by multibos; nimfleet sees the leftover in
its facts, diagnoses the failure, moves the directory aside and the rerun
succeeds.

EXIT STATUS
  0 the demo ran as expected, 1 error`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDemo(cmd.Context(), o, g) },
	}
	c.Flags().Float64Var(&o.timeScale, "time-scale", 3600, "simulated seconds per real second (3600: an hour of nimadm takes a second)")
	c.Flags().StringVar(&o.dir, "dir", "", "keep the lab's inventory, key and audit log in this directory")
	return c
}

// demoStep prints a step heading.
func demoStep(w io.Writer, n int, format string, args ...any) {
	fmt.Fprintf(w, "\n== %d. %s\n", n, fmt.Sprintf(format, args...))
}

func runDemo(ctx context.Context, o *demoOptions, g *GlobalOptions) error {
	w := g.stdout
	start := time.Now()
	lab, err := startLab(labOptions{scenario: "seed", timeScale: o.timeScale, via: "ssh", dir: o.dir})
	if err != nil {
		return err
	}
	defer lab.Close()
	demoStep(w, 1, "lab up: NIM master nim1 (7100-01-01-1141) and client lpar1 (5300-12-04-1119), served over SSH on 127.0.0.1")
	fmt.Fprintf(w, "inventory %s\n", lab.Inventory)

	log := transport.NewAuditLog(io.Discard)
	fl, err := connect.Open(lab.Inv, connect.Options{AuditLog: log})
	if err != nil {
		return err
	}
	defer fl.Close()
	r := fl.Runner

	demoStep(w, 2, "facts: one read-only SSH round trip per host")
	res := (&facts.Gatherer{Runner: r}).Fleet(ctx, lab.Inv.Hosts, 0)
	if len(res.Errors) > 0 {
		for h, e := range res.Errors {
			return fmt.Errorf("facts of %s: %w", h, e)
		}
	}
	printClientFacts(w, res.Clients["lpar1"])

	seed := "/usr/sbin/nimadm -j nimadmvg -c lpar1 -s spotaix710101 -l lpp_sourceaix710101 -d hdisk1 -Y"
	demoStep(w, 3, "nimadm on nim1, as the field team ran it: %s", strings.TrimPrefix(seed, "/usr/sbin/"))
	out, rc, err := demoRun(ctx, r, "nim1", seed, true)
	if err != nil {
		return err
	}
	printFrom(w, out, "Executing nimadm phase 11.")
	fmt.Fprintf(w, "nimadm exit status %d\n", rc)
	if rc == 0 {
		return fmt.Errorf("demo: nimadm should have failed at phase 11")
	}

	demoStep(w, 4, "diagnose the failed run")
	eng, err := diag.New(diag.Builtin()...)
	if err != nil {
		return err
	}
	rep, err := eng.Diagnose(ctx, diag.ReaderInput("nim1:nimadm-output", bytes.NewReader(out)))
	if err != nil {
		return err
	}
	if err := rep.WriteText(w); err != nil {
		return err
	}

	demoStep(w, 5, "fix: move the leftover /bos_inst aside (reversible), after checking nothing uses it")
	lvs, _, err := demoRun(ctx, r, "lpar1", "/usr/sbin/lsvg -l rootvg", false)
	if err != nil {
		return err
	}
	if bytes.Contains(lvs, []byte("/bos_inst")) || bytes.Contains(lvs, []byte("bos_hd5")) {
		return fmt.Errorf("demo: lpar1 has a multibos standby; not touching /bos_inst")
	}
	aside := "/bos_inst.nimfleet." + time.Now().UTC().Format("20060102-150405")
	if _, rc, err := demoRun(ctx, r, "lpar1", "/usr/bin/mv /bos_inst "+aside, true); err != nil || rc != 0 {
		return fmt.Errorf("demo: mv /bos_inst: exit %d: %v", rc, err)
	}
	fmt.Fprintf(w, "lpar1: /bos_inst moved to %s\n", aside)

	demoStep(w, 6, "rerun nimadm")
	out, rc, err = demoRun(ctx, r, "nim1", seed, true)
	if err != nil {
		return err
	}
	printFrom(w, out, "Executing nimadm phase 12.")
	fmt.Fprintf(w, "nimadm exit status %d\n", rc)
	if rc != 0 {
		return fmt.Errorf("demo: the rerun failed with exit status %d", rc)
	}
	for _, cmd := range []string{"/usr/sbin/lspv", "/usr/bin/bootlist -m normal -o"} {
		o, _, err := demoRun(ctx, r, "lpar1", cmd, false)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "lpar1# %s\n%s", strings.TrimPrefix(strings.TrimPrefix(cmd, "/usr/sbin/"), "/usr/bin/"), o)
	}
	fmt.Fprintf(w, "\ndone in %v: lpar1 has a migrated altinst_rootvg on hdisk1 and boots from it next.\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func demoRun(ctx context.Context, r transport.Runner, host, line string, mutates bool) ([]byte, int, error) {
	res, err := r.Run(ctx, transport.Command{Host: host, Line: line, Mutates: mutates, Timeout: 10 * time.Minute})
	if err != nil {
		return nil, 0, err
	}
	return append(res.Stdout, res.Stderr...), res.ExitCode, nil
}

// printFrom prints out from the line before marker on (the banner rule),
// or the whole output when the marker is missing.
func printFrom(w io.Writer, out []byte, marker string) {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	at := 0
	for i, l := range lines {
		if l == marker {
			at = max(0, i-1)
			break
		}
	}
	if at > 0 {
		fmt.Fprintf(w, "[... %d lines of phases before ...]\n", at)
	}
	for _, l := range lines[at:] {
		fmt.Fprintln(w, l)
	}
}
