package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/migrate"
)

// rollbackSchemaVersion versions 'nimfleet rollback --json'.
const rollbackSchemaVersion = 1

type rollbackOptions struct {
	fleet   fleetFlags
	journal string
	apply   bool
	json    bool
}

func (o *rollbackOptions) AddFlags(fs *pflag.FlagSet) {
	def := os.Getenv("NIMFLEET_INVENTORY")
	if def == "" {
		def = "inventory.yaml"
	}
	fs.StringVarP(&o.fleet.inventory, "inventory", "i", def, "inventory file ($NIMFLEET_INVENTORY)")
	fs.BoolVar(&o.fleet.acceptNew, "accept-new", false, "record the SSH keys of hosts not yet in known_hosts (mismatched keys are always refused)")
	fs.StringVar(&o.fleet.auditLog, "audit-log", "", "append every remote command to this JSON-lines file (default: nimfleet-audit.jsonl beside the inventory)")
	fs.StringVar(&o.journal, "journal", "", "journal `FILE` (default: "+defaultJournalName+" beside the inventory)")
	fs.BoolVar(&o.apply, "apply", false, "roll back (default: show what would be done and change nothing)")
	fs.BoolVar(&o.json, "json", false, "print JSON (schema_version 1)")
	o.fleet.concurrency = 4
}

func newRollbackCommand(g *GlobalOptions) *cobra.Command {
	o := &rollbackOptions{}
	c := &cobra.Command{
		Use:   "rollback HOST",
		Short: "Return a migrated client to its old rootvg (a plan unless --apply)",
		Long: `Return a client that nimfleet migrated to the rootvg it ran before. Which way
back depends on where the client stands, read fresh from the client (lspv,
bootinfo -b, bootlist, oslevel -s) and its master (no nimadm for it running):

  before the reboot (the clone is altinst_rootvg, the client runs its old
  rootvg): remove the clone and point the bootlist at the running disk
      alt_rootvg_op -X altinst_rootvg; chpv -C DISK; bootlist -m normal OLD
  after the reboot (the client runs the new disk, old_rootvg is the old one):
  point the bootlist at old_rootvg's disk and reboot, then check the client
  came back from it at its old level
      bootlist -m normal OLD; shutdown -Fr

Anything else is refused: a nimadm still running, both or neither of
altinst_rootvg and old_rootvg, a booted disk outside rootvg, or a journal
state other than succeeded, verifying, rebooting, verified or failed.

Without --apply nothing changes: the commands go through the dry-run layer and
are listed. With --apply they run (every one in the audit log), the result is
checked on fresh facts, and the journal records the rollback (its own run; the
host becomes rolled_back). --apply takes the journal's lock.

EXIT STATUS
  0 rolled back (--apply), or the plan was printed
  1 error
  2 usage: unknown host, no journal, bad flags
  3 refused (the client is not in a state to roll back), or a command or the
    check afterwards failed
  11 the journal is locked: a controller drives the fleet (--apply)`,
		Example: `  nimfleet rollback lpar7 -i fleet.yaml           # what would be done
  nimfleet rollback lpar7 -i fleet.yaml --apply`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("rollback takes one HOST, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runRollback(cmd.Context(), o, g, args[0]) },
	}
	o.AddFlags(c.Flags())
	return c
}

func runRollback(ctx context.Context, o *rollbackOptions, g *GlobalOptions, name string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	inv, err := o.fleet.load()
	if err != nil {
		return err
	}
	h := inv.Host(name)
	if h == nil || h.Role != inventory.RoleClient {
		return usageError("%s is not a client of %s", name, inv.File)
	}
	jpath := journalPath(o.journal, o.fleet.inventory)
	var j journal.Journal
	if o.apply {
		if _, err := os.Stat(jpath); err != nil {
			return withExit(ExitUsage, fmt.Errorf("journal %s: %w", jpath, err), "name the journal with --journal FILE")
		}
		jf, err := openJournalWriter(jpath)
		if err != nil {
			return err
		}
		defer jf.Close()
		j = jf
	} else {
		jf, err := journal.Open(jpath, journal.Options{ReadOnly: true})
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return withExit(ExitUsage, err, "name the journal with --journal FILE")
			}
			return err
		}
		defer jf.Close()
		j = jf
	}
	fl, closeFleet, err := openMigrateFleet(&o.fleet, inv, !o.apply, nil)
	if err != nil {
		return err
	}
	defer closeFleet()
	ro := migrate.RollbackOptions{Inventory: inv, Host: h, Runner: fl.Runner, DryRun: !o.apply, Journal: j,
		Clock: migrateClock(), PollInterval: testOnlyMigratePoll, Version: versionString()}
	rep, err := migrate.Rollback(ctx, ro)
	if rep == nil {
		return err
	}
	if o.json {
		doc := struct {
			SchemaVersion int `json:"schema_version"`
			*migrate.RollbackReport
		}{rollbackSchemaVersion, rep}
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else if err := writeRollbackText(g.stdout, rep); err != nil {
		return err
	}
	if err != nil && !errors.Is(err, migrate.ErrRefused) {
		return err
	}
	if rep.Refused != "" || rep.Failed != "" {
		return silentExit(ExitHostsFailed)
	}
	return nil
}

func writeRollbackText(w io.Writer, rep *migrate.RollbackReport) error {
	ew := &fixWriter{w: w}
	if rep.DryRun {
		ew.printf("Plan only (dry run): nothing was changed. Run with --apply to roll back.\n\n")
	}
	state := string(rep.State)
	if state == "" {
		state = "not recorded"
	}
	head := fmt.Sprintf("%s (journal: %s)", rep.Host, state)
	row := func(label string, lines ...string) {
		for i, l := range lines {
			if i > 0 {
				label = ""
			}
			ew.printf("  %-10s %s\n", label, l)
		}
	}
	switch rep.Mode {
	case migrate.RollbackClone:
		head += ": before the reboot: remove the clone, bootlist back to the running rootvg"
	case migrate.RollbackBoot:
		head += ": after the reboot: boot old_rootvg again"
	}
	ew.printf("%s\n", head)
	if len(rep.Found) > 0 {
		row("found:", strings.Join(rep.Found, "; "))
	}
	if rep.Refused != "" {
		row("refused:", rep.Refused)
		return ew.err
	}
	var cmds []string
	for _, c := range rep.Commands {
		s := c.Host + ": " + c.Line
		switch {
		case c.ExitCode != nil:
			s += fmt.Sprintf("  (exit %d)", *c.ExitCode)
		case c.Error != "":
			s += "  (" + c.Error + ")"
		}
		cmds = append(cmds, s)
	}
	if rep.DryRun {
		row("would run:", cmds...)
		switch rep.Mode {
		case migrate.RollbackClone:
			row("then:", "check: no altinst_rootvg left, the bootlist on the running rootvg")
		case migrate.RollbackBoot:
			row("then:", "wait for the client to come back, check it booted old_rootvg's disk at its old level")
		}
		return ew.err
	}
	row("ran:", cmds...)
	if rep.Failed != "" {
		row("FAILED:", rep.Failed)
	} else {
		row("now:", rep.Verified)
	}
	if rep.Run != "" {
		ew.printf("The journal records it as run %s.\n", rep.Run)
	}
	return ew.err
}
