package diag

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Confidence says how sure a diagnosis is. The zero value means "not set".
type Confidence int

// Confidence levels, weakest first, so that they compare with < and >.
const (
	// Low: a plausible cause; confirm it with the rule's verify commands
	// before acting on it.
	Low Confidence = iota + 1
	// Medium: the usual cause of this output, but other causes are known.
	Medium
	// High: the output names this cause; the fix can be applied after its
	// own safety checks.
	High
)

// String returns "low", "medium", "high", or "" for the zero value.
func (c Confidence) String() string {
	switch c {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return ""
}

// ParseConfidence parses "low", "medium" or "high".
func ParseConfidence(s string) (Confidence, error) {
	switch s {
	case "low":
		return Low, nil
	case "medium":
		return Medium, nil
	case "high":
		return High, nil
	}
	return 0, fmt.Errorf("confidence %q: want low, medium or high", s)
}

// MarshalText implements encoding.TextMarshaler.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Confidence) UnmarshalText(b []byte) error {
	v, err := ParseConfidence(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// lower returns the next weaker level; Low stays Low.
func (c Confidence) lower() Confidence {
	if c > Low {
		return c - 1
	}
	return c
}

// Kind names the program whose output a log (or part of one) is. The
// segmenter recognises kinds by content, never by file name; one run can
// have several kinds (a nimadm log relays alt_disk, installp and bosboot
// output).
type Kind string

// Kinds the segmenter recognises.
const (
	KindNimadm   Kind = "nimadm"   // nimadm console output or the master's alt_mig log
	KindAltDisk  Kind = "altdisk"  // alt_disk_copy/alt_disk_install output, the client's alt_disk_inst.log
	KindMultibos Kind = "multibos" // multibos output or /etc/multibos/logs/op.alog
	KindInstallp Kind = "installp" // installp, geninstall, sysck, emgr, instfix output
	KindBosboot  Kind = "bosboot"  // bosboot, mkszfile, savebase output
	KindNIM      Kind = "nim"      // lsnim listings and nim command errors (0042-xxx)
	KindLVM      Kind = "lvm"      // LVM command output (lsvg, lspv, mklv, extendvg, ...)
	KindSSH      Kind = "sshd"     // sshd start-up and configuration messages
	KindText     Kind = "text"     // nothing recognised
)

var allKinds = []Kind{KindNimadm, KindAltDisk, KindMultibos, KindInstallp, KindBosboot, KindNIM, KindLVM, KindSSH, KindText}

type kindMask uint16

func kindBit(k Kind) kindMask {
	for i, x := range allKinds {
		if x == k {
			return 1 << i
		}
	}
	return 0
}

func (m kindMask) kinds() []Kind {
	var ks []Kind
	for i, k := range allKinds {
		if m&(1<<i) != 0 {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		ks = append(ks, KindText)
	}
	return ks
}

// primary is the kind that best names a run: the first "container" kind in
// allKinds order.
func (m kindMask) primary() Kind { return m.kinds()[0] }

// Scope says where a condition looks for its line.
type Scope string

// Scopes.
const (
	// ScopeRun (the default) looks in the same run as the trigger line, or,
	// when Within is set, within that many lines of it.
	ScopeRun Scope = "run"
	// ScopeInputs looks at every line of every input of one Diagnose call:
	// evidence from another file, such as `lsvg -l rootvg` output saved
	// beside the nimadm log.
	ScopeInputs Scope = "inputs"
)

// Rule is one diagnosis: a matcher over log lines plus what to tell the
// administrator when it matches. Rules are data; the built-in ones live in
// rules/*.yaml and user rules use the same format (see [LoadRules]).
type Rule struct {
	// ID is permanent: DIAG- and four digits. Never reuse one.
	ID string
	// Title is a one-line summary of the cause.
	Title string
	// Errors names the entries of the domain catalogue errors.md (E01, ...)
	// the rule implements, or a section of the domain notes for failures
	// without an entry ("multibos.md §5.5").
	Errors []string
	// Check is the preflight check (PRE-xxxx, docs/check-ids.md) that would
	// have caught the problem before the run, or "none".
	Check string
	// Confidence before any adjustment.
	Confidence Confidence
	// Informational rules never produce a diagnosis: lines matching their
	// trigger are known to be harmless and are not treated as error lines
	// (for example "0513-029 The biod Subsystem is already active.").
	Informational bool
	// Fallback rules are reported only when no other rule matched in the
	// same run: a generic explanation for output whose context is unknown.
	Fallback bool
	// Cause explains the root cause. {name} placeholders are filled from
	// the named captures of the rule's regular expressions and from facts
	// the segmenter extracts (client, disk, version, cache_vg, spot,
	// lpp_source); "{{" is a literal brace.
	Cause string
	// Fix says what to do, with exact commands.
	Fix Fix
	// Verify says how to confirm the diagnosis or tell it apart from a
	// rule with the same symptom. Optional.
	Verify Fix
	// Links are public sources for the diagnosis.
	Links []string
	// Match decides whether the rule applies.
	Match Match

	// File and Line locate the rule's definition; empty for rules built
	// in Go code.
	File string
	Line int
}

// Fix is advice: prose and commands.
type Fix struct {
	Text     string   `json:"text"`
	Commands []string `json:"commands"`
}

// Match is a rule's matcher. A rule matches a run when the trigger matches
// a line whose phase, command and kind fit, every With condition holds and
// no Without condition holds.
type Match struct {
	// Sources limits the rule to runs that contain output of one of these
	// kinds. Empty means any kind.
	Sources []Kind
	// Phases are the nimadm phases (1-12) in which the trigger line may
	// appear; AltDiskPhases are the alt_disk phases (1-3). When both are
	// given either may match. When the phase of the trigger line is not
	// known, the rule still matches with its confidence lowered one level,
	// unless RequirePhase is set.
	Phases        []int
	AltDiskPhases []int
	RequirePhase  bool
	// Command, if set, is a regular expression the command running at the
	// trigger line must match ("cmd: ..." or "Client alt_disk_install
	// command: ..." or a shell prompt line).
	Command string
	// Trigger is the line that names the failure; it anchors Within,
	// phases and evidence.
	Trigger Condition
	// With conditions must all hold; Without conditions must not.
	With    []Condition
	Without []Condition
	// Optional lines are shown as evidence and fill placeholders when
	// present; they are never required.
	Optional []Condition
	// Explains lists lines that are consequences of this cause (wrapper
	// messages, cleanup); when the rule matches they are not reported as
	// unexplained error lines.
	Explains []Condition
	// Adjust changes the confidence: the first entry whose conditions hold
	// wins.
	Adjust []Adjust
}

// Condition matches one line.
type Condition struct {
	// IDs: the line must contain one of these message IDs (0505-218).
	IDs []string
	// Regex: the line must match this RE2 expression. Named captures
	// ((?P<disk>hdisk[0-9]+)) fill placeholders.
	Regex string
	// Not: the line must not match this RE2 expression.
	Not string
	// Within: the line must be at most this many lines before or after the
	// trigger line. Zero means anywhere in the run.
	Within int
	// Scope: ScopeRun (default) or ScopeInputs.
	Scope Scope

	// Line is where the condition is defined in its rule file (0 if not
	// from a file).
	Line int
}

// Adjust sets a rule's confidence when all When conditions hold and no
// Unless condition holds.
type Adjust struct {
	Confidence Confidence
	When       []Condition
	Unless     []Condition
	// Note is added to the diagnosis when this adjustment applies.
	Note string
}

// clone returns a deep copy of r, so that rules handed out or taken in
// never share slices with the caller.
func (r Rule) clone() Rule {
	c := r
	c.Errors = slices.Clone(r.Errors)
	c.Links = slices.Clone(r.Links)
	c.Fix.Commands = slices.Clone(r.Fix.Commands)
	c.Verify.Commands = slices.Clone(r.Verify.Commands)
	m := &c.Match
	m.Sources = slices.Clone(r.Match.Sources)
	m.Phases = slices.Clone(r.Match.Phases)
	m.AltDiskPhases = slices.Clone(r.Match.AltDiskPhases)
	m.Trigger = r.Match.Trigger.clone()
	m.With = cloneConds(r.Match.With)
	m.Without = cloneConds(r.Match.Without)
	m.Optional = cloneConds(r.Match.Optional)
	m.Explains = cloneConds(r.Match.Explains)
	m.Adjust = nil
	for _, a := range r.Match.Adjust {
		a.When = cloneConds(a.When)
		a.Unless = cloneConds(a.Unless)
		m.Adjust = append(m.Adjust, a)
	}
	return c
}

func (c Condition) clone() Condition {
	c.IDs = slices.Clone(c.IDs)
	return c
}

func cloneConds(cs []Condition) []Condition {
	if cs == nil {
		return nil
	}
	out := make([]Condition, len(cs))
	for i, c := range cs {
		out[i] = c.clone()
	}
	return out
}

// Limits on rule definitions.
const (
	maxWithin   = 50 // largest Within
	maxNearCond = 64 // Within conditions per rule (a bitset)
)

var (
	ruleIDRe      = regexp.MustCompile(`^DIAG-[0-9]{4}$`)
	checkIDRe     = regexp.MustCompile(`^PRE-[0-9]{4}$`)
	errorsIDRe    = regexp.MustCompile(`^(E[0-9]{2}|(errors|multibos|nimadm|transcripts)\.md §[0-9]+(\.[0-9]+)?)$`)
	msgIDRe       = regexp.MustCompile(`^[0-9]{4}-[0-9]{3,4}$`)
	captureNameRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// factNames are placeholders the segmenter fills from the logs themselves.
var factNames = []string{"client", "disk", "version", "cache_vg", "spot", "lpp_source"}

func factIndex(name string) int {
	for i, n := range factNames {
		if n == name {
			return i
		}
	}
	return -1
}

// RuleError is a problem with a rule definition: a rule file that does not
// parse, an unknown key, a bad regular expression, a duplicate ID or a
// missing field. Validation reports every problem it finds, joined with
// errors.Join.
type RuleError struct {
	File string // rule file, "" for rules built in Go
	Line int    // 0 when unknown
	Rule string // rule ID, "" when unknown
	Msg  string
}

func (e *RuleError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Rule != "" {
		b.WriteString(e.Rule)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// placeholders returns the {name} placeholders in s; "{{" escapes a brace.
// Text between braces that is not a valid name (shell code such as
// "awk '{print $1}'") is not a placeholder.
func placeholders(s string) []string {
	var names []string
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			i++
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name := s[i+1 : i+j]
		if captureNameRe.MatchString(name) {
			names = append(names, name)
		}
		i += j
	}
	return names
}

// fill replaces placeholders with values from lookup; a missing value is
// shown as <name>. "{{" becomes "{".
func fill(s string, lookup func(string) (string, bool)) string {
	if strings.IndexByte(s, '{') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		name := s[i+1 : i+j]
		if !captureNameRe.MatchString(name) {
			b.WriteByte(c)
			continue
		}
		if v, ok := lookup(name); ok && v != "" {
			b.WriteString(v)
		} else {
			b.WriteString("<" + name + ">")
		}
		i += j
	}
	return b.String()
}
