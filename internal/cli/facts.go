package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
)

// factsSchemaVersion versions the JSON of 'nimfleet facts --json'.
const factsSchemaVersion = 1

type factsOptions struct {
	fleet  fleetFlags
	all    bool
	json   bool
	script string
	from   string
}

func (o *factsOptions) AddFlags(fs *pflag.FlagSet) {
	o.fleet.AddFlags(fs)
	fs.BoolVar(&o.all, "all", false, "every host of the inventory")
	fs.BoolVar(&o.json, "json", false, "print JSON (schema_version 1)")
	fs.StringVar(&o.script, "script", "", "print the read-only collection script for HOST (to run by hand where nimfleet cannot connect)")
	fs.StringVar(&o.from, "from", "", "parse saved output of the collection script instead of connecting")
}

func newFactsCommand(g *GlobalOptions) *cobra.Command {
	o := &factsOptions{}
	c := &cobra.Command{
		Use:   "facts [HOST...|--all]",
		Short: "Gather and print what nimfleet knows about hosts (one round trip per host)",
		Long: `Gather facts from masters and clients: one SSH (or c_rsh) session per host runs
a read-only script of AIX commands, whose output is parsed into typed facts.
A command that fails or prints something unexpected makes its facts unknown,
with the reason; nimfleet never guesses.

For a host nimfleet cannot reach, print the script with --script HOST, run it
there by hand (ksh), save the whole output, and parse it with --from FILE.

EXIT STATUS
  0 facts gathered from every host, 1 error, 2 usage,
  3 some hosts could not be reached (their errors are printed)`,
		RunE: func(cmd *cobra.Command, args []string) error { return runFacts(cmd.Context(), o, g, args) },
	}
	o.AddFlags(c.Flags())
	return c
}

func runFacts(ctx context.Context, o *factsOptions, g *GlobalOptions, args []string) error {
	if o.from != "" {
		return factsFrom(o, g)
	}
	inv, err := o.fleet.load()
	if err != nil {
		return err
	}
	if o.script != "" {
		return factsScript(o, g, inv)
	}
	if len(args) == 0 && !o.all && o.fleet.hosts == "" && o.fleet.groups == "" && o.fleet.waves == "" {
		return usageError("name hosts, or use --all")
	}
	hosts, err := o.fleet.selectHosts(inv, args)
	if err != nil {
		return err
	}
	fl, _, closeFleet, err := o.fleet.open(inv, false)
	if err != nil {
		return err
	}
	defer closeFleet()
	gat := &facts.Gatherer{Runner: fl.Runner, Timeout: o.fleet.timeout}
	res := gat.Fleet(ctx, hosts, o.fleet.concurrency)
	if o.json {
		if err := writeFactsJSON(g.stdout, res); err != nil {
			return err
		}
	} else {
		for _, h := range hosts {
			if m, ok := res.Masters[h.Name]; ok {
				printMasterFacts(g.stdout, m)
			} else if c, ok := res.Clients[h.Name]; ok {
				printClientFacts(g.stdout, c)
			}
		}
	}
	if len(res.Errors) > 0 {
		names := make([]string, 0, len(res.Errors))
		for n := range res.Errors {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(g.stderr, "nimfleet: %v\n", res.Errors[n])
		}
		return silentExit(ExitHostsFailed)
	}
	return ctx.Err()
}

