package aix

import (
	"path"
	"regexp"
	"strings"
)

// Process is one row of `ps -ef`.
type Process struct {
	UID  string
	PID  int
	PPID int
	C    int
	// STime is the start time as printed: "10:23:45" for today, or
	// "Nov 07" (one field with a single blank) for older processes; "-"
	// for a defunct process.
	STime string
	TTY   string // "-" for none
	Time  string // CPU time, e.g. "0:00" or "12:34"
	// Cmd is the command and its arguments, blanks collapsed to one.
	Cmd string
}

// Command returns the base name of the first word of Cmd, e.g. "nimadm"
// for "/usr/sbin/nimadm -j nimadmvg ...".
func (p Process) Command() string {
	f := strings.Fields(p.Cmd)
	if len(f) == 0 {
		return ""
	}
	return path.Base(f[0])
}

// Processes is the parsed output of `ps -ef`.
type Processes []Process

// ByCommand returns the processes whose [Process.Command] is name.
func (ps Processes) ByCommand(name string) Processes {
	var res Processes
	for _, p := range ps {
		if p.Command() == name {
			res = append(res, p)
		}
	}
	return res
}

var (
	psClockRE = regexp.MustCompile(`^[0-9]{1,2}:[0-9]{2}:[0-9]{2}$`)
	psTimeRE  = regexp.MustCompile(`^(?:[0-9]+-)?[0-9]+:[0-9]{2}(?::[0-9]{2})?$`)
)

// ParsePs parses `ps -ef`: the "UID PID PPID C STIME TTY TIME CMD" header,
// then one row per process. STIME is either hh:mm:ss or "Mon DD" (two
// fields); a defunct process prints "<defunct>" right after C [U: AIX
// layout of defunct rows]. Rows are split on blanks, so blank runs inside
// CMD collapse to one.
func ParsePs(out []byte) (Processes, error) {
	const cmd = "ps -ef"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, errorf(cmd, 0, "", "empty output")
	}
	if !equalFields(strings.Fields(ls[0].s), []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}) {
		return nil, errorf(cmd, ls[0].n, ls[0].s, "want header UID PID PPID C STIME TTY TIME CMD")
	}
	res := Processes{}
	for _, l := range ls[1:] {
		f := strings.Fields(l.s)
		if len(f) < 5 {
			return nil, errorf(cmd, l.n, l.s, "want at least 5 fields, got %d", len(f))
		}
		p := Process{UID: f[0]}
		var ok [3]bool
		p.PID, ok[0] = atoi(f[1])
		p.PPID, ok[1] = atoi(f[2])
		p.C, ok[2] = atoi(f[3])
		if !ok[0] || !ok[1] || !ok[2] || len(f[1]) > 10 || len(f[2]) > 10 {
			return nil, errorf(cmd, l.n, l.s, "want integer PID, PPID and C")
		}
		rest := f[4:]
		if rest[0] == "<defunct>" {
			p.STime, p.TTY, p.Time, p.Cmd = "-", "-", "-", strings.Join(rest, " ")
			res = append(res, p)
			continue
		}
		switch {
		case psClockRE.MatchString(rest[0]):
			p.STime, rest = rest[0], rest[1:]
		case len(rest) > 1 && monthRE.MatchString(rest[0]) && dayRE.MatchString(rest[1]):
			p.STime, rest = rest[0]+" "+rest[1], rest[2:]
		default:
			return nil, errorf(cmd, l.n, l.s, "want STIME hh:mm:ss or Mon DD, got %q", rest[0])
		}
		if len(rest) < 3 {
			return nil, errorf(cmd, l.n, l.s, "want TTY, TIME and CMD after STIME")
		}
		p.TTY, p.Time = rest[0], rest[1]
		if !psTimeRE.MatchString(p.Time) {
			return nil, errorf(cmd, l.n, l.s, "want TIME m:ss, got %q", p.Time)
		}
		p.Cmd = strings.Join(rest[2:], " ")
		res = append(res, p)
	}
	return res, nil
}
