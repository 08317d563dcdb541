package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nimfleet/nimfleet/internal/journal"
)

// statusSchemaVersion versions 'nimfleet status --json'.
const statusSchemaVersion = 1

// testOnlyStatusNow, when set, is the time status says it read the
// journal.
var testOnlyStatusNow func() time.Time

type statusOptions struct {
	inventory string
	journal   string
	json      bool
}

func (o *statusOptions) AddFlags(fs *pflag.FlagSet) {
	def := os.Getenv("NIMFLEET_INVENTORY")
	if def == "" {
		def = "inventory.yaml"
	}
	fs.StringVarP(&o.inventory, "inventory", "i", def, "inventory file: the journal is beside it ($NIMFLEET_INVENTORY)")
	fs.StringVar(&o.journal, "journal", "", "journal `FILE` (default: "+defaultJournalName+" beside the inventory)")
	fs.BoolVar(&o.json, "json", false, "print JSON (schema_version 1)")
}

func newStatusCommand(g *GlobalOptions) *cobra.Command {
	o := &statusOptions{}
	c := &cobra.Command{
		Use:   "status [HOST...]",
		Short: "Show where the fleet's migration stands, from the journal (read-only; works while a run goes on)",
		Long: `Show the fleet from the migration journal: the runs (open or ended, who drives
them, resumes, the last note), and per host its state, run, nimadm attempt,
master, phase, since when, and why (the failure's diagnosis, the fix applied,
what verification found). HOST arguments (names or globs) narrow the list.

The journal is read without its lock, so status works while 'nimfleet migrate'
runs in another process: it shows the journal as of the moment it was read.
For the whole story (phases, fixes, failures by signature, the audit trail)
use 'nimfleet report'.

EXIT STATUS
  0 shown; no host failed
  1 error: the journal cannot be read
  2 usage: no journal there, bad flags
  3 shown; some host is failed`,
		Example: `  nimfleet status -i fleet.yaml
  nimfleet status 'lpar0*' --journal /var/nimfleet/nimfleet-journal.jsonl
  watch -n 30 nimfleet status`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runStatus(cmd.Context(), o, g, args) },
	}
	o.AddFlags(c.Flags())
	return c
}

// statusHost is one host of 'status --json'.
type statusHost struct {
	Host      string        `json:"host"`
	State     journal.State `json:"state"`
	Reason    string        `json:"reason"`
	Since     time.Time     `json:"since"`
	Run       string        `json:"run"`
	Attempt   int           `json:"attempt,omitempty"`
	Master    string        `json:"master,omitempty"`
	Phase     int           `json:"phase,omitempty"`
	PID       int           `json:"pid,omitempty"`
	Log       string        `json:"log,omitempty"`
	Outcome   string        `json:"outcome,omitempty"`
	Exit      *int          `json:"exit,omitempty"`
	Rule      string        `json:"rule,omitempty"`
	Signature string        `json:"signature,omitempty"`
	Fixes     []string      `json:"fixes"`
}

// statusRun is one run of 'status --json'.
type statusRun struct {
	ID         string    `json:"id"`
	Open       bool      `json:"open"`
	Started    time.Time `json:"started"`
	Ended      time.Time `json:"ended,omitzero"`
	Outcome    string    `json:"outcome,omitempty"`
	Resumed    int       `json:"resumed"`
	Controller string    `json:"controller"`
	Inventory  string    `json:"inventory"`
	LastNote   string    `json:"last_note,omitempty"`
}

