package aix

import (
	"regexp"
	"strings"
)

// Subsystem is one row of `lssrc -s SUBSYS` (or `lssrc -g GROUP`).
type Subsystem struct {
	Name  string
	Group string // "" when the group column is empty [U]
	// PID is the process ID; 0 when the subsystem is not running.
	PID int
	// Status is active, inoperative, stopping, or another lower-case SRC
	// status word.
	Status string
}

// Subsystems is the parsed output of lssrc.
type Subsystems []Subsystem

// Active reports whether any row for subsystem name is active. IBM's
// lssrc reference notes that a subsystem can show two rows, one active
// and one inoperative, after chssys/mkssys without a restart.
func (ss Subsystems) Active(name string) bool {
	for _, s := range ss {
		if s.Name == name && s.Status == "active" {
			return true
		}
	}
	return false
}

var srcStatusRE = regexp.MustCompile(`^[a-z]+$`)

// ParseLssrc parses `lssrc -s SUBSYS`: the "Subsystem Group PID Status"
// header, then rows of 2 to 4 fields. Inoperative subsystems have no PID,
// so the status is always the last field (not field 4, which IBM's role
// reads); a numeric field before it is the PID and any field between the
// name and the PID is the group.
func ParseLssrc(out []byte) (Subsystems, error) {
	const cmd = "lssrc"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, errorf(cmd, 0, "", "empty output")
	}
	if !equalFields(strings.Fields(ls[0].s), []string{"Subsystem", "Group", "PID", "Status"}) {
		return nil, errorf(cmd, ls[0].n, ls[0].s, "want header Subsystem Group PID Status")
	}
	res := Subsystems{}
	for _, l := range ls[1:] {
		f := strings.Fields(l.s)
		if len(f) < 2 || len(f) > 4 {
			return nil, errorf(cmd, l.n, l.s, "want 2 to 4 fields, got %d", len(f))
		}
		s := Subsystem{Name: f[0], Status: f[len(f)-1]}
		if !srcStatusRE.MatchString(s.Status) {
			return nil, errorf(cmd, l.n, l.s, "bad status %q", s.Status)
		}
		mid := f[1 : len(f)-1]
		if len(mid) > 0 {
			if pid, ok := atoi(mid[len(mid)-1]); ok {
				if len(mid[len(mid)-1]) > 10 {
					return nil, errorf(cmd, l.n, l.s, "PID out of range")
				}
				s.PID = pid
				mid = mid[:len(mid)-1]
			}
		}
		switch len(mid) {
		case 0:
		case 1:
			s.Group = mid[0]
		default:
			return nil, errorf(cmd, l.n, l.s, "want <name> [group] [pid] <status>")
		}
		if s.PID != 0 && s.Status == "inoperative" {
			return nil, errorf(cmd, l.n, l.s, "inoperative subsystem with a PID")
		}
		res = append(res, s)
	}
	return res, nil
}
