package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/crypto/ssh"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/sim/simssh"
)

// labOptions choose the lab to build: a scenario (shipped name or file) or
// a generated fleet.
type labOptions struct {
	scenario  string
	clients   int
	masters   int
	seed      int64
	faultRate float64
	timeScale float64
	via       string
	dir       string
}

func (o *labOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.scenario, "scenario", "", "scenario: a shipped name ("+strings.Join(sim.Scenarios(), ", ")+") or a YAML file")
	fs.IntVar(&o.clients, "clients", 0, "generate a fleet of this many clients (instead of --scenario)")
	fs.IntVar(&o.masters, "masters", 1, "masters of a generated fleet")
	fs.Int64Var(&o.seed, "seed", 1, "seed of a generated fleet (same seed, same fleet)")
	fs.Float64Var(&o.faultRate, "fault-rate", 0, "share of generated clients with an injected fault (0 = the realistic default 0.3, negative = none)")
	fs.Float64Var(&o.timeScale, "time-scale", 0, "simulated seconds per real second (0 = the scenario's own, 3600 for generated fleets)")
	fs.StringVar(&o.via, "via", "ssh", "how the written inventory reaches clients: ssh or master (c_rsh)")
	fs.StringVar(&o.dir, "dir", "", "directory for the inventory, known_hosts, key and ground truth (default: a new temporary directory)")
}

func (o *labOptions) config() (sim.Config, error) {
	switch {
	case o.scenario != "" && o.clients > 0:
		return sim.Config{}, usageError("use --scenario or --clients, not both")
	case o.clients > 0:
		return sim.Generate(sim.GenOptions{Clients: o.clients, Masters: o.masters, Seed: o.seed, FaultRate: o.faultRate, TimeScale: o.timeScale}), nil
	}
	name := o.scenario
	if name == "" {
		name = "seed"
	}
	var cfg sim.Config
	var err error
	if strings.ContainsAny(name, "/.") {
		data, rerr := os.ReadFile(name)
		if rerr != nil {
			return cfg, withExit(ExitUsage, fmt.Errorf("scenario: %w", rerr))
		}
		cfg, err = sim.ParseScenario(name, data)
	} else {
		cfg, err = sim.LoadScenario(name)
	}
	if err != nil {
		return cfg, withExit(ExitUsage, err)
	}
	if o.timeScale > 0 {
		cfg.TimeScale = o.timeScale
	}
	return cfg, nil
}

// runningLab is a lab served over SSH on loopback, with the files the
// product needs to reach it.
type runningLab struct {
	Lab        *sim.Lab
	Server     *simssh.Server
	Dir        string
	Inventory  string // path of inventory.yaml
	KnownHosts string
	Key        string
	Truth      string
	Inv        *inventory.Inventory
	tempDir    bool
}

// Close stops serving and stops the lab's background jobs.
func (r *runningLab) Close() error {
	err := errors.Join(r.Server.Close(), r.Lab.Close())
	if r.tempDir {
		os.RemoveAll(r.Dir)
	}
	return err
}

// labSeed derives the lab's key seed: host and user keys are deterministic,
// so known_hosts stays valid across restarts of the same lab.
const labSeed = "nimfleet-lab"

