package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/diag"
	"github.com/nimfleet/nimfleet/internal/logfetch"
)

// diagnoseOptions are the flags and arguments of `nimfleet diagnose`.
type diagnoseOptions struct {
	// Paths are files, directories (walked) and "-" for standard input.
	Paths []string
	// Rules are user rule files added to the built-in rules.
	Rules []string
	// JSON prints the report as JSON instead of text.
	JSON bool
	// Run selects the run of each input (0: the last); AllRuns all of them.
	Run     int
	AllRuns bool
	// Host fetches the logs of a NIM client and its master.
	Host string
	// fleet reaches the client and its master (inventory, known hosts).
	fleet fleetFlags
}

func (o *diagnoseOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.Rules, "rules", nil, "add the rules in `FILE` to the built-in ones (same YAML format; repeatable)")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON (schema_version 1)")
	fs.IntVar(&o.Run, "run", 0, "diagnose run `N` of each input (1 is the oldest; default: the last run)")
	fs.BoolVar(&o.AllRuns, "all-runs", false, "diagnose every run of every input")
	fs.StringVar(&o.Host, "host", "", "fetch the logs of NIM client `CLIENT` and its master (over SSH or c_rsh, read-only)")
	def := os.Getenv("NIMFLEET_INVENTORY")
	if def == "" {
		def = "inventory.yaml"
	}
	fs.StringVarP(&o.fleet.inventory, "inventory", "i", def, "inventory file, for --host ($NIMFLEET_INVENTORY)")
	fs.BoolVar(&o.fleet.acceptNew, "accept-new", false, "with --host: record SSH keys of hosts not yet in known_hosts")
	fs.StringVar(&o.fleet.auditLog, "audit-log", "", "with --host: audit log (default: nimfleet-audit.jsonl beside the inventory)")
}

func (o *diagnoseOptions) withArgs(args []string) *diagnoseOptions {
	o.Paths = args
	return o
}