func writeFactsJSON(w io.Writer, f *facts.Fleet) error {
	errs := map[string]string{}
	for h, e := range f.Errors {
		errs[h] = e.Error()
	}
	doc := struct {
		SchemaVersion int                      `json:"schema_version"`
		Masters       map[string]*facts.Master `json:"masters"`
		Clients       map[string]*facts.Client `json:"clients"`
		Errors        map[string]string        `json:"errors"`
	}{factsSchemaVersion, f.Masters, f.Clients, errs}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func factsScript(o *factsOptions, g *GlobalOptions, inv *inventory.Inventory) error {
	h := inv.Host(o.script)
	if h == nil {
		return usageError("--script: %s is not in the inventory %s", o.script, inv.File)
	}
	var s *facts.Script
	var err error
	if h.Role == inventory.RoleMaster {
		s, err = facts.MasterScript(h.Name, facts.MasterPlanFor(h), facts.NewNonce())
	} else {
		s, err = facts.ClientScript(h.Name, facts.PlanFor(h), facts.NewNonce())
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(g.stdout, s.Text())
	return err
}

func factsFrom(o *factsOptions, g *GlobalOptions) error {
	var r io.Reader = g.stdin
	if o.from != "-" {
		f, err := os.Open(o.from)
		if err != nil {
			return withExit(ExitUsage, err)
		}
		defer f.Close()
		r = f
	}
	out, err := facts.Split(r, "")
	if err != nil {
		return withExit(ExitUsage, fmt.Errorf("%s: %w", o.from, err))
	}
	fl := &facts.Fleet{Masters: map[string]*facts.Master{}, Clients: map[string]*facts.Client{}, Errors: map[string]error{}}
	if out.Role == "master" {
		m := facts.ParseMaster(out, nil, facts.MasterPlanFromOutput(out), nil)
		fl.Masters[m.Host] = m
		if !o.json {
			printMasterFacts(g.stdout, m)
		}
	} else {
		c := facts.ParseClient(out, nil, facts.PlanFromOutput(out), nil)
		fl.Clients[c.Host] = c
		if !o.json {
			printClientFacts(g.stdout, c)
		}
	}
	if o.json {
		return writeFactsJSON(g.stdout, fl)
	}
	return nil
}

// show renders a fact for the text summary.
func show[T any](f facts.Fact[T], format func(T) string) string {
	if !f.Known {
		return "unknown (" + f.Reason + ")"
	}
	return format(f.Value)
}

func printClientFacts(w io.Writer, c *facts.Client) {
	fmt.Fprintf(w, "%s (client)\n", c.Host)
	row := func(k, v string) { fmt.Fprintf(w, "  %-16s %s\n", k, v) }
	row("hostname", show(c.Hostname, func(s string) string { return s }))
	row("oslevel", show(c.OSLevel, func(l aix.Level) string { return l.String() }))
	row("rootvg", show(c.Rootvg, func(v aix.VGInfo) string {
		return fmt.Sprintf("%d MB used of %d MB, %d free PPs of %d MB, %d PV(s), stale PPs %d", v.UsedMB, v.TotalMB, v.FreePPs, v.PPSizeMB, v.TotalPVs, v.StalePPs)
	}))
	row("rootvg locked", show(c.RootvgLock, yesNo))
	row("multibos", show(c.RootvgLVs, func(l aix.LVList) string {
		if l.HasStandbyBOS() {
			return "standby instance present (" + strings.Join(lvNames(l.BosLVs()), " ") + ")"
		}
		if bos := l.BosLVs(); len(bos) > 0 {
			return "no standby; bos_ LVs: " + strings.Join(lvNames(bos), " ")
		}
		return "no standby instance"
	}))
	row("/bos_inst", show(c.BosInst, func(b facts.BosInst) string {
		if !b.Exists {
			return "absent"
		}
		s := fmt.Sprintf("exists (%s %s %s)", b.Info.Mode, b.Info.Owner, b.Info.Group)
		if len(b.Entries) == 0 {
			return s + ", empty"
		}
		return fmt.Sprintf("%s, %d entries", s, len(b.Entries))
	}))
	row("boot", show(c.BootDisk, func(s string) string { return s })+", blv "+show(c.BootBLV, func(s string) string { return s }))
	row("bootlist", show(c.BootList, func(b aix.BootList) string { return strings.Join(b.Devices(), " ") }))
	for _, d := range sortedDisks(c) {
		row("target "+d.Name, fmt.Sprintf("%s MB, bootable %s, in a VG %s",
			show(d.SizeMB, func(n int) string { return fmt.Sprint(n) }), show(d.Bootable, yesNo), show(d.InVG, yesNo)))
	}
	row("disks", show(c.PVs, func(p aix.PVs) string {
		var s []string
		for _, pv := range p {
			vg := pv.VG
			if vg == "" {
				vg = "None"
			}
			s = append(s, pv.Name+":"+vg)
		}
		return strings.Join(s, " ")
	}))
	row("NIM master", show(c.Niminfo, func(n aix.Niminfo) string { return n.MasterHostname() + " (NIM_SHELL " + n.Shell() + ")" }))
	row("nimsh", show(c.Nimsh, func(s aix.Subsystems) string {
		if s.Active("nimsh") {
			return "active"
		}
		return "not active"
	}))
	row("processor", show(c.Prtconf, func(p aix.Prtconf) string { return p.ProcessorType }))
	row("memory", show(c.RealmemKB, func(k int) string { return fmt.Sprintf("%d MB", k/1024) }))
	row("efixes", show(c.Efixes, func(e []aix.Efix) string { return fmt.Sprintf("%d installed", len(e)) }))
	row("TCB", show(c.TCB, yesNo))
	if c.SessionReason != "" {
		row("session", c.SessionReason)
	}
	fmt.Fprintln(w)
}

func printMasterFacts(w io.Writer, m *facts.Master) {
	fmt.Fprintf(w, "%s (NIM master)\n", m.Host)
	row := func(k, v string) { fmt.Fprintf(w, "  %-16s %s\n", k, v) }
	row("hostname", show(m.Hostname, func(s string) string { return s }))
	row("oslevel", show(m.OSLevel, func(l aix.Level) string { return l.String() }))
	row("alt_disk fileset", show(m.AltDiskLevel, func(l aix.FilesetLevel) string {
		if l.String() == "" {
			return "not installed"
		}
		return "bos.alt_disk_install.rte " + l.String()
	}))
	row("clients in NIM", show(m.Clients, func(c map[string]aix.NIMObject) string { return fmt.Sprint(len(c)) }))
	for _, name := range sortedKeys(m.Resources) {
		row("resource", name+": "+show(m.Resources[name], func(o aix.NIMObject) string {
			if o.Name == "" {
				return "not defined"
			}
			lv, _ := o.Get("oslevel_r")
			return o.Type() + ", " + o.Rstate() + ", level " + lv
		}))
	}
	for _, name := range sortedKeys(m.LppLevel) {
		row("lpp_source", name+": bos.mp64 "+show(m.LppLevel[name], func(l aix.FilesetLevel) string { return l.String() }))
	}
	for _, name := range sortedKeys(m.CacheVGs) {
		row("cache VG", name+": "+show(m.CacheVGs[name], func(v aix.VGInfo) string {
			return fmt.Sprintf("%s, %d MB free of %d MB", v.State, v.FreeMB, v.TotalMB)
		}))
	}
	row("memory", show(m.RealmemKB, func(k int) string { return fmt.Sprintf("%d MB", k/1024) }))
	if m.SessionReason != "" {
		row("session", m.SessionReason)
	}
	fmt.Fprintln(w)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func sortedDisks(c *facts.Client) []*facts.Disk {
	var ds []*facts.Disk
	for _, d := range c.Disks {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
	return ds
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func lvNames(lvs []aix.LV) []string {
	out := make([]string, len(lvs))
	for i, lv := range lvs {
		out[i] = lv.Name
	}
	return out
}
