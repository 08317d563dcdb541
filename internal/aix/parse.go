package aix

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MaxInput is the largest command output, in bytes, that any parser in this
// package accepts. Larger inputs are rejected with a [*ParseError] instead of
// being read.
const MaxInput = 8 << 20

// maxErrText caps the offending text quoted in a [ParseError].
const maxErrText = 120

// ParseError reports output that a parser does not understand.
type ParseError struct {
	// Cmd names the command whose output was parsed, e.g. "lspv" or
	// "lsvg -l".
	Cmd string
	// Line is the 1-based line number of the offending line, or 0 when the
	// problem concerns the output as a whole (too large, empty, a missing
	// field).
	Line int
	// Text is the offending line, possibly truncated; empty when Line is 0
	// or when quoting it would not help.
	Text string
	// Msg says what was wrong, in lowercase, without the command or line.
	Msg string
}

// Error implements error, e.g.
// `lspv: line 3: want at least 3 fields, got 1: "garbage"`.
func (e *ParseError) Error() string {
	switch {
	case e.Line > 0 && e.Text != "":
		return fmt.Sprintf("%s: line %d: %s: %q", e.Cmd, e.Line, e.Msg, e.Text)
	case e.Line > 0:
		return fmt.Sprintf("%s: line %d: %s", e.Cmd, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.Cmd, e.Msg)
	}
}

// errorf builds a *ParseError. line is 1-based (0 = whole output) and text is
// the offending line; it is truncated to keep messages short.
func errorf(cmd string, line int, text string, format string, args ...any) *ParseError {
	if len(text) > maxErrText {
		text = text[:maxErrText] + "..."
	}
	return &ParseError{Cmd: cmd, Line: line, Text: text, Msg: fmt.Sprintf(format, args...)}
}

// line is one line of command output: its 1-based number and its text with
// carriage returns and trailing blanks removed.
type line struct {
	n int
	s string
}

// blank reports whether the line holds nothing but blanks.
func (l line) blank() bool { return strings.TrimSpace(l.s) == "" }

// splitLines checks the size of out, removes every '\r', splits it into lines
// and trims trailing spaces and tabs from each. A final newline does not
// produce an empty last line.
func splitLines(cmd string, out []byte) ([]line, error) {
	if len(out) > MaxInput {
		return nil, errorf(cmd, 0, "", "input too large: %d bytes, limit %d", len(out), MaxInput)
	}
	s := string(bytes.ReplaceAll(out, []byte("\r"), nil))
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, "\n")
	ls := make([]line, len(parts))
	for i, p := range parts {
		ls[i] = line{n: i + 1, s: strings.TrimRight(p, " \t")}
	}
	return ls, nil
}

// nonBlank returns the lines of out that are not blank.
func nonBlank(cmd string, out []byte) ([]line, error) {
	ls, err := splitLines(cmd, out)
	if err != nil {
		return nil, err
	}
	var nb []line
	for _, l := range ls {
		if !l.blank() {
			nb = append(nb, l)
		}
	}
	return nb, nil
}

// singleLine returns the only non-blank line of out, trimmed on both sides.
// It returns ok=false, with no error, when out holds no non-blank line, and
// an error when it holds more than one.
func singleLine(cmd string, out []byte) (s string, n int, ok bool, err error) {
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return "", 0, false, err
	}
	switch len(ls) {
	case 0:
		return "", 0, false, nil
	case 1:
		return strings.TrimSpace(ls[0].s), ls[0].n, true, nil
	default:
		return "", 0, false, errorf(cmd, ls[1].n, ls[1].s, "want one line, got %d", len(ls))
	}
}

// requireLine is singleLine for commands that must print exactly one line.
func requireLine(cmd string, out []byte) (string, int, error) {
	s, n, ok, err := singleLine(cmd, out)
	if err != nil {
		return "", 0, err
	}
	if !ok {
		return "", 0, errorf(cmd, 0, "", "empty output")
	}
	return s, n, nil
}

// atoi parses a non-negative decimal integer of at most 18 digits, so that
// it cannot overflow an int on 64-bit platforms (or, with fewer digits in
// practice, on 32-bit ones: values are bounded by strconv).
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return n, true
}

// isUnknownValue reports whether an AIX value is one of the placeholders
// printed when the ODM data is unavailable: "?" (lsvg) or a run of question
// marks such as "???????" (lspv on a varied-off VG).
func isUnknownValue(s string) bool {
	return s != "" && strings.Trim(s, "?") == ""
}

// messageIDRE matches the AIX message IDs of the commands nimfleet runs.
var messageIDRE = regexp.MustCompile(`\b(?:0042|0301|0503|0504|0505|0511|0513|0514|0516|0565|0653|3001|3004)-[0-9]{3,4}\b`)

// MessageIDs returns every AIX message ID (such as "0516-320" or
// "0042-053") found in text, in order of appearance. A repeated ID is
// returned each time it occurs; the result is nil when there is none.
// Only the prefixes seen in this domain are recognised: 0042 (NIM), 0301
// (bosboot), 0503 (installp), 0504 (lslpp), 0505 (nimadm, alt_disk), 0511,
// 0513 (SRC), 0514 (devices), 0516 (LVM), 0565 (multibos), 0653 (ls and
// other file commands), 3001 (sysck) and 3004 (user and group commands).
// Inputs larger than MaxInput are only searched up to MaxInput bytes.
func MessageIDs(text []byte) []string {
	if len(text) > MaxInput {
		text = text[:MaxInput]
	}
	ms := messageIDRE.FindAll(text, -1)
	if ms == nil {
		return nil
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = string(m)
	}
	return ids
}

// hasMessageID reports whether text contains the message ID id, e.g.
// "0516-320", not followed by a further digit.
func hasMessageID(text []byte, id string) bool {
	for _, m := range MessageIDs(text) {
		if m == id {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }
