package diag

import (
	"cmp"
	"fmt"
	"slices"
)

// SchemaVersion is the version of the JSON report. Fields may be added
// without a change of version; the meaning of a field never changes.
const SchemaVersion = 1

// Status is the verdict of a report or of one run.
type Status string

// Statuses.
const (
	// StatusFailure: at least one rule explained a failure.
	StatusFailure Status = "failure"
	// StatusUnknown: there are error lines no rule explains, or the log
	// shows a failure or an unfinished run without saying why. The
	// unexplained lines are listed; nothing is guessed.
	StatusUnknown Status = "unknown"
	// StatusClean: no failure found (for nimadm: phase 12 reached and no
	// error lines).
	StatusClean Status = "clean"
)

// Report is the result of a Diagnose call. Its JSON form is documented in
// the package documentation.
type Report struct {
	SchemaVersion int            `json:"schema_version"`
	Status        Status         `json:"status"`
	Summary       string         `json:"summary"`
	Inputs        []InputSummary `json:"inputs"`
	Runs          []RunSummary   `json:"runs"`
	Diagnoses     []Diagnosis    `json:"diagnoses"`
	MessageIDs    []MessageID    `json:"message_ids"`
}

// InputSummary describes one input.
type InputSummary struct {
	Name  string `json:"name"`
	Bytes int64  `json:"bytes"`
	Lines int    `json:"lines"`
	// Runs is the number of runs found (alt_disk_inst.log and op.alog
	// append one per command; a nimadm log starts a new one when the phase
	// number goes down).
	Runs int `json:"runs"`
	// LongLines counts lines longer than 64 KiB; only their first 64 KiB
	// were read.
	LongLines int `json:"long_lines,omitempty"`
	// Skipped says why the input was not diagnosed ("binary data ...").
	Skipped string `json:"skipped,omitempty"`
	// Note is any other remark about the input.
	Note string `json:"note,omitempty"`
}

