package diag

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// Engine diagnoses logs with a fixed set of rules. It is safe for
// concurrent use: Diagnose keeps all its state per call.
type Engine struct {
	rules []*compiledRule
	conds []*compiledCond

	ac       *acMatcher
	pats     []patInfo
	idIndex  map[string][]int32 // message ID -> conditions that require it
	prefixes [10000]bool        // message-ID prefixes the scanner reports
	always   []int32            // conditions without a prefilter: tried on every line
}

// role is what a condition does for its rule.
type role uint8

const (
	roleTrigger role = iota
	roleWith
	roleWithout
	roleOptional
	roleExplains
	roleAdjWhen
	roleAdjUnless
)

type compiledCond struct {
	idx      int32
	rule     int32
	role     role
	adjust   int // index into Match.Adjust for roleAdjWhen/roleAdjUnless
	ids      []string
	re, not  *regexp.Regexp
	hasCaps  bool
	within   int
	scope    Scope
	slot     int // for within conditions: bit in instance.near
	info     bool
	prefixed bool // reached through idIndex or the automaton
}

type compiledRule struct {
	Rule
	idx       int32
	trigger   int32
	near      []int32 // within conditions (with, without, adjust), by slot
	runConds  []int32 // with/without/adjust conditions of scope run without within
	inConds   []int32 // scope inputs
	phases    uint16  // bit p: nimadm phase p
	altPhases uint8   // bit p: alt_disk phase p
	sources   kindMask
	command   *regexp.Regexp
	maxWithin int
	// specificity grows with every constraint the rule checks; it breaks
	// ties between diagnoses of equal confidence.
	specificity int
}

// patInfo says what an automaton pattern means.
type patInfo struct {
	conds   []int32
	keyword bool   // error keyword: verify the exact spelling
	marker  marker // segmenter marker
}

// errorKeywords mark error lines (besides message IDs). They are checked
// case-sensitively: "Error Logging" in an installp fileset description is
// not an error; "error", "ERROR", "failed" are.
var errorKeywords = []string{"error", "ERROR", "failed", "FAILED", "failure", "FAILURE"}

// trackedPrefixes are the message-ID prefixes of the domain (errors.md §0).
// Prefixes used by loaded rules are added.
var trackedPrefixes = []int{42, 301, 503, 505, 511, 513, 514, 516, 565, 3001}

// Builtin returns the built-in rules (rules/*.yaml, embedded). The result
// is a deep copy the caller may modify.
func Builtin() []Rule {
	rules, _ := builtinRules()
	out := make([]Rule, len(rules))
	for i, r := range rules {
		out[i] = r.clone()
	}
	return out
}

