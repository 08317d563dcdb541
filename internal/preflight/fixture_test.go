package preflight

// Fixtures for the per-check tests: the collection output of a healthy
// lab client (testdata/aix01.out, aix02.out) and master (nim73.out), as
// captured from the lab's "healthy" scenario. Each test case edits
// sections of that output (replacing a probe's output and exit status,
// dropping a probe), parses it with package facts exactly as a real run
// does, and evaluates the checks with the engine.

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/names"
	"github.com/nimfleet/nimfleet/internal/report"
)

var (
	fixtureOnce sync.Once
	fixtureOut  map[string]*facts.Output
	fixtureErr  error
)

func loadFixtures(t testing.TB) map[string]*facts.Output {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureOut = map[string]*facts.Output{}
		for _, h := range []string{"aix01", "aix02", "nim73"} {
			b, err := os.ReadFile("testdata/" + h + ".out")
			if err != nil {
				fixtureErr = err
				return
			}
			out, err := facts.Split(bytes.NewReader(b), "")
			if err != nil {
				fixtureErr = err
				return
			}
			fixtureOut[h] = out
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureOut
}

func copyOutput(o *facts.Output) *facts.Output {
	c := *o
	c.Sections = map[string]*facts.Section{}
	for k, v := range o.Sections {
		s := *v
		c.Sections[k] = &s
	}
	c.Order = append([]string(nil), o.Order...)
	return &c
}

// world is one test fleet: master nim73 and client aix01 (and aix02 with
// peer()), healthy until edited.
type world struct {
	t       testing.TB
	inv     *inventory.Inventory
	master  *inventory.Host
	clients []*inventory.Host
	outs    map[string]*facts.Output
	session map[string]error
	errs    map[string]error
	crsh    map[string]*CRshProbe
	waivers *check.Waivers
	now     time.Time
}

type edit func(w *world)

func newWorld(t testing.TB, edits ...edit) *world {
	fx := loadFixtures(t)
	w := &world{t: t, inv: &inventory.Inventory{File: "inventory.yaml"}, outs: map[string]*facts.Output{},
		session: map[string]error{}, errs: map[string]error{}, crsh: map[string]*CRshProbe{},
		now: time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)}
	w.master = w.inv.AddMaster(inventory.Host{Name: "nim73", SSH: inventory.SSH{User: "root"}, Slots: 4})
	w.outs["nim73"] = copyOutput(fx["nim73"])
	w.addClient("aix01", fx["aix01"])
	for _, e := range edits {
		e(w)
	}
	return w
}

func (w *world) addClient(name string, out *facts.Output) {
	tl, _ := names.ParseLevel("7300-03-01-2446")
	h := w.inv.AddClient(w.master, inventory.Host{Name: name, SSH: inventory.SSH{User: "root"}, Disks: []string{"hdisk1"},
		SPOT: "spot_7300-03-01", LPPSource: "lpp_7300-03-01", CacheVG: "nimadmvg", TargetLevel: tl})
	w.clients = append(w.clients, h)
	w.outs[name] = copyOutput(out)
	w.crsh[name] = &CRshProbe{Master: "nim73", Command: "/usr/lpp/bos.sysmgt/nim/methods/c_rsh " + name + " '( LC_ALL=C /usr/bin/hostname ); echo rc=$?'",
		Output: []byte(name + "\nrc=0\n"), RC: 0, RCOK: true, Hostname: name}
}

// peer adds client aix02 (healthy, its own disks).
func peer(edits ...edit) edit {
	return func(w *world) {
		w.addClient("aix02", loadFixtures(w.t)["aix02"])
		for _, e := range edits {
			e(w)
		}
	}
}

func setSection(o *facts.Output, id string, exit int, out string) {
	if _, ok := o.Sections[id]; !ok {
		o.Order = append(o.Order, id)
	}
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	o.Sections[id] = &facts.Section{ID: id, Output: []byte(out), Exit: exit, Complete: true}
}

// cl sets the output and exit status of a probe of aix01.
func cl(id string, exit int, out string) edit { return clOn("aix01", id, exit, out) }

func clOn(host, id string, exit int, out string) edit {
	return func(w *world) { setSection(w.outs[host], id, exit, out) }
}

// clEdit rewrites the output of a probe of aix01.
func clEdit(id string, f func(string) string) edit {
	return func(w *world) {
		s := w.outs["aix01"].Sections[id]
		setSection(w.outs["aix01"], id, s.Exit, f(string(s.Output)))
	}
}

// ms sets the output and exit status of a probe of the master.
func ms(id string, exit int, out string) edit {
	return func(w *world) { setSection(w.outs["nim73"], id, exit, out) }
}

// msEdit rewrites the output of a probe of the master.
func msEdit(id string, f func(string) string) edit {
	return func(w *world) {
		s := w.outs["nim73"].Sections[id]
		setSection(w.outs["nim73"], id, s.Exit, f(string(s.Output)))
	}
}

func replace(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}

// drop removes a probe of aix01 (as if the session ended before it).
func drop(ids ...string) edit {
	return func(w *world) {
		for _, id := range ids {
			delete(w.outs["aix01"].Sections, id)
		}
		w.outs["aix01"].Done = false
		w.session["aix01"] = errors.New("session cut in the test")
	}
}

// cut marks a probe of aix01 incomplete with the output so far.
func cut(id, out string) edit {
	return func(w *world) {
		s := w.outs["aix01"].Sections[id]
		s.Output, s.Exit, s.Complete = []byte(out), -1, false
		w.outs["aix01"].Done = false
	}
}

func dropM(ids ...string) edit {
	return func(w *world) {
		for _, id := range ids {
			delete(w.outs["nim73"].Sections, id)
		}
	}
}