// RunSummary describes one diagnosed run.
type RunSummary struct {
	Input     string `json:"input"`
	Run       int    `json:"run"`
	Of        int    `json:"of"`
	Kind      Kind   `json:"kind"`
	Kinds     []Kind `json:"kinds"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	// Started is the date line that opened an alt_disk_inst.log record.
	Started string `json:"started,omitempty"`
	Status  Status `json:"status"`
	// LastPhase is the highest nimadm phase reached (0: no phase banner);
	// LastAltDiskPhase the last alt_disk phase seen.
	LastPhase        int   `json:"last_phase"`
	LastAltDiskPhase int   `json:"last_altdisk_phase"`
	LastCommand      *Line `json:"last_command,omitempty"`
	// MessageIDs counts every message ID seen in the run.
	MessageIDs []MessageID `json:"message_ids"`
	// Diagnoses are the rule IDs that matched this run.
	Diagnoses []string `json:"diagnoses"`
	// Unexplained are error lines (message-ID lines and lines with error,
	// ERROR, failed, FAILED, failure, FAILURE) that no diagnosis explains;
	// at most 20 are listed, UnexplainedTotal counts all.
	Unexplained      []Line   `json:"unexplained"`
	UnexplainedTotal int      `json:"unexplained_total"`
	Notes            []string `json:"notes,omitempty"`
}

// Line is a log line.
type Line struct {
	Input string `json:"input,omitempty"`
	Line  int    `json:"line"`
	Text  string `json:"text"`
}

// MessageID counts one message ID.
type MessageID struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
	// Input and Line locate the first occurrence.
	Input string `json:"input"`
	Line  int    `json:"line"`
}

// Diagnosis is a matched rule with its evidence and filled-in advice.
type Diagnosis struct {
	Rule       string     `json:"rule"`
	Title      string     `json:"title"`
	Confidence Confidence `json:"confidence"`
	Errors     []string   `json:"errors"`
	// Check is the preflight check that would have caught the problem, or
	// "none".
	Check string `json:"check"`
	Cause string `json:"cause"`
	Fix   Fix    `json:"fix"`
	// Verify says how to confirm the cause or tell it from look-alikes.
	Verify *Fix     `json:"verify,omitempty"`
	Links  []string `json:"links,omitempty"`
	// Phase and AltDiskPhase are where the trigger line appeared (0:
	// unknown); Command is the command that was running.
	Phase        int    `json:"phase"`
	AltDiskPhase int    `json:"altdisk_phase"`
	Command      string `json:"command,omitempty"`
	// Captures are the placeholder values used.
	Captures map[string]string `json:"captures,omitempty"`
	// Evidence: the trigger line with context first, then supporting
	// lines, from every run the diagnosis was found in.
	Evidence []Evidence `json:"evidence"`
	// Occurrences counts trigger lines over all runs.
	Occurrences int      `json:"occurrences"`
	Runs        []RunRef `json:"runs"`
	Notes       []string `json:"notes,omitempty"`

	specificity int
	order       [2]int // input index, line of the first evidence
}

// Evidence is a line that supports a diagnosis.
type Evidence struct {
	Input string `json:"input"`
	Line  int    `json:"line"`
	Text  string `json:"text"`
	// Role: "trigger", "with" (a required line), "optional" (a line the
	// rule shows when present) or "adjust" (a line that changed the
	// confidence).
	Role    string `json:"role"`
	Context []Line `json:"context,omitempty"`
}

// RunRef names a run.
type RunRef struct {
	Input string `json:"input"`
	Run   int    `json:"run"`
}

const maxUnexplained = 20

func (st *diagState) report() *Report {
	rep := &Report{SchemaVersion: SchemaVersion, Inputs: st.inputs, Runs: []RunSummary{}, Diagnoses: []Diagnosis{}, MessageIDs: []MessageID{}}
	byRule := map[string]int{}
	idTotal := map[string]int{}
	for _, rr := range st.runs {
		rs := RunSummary{
			Input:            rr.input,
			Run:              rr.index,
			Of:               rr.of,
			Kind:             rr.kinds.primary(),
			Kinds:            rr.kinds.kinds(),
			StartLine:        rr.start,
			EndLine:          rr.end,
			Started:          rr.started,
			LastPhase:        rr.maxPhase,
			LastAltDiskPhase: rr.altPhase,
			MessageIDs:       []MessageID{},
			Diagnoses:        []string{},
			Unexplained:      []Line{},
		}
		if rr.lastCmd.text != "" {
			rs.LastCommand = &Line{Input: rr.input, Line: rr.lastCmd.line, Text: rr.lastCmd.text}
		}
		for _, c := range rr.ids {
			m := MessageID{ID: c.id, Count: c.count, Input: rr.input, Line: c.line}
			rs.MessageIDs = append(rs.MessageIDs, m)
			if i, ok := idTotal[c.id]; ok {
				rep.MessageIDs[i].Count += c.count
			} else {
				idTotal[c.id] = len(rep.MessageIDs)
				rep.MessageIDs = append(rep.MessageIDs, m)
			}
		}
		if rr.idOverflow > 0 {
			rs.Notes = append(rs.Notes, fmt.Sprintf("%d more message-ID lines with other IDs were not counted", rr.idOverflow))
		}

		// Evaluate candidates; drop fallbacks if a specific rule matched.
		var found []Diagnosis
		matched := map[int32]bool{}
		specific := false
		for _, c := range rr.cands {
			d, ok := st.evaluate(rr, c)
			if !ok {
				continue
			}
			found = append(found, d)
			matched[c.rule.idx] = true
			if !c.rule.Fallback {
				specific = true
			}
		}
		if specific {
			kept := found[:0]
			for _, d := range found {
				if cr := st.e.ruleByID(d.Rule); cr.Fallback {
					delete(matched, cr.idx)
					continue
				}
				kept = append(kept, d)
			}
			found = kept
		}
		// Error lines the diagnoses do not explain.
		for _, el := range rr.errLines {
			explained := false
			for _, ci := range el.conds {
				if matched[st.e.conds[ci].rule] {
					explained = true
					break
				}
			}
			if explained {
				continue
			}
			if len(rs.Unexplained) < maxUnexplained {
				rs.Unexplained = append(rs.Unexplained, Line{Input: rr.input, Line: el.line, Text: el.text})
			}
			rs.UnexplainedTotal++
		}
		rs.UnexplainedTotal += rr.plainDropped
		if over := rr.errTotal - len(rr.errLines) - rr.plainDropped; over > 0 {
			rs.UnexplainedTotal += over
			rs.Notes = append(rs.Notes, fmt.Sprintf("%d error lines beyond the first %d were counted but not examined", over, maxErrLines))
		}
		switch {
		case len(found) > 0:
			rs.Status = StatusFailure
		case rs.UnexplainedTotal > 0:
			rs.Status = StatusUnknown
			rs.Notes = append(rs.Notes, "no rule explains the error lines; they are listed as evidence")
			if rr.kinds&kindBit(KindNimadm) != 0 {
				rs.Notes = append(rs.Notes, "nimadm relays only part of the client's output: diagnose the client's /var/adm/ras/alt_disk_inst.log together with this log")
			}
		case rr.mbStatus == "failure":
			rs.Status = StatusUnknown
			rs.Notes = append(rs.Notes, "multibos reported Return Status: FAILURE without a recognised cause")
		case rr.kinds&kindBit(KindNimadm) != 0 && rr.maxPhase > 0 && rr.maxPhase < 12:
			rs.Status = StatusUnknown
			rs.Notes = append(rs.Notes, fmt.Sprintf("the log ends in nimadm phase %d without an error line: the run was interrupted, is still running, or the log is truncated", rr.maxPhase))
		default:
			rs.Status = StatusClean
		}
		for _, d := range found {
			rs.Diagnoses = append(rs.Diagnoses, d.Rule)
			ref := RunRef{Input: rr.input, Run: rr.index}
			if i, ok := byRule[d.Rule]; ok {
				m := &rep.Diagnoses[i]
				m.Confidence = max(m.Confidence, d.Confidence)
				m.Occurrences += d.Occurrences
				m.Runs = append(m.Runs, ref)
				for _, ev := range d.Evidence {
					if len(m.Evidence) < maxEvidence {
						m.Evidence = append(m.Evidence, ev)
					}
				}
				for _, n := range d.Notes {
					if !slices.Contains(m.Notes, n) {
						m.Notes = append(m.Notes, n)
					}
				}
				continue
			}
			d.Runs = []RunRef{ref}
			byRule[d.Rule] = len(rep.Diagnoses)
			rep.Diagnoses = append(rep.Diagnoses, d)
		}
		rep.Runs = append(rep.Runs, rs)
	}
	slices.SortStableFunc(rep.Diagnoses, func(a, b Diagnosis) int {
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		if c := cmp.Compare(b.specificity, a.specificity); c != 0 {
			return c
		}
		if c := cmp.Compare(a.order[0], b.order[0]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.order[1], b.order[1]); c != 0 {
			return c
		}
		return cmp.Compare(a.Rule, b.Rule)
	})
	rep.Status = StatusClean
	for _, rs := range rep.Runs {
		switch rs.Status {
		case StatusFailure:
			rep.Status = StatusFailure
		case StatusUnknown:
			if rep.Status != StatusFailure {
				rep.Status = StatusUnknown
			}
		}
	}
	switch {
	case len(rep.Runs) == 0:
		rep.Status = StatusUnknown
		rep.Summary = "nothing to diagnose: no input had text lines"
	case rep.Status == StatusFailure:
		d := rep.Diagnoses[0]
		rep.Summary = fmt.Sprintf("%s (%s, %s confidence)", d.Title, d.Rule, d.Confidence)
	case rep.Status == StatusUnknown:
		n := 0
		for _, rs := range rep.Runs {
			n += rs.UnexplainedTotal
		}
		switch {
		case n == 1:
			rep.Summary = "unknown: 1 error line that no rule explains"
		case n > 1:
			rep.Summary = fmt.Sprintf("unknown: %d error lines that no rule explains", n)
		default:
			rep.Summary = "unknown: the log shows an unfinished or failed run without an error line"
		}
	default:
		rep.Summary = "no failure found"
	}
	return rep
}

func (e *Engine) ruleByID(id string) *compiledRule {
	for _, r := range e.rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// evaluate applies a candidate's scope-inputs conditions and confidence
// adjustments and builds the diagnosis.
func (st *diagState) evaluate(rr *runResult, c candidate) (Diagnosis, bool) {
	e := st.e
	cr := c.rule
	holds := func(ci int32) (hit, bool) {
		if e.conds[ci].scope == ScopeInputs {
			h := st.inputFirst[ci]
			return h, h.ok
		}
		h, ok := c.hits[ci]
		return h, ok
	}
	for _, ci := range cr.inConds {
		_, ok := holds(ci)
		switch e.conds[ci].role {
		case roleWith:
			if !ok {
				return Diagnosis{}, false
			}
		case roleWithout:
			if ok {
				return Diagnosis{}, false
			}
		}
	}
	conf := cr.Confidence
	spec := cr.specificity
	var notes []string
	var adjHits []hit
	for ai, a := range cr.Match.Adjust {
		ok := true
		var hs []hit
		for _, ci := range e.condsOf(cr, roleAdjWhen, ai) {
			h, got := holds(ci)
			if !got {
				ok = false
				break
			}
			hs = append(hs, h)
		}
		for _, ci := range e.condsOf(cr, roleAdjUnless, ai) {
			if !ok {
				break
			}
			if _, got := holds(ci); got {
				ok = false
			}
		}
		if ok {
			conf = a.Confidence
			spec++
			if a.Note != "" {
				notes = append(notes, a.Note)
			}
			adjHits = hs
			break
		}
	}
	if c.anchor.phaseUnknown {
		conf = conf.lower()
		notes = append(notes, "the phase of the failing line is not known from this log; confidence lowered one level")
	}

	// Evidence: trigger with context, then the lines the rule relied on.
	a := c.anchor
	ev := Evidence{Input: a.input, Line: a.line, Text: a.text, Role: "trigger"}
	for _, l := range a.before {
		ev.Context = append(ev.Context, Line{Line: l.line, Text: l.text})
	}
	for _, l := range a.after {
		ev.Context = append(ev.Context, Line{Line: l.line, Text: l.text})
	}
	evidence := []Evidence{ev}
	caps := map[string]string{}
	addCaps := func(cs []capture) {
		for _, cp := range cs {
			if _, ok := caps[cp.name]; !ok {
				caps[cp.name] = cp.value
			}
		}
	}
	addCaps(a.caps)
	for _, ro := range []role{roleWith, roleOptional} {
		for _, ci := range e.condsOf(cr, ro, -1) {
			if h, ok := holds(ci); ok {
				name := "with"
				if ro == roleOptional {
					name = "optional"
				}
				evidence = append(evidence, Evidence{Input: h.input, Line: h.line, Text: h.text, Role: name})
				addCaps(h.caps)
			}
		}
	}
	for _, h := range adjHits {
		evidence = append(evidence, Evidence{Input: h.input, Line: h.line, Text: h.text, Role: "adjust"})
		addCaps(h.caps)
	}
	lookup := func(name string) (string, bool) {
		if v, ok := caps[name]; ok {
			return v, true
		}
		if i := factIndex(name); i >= 0 {
			if v := rr.facts[i]; v != "" {
				return v, true
			}
			if v := st.facts[i]; v != "" {
				return v, true
			}
		}
		v, ok := st.opts.Facts[name]
		return v, ok
	}
	used := map[string]string{}
	record := func(s string) string {
		for _, n := range placeholders(s) {
			if v, ok := lookup(n); ok && v != "" {
				used[n] = v
			}
		}
		return fill(s, lookup)
	}
	d := Diagnosis{
		Rule:         cr.ID,
		Title:        cr.Title,
		Confidence:   conf,
		Errors:       slices.Clone(cr.Errors),
		Check:        cr.Check,
		Cause:        record(cr.Cause),
		Fix:          Fix{Text: record(cr.Fix.Text)},
		Links:        slices.Clone(cr.Links),
		Phase:        a.phase,
		AltDiskPhase: a.altPhase,
		Command:      a.cmd,
		Evidence:     evidence,
		Occurrences:  c.count,
		Notes:        notes,
		specificity:  spec,
		order:        [2]int{rr.inputIdx, a.line},
	}
	for _, cmd := range cr.Fix.Commands {
		d.Fix.Commands = append(d.Fix.Commands, record(cmd))
	}
	if cr.Verify.Text != "" || len(cr.Verify.Commands) > 0 {
		v := &Fix{Text: record(cr.Verify.Text)}
		for _, cmd := range cr.Verify.Commands {
			v.Commands = append(v.Commands, record(cmd))
		}
		d.Verify = v
	}
	if len(used) > 0 {
		d.Captures = used
	}
	return d, true
}

// condsOf lists a rule's conditions with a role (and adjust index, or -1
// for any).
func (e *Engine) condsOf(cr *compiledRule, ro role, adjust int) []int32 {
	var out []int32
	for _, c := range e.conds {
		if c.rule == cr.idx && c.role == ro && (adjust < 0 || c.adjust == adjust) {
			out = append(out, c.idx)
		}
	}
	return out
}
