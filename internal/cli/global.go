package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// fleetFlags are the flags of every command that reaches hosts.
type fleetFlags struct {
	inventory   string
	acceptNew   bool
	auditLog    string
	concurrency int
	hosts       string
	groups      string
	waves       string
	timeout     time.Duration
}

func (f *fleetFlags) AddFlags(fs *pflag.FlagSet) {
	def := os.Getenv("NIMFLEET_INVENTORY")
	if def == "" {
		def = "inventory.yaml"
	}
	fs.StringVarP(&f.inventory, "inventory", "i", def, "inventory file ($NIMFLEET_INVENTORY)")
	fs.BoolVar(&f.acceptNew, "accept-new", false, "record the SSH keys of hosts not yet in known_hosts (mismatched keys are always refused)")
	fs.StringVar(&f.auditLog, "audit-log", "", "append every remote command to this JSON-lines file (default: nimfleet-audit.jsonl beside the inventory)")
	fs.IntVar(&f.concurrency, "concurrency", 64, "hosts worked on at the same time")
	fs.StringVar(&f.hosts, "hosts", "", "comma-separated host names or globs (default: all)")
	fs.StringVar(&f.groups, "group", "", "comma-separated groups")
	fs.StringVar(&f.waves, "wave", "", "comma-separated waves")
	fs.DurationVar(&f.timeout, "timeout", 3*time.Minute, "limit for gathering one host's facts (a locked rootvg hangs its LVM probes until then)")
}

func (f *fleetFlags) load() (*inventory.Inventory, error) {
	inv, err := inventory.Load(f.inventory)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, withExit(ExitUsage, err, "name an inventory with -i FILE, or build one with 'nimfleet inventory discover --master HOST'")
		}
		return nil, withExit(ExitUsage, err)
	}
	return inv, nil
}

// selectHosts returns the selected hosts plus names given as arguments.
func (f *fleetFlags) selectHosts(inv *inventory.Inventory, args []string) ([]*inventory.Host, error) {
	s := inventory.Selector{
		Names:  append(inventory.SplitList(f.hosts), args...),
		Groups: inventory.SplitList(f.groups),
		Waves:  inventory.SplitList(f.waves),
	}
	hs, err := inv.Select(s)
	if err != nil {
		return nil, withExit(ExitUsage, err)
	}
	return hs, nil
}

func (f *fleetFlags) auditPath() string {
	if f.auditLog != "" {
		return f.auditLog
	}
	return filepath.Join(filepath.Dir(f.inventory), "nimfleet-audit.jsonl")
}

// open connects to the inventory's hosts with the audit log on. dryRun
// stops state-changing commands and records them in the returned plan.
func (f *fleetFlags) open(inv *inventory.Inventory, dryRun bool) (*connect.Fleet, *transport.Plan, func() error, error) {
	log, err := transport.OpenAuditLog(f.auditPath())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("audit log: %w", err)
	}
	plan := &transport.Plan{}
	fl, err := connect.Open(inv, connect.Options{
		AcceptNew:   f.acceptNew,
		Concurrency: f.concurrency,
		AuditLog:    log,
		DryRun:      dryRun,
		Plan:        plan,
	})
	if err != nil {
		log.Close()
		return nil, nil, nil, err
	}
	closer := func() error { return errors.Join(fl.Close(), log.Close()) }
	return fl, plan, closer, nil
}
