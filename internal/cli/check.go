package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/preflight"
	"github.com/nimfleet/nimfleet/internal/report"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// checkOptions are the flags of 'nimfleet check'.
type checkOptions struct {
	fleet   fleetFlags
	json    bool
	html    string
	waivers string
	crsh    time.Duration

	// Test seams: a runner instead of the inventory's transports, and the
	// clock of the report.
	testOnlyRunner transport.Runner
	testOnlyNow    func() time.Time
}

func (o *checkOptions) AddFlags(fs *pflag.FlagSet) {
	o.fleet.AddFlags(fs)
	fs.BoolVar(&o.json, "json", false, "print the report as JSON (schema_version 1) instead of text")
	fs.StringVar(&o.html, "html", "", "also write the report as one self-contained HTML `FILE` (for a change ticket)")
	fs.StringVar(&o.waivers, "waivers", "", "accept the findings listed in waiver `FILE` (YAML: hosts, check, reason, expires)")
	fs.DurationVar(&o.crsh, "crsh-timeout", 30*time.Second, "limit for the c_rsh probe each master runs for a client reached over SSH")
}

func newCheckCommand(g *GlobalOptions) *cobra.Command {
	o := &checkOptions{}
	c := &cobra.Command{
		Use:   "check [HOST...]",
		Short: "Find, read-only and in seconds, what would make nimadm fail on each client",
		Long: `Check every known blocker of a nimadm migration before it costs an hour: NIM
definition and remote shell, AIX levels and NIM resources, client state (a
leftover /bos_inst, a multibos standby, altinst_rootvg, locked or stale rootvg,
interim fixes, boot device, ...) and capacity (target disk, cache VG for the
master's concurrent runs, memory, processor). Run 'nimfleet check explain' for
the list and 'nimfleet check explain ID' for one check.

nimfleet gathers each host's facts in one read-only session (over SSH, or with
c_rsh through the client's master) and runs one extra read-only command per
client on its master: c_rsh <client> hostname, the test nimadm depends on.
Nothing is changed on any host. Every command goes to the audit log.

HOST arguments, --hosts, --group and --wave select clients; a master selects
all its clients. Without them every client of the inventory is checked.

The report is a readiness summary (blocked and unknown hosts, one line each),
the checks that found something, and the findings by check: the hosts, the
evidence (command and output lines) for the first hosts, and the fix, with the
FIX- action 'nimfleet fix' applies where that is safe. A check whose facts
could not be gathered is "unknown", never a pass. --json prints every result
of every host (schema_version 1); --html FILE writes the same as one
self-contained page.

A waiver file accepts known findings (a reason is required; an expired or
unused waiver is reported):

  waivers:
    - {hosts: "lpar0*", check: PRE-0305, reason: "rollback kept until CHG42", expires: 2027-01-31}

EXIT STATUS
  0  no client is blocked: every blocker check passed, did not apply or is waived
  1  error
  2  usage: bad flags or arguments, unknown host, bad inventory or waiver file
  3  some client is blocked, or a blocker check could not be evaluated on it`,
		Example: `  nimfleet check                        # every client of inventory.yaml
  nimfleet check lpar1 lpar2 -i prod.yaml
  nimfleet check --group wave1 --html wave1-readiness.html
  nimfleet check --json | jq '.hosts[] | select(.status=="blocked") | .host'
  nimfleet check explain PRE-0301`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd.Context(), o, g, args) },
	}
	o.AddFlags(c.Flags())
	c.AddCommand(newCheckExplainCommand(g))
	return c
}

func newCheckExplainCommand(g *GlobalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "explain [ID...]",
		Short: "Print the documentation of preflight checks (all of them listed without an ID)",
		Long: `Print everything a check says about itself: what must hold, its severity, the
nimadm phase it protects, why it matters, how it is detected, the remediation
with its exact commands, and the FIX- action when nimfleet can fix it. Without
an ID, list every check.

EXIT STATUS
  0 printed, 2 unknown check ID`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runCheckExplain(g, args) },
	}
}

func runCheckExplain(g *GlobalOptions, args []string) error {
	if len(args) == 0 {
		for _, m := range preflight.Metas() {
			fix := m.Fix
			if fix == "" {
				fix = "-"
			}
			fmt.Fprintf(g.stdout, "%s  %-7s  %-13s  %s\n", m.ID, m.Severity, fix, m.Title)
		}
		return nil
	}
	var metas []*check.Meta
	for _, id := range args {
		c, ok := preflight.Lookup(strings.ToUpper(id))
		if !ok {
			return usageError("unknown check %q (run 'nimfleet check explain' for the list)", id)
		}
		metas = append(metas, c.Doc())
	}
	for i, m := range metas {
		if i > 0 {
			fmt.Fprintln(g.stdout)
		}
		if err := check.Explain(g.stdout, m); err != nil {
			return err
		}
	}
	return nil
}

func runCheck(ctx context.Context, o *checkOptions, g *GlobalOptions, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	inv, err := o.fleet.load()
	if err != nil {
		return err
	}
	var hosts []*inventory.Host
	if len(args) > 0 || o.fleet.hosts != "" || o.fleet.groups != "" || o.fleet.waves != "" {
		if hosts, err = o.fleet.selectHosts(inv, args); err != nil {
			return err
		}
		if len(hosts) == 0 {
			return usageError("the selection matches no host")
		}
	}
	var ws *check.Waivers
	if o.waivers != "" {
		if ws, err = check.LoadWaivers(o.waivers, preflight.Canonical); err != nil {
			return withExit(ExitUsage, fmt.Errorf("waivers:\n%w", err))
		}
	}
	runner := o.testOnlyRunner
	if runner == nil {
		fl, _, closeFleet, err := o.fleet.open(inv, false)
		if err != nil {
			return err
		}
		defer closeFleet()
		runner = fl.Runner
	}
	fmt.Fprintf(g.stderr, "nimfleet: checking %s (read-only)...\n", describeCheckSelection(inv, hosts))
	rep, err := preflight.Run(ctx, preflight.Options{Runner: runner, Inventory: inv, Hosts: hosts, Waivers: ws,
		Concurrency: o.fleet.concurrency, GatherTimeout: o.fleet.timeout, CRshTimeout: o.crsh, Now: o.testOnlyNow})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var f report.Formatter = report.Text{}
	if o.json {
		f = report.JSON{}
	}
	if err := f.Format(g.stdout, rep); err != nil {
		return err
	}
	if o.html != "" {
		if err := writeFileAtomic(o.html, func(w io.Writer) error { return report.HTML{}.Format(w, rep) }); err != nil {
			return fmt.Errorf("--html: %w", err)
		}
		fmt.Fprintf(g.stderr, "nimfleet: wrote %s\n", o.html)
	}
	if rep.NotReady() {
		return silentExit(ExitHostsFailed)
	}
	return nil
}

func describeCheckSelection(inv *inventory.Inventory, hosts []*inventory.Host) string {
	if hosts == nil {
		return fmt.Sprintf("every client of %s", inv.File)
	}
	set := map[*inventory.Host]bool{}
	for _, h := range hosts {
		if h.Role == inventory.RoleMaster {
			for _, c := range h.Clients {
				set[c] = true
			}
		} else {
			set[h] = true
		}
	}
	n := len(set)
	if n == 1 {
		return "1 client"
	}
	return fmt.Sprintf("%d clients", n)
}

// writeFileAtomic writes a file through a temporary file in the same
// directory, so a reader never sees half a report.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
