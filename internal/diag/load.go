package diag

// Rule files are YAML. The loader walks the YAML node tree itself instead of
// decoding into structs so that every problem is reported with its line
// number, unknown keys are errors (a misspelt "whithin" must not silently
// widen a rule), and all problems of a file are reported at once.

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// NotCovered records an errors.md entry that has no rule, and why.
type NotCovered struct {
	Errors []string
	Reason string
}

// LoadRules reads and validates a rule file (same format as the built-in
// rules, see the package documentation). Problems are returned as
// *RuleError values joined with errors.Join; each names file:line.
func LoadRules(path string) ([]Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &RuleError{File: path, Msg: err.Error()}
	}
	return ParseRules(path, data)
}

// ParseRules parses and validates rule-file content; name is used in error
// messages and as Rule.File.
func ParseRules(name string, data []byte) ([]Rule, error) {
	rules, _, err := parseRuleFile(name, data)
	return rules, err
}

func parseRuleFile(name string, data []byte) ([]Rule, []NotCovered, error) {
	l := &loader{file: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, &RuleError{File: name, Line: yamlErrLine(err), Msg: "parse: " + err.Error()}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil, &RuleError{File: name, Msg: "empty rule file: want a mapping with a \"rules\" list"}
	}
	root := doc.Content[0]
	top := l.mapping(root, "", "rule file", "rules", "not_covered")
	var rules []Rule
	if n, ok := top["rules"]; ok {
		if n.Kind != yaml.SequenceNode {
			l.errorf(n.Line, "", "rules: want a list")
		} else {
			for _, rn := range n.Content {
				if r, ok := l.rule(rn); ok {
					rules = append(rules, r)
				}
			}
		}
	} else if root.Kind == yaml.MappingNode {
		l.errorf(root.Line, "", "missing key \"rules\"")
	}
	var nc []NotCovered
	if n, ok := top["not_covered"]; ok {
		if n.Kind != yaml.SequenceNode {
			l.errorf(n.Line, "", "not_covered: want a list")
		} else {
			for _, en := range n.Content {
				m := l.mapping(en, "", "not_covered entry", "errors", "reason")
				e := NotCovered{Errors: l.strList(m["errors"], ""), Reason: l.str(m["reason"], "")}
				if len(e.Errors) == 0 || e.Reason == "" {
					l.errorf(en.Line, "", "not_covered entry: want errors and reason")
				}
				nc = append(nc, e)
			}
		}
	}
	// Semantic validation, and duplicate IDs within the file.
	seen := map[string]int{}
	for i := range rules {
		r := &rules[i]
		if prev, ok := seen[r.ID]; ok && r.ID != "" {
			l.errorf(r.Line, r.ID, "duplicate rule ID (first defined at line %d)", prev)
		} else {
			seen[r.ID] = r.Line
		}
		l.errs = append(l.errs, validateRule(r)...)
	}
	if len(l.errs) > 0 {
		return nil, nil, errors.Join(l.errs...)
	}
	return rules, nc, nil
}

var yamlLineRe = regexp.MustCompile(`line ([0-9]+)`)

func yamlErrLine(err error) int {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

type loader struct {
	file string
	errs []error
}

func (l *loader) errorf(line int, rule, format string, args ...any) {
	l.errs = append(l.errs, &RuleError{File: l.file, Line: line, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

// mapping checks that n is a mapping whose keys are all in allowed, and
// returns key -> value.
func (l *loader) mapping(n *yaml.Node, rule, what string, allowed ...string) map[string]*yaml.Node {
	m := map[string]*yaml.Node{}
	if n == nil {
		return m
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(n.Line, rule, "%s: want a mapping", what)
		return m
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		ok := false
		for _, a := range allowed {
			if a == key {
				ok = true
				break
			}
		}
		if !ok {
			l.errorf(k.Line, rule, "%s: unknown key %q", what, key)
			continue
		}
		if _, dup := m[key]; dup {
			l.errorf(k.Line, rule, "%s: duplicate key %q", what, key)
			continue
		}
		m[key] = v
	}
	return m
}

func (l *loader) str(n *yaml.Node, rule string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		l.errorf(n.Line, rule, "want a string")
		return ""
	}
	return n.Value
}

func (l *loader) strList(n *yaml.Node, rule string) []string {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				l.errorf(c.Line, rule, "want a list of strings")
				continue
			}
			out = append(out, c.Value)
		}
		return out
	}
	l.errorf(n.Line, rule, "want a string or a list of strings")
	return nil
}

