package fleetreport

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/nimfleet/nimfleet/internal/diag"
	"github.com/nimfleet/nimfleet/internal/journal"
)

// maxEvidence bounds the evidence lines shown per failure group.
const maxEvidence = 30

// failures groups the failed attempts, and the failures outside attempts,
// by signature. r.Hosts[i] is built from states[i].
func failures(r *Report, states []journal.HostState, tracks map[string]*hostTrack) []FailureGroup {
	type hit struct {
		FailureHit
		data json.RawMessage
	}
	groups := map[string]*FailureGroup{}
	hits := map[string][]hit{}
	add := func(key, sig, rule string, h hit) {
		g := groups[key]
		if g == nil {
			g = &FailureGroup{Key: key, Signature: sig, Evidence: []Evidence{}, Fix: Advice{Commands: []string{}}}
			groups[key] = g
		}
		g.Rule = cmp.Or(g.Rule, rule)
		hits[key] = append(hits[key], h)
	}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		succeeded := h.Status == StatusVerified || h.Status == StatusMigrated
		for k, a := range h.Attempts {
			if a.Outcome == "" || a.Outcome == "succeeded" {
				continue
			}
			key := a.Signature
			if key == "" {
				key = "outcome:" + a.Outcome
			}
			fh := hit{FailureHit: FailureHit{
				Host: h.Name, Run: a.Run, At: *a.Ended, Attempt: a.N, Phase: a.LastPhase,
				Outcome: a.Outcome, Exit: a.Exit, Reason: a.Detail, FinalState: h.State,
				Resolved: succeeded && h.SucceededAttempt > a.N,
			}}
			if d := states[i].Attempts[k].Diagnosis; d != nil {
				fh.data = d.Data
			}
			add(key, a.Signature, a.Rule, fh)
		}
		t := tracks[h.Name]
		if t == nil {
			continue
		}
		for _, sf := range t.failures {
			f := sf.hit
			f.FinalState = h.State
			for _, a := range h.Attempts {
				if a.Outcome == "succeeded" && a.Started.After(f.At) {
					f.Resolved = succeeded
				}
			}
			add(sf.key, sf.sig, sf.rule, hit{FailureHit: f, data: sf.data})
		}
	}

	out := make([]FailureGroup, 0, len(groups))
	for key, g := range groups {
		hs := hits[key]
		slices.SortStableFunc(hs, func(a, b hit) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return cmp.Compare(a.Host, b.Host)
		})
		g.Hits = make([]FailureHit, len(hs))
		seen, resolved := map[string]bool{}, map[string]bool{}
		var reports []json.RawMessage
		for i, h := range hs {
			g.Hits[i] = h.FailureHit
			seen[h.Host] = true
			if h.Resolved {
				resolved[h.Host] = true
			}
			if len(h.data) > 0 {
				reports = append(reports, h.data)
			}
		}
		g.HostsHit, g.Resolved = len(seen), len(resolved)
		describe(g, reports)
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b FailureGroup) int {
		if c := cmp.Compare(b.HostsHit, a.HostsHit); c != 0 {
			return c
		}
		if c := a.Hits[0].At.Compare(b.Hits[0].At); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

// storedDiagnosis is the part of a diag.Diagnosis (JSON) the report shows.
// It is decoded here rather than into diag's types so that a report
// written by another nimfleet version still reads.
type storedDiagnosis struct {
	Rule       string `json:"rule"`
	Title      string `json:"title"`
	Confidence string `json:"confidence"`
	Check      string `json:"check"`
	Cause      string `json:"cause"`
	// Fix is {text, commands} (diag.Fix), or only the commands, as the
	// orchestrator stores a report cut down to fit the journal.
	Fix      json.RawMessage `json:"fix"`
	Evidence []struct {
		Input   string `json:"input"`
		Line    int    `json:"line"`
		Text    string `json:"text"`
		Role    string `json:"role"`
		Context []struct {
			Line int    `json:"line"`
			Text string `json:"text"`
		} `json:"context"`
	} `json:"evidence"`
}

// storedReport is the part of a diag.Report (JSON) the report shows.
type storedReport struct {
	Summary   string            `json:"summary"`
	Diagnoses []storedDiagnosis `json:"diagnoses"`
	Runs      []struct {
		Unexplained []struct {
			Input string `json:"input"`
			Line  int    `json:"line"`
			Text  string `json:"text"`
		} `json:"unexplained"`
	} `json:"runs"`
}

// describe fills the diagnosis of g from the first stored report that
// decodes, else from the built-in rule base.
func describe(g *FailureGroup, reports []json.RawMessage) {
	g.Source = "none"
	for _, raw := range reports {
		if fillFromReport(g, raw) {
			g.Source = "report"
			return
		}
	}
	id := g.Rule
	if id == "" && strings.HasPrefix(g.Signature, "DIAG-") {
		id = g.Signature
	}
	if id == "" {
		return
	}
	if rule, ok := builtinRule(id); ok {
		g.Source = "rules"
		g.Title, g.Cause, g.Check = rule.Title, strings.TrimSpace(rule.Cause), rule.Check
		g.Confidence = rule.Confidence.String()
		g.Fix = Advice{Text: strings.TrimSpace(rule.Fix.Text), Commands: nonNil(slices.Clone(rule.Fix.Commands))}
	}
}

func fillFromReport(g *FailureGroup, raw json.RawMessage) bool {
	var rep storedReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		return false
	}
	var d *storedDiagnosis
	for i := range rep.Diagnoses {
		if rd := &rep.Diagnoses[i]; rd.Rule != "" && (rd.Rule == g.Rule || rd.Rule == g.Signature) {
			d = rd
			break
		}
	}
	if d == nil && len(rep.Diagnoses) > 0 {
		d = &rep.Diagnoses[0]
	}
	if d == nil {
		// A single diagnosis rather than a whole report.
		var one storedDiagnosis
		if err := json.Unmarshal(raw, &one); err == nil && one.Rule != "" {
			d = &one
		}
	}
	if d == nil {
		// No rule explained the failure: show the report's verdict and the
		// lines it could not explain.
		if rep.Summary == "" {
			return false
		}
		g.Title = rep.Summary
		for _, run := range rep.Runs {
			for _, l := range run.Unexplained {
				if len(g.Evidence) < maxEvidence {
					g.Evidence = append(g.Evidence, Evidence{Input: l.Input, Line: l.Line, Text: l.Text, Role: "unexplained"})
				}
			}
		}
		return true
	}
	if g.Rule == "" {
		g.Rule = d.Rule
	}
	g.Title, g.Cause, g.Check, g.Confidence = d.Title, strings.TrimSpace(d.Cause), d.Check, d.Confidence
	g.Fix = Advice{Commands: []string{}}
	var fix struct {
		Text     string   `json:"text"`
		Commands []string `json:"commands"`
	}
	if json.Unmarshal(d.Fix, &fix) == nil {
		g.Fix = Advice{Text: strings.TrimSpace(fix.Text), Commands: nonNil(fix.Commands)}
	} else if json.Unmarshal(d.Fix, &fix.Commands) == nil {
		g.Fix.Commands = nonNil(fix.Commands)
	}
	for _, ev := range d.Evidence {
		var before, after []Evidence
		for _, c := range ev.Context {
			l := Evidence{Input: ev.Input, Line: c.Line, Text: c.Text, Role: "context"}
			if c.Line < ev.Line {
				before = append(before, l)
			} else {
				after = append(after, l)
			}
		}
		lines := append(append(before, Evidence{Input: ev.Input, Line: ev.Line, Text: ev.Text, Role: ev.Role}), after...)
		for _, l := range lines {
			if len(g.Evidence) < maxEvidence {
				g.Evidence = append(g.Evidence, l)
			}
		}
	}
	return true
}