func newDiagnoseCommand(g *GlobalOptions) *cobra.Command {
	opts := &diagnoseOptions{}
	cmd := &cobra.Command{
		Use:   "diagnose [FILE|DIR|-]...",
		Short: "Name the root cause of a failed nimadm, alt_disk, multibos or NIM operation",
		Long: `diagnose reads the logs of a failed migration and names the root cause, with
the evidence (file:line and the lines around it), the fix with exact commands,
and the preflight check that would have caught it. When no rule explains the
error lines it says "unknown" and lists them; it does not guess.

Inputs are recognised by their content, not their names: nimadm console output
or the master's /var/adm/ras/alt_mig/<client>_alt_mig.log, the client's
/var/adm/ras/alt_disk_inst.log, multibos output or /etc/multibos/logs/op.alog,
installp, bosboot and NIM (lsnim, nim) output. Give files, directories (every
file in them is read and the evidence is combined), or - for standard input.
Logs that hold many runs (alt_disk_inst.log, op.alog) are diagnosed on their
last run unless --run or --all-runs says otherwise.

Saving "lsvg -l rootvg" and "ls -ld /bos_inst" output from the client beside
the logs lets diagnose tell apart causes that print the same message.

--json prints a versioned report (schema_version 1; keys are documented in
the package documentation of internal/diag). Progress and warnings go to
stderr; stdout carries only the report.

EXIT STATUS
  0  no failure found
  1  error (an input could not be read, nothing to diagnose)
  2  usage: bad flags or arguments, missing input file, bad rule file
  3  a failure was diagnosed, or the logs show a failure no rule explains`,
		Example: `  nimfleet diagnose /var/adm/ras/alt_mig/lpar1_alt_mig.log
  nimfleet diagnose logs/lpar1/            # master and client logs together
  ssh lpar1 cat /var/adm/ras/alt_disk_inst.log | nimfleet diagnose -
  nimfleet diagnose --all-runs --json alt_disk_inst.log
  nimfleet diagnose --rules site-rules.yaml lpar1_alt_mig.log`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiagnose(cmd.Context(), opts.withArgs(args), g)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runDiagnose(ctx context.Context, opts *diagnoseOptions, g *GlobalOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Run < 0 {
		return usageError("--run %d: want 1 or more", opts.Run)
	}
	if opts.Run > 0 && opts.AllRuns {
		return usageError("--run and --all-runs exclude each other")
	}
	var hostInputs []diag.Input
	if opts.Host != "" {
		ins, err := hostLogs(ctx, opts, g)
		if err != nil {
			return err
		}
		hostInputs = ins
	}
	if len(opts.Paths) == 0 && len(hostInputs) == 0 {
		return usageError("no input: give log files, a directory, or - for standard input")
	}

	rules := diag.Builtin()
	for _, f := range opts.Rules {
		user, err := diag.LoadRules(f)
		if err != nil {
			return withExit(ExitUsage, fmt.Errorf("rule file %s:\n%w", f, err))
		}
		rules = append(rules, user...)
	}
	eng, err := diag.New(rules...)
	if err != nil {
		return withExit(ExitUsage, fmt.Errorf("rules:\n%w", err))
	}

	inputs := hostInputs
	stdin := false
	for _, p := range opts.Paths {
		var src diag.LogSource
		if p == "-" {
			if stdin {
				return usageError("- (standard input) given twice")
			}
			stdin = true
			src = &diag.ReaderSource{Name: "-", R: g.stdin}
		} else {
			src = diag.FileSource{Paths: []string{p}}
		}
		ins, err := diag.Inputs(ctx, src)
		if err != nil {
			return withExit(ExitUsage, fmt.Errorf("input %s: %w", p, err))
		}
		inputs = append(inputs, ins...)
	}
	if len(inputs) == 0 {
		return usageError("no input files in %s", strings.Join(opts.Paths, ", "))
	}

	rep, err := eng.DiagnoseWithOptions(ctx, diag.Options{Run: opts.Run, AllRuns: opts.AllRuns}, inputs...)
	if err != nil {
		return err
	}
	var nothing []string
	for _, in := range rep.Inputs {
		switch {
		case in.Skipped != "":
			fmt.Fprintf(g.stderr, "nimfleet: warning: %s: skipped: %s\n", in.Name, in.Skipped)
			nothing = append(nothing, in.Name+": "+in.Skipped)
		case in.Lines == 0:
			nothing = append(nothing, in.Name+": empty")
		case in.Note != "":
			fmt.Fprintf(g.stderr, "nimfleet: warning: %s: %s\n", in.Name, in.Note)
		}
	}
	if len(rep.Runs) == 0 {
		if len(nothing) == 0 {
			nothing = append(nothing, "no run selected")
		}
		return withExit(ExitError, errors.New("nothing to diagnose: "+strings.Join(nothing, "; ")))
	}
	if opts.JSON {
		err = rep.WriteJSON(g.stdout)
	} else {
		err = rep.WriteText(g.stdout)
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if rep.Status != diag.StatusClean {
		return silentExit(ExitHostsFailed)
	}
	return nil
}

// hostLogs fetches the logs of a client and its master as inputs.
func hostLogs(ctx context.Context, opts *diagnoseOptions, g *GlobalOptions) ([]diag.Input, error) {
	inv, err := opts.fleet.load()
	if err != nil {
		return nil, err
	}
	h := inv.Host(opts.Host)
	if h == nil || h.Master == nil {
		return nil, usageError("--host %s: not a client in the inventory %s", opts.Host, inv.File)
	}
	opts.fleet.concurrency = 4
	fl, _, closeFleet, err := opts.fleet.open(inv, false)
	if err != nil {
		return nil, err
	}
	defer closeFleet()
	src := &logfetch.Source{Runner: fl.Runner, Client: h}
	ins, err := diag.Inputs(ctx, src)
	for _, n := range src.Notes {
		fmt.Fprintf(g.stderr, "note: %s\n", n)
	}
	if err != nil {
		return nil, err
	}
	// The fetched logs are in memory; read them now, before the
	// connections close.
	return ins, nil
}