func (l *loader) intVal(n *yaml.Node, rule, what string) int {
	if n == nil {
		return 0
	}
	v, err := strconv.Atoi(l.str(n, rule))
	if err != nil {
		l.errorf(n.Line, rule, "%s: want an integer, got %q", what, n.Value)
	}
	return v
}

func (l *loader) intList(n *yaml.Node, rule, what string) []int {
	var out []int
	for _, s := range l.strList(n, rule) {
		v, err := strconv.Atoi(s)
		if err != nil {
			l.errorf(n.Line, rule, "%s: want integers, got %q", what, s)
			continue
		}
		out = append(out, v)
	}
	return out
}

func (l *loader) boolVal(n *yaml.Node, rule, what string) bool {
	if n == nil {
		return false
	}
	switch l.str(n, rule) {
	case "true":
		return true
	case "false":
		return false
	}
	l.errorf(n.Line, rule, "%s: want true or false, got %q", what, n.Value)
	return false
}

func (l *loader) confidence(n *yaml.Node, rule string) Confidence {
	if n == nil {
		return 0
	}
	c, err := ParseConfidence(l.str(n, rule))
	if err != nil {
		l.errorf(n.Line, rule, "%v", err)
	}
	return c
}

func (l *loader) rule(n *yaml.Node) (Rule, bool) {
	r := Rule{File: l.file, Line: n.Line}
	if n.Kind != yaml.MappingNode {
		l.errorf(n.Line, "", "rule: want a mapping")
		return r, false
	}
	// Find the ID first so that every later message can name the rule.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" && n.Content[i+1].Kind == yaml.ScalarNode {
			r.ID = n.Content[i+1].Value
		}
	}
	m := l.mapping(n, r.ID, "rule", "id", "title", "errors", "check", "confidence",
		"informational", "fallback", "cause", "fix", "verify", "links", "match")
	r.Title = l.str(m["title"], r.ID)
	r.Errors = l.strList(m["errors"], r.ID)
	r.Check = l.str(m["check"], r.ID)
	r.Confidence = l.confidence(m["confidence"], r.ID)
	r.Informational = l.boolVal(m["informational"], r.ID, "informational")
	r.Fallback = l.boolVal(m["fallback"], r.ID, "fallback")
	r.Cause = l.str(m["cause"], r.ID)
	r.Fix = l.fix(m["fix"], r.ID, "fix")
	r.Verify = l.fix(m["verify"], r.ID, "verify")
	r.Links = l.strList(m["links"], r.ID)
	if mn, ok := m["match"]; ok {
		r.Match = l.match(mn, r.ID)
	}
	return r, true
}

func (l *loader) fix(n *yaml.Node, rule, what string) Fix {
	if n == nil {
		return Fix{}
	}
	m := l.mapping(n, rule, what, "text", "commands")
	return Fix{Text: l.str(m["text"], rule), Commands: l.strList(m["commands"], rule)}
}

