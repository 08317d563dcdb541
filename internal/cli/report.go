package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/fleetreport"
	"github.com/nimfleet/nimfleet/internal/journal"
)

// defaultJournalName is the file name of a fleet migration's journal,
// beside the inventory, when --journal is not given. 'nimfleet migrate'
// writes it there by the same default.
const defaultJournalName = "nimfleet-journal.jsonl"

// testOnlyReportNow, when set, is the report's clock.
var testOnlyReportNow func() time.Time

type reportOptions struct {
	// fleet holds the inventory and the audit log (its other flags are
	// not registered: report reaches no host).
	fleet   fleetFlags
	journal string
	html    string
	json    bool
	// inventorySet and auditSet say that -i and --audit-log were given:
	// a file named on the command line must exist.
	inventorySet, auditSet bool
}

func (o *reportOptions) AddFlags(fs *pflag.FlagSet) {
	def := os.Getenv("NIMFLEET_INVENTORY")
	if def == "" {
		def = "inventory.yaml"
	}
	fs.StringVarP(&o.fleet.inventory, "inventory", "i", def, "inventory file: locates the journal and the audit log, names masters and hosts ($NIMFLEET_INVENTORY)")
	fs.StringVar(&o.journal, "journal", "", "journal `FILE` (default: "+defaultJournalName+" beside the inventory)")
	fs.StringVar(&o.html, "html", "", "write the HTML report to `FILE`")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON (schema_version 1) instead of the text summary")
	fs.StringVar(&o.fleet.auditLog, "audit-log", "", "audit log `FILE` for the audit trail (default: nimfleet-audit.jsonl beside the inventory, if it exists)")
}

func newReportCommand(g *GlobalOptions) *cobra.Command {
	o := &reportOptions{}
	c := &cobra.Command{
		Use:   "report",
		Short: "Report a fleet migration from its journal: text, JSON, or one HTML file",
		Long: `Report what a fleet migration did, from its journal: the runs, how many hosts
were planned, succeeded, were verified, failed, excluded (and why), stopped or
are still running, per master; each host's nimadm attempts phase by phase;
the failures grouped by signature with their diagnosis (root cause, fix,
evidence, the preflight check that would have caught it) and the hosts hit;
the fixes applied; and, with the audit log, every remote command (for large
fleets the state-changing ones, the read-only ones counted).

The journal is opened read-only and without its lock, so the report works
while 'nimfleet migrate' is running: it shows the journal as of the moment
it was read, open runs and running attempts measured up to now.

stdout gets a text summary, or with --json the whole report as JSON
(schema_version 1, keys documented in internal/fleetreport). --html FILE
writes a self-contained page (inline CSS and SVG, no external resources,
readable without JavaScript) to attach to a change ticket. The numbers of the
three come from one model.

EXIT STATUS
  0 the report was written (whatever the hosts' states)
  1 error: the journal cannot be read (corrupt, too new), the HTML not written
  2 usage: bad flags, a missing journal, audit log or inventory named on the
    command line`,
		Example: `  nimfleet report -i fleet.yaml
  nimfleet report --journal /var/nimfleet/nimfleet-journal.jsonl --html fleet.html
  nimfleet report -i fleet.yaml --json > fleet.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("report takes no arguments, got %q (name the journal with --journal FILE)", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.Context(), o.withSet(cmd.Flags()), g)
		},
	}
	o.AddFlags(c.Flags())
	return c
}

func (o *reportOptions) withSet(fs *pflag.FlagSet) *reportOptions {
	o.inventorySet, o.auditSet = fs.Changed("inventory"), fs.Changed("audit-log")
	return o
}

func runReport(ctx context.Context, o *reportOptions, g *GlobalOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	opts := fleetreport.Options{Now: time.Now()}
	if testOnlyReportNow != nil {
		opts.Now = testOnlyReportNow()
	}

	// The inventory is optional unless named: it only adds masters and the
	// clients the journal never names.
	inv, err := o.fleet.load()
	switch {
	case err == nil:
		opts.Inventory, opts.InventoryPath = inv, o.fleet.inventory
	case o.inventorySet:
		return err
	case !errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(g.stderr, "nimfleet: warning: inventory %s not used: %v\n", o.fleet.inventory, err)
	}

	path := o.journal
	if path == "" {
		path = filepath.Join(filepath.Dir(o.fleet.inventory), defaultJournalName)
	}
	j, err := journal.Open(path, journal.Options{ReadOnly: true})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return withExit(ExitUsage, err, "name the journal with --journal FILE, or the inventory beside it with -i FILE ('nimfleet migrate' writes "+defaultJournalName+" beside the inventory)")
		}
		return err
	}
	defer j.Close()
	opts.JournalPath = path

	auditPath := o.fleet.auditPath()
	f, err := os.Open(auditPath)
	switch {
	case err == nil:
		defer f.Close()
		opts.Audit, opts.AuditPath = fleetreport.ReadAuditLog(f), auditPath
	case o.auditSet && errors.Is(err, fs.ErrNotExist):
		return withExit(ExitUsage, fmt.Errorf("audit log: %w", err))
	case o.auditSet || !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("audit log: %w", err)
	}

	rep, err := fleetreport.Build(j, opts)
	if err != nil {
		return err
	}
	if o.html != "" {
		if err := writeFileAtomic(o.html, func(w io.Writer) error { return fleetreport.HTML{}.Format(w, rep) }); err != nil {
			return fmt.Errorf("html report: %w", err)
		}
	}
	if o.json {
		return fleetreport.JSON{}.Format(g.stdout, rep)
	}
	return fleetreport.Text{}.Format(g.stdout, rep)
}