// New compiles rules into an engine. It validates every rule and rejects
// duplicate IDs; problems are *RuleError values joined with errors.Join.
// Most callers pass Builtin() plus any user rules.
func New(rules ...Rule) (*Engine, error) {
	e := &Engine{idIndex: map[string][]int32{}}
	for _, p := range trackedPrefixes {
		e.prefixes[p] = true
	}
	var errs []error
	seen := map[string]*Rule{}
	for i := range rules {
		r := rules[i]
		if verrs := validateRule(&r); len(verrs) > 0 {
			errs = append(errs, verrs...)
			continue
		}
		if prev, ok := seen[r.ID]; ok {
			errs = append(errs, &RuleError{File: r.File, Line: r.Line, Rule: r.ID,
				Msg: fmt.Sprintf("duplicate rule ID (also defined at %s)", location(prev.File, prev.Line))})
			continue
		}
		seen[r.ID] = &rules[i]
		e.compileRule(r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	e.buildPrefilter()
	return e, nil
}

func location(file string, line int) string {
	if file == "" {
		return "Go code"
	}
	if line == 0 {
		return file
	}
	return file + ":" + strconv.Itoa(line)
}

func (e *Engine) compileRule(r Rule) {
	r = r.clone()
	cr := &compiledRule{Rule: r, idx: int32(len(e.rules))}
	mt := &r.Match
	for _, p := range mt.Phases {
		cr.phases |= 1 << p
	}
	for _, p := range mt.AltDiskPhases {
		cr.altPhases |= 1 << p
	}
	for _, k := range mt.Sources {
		cr.sources |= kindBit(k)
	}
	if mt.Command != "" {
		cr.command = regexp.MustCompile(mt.Command)
	}
	cr.specificity = 1 + len(mt.With) + len(mt.Without)
	if cr.phases != 0 || cr.altPhases != 0 {
		cr.specificity += 2
	}
	if cr.sources != 0 {
		cr.specificity++
	}
	if cr.command != nil {
		cr.specificity++
	}
	add := func(c Condition, ro role, adj int) int32 {
		cc := &compiledCond{
			idx:    int32(len(e.conds)),
			rule:   cr.idx,
			role:   ro,
			adjust: adj,
			ids:    c.IDs,
			within: c.Within,
			scope:  c.Scope,
			info:   r.Informational && ro == roleTrigger,
		}
		if cc.scope == "" {
			cc.scope = ScopeRun
		}
		if c.Regex != "" {
			cc.re = regexp.MustCompile(c.Regex)
			for _, n := range cc.re.SubexpNames()[1:] {
				if n != "" {
					cc.hasCaps = true
				}
			}
		}
		if c.Not != "" {
			cc.not = regexp.MustCompile(c.Not)
		}
		e.conds = append(e.conds, cc)
		switch {
		case ro == roleTrigger || ro == roleExplains:
		case cc.scope == ScopeInputs:
			cr.inConds = append(cr.inConds, cc.idx)
		case cc.within > 0:
			cc.slot = len(cr.near)
			cr.near = append(cr.near, cc.idx)
			if cc.within > cr.maxWithin {
				cr.maxWithin = cc.within
			}
		default:
			cr.runConds = append(cr.runConds, cc.idx)
		}
		return cc.idx
	}
	cr.trigger = add(mt.Trigger, roleTrigger, 0)
	for _, c := range mt.With {
		add(c, roleWith, 0)
	}
	for _, c := range mt.Without {
		add(c, roleWithout, 0)
	}
	for _, c := range mt.Optional {
		add(c, roleOptional, 0)
	}
	for _, c := range mt.Explains {
		add(c, roleExplains, 0)
	}
	for i, a := range mt.Adjust {
		for _, c := range a.When {
			add(c, roleAdjWhen, i)
		}
		for _, c := range a.Unless {
			add(c, roleAdjUnless, i)
		}
	}
	e.rules = append(e.rules, cr)
}

// buildPrefilter indexes conditions by message ID and by required literal,
// and builds the automaton over those literals, the segmenter's markers and
// the error keywords.
func (e *Engine) buildPrefilter() {
	patIdx := map[string]int{}
	var pats []string
	addPat := func(p string) int {
		if i, ok := patIdx[p]; ok {
			return i
		}
		i := len(pats)
		patIdx[p] = i
		pats = append(pats, p)
		e.pats = append(e.pats, patInfo{})
		return i
	}
	for _, c := range e.conds {
		if len(c.ids) > 0 {
			for _, id := range c.ids {
				e.idIndex[id] = append(e.idIndex[id], c.idx)
				v, _ := strconv.Atoi(id[:4])
				e.prefixes[v] = true
			}
			c.prefixed = true
			continue
		}
		lits := requiredLiterals(c.re.String())
		if lits == nil {
			e.always = append(e.always, c.idx)
			continue
		}
		for _, l := range lits {
			i := addPat(l)
			e.pats[i].conds = append(e.pats[i].conds, c.idx)
		}
		c.prefixed = true
	}
	for _, kw := range errorKeywords {
		i := addPat(lowerASCII(kw))
		e.pats[i].keyword = true
	}
	for _, m := range substringMarkers {
		i := addPat(lowerASCII(m.lit))
		e.pats[i].marker = m.marker
	}
	e.ac = buildAC(pats)
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Options control one Diagnose call. The zero value diagnoses the last run
// of each input.
type Options struct {
	// Run selects the run (1-based) of each input to diagnose; 0 means the
	// last run. alt_disk_inst.log and op.alog hold many runs appended;
	// nimadm logs start a new run when the phase number goes down.
	Run int
	// AllRuns diagnoses every run of every input; it overrides Run.
	AllRuns bool
	// Facts supply placeholder values the logs may not contain, such as
	// {"client": "lpar1"} when the caller knows which host the logs are
	// from. Facts found in the logs win.
	Facts map[string]string
}

// Input is one log to diagnose.
type Input struct {
	// Name identifies the log in evidence: a path, "-" for stdin, or
	// "host:path" for a remote log.
	Name string
	// Open returns the content; Diagnose calls it once and closes the
	// result.
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// ReaderInput returns an Input that reads r (once).
func ReaderInput(name string, r io.Reader) Input {
	return Input{Name: name, Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(r), nil }}
}

// Diagnose diagnoses the last run of each input; see DiagnoseWithOptions.
func (e *Engine) Diagnose(ctx context.Context, inputs ...Input) (*Report, error) {
	return e.DiagnoseWithOptions(ctx, Options{}, inputs...)
}

// DiagnoseWithOptions reads every input once, streaming, and returns the
// report. Evidence from all inputs is combined: conditions with scope
// "inputs" see every file, and the same cause found in several files is one
// diagnosis with evidence from each. Binary inputs are skipped and noted in
// the report. An error is returned only when an input cannot be opened or
// read, or ctx is done; no diagnosis is made then.
func (e *Engine) DiagnoseWithOptions(ctx context.Context, opts Options, inputs ...Input) (*Report, error) {
	if opts.Run < 0 {
		return nil, fmt.Errorf("run %d: want 1 or more (0 for the last run)", opts.Run)
	}
	st := newDiagState(e, opts)
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rc, err := in.Open(ctx)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", in.Name, err)
		}
		err = st.scanInput(ctx, in.Name, rc)
		if cerr := rc.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", in.Name, cerr)
		}
		if err != nil {
			return nil, err
		}
	}
	return st.report(), nil
}