func (l *loader) match(n *yaml.Node, rule string) Match {
	m := l.mapping(n, rule, "match", "sources", "phases", "altdisk_phases", "require_phase",
		"command", "trigger", "with", "without", "optional", "explains", "adjust")
	var mt Match
	for _, s := range l.strList(m["sources"], rule) {
		mt.Sources = append(mt.Sources, Kind(s))
	}
	mt.Phases = l.intList(m["phases"], rule, "phases")
	mt.AltDiskPhases = l.intList(m["altdisk_phases"], rule, "altdisk_phases")
	mt.RequirePhase = l.boolVal(m["require_phase"], rule, "require_phase")
	mt.Command = l.str(m["command"], rule)
	if tn, ok := m["trigger"]; ok {
		mt.Trigger = l.cond(tn, rule, "trigger")
	} else {
		l.errorf(n.Line, rule, "match: missing key \"trigger\"")
	}
	mt.With = l.conds(m["with"], rule, "with")
	mt.Without = l.conds(m["without"], rule, "without")
	mt.Optional = l.conds(m["optional"], rule, "optional")
	mt.Explains = l.conds(m["explains"], rule, "explains")
	if an, ok := m["adjust"]; ok {
		if an.Kind != yaml.SequenceNode {
			l.errorf(an.Line, rule, "adjust: want a list")
		} else {
			for _, e := range an.Content {
				am := l.mapping(e, rule, "adjust", "confidence", "when", "unless", "note")
				a := Adjust{
					Confidence: l.confidence(am["confidence"], rule),
					When:       l.conds(am["when"], rule, "when"),
					Unless:     l.conds(am["unless"], rule, "unless"),
					Note:       l.str(am["note"], rule),
				}
				if a.Confidence == 0 {
					l.errorf(e.Line, rule, "adjust: missing key \"confidence\"")
				}
				mt.Adjust = append(mt.Adjust, a)
			}
		}
	}
	return mt
}

func (l *loader) conds(n *yaml.Node, rule, what string) []Condition {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n.Line, rule, "%s: want a list of conditions", what)
		return nil
	}
	var out []Condition
	for _, c := range n.Content {
		out = append(out, l.cond(c, rule, what))
	}
	return out
}

func (l *loader) cond(n *yaml.Node, rule, what string) Condition {
	m := l.mapping(n, rule, what, "id", "regex", "not", "within", "scope")
	c := Condition{
		IDs:   l.strList(m["id"], rule),
		Regex: l.str(m["regex"], rule),
		Not:   l.str(m["not"], rule),
		Scope: Scope(l.str(m["scope"], rule)),
		Line:  n.Line,
	}
	if wn, ok := m["within"]; ok {
		c.Within = l.intVal(wn, rule, "within")
	}
	return c
}