// startLab builds the lab, serves every host over SSH on 127.0.0.1 and
// writes inventory.yaml, known_hosts, id_ed25519 and truth.json into dir.
func startLab(o labOptions) (*runningLab, error) {
	cfg, err := o.config()
	if err != nil {
		return nil, err
	}
	if o.via != "ssh" && o.via != "master" {
		return nil, usageError("--via: want ssh or master, got %q", o.via)
	}
	lab, err := sim.New(cfg)
	if err != nil {
		return nil, withExit(ExitUsage, err)
	}
	signer, keyPEM := simssh.UserKey(labSeed)
	srv, err := simssh.Serve(lab, lab.Hosts(), simssh.Options{Seed: labSeed, AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	if err != nil {
		lab.Close()
		return nil, fmt.Errorf("serve the lab over ssh: %w", err)
	}
	r := &runningLab{Lab: lab, Server: srv, Dir: o.dir}
	if r.Dir == "" {
		r.Dir, err = os.MkdirTemp("", "nimfleet-lab-")
		if err != nil {
			r.Close()
			return nil, err
		}
		r.tempDir = true
	} else if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		r.Close()
		return nil, err
	}
	if r.Dir, err = filepath.Abs(r.Dir); err != nil {
		r.Close()
		return nil, err
	}
	r.KnownHosts = filepath.Join(r.Dir, "known_hosts")
	r.Key = filepath.Join(r.Dir, "id_ed25519")
	r.Inventory = filepath.Join(r.Dir, "inventory.yaml")
	r.Truth = filepath.Join(r.Dir, "truth.json")
	if err := r.writeFiles(cfg, keyPEM, o.via); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *runningLab) writeFiles(cfg sim.Config, keyPEM []byte, via string) error {
	if err := os.WriteFile(r.Key, keyPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(r.KnownHosts, r.Server.KnownHosts(), 0o600); err != nil {
		return err
	}
	tf, err := os.OpenFile(r.Truth, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := r.Lab.WriteTruth(tf); err != nil {
		tf.Close()
		return err
	}
	if err := tf.Close(); err != nil {
		return err
	}
	inv, err := labkit.Inventory(cfg, labkit.InvOptions{Via: via, Endpoint: labkit.ServerEndpoints(r.Server),
		Key: r.Key, KnownHosts: r.KnownHosts, File: r.Inventory})
	if err != nil {
		return fmt.Errorf("lab inventory: %w", err)
	}
	data, err := inventory.Marshal(inv)
	if err != nil {
		return fmt.Errorf("lab inventory: %w", err)
	}
	if err := os.WriteFile(r.Inventory, data, 0o600); err != nil {
		return err
	}
	r.Inv, err = inventory.Load(r.Inventory)
	return err
}

type labServeOptions struct {
	lab labOptions
}

func newLabCommand(g *GlobalOptions) *cobra.Command {
	lab := &cobra.Command{
		Use:   "lab",
		Short: "Run the lab: simulated NIM masters and AIX LPARs served over SSH on loopback",
		Long: `The lab simulates NIM masters and their standalone clients: it answers the AIX
commands nimfleet uses with real AIX output formats, runs nimadm with its 12
phases, and fails the way real nimadm fails for each injected fault. Every
host listens on its own 127.0.0.1 port. Use it to rehearse a migration.`,
	}
	lab.AddCommand(newLabServeCommand(g))
	return lab
}

func newLabServeCommand(g *GlobalOptions) *cobra.Command {
	o := &labServeOptions{}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve a lab until interrupted and print where everything is",
		Long: `Serve a lab until interrupted (Ctrl-C). It writes, into --dir:

  inventory.yaml  an inventory of the lab's hosts for every nimfleet command
  known_hosts     the hosts' keys (deterministic: the same across restarts)
  id_ed25519      the key the lab accepts
  truth.json      the faults the lab injected, host by host (for tests)

Examples:
  nimfleet lab serve --scenario seed --dir lab
  nimfleet lab serve --clients 200 --masters 2 --seed 7 --dir lab

EXIT STATUS
  0 stopped by Ctrl-C, 1 error, 2 bad scenario or flags`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runLabServe(cmd.Context(), o, g) },
	}
	o.lab.AddFlags(c.Flags())
	return c
}

func runLabServe(ctx context.Context, o *labServeOptions, g *GlobalOptions) error {
	r, err := startLab(o.lab)
	if err != nil {
		return err
	}
	defer r.Close()
	w := g.stdout
	fmt.Fprintf(w, "nimfleet lab: %d masters, %d clients, time scale %gx\n", len(r.Lab.Masters()), len(r.Lab.Hosts())-len(r.Lab.Masters()), r.Lab.Config().TimeScale)
	fmt.Fprintf(w, "  inventory   %s\n  known_hosts %s\n  key         %s\n  truth       %s\n", r.Inventory, r.KnownHosts, r.Key, r.Truth)
	eps := r.Server.Endpoints()
	for i, ep := range eps {
		if i == 8 && len(eps) > 10 {
			fmt.Fprintf(w, "  ... and %d more hosts (see the inventory)\n", len(eps)-8)
			break
		}
		fmt.Fprintf(w, "  %-12s ssh -i %s -o UserKnownHostsFile=%s -p %s root@%s\n", ep.Host, r.Key, r.KnownHosts, portOf(ep.Addr), hostOf(ep.Addr))
	}
	fmt.Fprintf(w, "Try: nimfleet check -i %s\nServing until interrupted (Ctrl-C).\n", r.Inventory)
	<-ctx.Done()
	fmt.Fprintln(g.stderr, "nimfleet lab: stopped")
	return nil
}

func hostOf(addr string) string { h, _, _ := net.SplitHostPort(addr); return h }
func portOf(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }
