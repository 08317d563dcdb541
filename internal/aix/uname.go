package aix

import (
	"regexp"
	"strings"
)

// Uname is the parsed output of `uname -a` on AIX.
type Uname struct {
	Sysname  string // always "AIX"
	Nodename string
	// Release is the AIX release digit: "3" on 5.3 (AIX puts the minor
	// number here).
	Release string
	// Version is the AIX version digit: "5" on 5.3.
	Version string
	// MachineID is the 12-character machine ID, e.g. "000BFC0D4C00".
	MachineID string
}

// VR returns "Version.Release", e.g. "5.3".
func (u Uname) VR() string { return u.Version + "." + u.Release }

var (
	unameARE = regexp.MustCompile(`^AIX\s+(\S+)\s+([0-9])\s+([4-9])\s+([0-9A-Fa-f]{12})$`)
	unameLRE = regexp.MustCompile(`^(-?[0-9]{1,9})(?:\s+(.*))?$`)
)

// ParseUnameA parses `uname -a`: "AIX <nodename> <release> <version>
// <machine id>".
func ParseUnameA(out []byte) (Uname, error) {
	const cmd = "uname -a"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return Uname{}, err
	}
	m := unameARE.FindStringSubmatch(s)
	if m == nil {
		return Uname{}, errorf(cmd, n, s, "want AIX <node> <release> <version> <machine id>")
	}
	return Uname{Sysname: "AIX", Nodename: m[1], Release: m[2], Version: m[3], MachineID: m[4]}, nil
}

// LPARInfo is the parsed output of `uname -L` (and of prtconf's "LPAR
// Info").
type LPARInfo struct {
	// Number is the partition number; -1 when the system is not
	// partitioned.
	Number int
	// Name is the partition name, which may contain blanks ("Web
	// Server"); AIX prints "NULL" when there is none.
	Name string
}

// Partitioned reports whether the system runs in a logical partition
// (Number is not -1).
func (l LPARInfo) Partitioned() bool { return l.Number != -1 }

// ParseUnameL parses `uname -L`: "<number> <name>", the name possibly
// containing blanks ("-1 NULL", "3 Web Server").
func ParseUnameL(out []byte) (LPARInfo, error) {
	const cmd = "uname -L"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return LPARInfo{}, err
	}
	m := unameLRE.FindStringSubmatch(s)
	if m == nil || m[2] == "" {
		return LPARInfo{}, errorf(cmd, n, s, "want <number> <name>")
	}
	num, _ := atoi(strings.TrimPrefix(m[1], "-"))
	if strings.HasPrefix(m[1], "-") {
		num = -num
	}
	return LPARInfo{Number: num, Name: m[2]}, nil
}

// ParseUnameW parses `uname -W`, the WPAR ID: 0 outside a WPAR [U: the
// value is not confirmed by an IBM source].
func ParseUnameW(out []byte) (int, error) {
	const cmd = "uname -W"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return 0, err
	}
	id, ok := atoi(s)
	if !ok || len(s) > 9 {
		return 0, errorf(cmd, n, s, "want a WPAR number")
	}
	return id, nil
}

var modelRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9,._-]*$`)

// ParseUnameM parses `uname -M`, the system model, e.g. "IBM,8231-E2D"
// [U: the value format is taken from prtconf's System Model line; blanks
// in a model are not expected and rejected].
func ParseUnameM(out []byte) (string, error) {
	const cmd = "uname -M"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return "", err
	}
	if !modelRE.MatchString(s) {
		return "", errorf(cmd, n, s, "want a model such as IBM,8231-E2D")
	}
	return s, nil
}