// validateRule checks a rule's content; it is used for rules from files and
// for rules built in Go (through New).
func validateRule(r *Rule) []error {
	var errs []error
	bad := func(line int, format string, args ...any) {
		if line == 0 {
			line = r.Line
		}
		errs = append(errs, &RuleError{File: r.File, Line: line, Rule: r.ID, Msg: fmt.Sprintf(format, args...)})
	}
	if !ruleIDRe.MatchString(r.ID) {
		bad(0, "id %q: want DIAG- and four digits", r.ID)
	}
	if r.Title == "" {
		bad(0, "missing title")
	}
	if len(r.Errors) == 0 {
		bad(0, "missing errors (the errors.md entries, e.g. [E01])")
	}
	for _, e := range r.Errors {
		if !errorsIDRe.MatchString(e) {
			bad(0, "errors: %q is not an errors.md entry (want E and two digits, or \"multibos.md §5.5\")", e)
		}
	}
	if r.Check != "none" && !checkIDRe.MatchString(r.Check) {
		bad(0, "check %q: want a preflight check ID (PRE-0000) or none", r.Check)
	}
	if r.Confidence < Low || r.Confidence > High {
		bad(0, "missing confidence (low, medium or high)")
	}
	if r.Informational && r.Fallback {
		bad(0, "a rule cannot be both informational and fallback")
	}
	mt := &r.Match
	if !r.Informational {
		if r.Cause == "" {
			bad(0, "missing cause")
		}
		if r.Fix.Text == "" && len(r.Fix.Commands) == 0 {
			bad(0, "missing fix")
		}
	} else if len(mt.Sources)+len(mt.Phases)+len(mt.AltDiskPhases)+len(mt.With)+len(mt.Without)+len(mt.Optional)+len(mt.Adjust)+len(mt.Explains) > 0 || mt.Command != "" {
		bad(0, "an informational rule has only a trigger")
	}
	for _, k := range mt.Sources {
		if kindBit(k) == 0 {
			bad(0, "sources: unknown kind %q", k)
		}
	}
	for _, p := range mt.Phases {
		if p < 1 || p > 12 {
			bad(0, "phases: %d is not a nimadm phase (1-12)", p)
		}
	}
	for _, p := range mt.AltDiskPhases {
		if p < 1 || p > 3 {
			bad(0, "altdisk_phases: %d is not an alt_disk phase (1-3)", p)
		}
	}
	if mt.Command != "" {
		if _, err := regexp.Compile(mt.Command); err != nil {
			bad(0, "command: bad regular expression: %v", err)
		}
	}
	captures := map[string]bool{}
	checkCond := func(c *Condition, what string, trigger bool) {
		if len(c.IDs) == 0 && c.Regex == "" {
			bad(c.Line, "%s: want an id or a regex", what)
		}
		for _, id := range c.IDs {
			if !msgIDRe.MatchString(id) {
				bad(c.Line, "%s: message ID %q: want NNNN-NNN or NNNN-NNNN", what, id)
			}
		}
		for _, src := range []string{c.Regex, c.Not} {
			if src == "" {
				continue
			}
			re, err := regexp.Compile(src)
			if err != nil {
				bad(c.Line, "%s: bad regular expression: %v", what, err)
				continue
			}
			if src == c.Not {
				continue
			}
			for _, name := range re.SubexpNames()[1:] {
				if name == "" {
					continue
				}
				if !captureNameRe.MatchString(name) {
					bad(c.Line, "%s: capture name %q: want lowercase letters, digits and _", what, name)
				}
				captures[name] = true
			}
		}
		switch c.Scope {
		case "", ScopeRun:
		case ScopeInputs:
			if c.Within != 0 {
				bad(c.Line, "%s: within needs scope run", what)
			}
		default:
			bad(c.Line, "%s: scope %q: want run or inputs", what, c.Scope)
		}
		if c.Within < 0 || c.Within > maxWithin {
			bad(c.Line, "%s: within %d: want 0 to %d", what, c.Within, maxWithin)
		}
		if trigger && (c.Within != 0 || (c.Scope != "" && c.Scope != ScopeRun)) {
			bad(c.Line, "trigger: within and scope do not apply to the trigger")
		}
	}
	checkCond(&mt.Trigger, "trigger", true)
	near := 0
	for _, group := range []struct {
		what  string
		conds []Condition
	}{{"with", mt.With}, {"without", mt.Without}, {"optional", mt.Optional}, {"explains", mt.Explains}} {
		for i := range group.conds {
			checkCond(&group.conds[i], group.what, false)
			if group.conds[i].Within > 0 && group.what != "explains" {
				near++
			}
		}
	}
	for i := range mt.Adjust {
		a := &mt.Adjust[i]
		if a.Confidence < Low || a.Confidence > High {
			bad(0, "adjust: missing confidence")
		}
		if len(a.When)+len(a.Unless) == 0 {
			bad(0, "adjust: want when or unless conditions")
		}
		for j := range a.When {
			checkCond(&a.When[j], "adjust when", false)
			if a.When[j].Within > 0 {
				near++
			}
		}
		for j := range a.Unless {
			checkCond(&a.Unless[j], "adjust unless", false)
			if a.Unless[j].Within > 0 {
				near++
			}
		}
	}
	if near > maxNearCond {
		bad(0, "too many conditions with within (%d, max %d)", near, maxNearCond)
	}
	texts := append([]string{r.Cause, r.Fix.Text, r.Verify.Text}, r.Fix.Commands...)
	texts = append(texts, r.Verify.Commands...)
	for _, t := range texts {
		for _, name := range placeholders(t) {
			if !captures[name] && factIndex(name) < 0 {
				bad(0, "placeholder {%s} is neither a capture of this rule nor a fact (%v)", name, factNames)
			}
		}
	}
	return errs
}
