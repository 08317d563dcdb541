package aix

import (
	"bytes"
	"regexp"
	"strings"
	"time"
)

// Efix is one row of `emgr -l`.
type Efix struct {
	ID int
	// State is the state code without the asterisks, e.g. "S", "Q", "SP".
	State string
	// RebootRequired is true when the state contains Q (IBM's rule); AIX
	// prints such a state as "*Q*".
	RebootRequired bool
	Label          string
	// Installed is INSTALL TIME, parsed as MM/DD/YY hh:mm:ss in UTC
	// (emgr prints local time without a zone).
	Installed time.Time
	UpdatedBy string
	Abstract  string
}

// emgrNoEfix is the text emgr writes to stderr, with exit 0, when no
// interim fix is installed.
const emgrNoEfix = "There is no efix data on this system"

var (
	emgrStates = map[string]bool{
		"S": true, "M": true, "U": true, "Q": true, "B": true, "I": true, "R": true,
		"T": true, "P": true, "N": true, "SP": true, "SN": true, "QP": true, "QN": true, "RQ": true,
	}
	emgrHeadRE   = regexp.MustCompile(`^ID\s+STATE\s+LABEL\s+INSTALL TIME\s+UPDATED BY\s+ABSTRACT$`)
	emgrRowRE    = regexp.MustCompile(`^([0-9]{1,6})\s+(\*?[A-Z]{1,2}\*?)\s+(\S+)\s+([0-9]{2}/[0-9]{2}/[0-9]{2}\s+[0-9]{2}:[0-9]{2}:[0-9]{2})(.*)$`)
	emgrLegendRE = regexp.MustCompile(`^[A-Z]{1,2} = \S.*$`)
)

// ParseEmgrL parses `emgr -l`. stdout holds the table, stderr the
// "There is no efix data on this system." message that emgr prints (with
// exit 0) when no fix is installed; that case gives an empty list. A
// non-zero exit is an error.
//
// Like IBM's parser, UPDATED BY and ABSTRACT are cut at the header's
// column starts, never at the "===" underline, which differs between
// levels (7.3 TL2 prints five groups). When a long label pushes a row
// right, the cut follows it. The STATE codes legend after the table is
// checked and skipped.
func ParseEmgrL(stdout, stderr []byte, exit int) ([]Efix, error) {
	const cmd = "emgr -l"
	if exit != 0 {
		msg := strings.TrimSpace(firstLine(stderr))
		return nil, errorf(cmd, 0, "", "exit status %d: %s", exit, msg)
	}
	ls, err := nonBlank(cmd, stdout)
	if err != nil {
		return nil, err
	}
	res := []Efix{}
	if len(ls) == 0 {
		if bytes.Contains(stderr, []byte(emgrNoEfix)) {
			return res, nil
		}
		return nil, errorf(cmd, 0, "", "empty output without %q on stderr", emgrNoEfix)
	}
	if len(ls) == 1 && strings.Contains(ls[0].s, emgrNoEfix) {
		return res, nil
	}
	h := ls[0]
	if !emgrHeadRE.MatchString(strings.TrimSpace(h.s)) {
		return nil, errorf(cmd, h.n, h.s, "want header ID STATE LABEL INSTALL TIME UPDATED BY ABSTRACT")
	}
	colTime := strings.Index(h.s, "INSTALL TIME")
	colBy := strings.Index(h.s, "UPDATED BY")
	colAbs := strings.Index(h.s, "ABSTRACT")
	rest := ls[1:]
	if len(rest) > 0 && strings.Trim(rest[0].s, "= ") == "" {
		rest = rest[1:]
	}
	inLegend := false
	for _, l := range rest {
		s := strings.TrimSpace(l.s)
		if s == "STATE codes:" {
			inLegend = true
			continue
		}
		if inLegend {
			if !emgrLegendRE.MatchString(s) {
				return nil, errorf(cmd, l.n, l.s, "want a STATE codes legend line")
			}
			continue
		}
		m := emgrRowRE.FindStringSubmatchIndex(l.s)
		if m == nil {
			return nil, errorf(cmd, l.n, l.s, "want ID, STATE, LABEL, INSTALL TIME, ...")
		}
		e := Efix{Label: l.s[m[6]:m[7]]}
		e.ID, _ = atoi(l.s[m[2]:m[3]])
		st := strings.Trim(l.s[m[4]:m[5]], "*")
		if !emgrStates[st] {
			return nil, errorf(cmd, l.n, l.s, "unknown state %q", l.s[m[4]:m[5]])
		}
		e.State, e.RebootRequired = st, strings.Contains(st, "Q")
		ts := strings.Join(strings.Fields(l.s[m[8]:m[9]]), " ")
		t, err := time.Parse("01/02/06 15:04:05", ts)
		if err != nil {
			return nil, errorf(cmd, l.n, l.s, "bad install time %q", ts)
		}
		e.Installed = t
		// Shift the header's column starts by how far this row's install
		// time moved right (a label longer than its column).
		shift := m[8] - colTime
		by, abs := colBy+shift, colAbs+shift
		off := m[9]
		if by < off {
			by = off
		}
		if abs < by {
			abs = by
		}
		// Do not cut inside a word: a word that crosses the ABSTRACT
		// column is an UPDATED BY value that overflowed its column.
		for abs > by && abs < len(l.s) && l.s[abs-1] != ' ' {
			abs++
		}
		e.UpdatedBy = strings.TrimSpace(sub(l.s, by, abs))
		e.Abstract = strings.TrimSpace(sub(l.s, abs, len(l.s)))
		res = append(res, e)
	}
	return res, nil
}

// sub returns s[i:j] clamped to the length of s.
func sub(s string, i, j int) string {
	if i > len(s) {
		i = len(s)
	}
	if j > len(s) {
		j = len(s)
	}
	if i > j {
		return ""
	}
	return s[i:j]
}

// firstLine returns the first non-blank line of b, capped at 200 bytes.
func firstLine(b []byte) string {
	if len(b) > MaxInput {
		b = b[:MaxInput]
	}
	for _, l := range strings.Split(string(b), "\n") {
		if s := strings.TrimSpace(l); s != "" {
			if len(s) > 200 {
				s = s[:200]
			}
			return s
		}
	}
	return ""
}

// EfixLock is one row of `emgr -P`: a fileset locked by an interim fix.
type EfixLock struct {
	Package   string // fileset name
	Installer string // e.g. installp
	Label     string // efix label; one label may lock several filesets
}

// ParseEmgrP parses `emgr -P`: the "PACKAGE INSTALLER LABEL" header, an
// "===" underline, then one row per locked fileset. Empty output (no
// locks) gives an empty list.
func ParseEmgrP(out []byte) ([]EfixLock, error) {
	const cmd = "emgr -P"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := []EfixLock{}
	if len(ls) == 0 {
		return res, nil
	}
	if !equalFields(strings.Fields(ls[0].s), []string{"PACKAGE", "INSTALLER", "LABEL"}) {
		return nil, errorf(cmd, ls[0].n, ls[0].s, "want header PACKAGE INSTALLER LABEL")
	}
	rest := ls[1:]
	if len(rest) > 0 && strings.Trim(rest[0].s, "= ") == "" {
		rest = rest[1:]
	}
	for _, l := range rest {
		f := strings.Fields(l.s)
		if len(f) != 3 {
			return nil, errorf(cmd, l.n, l.s, "want 3 fields, got %d", len(f))
		}
		res = append(res, EfixLock{Package: f[0], Installer: f[1], Label: f[2]})
	}
	return res, nil
}
