package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/discover"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/names"
	"github.com/nimfleet/nimfleet/internal/transport"
)

func newInventoryCommand(g *GlobalOptions) *cobra.Command {
	c := &cobra.Command{
		Use:   "inventory",
		Short: "Validate or discover the fleet inventory",
	}
	c.AddCommand(newInventoryCheckCommand(g), newInventoryDiscoverCommand(g))
	return c
}

func newInventoryCheckCommand(g *GlobalOptions) *cobra.Command {
	var file string
	c := &cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate an inventory without touching any host",
		Long: `Validate an inventory file: YAML syntax, unknown keys, names that AIX and NIM
would refuse (or that could reach a shell), duplicates, missing settings.
Every problem is reported at once, as file:line: message.

EXIT STATUS
  0 valid, 2 invalid (the problems are printed)`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				file = args[0]
			}
			return runInventoryCheck(g, file)
		},
	}
	c.Flags().StringVarP(&file, "inventory", "i", "inventory.yaml", "inventory file")
	return c
}

func runInventoryCheck(g *GlobalOptions, file string) error {
	inv, err := inventory.Load(file)
	if err != nil {
		return withExit(ExitUsage, err)
	}
	nc := len(inv.Clients())
	fmt.Fprintf(g.stdout, "%s: valid: %d masters, %d clients, %d waves\n", file, len(inv.Masters()), nc, len(inv.Waves))
	return nil
}

type discoverOptions struct {
	master     string
	address    string
	port       int
	user       string
	identity   []string
	knownHosts string
	acceptNew  bool
	spot, lpp  string
	cacheVG    string
	output     string
	auditLog   string
}

func newInventoryDiscoverCommand(g *GlobalOptions) *cobra.Command {
	o := &discoverOptions{}
	c := &cobra.Command{
		Use:   "discover --master HOST",
		Short: "Build a starting inventory from a NIM master",
		Long: `Connect to a NIM master over SSH and build an inventory from what it knows:
its standalone clients, SPOT and lpp_source resources (the highest level
ready for use unless --spot/--lpp-source choose), a cache volume group for
nimadm -j, and per client a suggested target disk: free, bootable, and at
least rootvg used + 512 MB. Clients are probed through the master's c_rsh,
read-only. Review the result before using it.

EXIT STATUS
  0 written, 1 error, 2 usage`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDiscover(cmd.Context(), o, g) },
	}
	f := c.Flags()
	f.StringVar(&o.master, "master", "", "the NIM master (inventory name; also the address unless --address)")
	f.StringVar(&o.address, "address", "", "address to connect to (default: --master)")
	f.IntVar(&o.port, "port", 22, "SSH port")
	f.StringVar(&o.user, "user", "root", "SSH user")
	f.StringSliceVar(&o.identity, "identity", nil, "private key files")
	f.StringVar(&o.knownHosts, "known-hosts", "", "known_hosts file (default: ~/.ssh/known_hosts)")
	f.BoolVar(&o.acceptNew, "accept-new", false, "record the master's key if it is not in known_hosts yet")
	f.StringVar(&o.spot, "spot", "", "SPOT to use (default: the highest level ready for use)")
	f.StringVar(&o.lpp, "lpp-source", "", "lpp_source to use (default: the highest level ready for use)")
	f.StringVar(&o.cacheVG, "cache-vg", "", "cache VG for nimadm -j (default: the varied-on non-rootvg VG with the most free space)")
	f.StringVarP(&o.output, "output", "o", "-", "write the inventory here (- for stdout)")
	f.StringVar(&o.auditLog, "audit-log", "nimfleet-audit.jsonl", "append every remote command to this file")
	return c
}

func runDiscover(ctx context.Context, o *discoverOptions, g *GlobalOptions) error {
	if o.master == "" {
		return usageError("--master is required")
	}
	if err := names.Host(o.master); err != nil {
		return withExit(ExitUsage, err)
	}
	addr := o.address
	if addr == "" {
		addr = o.master
	}
	m := inventory.Host{Name: o.master, Via: inventory.ViaSSH, SSH: inventory.SSH{Address: addr, Port: o.port, User: o.user, IdentityFiles: o.identity, KnownHosts: o.knownHosts}}
	log, err := transport.OpenAuditLog(o.auditLog)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	defer log.Close()
	res, err := discover.Run(ctx, discover.Options{
		Master: m, Spot: o.spot, LPPSource: o.lpp, CacheVG: o.cacheVG,
		Open: func(inv *inventory.Inventory) (transport.Runner, func() error, error) {
			fl, err := connect.Open(inv, connect.Options{AcceptNew: o.acceptNew, AuditLog: log})
			if err != nil {
				return nil, nil, err
			}
			return fl.Runner, fl.Close, nil
		},
	})
	if err != nil {
		return err
	}
	data, err := inventory.Marshal(res.Inventory)
	if err != nil {
		return fmt.Errorf("discovered inventory: %w", err)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(g.stderr, "note: %s\n", n)
	}
	if o.output == "-" {
		_, err = g.stdout.Write(data)
		return err
	}
	if err := os.WriteFile(o.output, data, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "wrote %s: %d clients\n", o.output, len(res.Inventory.Clients()))
	return nil
}
