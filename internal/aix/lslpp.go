package aix

import (
	"regexp"
	"strings"
)

// InstalledFileset is one fileset row of `lslpp -l`.
type InstalledFileset struct {
	// Path is the ODM path of the "Path:" section, e.g. /usr/lib/objrepos,
	// /etc/objrepos or /usr/share/lib/objrepos. A fileset usually appears
	// once per path.
	Path  string
	Name  string
	Level FilesetLevel
	// State is COMMITTED, APPLIED, BROKEN, OBSOLETE, APPLYING, COMMITTING,
	// REJECTING or EFIXLOCKED.
	State string
	// Description is the description, continuation lines joined with a
	// single blank.
	Description string
	// EfixLocked is true when an "EFIXLOCKED" continuation line follows
	// the row (an interim fix locks the fileset).
	EfixLocked bool
}

// Filesets is the parsed output of `lslpp -l`.
type Filesets []InstalledFileset

// Get returns the first row for fileset name (normally the
// /usr/lib/objrepos one).
func (fs Filesets) Get(name string) (InstalledFileset, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return InstalledFileset{}, false
}

const lslppStates = `COMMITTED|APPLIED|BROKEN|OBSOLETE|APPLYING|COMMITTING|REJECTING|EFIXLOCKED`

var (
	lslppRowRE   = regexp.MustCompile(`^(\S+)\s+([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\s+(` + lslppStates + `)(?:\s+(.*))?$`)
	lslppLevelRE = regexp.MustCompile(`^([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\s+(` + lslppStates + `)(?:\s+(.*))?$`)
	lslppPathRE  = regexp.MustCompile(`^Path:\s+(\S.*)$`)
	lslppNameRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.+-]*$`)
)

// ParseLslppL parses `lslpp -l [FILESET...]`: the "Fileset Level State
// Description" header, a dashed line, then "Path:" sections of rows.
//
// Rows are recognised by indentation relative to the "Fileset" heading:
// a line indented like the heading starts a fileset (either the full
// row, or a long name alone whose level, state and description follow on
// the next line); a line indented by 10 or more further columns continues
// the previous row's description, except "EFIXLOCKED", which sets
// EfixLocked. Empty output (the fileset is not installed; the message is
// on stderr, see [LslppNotInstalled]) gives an empty list.
func ParseLslppL(out []byte) (Filesets, error) {
	const cmd = "lslpp -l"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := Filesets{}
	if len(ls) == 0 {
		return res, nil
	}
	h := ls[0]
	if !equalFields(strings.Fields(h.s), []string{"Fileset", "Level", "State", "Description"}) {
		return nil, errorf(cmd, h.n, h.s, "want header Fileset Level State Description")
	}
	base := indent(h.s)
	path := ""
	pendingName := "" // a wrapped long name waiting for its level line
	pendingLine := line{}
	for _, l := range ls[1:] {
		s := strings.TrimSpace(l.s)
		in := indent(l.s)
		switch {
		case strings.Trim(s, "-") == "":
			continue
		case lslppPathRE.MatchString(s):
			if pendingName != "" {
				return nil, errorf(cmd, pendingLine.n, pendingLine.s, "fileset name without level line")
			}
			path = lslppPathRE.FindStringSubmatch(s)[1]
			continue
		}
		if path == "" {
			return nil, errorf(cmd, l.n, l.s, `fileset row before the first "Path:" line`)
		}
		if pendingName != "" {
			m := lslppLevelRE.FindStringSubmatch(s)
			if m == nil {
				return nil, errorf(cmd, l.n, l.s, "want level, state and description after wrapped fileset name")
			}
			f, err := ParseFilesetLevel(m[1])
			if err != nil {
				return nil, errorf(cmd, l.n, l.s, "%v", err)
			}
			res = append(res, InstalledFileset{Path: path, Name: pendingName, Level: f, State: m[2], Description: m[3]})
			pendingName = ""
			continue
		}
		if in <= base+2 {
			if m := lslppRowRE.FindStringSubmatch(s); m != nil {
				f, err := ParseFilesetLevel(m[2])
				if err != nil {
					return nil, errorf(cmd, l.n, l.s, "%v", err)
				}
				res = append(res, InstalledFileset{Path: path, Name: m[1], Level: f, State: m[3], Description: m[4]})
				continue
			}
			if lslppNameRE.MatchString(s) {
				pendingName, pendingLine = s, l
				continue
			}
			return nil, errorf(cmd, l.n, l.s, "want fileset, level, state and description")
		}
		if in >= base+10 && len(res) > 0 {
			last := &res[len(res)-1]
			if s == "EFIXLOCKED" {
				last.EfixLocked = true
			} else if last.Description == "" {
				last.Description = s
			} else {
				last.Description += " " + s
			}
			continue
		}
		return nil, errorf(cmd, l.n, l.s, "unexpected indentation")
	}
	if pendingName != "" {
		return nil, errorf(cmd, pendingLine.n, pendingLine.s, "fileset name without level line")
	}
	return res, nil
}

// indent returns the number of leading blanks (a tab counts as one).
func indent(s string) int { return len(s) - len(strings.TrimLeft(s, " \t")) }

var lslppMissingRE = regexp.MustCompile(`0504-132\s+Fileset\s+(\S+)\s+not installed`)

// LslppNotInstalled classifies the stderr of lslpp: ok is true when it
// holds message 0504-132 ("Fileset NAME not installed."). names lists the
// filesets named by the messages in order; a message whose text differs
// from the documented one [U exact text] is counted in ok but adds no name.
func LslppNotInstalled(stderr []byte) (names []string, ok bool) {
	if !hasMessageID(stderr, "0504-132") {
		return nil, false
	}
	if len(stderr) > MaxInput {
		stderr = stderr[:MaxInput]
	}
	for _, m := range lslppMissingRE.FindAllSubmatch(stderr, -1) {
		names = append(names, string(m[1]))
	}
	return names, true
}

// LslppEntry is one row of `lslpp -Lc` (18 colon-separated fields). Empty
// fields, printed by AIX as a single blank, are "".
type LslppEntry struct {
	Package  string // Package Name
	Fileset  string
	Level    string // V.R.M.F for installp filesets, an RPM version otherwise
	State    string
	PTFID    string
	FixState string // e.g. "C"; IBM's own rows put the state code here
	Type     string // F installp fileset, P product, C component, T feature, R RPM, E interim fix
	// Description may contain ":"; the fields are anchored from both ends.
	Description    string
	DestinationDir string
	Uninstaller    string
	MessageCatalog string
	MessageSet     string
	MessageNumber  string
	Parent         string
	Automatic      string
	EfixLocked     string // "0" or "1" [U: meaning of the values]
	InstallPath    string
	BuildDate      string // "1241" (YYWW) for installp, a date for RPMs
}

// FilesetLevel parses Level as V.R.M.F; RPM versions give an error.
func (e LslppEntry) FilesetLevel() (FilesetLevel, error) { return ParseFilesetLevel(e.Level) }

// rpmDateRE matches an RPM build date at the end of a row, e.g.
// "Tue Apr 27 18:35:51 WET 2004"; it contains colons of its own.
var rpmDateRE = regexp.MustCompile(`:([A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]?[0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Za-z0-9+-]+ [0-9]{4})$`)

// ParseLslppLc parses `lslpp -Lc` (and `-Lcq`). Lines starting with "#"
// are headers and are skipped. Each row must have at least 18
// colon-separated fields: the first 7 and the last 10 are anchored, and
// anything in between is the description (which may contain ":"). An RPM
// build date at the end, which contains ":" itself, is recognised first.
func ParseLslppLc(out []byte) ([]LslppEntry, error) {
	return parseLslppLc("lslpp -Lc", out, false)
}

func parseLslppLc(cmd string, out []byte, skipFirst bool) ([]LslppEntry, error) {
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := []LslppEntry{}
	for i, l := range ls {
		if strings.HasPrefix(l.s, "#") {
			continue
		}
		e, err := parseLcRow(cmd, l)
		if err != nil {
			if skipFirst && i == 0 {
				continue
			}
			return nil, err
		}
		res = append(res, e)
	}
	return res, nil
}

func parseLcRow(cmd string, l line) (LslppEntry, error) {
	s := l.s
	date := ""
	if m := rpmDateRE.FindStringSubmatchIndex(s); m != nil {
		date = s[m[2]:m[3]]
		s = s[:m[0]] + ":"
	}
	f := strings.Split(s, ":")
	if len(f) < 18 {
		return LslppEntry{}, errorf(cmd, l.n, l.s, "want 18 colon-separated fields, got %d", len(f))
	}
	n := len(f)
	desc := strings.TrimSpace(strings.Join(f[7:n-10], ":"))
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	r := f[n-10:]
	e := LslppEntry{
		Package: f[0], Fileset: f[1], Level: f[2], State: f[3], PTFID: f[4], FixState: f[5], Type: f[6],
		Description:    desc,
		DestinationDir: r[0], Uninstaller: r[1], MessageCatalog: r[2], MessageSet: r[3],
		MessageNumber: r[4], Parent: r[5], Automatic: r[6], EfixLocked: r[7], InstallPath: r[8], BuildDate: r[9],
	}
	if date != "" {
		e.BuildDate = date
	}
	if e.Fileset == "" || e.Level == "" || strings.ContainsAny(e.Fileset, " \t") {
		return LslppEntry{}, errorf(cmd, l.n, l.s, "want a fileset name and a level")
	}
	return e, nil
}

// LslppLcqEntry is one row of `lslpp -lcq` (8 colon-separated fields).
type LslppLcqEntry struct {
	Path    string // Source: /usr/lib/objrepos, /etc/objrepos, ...
	Fileset string
	Level   FilesetLevel
	PTFID   string
	State   string // e.g. COMMITTED
	Type    string // I install, M maintenance, E enhancement, F fix
	// Description may contain ":"; the fields are anchored from both ends.
	Description string
	EfixLocked  bool // last field is EFIXLOCKED
}

// ParseLslppLcq parses `lslpp -lcq` (and `-lc`, whose "#" header is
// skipped): "Path:Fileset:Level:PTF Id:State:Type:Description:EFIX Locked".
// The first 6 fields and the last one are anchored; the description is
// what lies between. [U: no raw capture; layout from IBM's lpp_facts.py.]
func ParseLslppLcq(out []byte) ([]LslppLcqEntry, error) {
	const cmd = "lslpp -lcq"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := []LslppLcqEntry{}
	for _, l := range ls {
		if strings.HasPrefix(l.s, "#") {
			continue
		}
		f := strings.Split(l.s, ":")
		if len(f) < 8 {
			return nil, errorf(cmd, l.n, l.s, "want 8 colon-separated fields, got %d", len(f))
		}
		n := len(f)
		desc := strings.TrimSpace(strings.Join(f[6:n-1], ":"))
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		lv, err := ParseFilesetLevel(f[2])
		if err != nil {
			return nil, errorf(cmd, l.n, l.s, "%v", err)
		}
		e := LslppLcqEntry{
			Path: f[0], Fileset: f[1], Level: lv, PTFID: f[3], State: f[4], Type: f[5],
			Description: desc,
		}
		switch f[n-1] {
		case "EFIXLOCKED":
			e.EfixLocked = true
		case "":
		default:
			return nil, errorf(cmd, l.n, l.s, "want EFIXLOCKED or nothing in the last field, got %q", f[n-1])
		}
		if !strings.HasPrefix(e.Path, "/") || e.Fileset == "" {
			return nil, errorf(cmd, l.n, l.s, "want an ODM path and a fileset name")
		}
		res = append(res, e)
	}
	return res, nil
}