var builtinRules = sync.OnceValue(func() map[string]diag.Rule {
	m := map[string]diag.Rule{}
	for _, r := range diag.Builtin() {
		m[r.ID] = r
	}
	return m
})

func builtinRule(id string) (diag.Rule, bool) {
	r, ok := builtinRules()[id]
	return r, ok
}

// fixData is the part of a fix event's data the report shows: the JSON of
// a remediate.ActionResult, or an object with before/after.
type fixData struct {
	Title     string            `json:"title"`
	Status    string            `json:"status"`
	Finding   string            `json:"finding"`
	PostCheck string            `json:"post_check"`
	Before    string            `json:"before"`
	After     string            `json:"after"`
	Commands  []json.RawMessage `json:"commands"`
	Undo      []string          `json:"undo"`
}

// decodeFixData fills f from a fix event's data; data it cannot read adds
// nothing.
func decodeFixData(f *Fix, raw json.RawMessage) {
	f.Commands, f.Undo = []FixCommand{}, []string{}
	var d fixData
	if len(raw) == 0 || json.Unmarshal(raw, &d) != nil {
		return
	}
	f.Title, f.Status = d.Title, d.Status
	f.Before, f.After = cmp.Or(d.Before, d.Finding), cmp.Or(d.After, d.PostCheck)
	f.Undo = nonNil(d.Undo)
	for _, c := range d.Commands {
		var line string
		if json.Unmarshal(c, &line) == nil {
			f.Commands = append(f.Commands, FixCommand{Host: f.Host, Line: line})
			continue
		}
		var rec struct {
			Host     string `json:"host"`
			Line     string `json:"line"`
			DryRun   bool   `json:"dry_run"`
			ExitCode *int   `json:"exit_code"`
			Error    string `json:"error"`
		}
		if json.Unmarshal(c, &rec) == nil && rec.Line != "" {
			f.Commands = append(f.Commands, FixCommand{Host: cmp.Or(rec.Host, f.Host), Line: rec.Line, Exit: rec.ExitCode, DryRun: rec.DryRun, Error: rec.Error})
		}
	}
}