// host edits aix01's inventory entry.
func host(f func(h *inventory.Host)) edit { return func(w *world) { f(w.clients[0]) } }

// via puts aix01 behind its master (c_rsh).
func viaMaster() edit {
	return func(w *world) {
		w.clients[0].Via = inventory.ViaMaster
		delete(w.crsh, "aix01")
	}
}

func unreachable(err error) edit { return func(w *world) { w.errs["aix01"] = err } }

func masterDown(err error) edit { return func(w *world) { w.errs["nim73"] = err } }

func probe(p *CRshProbe) edit {
	return func(w *world) {
		if p != nil {
			p.Master = "nim73"
		}
		w.crsh["aix01"] = p
	}
}

func sessionErr(err error) edit { return func(w *world) { w.session["aix01"] = err } }

func withWaivers(text string) edit {
	return func(w *world) {
		ws, err := check.ParseWaivers("waivers.yaml", []byte(text), Canonical)
		if err != nil {
			w.t.Fatal(err)
		}
		w.waivers = ws
	}
}

// gathered parses the world's outputs as a real run would.
func (w *world) gathered() *gathered {
	g := &gathered{fleet: &facts.Fleet{Masters: map[string]*facts.Master{}, Clients: map[string]*facts.Client{}, Errors: map[string]error{}}, crsh: w.crsh}
	if err := w.errs["nim73"]; err != nil {
		g.fleet.Errors["nim73"] = err
	} else {
		plan := facts.MasterPlanFor(w.master)
		s, err := facts.MasterScript("nim73", plan, "0123456789abcdef")
		if err != nil {
			w.t.Fatal(err)
		}
		g.fleet.Masters["nim73"] = facts.ParseMaster(w.outs["nim73"], s, plan, nil)
	}
	for _, h := range w.clients {
		if err := w.errs[h.Name]; err != nil {
			g.fleet.Errors[h.Name] = err
			continue
		}
		if h.Via == inventory.ViaMaster && w.errs["nim73"] != nil {
			g.fleet.Errors[h.Name] = w.errs["nim73"]
			continue
		}
		plan := facts.PlanFor(h)
		s, err := facts.ClientScript(h.Name, plan, "0123456789abcdef")
		if err != nil {
			w.t.Fatal(err)
		}
		g.fleet.Clients[h.Name] = facts.ParseClient(w.outs[h.Name], s, plan, w.session[h.Name])
	}
	return g
}

func (w *world) report() *report.Report {
	return evaluate(Options{Inventory: w.inv, Waivers: w.waivers, Now: func() time.Time { return w.now }},
		w.clients, []*inventory.Host{w.master}, w.gathered())
}

// result returns the result of check id on host.
func result(t testing.TB, rep *report.Report, hostName, id string) check.Result {
	t.Helper()
	for _, h := range rep.Hosts {
		if h.Host != hostName {
			continue
		}
		for _, r := range h.Results {
			if r.ID == id {
				return r
			}
		}
	}
	t.Fatalf("no result of %s on %s", id, hostName)
	return check.Result{}
}

// tcase is one test case of a check.
type tcase struct {
	name  string
	edits []edit
	want  check.Status
	// sev is the wanted severity (0: the check's own).
	sev check.Severity
	// has are substrings the summary, reason or evidence must contain.
	has []string
	// fix is the wanted FIX ID on a fail ("-" for none; "" not checked).
	fix string
}

var allCases = map[string][]tcase{}

func addCases(id string, cs ...tcase) bool {
	allCases[id] = append(allCases[id], cs...)
	return true
}

func runCases(t *testing.T, id string) {
	t.Helper()
	c, ok := Lookup(id)
	if !ok {
		t.Fatalf("check %s is not registered", id)
	}
	for _, tc := range allCases[id] {
		t.Run(tc.name, func(t *testing.T) {
			rep := newWorld(t, tc.edits...).report()
			r := result(t, rep, "aix01", id)
			if r.Status != tc.want {
				t.Fatalf("status: got %s, want %s\n%s\n%s", r.Status, tc.want, r, evidenceText(r))
			}
			wantSev := tc.sev
			if wantSev == 0 {
				wantSev = c.Severity
			}
			if r.Severity != wantSev {
				t.Errorf("severity: got %s, want %s (%s)", r.Severity, wantSev, r)
			}
			text := r.Summary + "\n" + r.Reason + "\n" + evidenceText(r)
			for _, h := range tc.has {
				if !strings.Contains(text, h) {
					t.Errorf("result lacks %q:\n%s", h, text)
				}
			}
			switch tc.fix {
			case "":
			case "-":
				if r.Fix != "" {
					t.Errorf("fix: got %s, want none", r.Fix)
				}
			default:
				if r.Fix != tc.fix {
					t.Errorf("fix: got %q, want %s", r.Fix, tc.fix)
				}
			}
			if r.Status == check.Unknown && r.Reason == "" {
				t.Errorf("unknown without a reason: %s", r)
			}
			if r.Status == check.Skipped && r.Reason == "" {
				t.Errorf("skipped without a reason: %s", r)
			}
			if testing.Verbose() {
				t.Logf("%s\n%s", r, evidenceText(r))
			}
		})
	}
}

func evidenceText(r check.Result) string {
	var b strings.Builder
	for _, e := range r.Evidence {
		b.WriteString(e.Host + "$ " + e.Command + "\n")
		for _, l := range e.Lines {
			b.WriteString("  " + l + "\n")
		}
		if e.Note != "" {
			b.WriteString("  (" + e.Note + ")\n")
		}
	}
	for _, c := range r.Commands {
		b.WriteString("fix: " + c + "\n")
	}
	return b.String()
}

var errUnreachable = errors.New("host aix01: gather facts: host unreachable")
