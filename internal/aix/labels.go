package aix

import (
	"regexp"
	"strings"
)

// This file holds the helpers for the "LABEL:   value   LABEL:   value"
// layout shared by `lsvg VG` and `lspv hdiskN`.
//
// IBM's lvm_facts.py cuts every line at the column where the right-hand
// label starts in line 1. We instead find the labels themselves: a label
// starts the line or follows two or more spaces, begins with an upper-case
// letter, is made of words separated by single spaces, and ends with ':'
// followed by a blank or the end of the line. Values never contain ':' in
// these listings, so a value that overflows its column still parses.

var labelRE = regexp.MustCompile(`(?:^|  +)([A-Z][A-Za-z0-9()/-]*(?: [A-Za-z0-9()/?-]+)*):(?: |$)`)

// pair is one label and its value, both trimmed.
type pair struct {
	label, value string
}

// labelPairs splits a line of a two-column listing into label/value pairs.
// It fails when the line does not start with a label.
func labelPairs(cmd string, l line) ([]pair, error) {
	ms := labelRE.FindAllStringSubmatchIndex(l.s, -1)
	if len(ms) == 0 || ms[0][0] != 0 {
		return nil, errorf(cmd, l.n, l.s, "want LABEL: value")
	}
	ps := make([]pair, len(ms))
	for i, m := range ms {
		end := len(l.s)
		if i+1 < len(ms) {
			end = ms[i+1][0]
		}
		ps[i] = pair{label: l.s[m[2]:m[3]], value: strings.TrimSpace(l.s[m[1]:end])}
	}
	return ps, nil
}

// fieldSet collects label/value pairs and converts the values of known
// labels. The first conversion error is kept and reported by err.
type fieldSet struct {
	cmd     string
	fields  map[string]string
	lines   map[string]line
	unknown map[string]bool
	err     error
}

func newFieldSet(cmd string) *fieldSet {
	return &fieldSet{cmd: cmd, fields: map[string]string{}, lines: map[string]line{}, unknown: map[string]bool{}}
}

// add records one pair; a label seen twice is an error.
func (fs *fieldSet) add(l line, p pair) error {
	if _, dup := fs.fields[p.label]; dup {
		return errorf(fs.cmd, l.n, l.s, "duplicate label %q", p.label)
	}
	fs.fields[p.label] = p.value
	fs.lines[p.label] = l
	if isUnknownValue(p.value) {
		fs.unknown[p.label] = true
	}
	return nil
}

func (fs *fieldSet) fail(label, format string, args ...any) {
	if fs.err == nil {
		l := fs.lines[label]
		fs.err = errorf(fs.cmd, l.n, l.s, "%s: "+format, append([]any{label}, args...)...)
	}
}

// require fails for each label that is absent (a "?" value is present).
func (fs *fieldSet) require(labels ...string) {
	for _, lb := range labels {
		if _, ok := fs.fields[lb]; !ok && fs.err == nil {
			fs.err = errorf(fs.cmd, 0, "", "missing field %q", lb)
		}
	}
}

// str returns the value of label, or "" when absent or unknown.
func (fs *fieldSet) str(label string) string {
	if fs.unknown[label] {
		return ""
	}
	return fs.fields[label]
}

// value returns the raw value and whether it is usable (present and not
// a question-mark placeholder).
func (fs *fieldSet) value(label string) (string, bool) {
	v, ok := fs.fields[label]
	if !ok || fs.unknown[label] {
		return "", false
	}
	return v, true
}

// int parses a plain integer value.
func (fs *fieldSet) int(label string) int {
	v, ok := fs.value(label)
	if !ok {
		return 0
	}
	n, ok := atoi(v)
	if !ok {
		fs.fail(label, "want an integer, got %q", v)
	}
	return n
}

var (
	countMBRE = regexp.MustCompile(`^([0-9]+) +\(([0-9]+) +megabytes\)$`)
	sizeRE    = regexp.MustCompile(`^([0-9]+) +(kilobyte|megabyte|gigabyte)(?:\(s\)|s)?$`)
	quorumRE  = regexp.MustCompile(`^([0-9]+) +\(([A-Za-z]+)\)$`)
	distRE    = regexp.MustCompile(`^([0-9]+)\.\.([0-9]+)\.\.([0-9]+)\.\.([0-9]+)\.\.([0-9]+)$`)
)

// countMB parses "2550 (40800 megabytes)".
func (fs *fieldSet) countMB(label string) (count, mb int) {
	v, ok := fs.value(label)
	if !ok {
		return 0, 0
	}
	m := countMBRE.FindStringSubmatch(v)
	if m == nil {
		fs.fail(label, "want N (M megabytes), got %q", v)
		return 0, 0
	}
	count, ok1 := atoi(m[1])
	mb, ok2 := atoi(m[2])
	if !ok1 || !ok2 {
		fs.fail(label, "number too large in %q", v)
		return 0, 0
	}
	return count, mb
}

// size parses "16 megabyte(s)", "256 kilobyte(s)" or "512 kilobytes" and
// returns the value in unit ("kilobyte" or "megabyte"). A "gigabyte(s)"
// value [U: never seen, assumed for very large PP sizes] is converted.
func (fs *fieldSet) size(label, unit string) int {
	v, ok := fs.value(label)
	if !ok {
		return 0
	}
	m := sizeRE.FindStringSubmatch(v)
	if m == nil {
		fs.fail(label, "want a size such as 16 megabyte(s), got %q", v)
		return 0
	}
	n, ok := atoi(m[1])
	if !ok || len(m[1]) > 9 {
		fs.fail(label, "number too large in %q", v)
		return 0
	}
	scale := map[string]int{"kilobyte": 1, "megabyte": 1024, "gigabyte": 1024 * 1024}
	got, want := scale[m[2]], scale[unit]
	if got < want {
		fs.fail(label, "want a size in %ss or larger, got %q", unit, v)
		return 0
	}
	return n * (got / want)
}

// dist parses a FREE/USED DISTRIBUTION value "126..00..00..00..128".
func parseDist(v string) ([5]int, bool) {
	var d [5]int
	m := distRE.FindStringSubmatch(v)
	if m == nil {
		return d, false
	}
	for i := range d {
		n, ok := atoi(m[i+1])
		if !ok {
			return d, false
		}
		d[i] = n
	}
	return d, true
}

func (fs *fieldSet) dist(label string) [5]int {
	v, ok := fs.value(label)
	if !ok {
		return [5]int{}
	}
	d, ok := parseDist(v)
	if !ok {
		fs.fail(label, "want five ..-separated counts, got %q", v)
	}
	return d
}

// quorum parses "2 (Enabled)".
func (fs *fieldSet) quorum(label string) (int, string) {
	v, ok := fs.value(label)
	if !ok {
		return 0, ""
	}
	m := quorumRE.FindStringSubmatch(v)
	if m == nil {
		// Some levels may print the number alone [U].
		if n, ok := atoi(v); ok {
			return n, ""
		}
		fs.fail(label, "want N (State), got %q", v)
		return 0, ""
	}
	n, ok := atoi(m[1])
	if !ok {
		fs.fail(label, "number too large in %q", v)
		return 0, ""
	}
	return n, m[2]
}

// unknownMap returns the set of labels with "?" values, or nil.
func (fs *fieldSet) unknownMap() map[string]bool {
	if len(fs.unknown) == 0 {
		return nil
	}
	return fs.unknown
}