func runStatus(ctx context.Context, o *statusOptions, g *GlobalOptions, args []string) error {
	for _, a := range args {
		if _, err := path.Match(a, ""); err != nil {
			return usageError("host pattern %q: %v", a, err)
		}
	}
	jpath := journalPath(o.journal, o.inventory)
	j, err := journal.Open(jpath, journal.Options{ReadOnly: true})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return withExit(ExitUsage, err, "name the journal with --journal FILE, or the inventory beside it with -i FILE; 'nimfleet migrate run' writes it")
		}
		return err
	}
	defer j.Close()
	now := time.Now()
	if testOnlyStatusNow != nil {
		now = testOnlyStatusNow()
	}
	runs, err := j.Runs()
	if err != nil {
		return err
	}
	hs, err := j.Hosts()
	if err != nil {
		return err
	}
	var hosts []statusHost
	failed := false
	for _, h := range hs {
		if !matchAny(args, h.Host) {
			continue
		}
		sh := statusHost{Host: h.Host, State: h.State, Reason: h.Reason, Since: h.Since, Run: h.Run, Fixes: []string{}}
		if a := h.Current(); a != nil {
			sh.Attempt, sh.Master, sh.Phase, sh.PID, sh.Log, sh.Outcome, sh.Exit = a.N, a.Master, a.Phase(), a.PID, a.Log, a.Outcome, a.Exit
		}
		if h.Diagnosis != nil {
			sh.Rule, sh.Signature = h.Diagnosis.Rule, h.Diagnosis.Signature
		}
		for _, f := range h.Fixes {
			sh.Fixes = append(sh.Fixes, f.Fix)
		}
		if h.State == journal.StateFailed {
			failed = true
		}
		hosts = append(hosts, sh)
	}
	var sruns []statusRun
	for _, r := range runs {
		sr := statusRun{ID: r.ID, Open: r.Open(), Started: r.Started, Ended: r.Ended, Outcome: r.Outcome,
			Resumed: len(r.Resumed), Controller: r.Controller, Inventory: r.Inventory}
		if n := len(r.Notes); n > 0 {
			sr.LastNote = r.Notes[n-1]
		}
		sruns = append(sruns, sr)
	}
	if o.json {
		doc := struct {
			SchemaVersion int            `json:"schema_version"`
			Journal       string         `json:"journal"`
			ReadAt        time.Time      `json:"read_at"`
			Runs          []statusRun    `json:"runs"`
			Hosts         []statusHost   `json:"hosts"`
			Counts        map[string]int `json:"counts"`
		}{statusSchemaVersion, jpath, now.UTC(), sruns, hosts, map[string]int{}}
		if doc.Runs == nil {
			doc.Runs = []statusRun{}
		}
		if doc.Hosts == nil {
			doc.Hosts = []statusHost{}
		}
		for _, h := range hosts {
			doc.Counts[string(h.State)]++
		}
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else if err := writeStatusText(g.stdout, jpath, now, sruns, hosts); err != nil {
		return err
	}
	if failed {
		return silentExit(ExitHostsFailed)
	}
	return nil
}

func matchAny(patterns []string, name string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

func writeStatusText(w io.Writer, jpath string, now time.Time, runs []statusRun, hosts []statusHost) error {
	ew := &fixWriter{w: w}
	ew.printf("Journal %s, read at %s.\n", jpath, now.UTC().Format(time.RFC3339))
	if len(runs) == 0 {
		ew.printf("No run yet.\n")
	}
	first := 0
	if len(runs) > 5 {
		first = len(runs) - 5
		ew.printf("(%d earlier runs not shown)\n", first)
	}
	for _, r := range runs[first:] {
		state := "ended " + r.Ended.UTC().Format(time.RFC3339) + ", " + r.Outcome
		if r.Open {
			state = "open"
		}
		resumed := ""
		if r.Resumed > 0 {
			resumed = fmt.Sprintf(", resumed %d %s", r.Resumed, fixPlural(r.Resumed, "time", "times"))
		}
		ew.printf("Run %s (%s%s): started %s by %s; inventory %s\n", r.ID, state, resumed, r.Started.UTC().Format(time.RFC3339), r.Controller, r.Inventory)
		if r.LastNote != "" {
			ew.printf("  last note: %s\n", r.LastNote)
		}
	}
	if ew.err != nil {
		return ew.err
	}
	if len(hosts) == 0 {
		ew.printf("No host recorded.\n")
		return ew.err
	}
	ew.printf("\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tSTATE\tRUN\tATTEMPT\tMASTER\tPHASE\tSINCE\tDETAIL")
	counts := map[journal.State]int{}
	for _, h := range hosts {
		counts[h.State]++
		att, phase, master := "-", "-", h.Master
		if h.Attempt > 0 {
			att = fmt.Sprint(h.Attempt)
			phase = fmt.Sprintf("%d/12", h.Phase)
		}
		if master == "" {
			master = "-"
		}
		detail := h.Reason
		if h.State == journal.StateRunning && h.PID > 0 && !strings.Contains(detail, "pid") {
			detail = fmt.Sprintf("pid %d; %s", h.PID, detail)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.Host, h.State, h.Run, att, master, phase, h.Since.UTC().Format(time.RFC3339), oneLine(detail))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var parts []string
	for _, s := range journal.States() {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	ew.printf("\n%d %s: %s.\n", len(hosts), fixPlural(len(hosts), "host", "hosts"), strings.Join(parts, ", "))
	return ew.err
}

// oneLine keeps the first line of s, cut at 160 bytes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
