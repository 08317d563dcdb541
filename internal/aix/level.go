package aix

import (
	"cmp"
	"fmt"
	"regexp"
	"strconv"
)

// Level is an AIX operating-system level as printed by `oslevel -s`
// ("7100-01-01-1141"), by the legacy 3-field `oslevel -s` of early 5.3 TL5
// systems ("5300-05-04"), or by `oslevel -r` ("7100-01"). The zero value
// means "no level"; see [Level.IsZero].
//
// Fields beyond Parts are zero and carry no meaning: a Level parsed from
// "7200-05" has Parts 2, and its SP and Build are not known.
type Level struct {
	// V is the version, 4..9 (the "7" of 7100).
	V int
	// R is the release, 0..9 (the "1" of 7100).
	R int
	// TL is the technology level, 0..99.
	TL int
	// SP is the service pack, 0..99; meaningful only when Parts >= 3.
	SP int
	// Build is the build sequence identifier YYWW (year and week, e.g.
	// 1141), or 0 for "0000"; meaningful only when Parts == 4.
	Build int
	// Parts is how many dash-separated fields the level had: 2 (`oslevel
	// -r`), 3 (legacy `oslevel -s`) or 4 (`oslevel -s`). 0 for the zero Level.
	Parts int
}

var levelRE = regexp.MustCompile(`^([0-9])([0-9])00-([0-9]{2})(?:-([0-9]{2})(?:-([0-9]{4}))?)?$`)

// ParseLevel parses one AIX level string in any form that [Level] describes.
// It validates the ranges (version 4..9, build week 00..53) and rejects
// anything else, including surrounding blanks.
func ParseLevel(s string) (Level, error) {
	l, reason := parseLevel(s)
	if reason != "" {
		return Level{}, fmt.Errorf("invalid AIX level %q: %s", s, reason)
	}
	return l, nil
}

// parseLevel is ParseLevel with the reason for a failure as a string.
func parseLevel(s string) (Level, string) {
	m := levelRE.FindStringSubmatch(s)
	if m == nil {
		return Level{}, "want VVRR-TT, VVRR-TT-SS or VVRR-TT-SS-YYWW"
	}
	var l Level
	l.V, _ = strconv.Atoi(m[1])
	l.R, _ = strconv.Atoi(m[2])
	l.TL, _ = strconv.Atoi(m[3])
	l.Parts = 2
	if l.V < 4 {
		return Level{}, fmt.Sprintf("version %d out of range 4..9", l.V)
	}
	if m[4] != "" {
		l.SP, _ = strconv.Atoi(m[4])
		l.Parts = 3
	}
	if m[5] != "" {
		l.Build, _ = strconv.Atoi(m[5])
		l.Parts = 4
		if wk := l.Build % 100; wk > 53 {
			return Level{}, fmt.Sprintf("build week %02d out of range 00..53", wk)
		}
	}
	return l, ""
}

// MustParseLevel is like [ParseLevel] but panics on error. It is meant for
// constants in code and tests, such as the minimum level a check requires.
func MustParseLevel(s string) Level {
	l, err := ParseLevel(s)
	if err != nil {
		panic(err)
	}
	return l
}

// ParseOslevel parses the output of `oslevel -s`, `oslevel -r` or the legacy
// 3-field `oslevel -s`: exactly one non-blank line holding a [Level].
// For plain `oslevel` (V.R.M.F) use [ParseOslevelBase].
func ParseOslevel(out []byte) (Level, error) {
	const cmd = "oslevel"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return Level{}, err
	}
	l, reason := parseLevel(s)
	if reason != "" {
		return Level{}, errorf(cmd, n, s, "%s", reason)
	}
	return l, nil
}

// ParseOslevelBase parses the output of plain `oslevel`, the V.R.M.F base
// level such as "7.1.0.0" or "4.3.2.0". The version must be 4..9.
func ParseOslevelBase(out []byte) (FilesetLevel, error) {
	const cmd = "oslevel"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return FilesetLevel{}, err
	}
	f, err := ParseFilesetLevel(s)
	if err != nil {
		return FilesetLevel{}, errorf(cmd, n, s, "want a base level such as 7.1.0.0")
	}
	if f.V < 4 || f.V > 9 || f.R > 9 {
		return FilesetLevel{}, errorf(cmd, n, s, "base level %s out of range 4.0..9.9", f.VR())
	}
	return f, nil
}

// IsZero reports whether l is the zero Level (no level known).
func (l Level) IsZero() bool { return l == Level{} }

// String returns l in the form it was parsed from: "7100-01-01-1141",
// "5300-05-04" or "7100-01"; "" for the zero Level.
func (l Level) String() string {
	switch l.Parts {
	case 2:
		return fmt.Sprintf("%d%d00-%02d", l.V, l.R, l.TL)
	case 3:
		return fmt.Sprintf("%d%d00-%02d-%02d", l.V, l.R, l.TL, l.SP)
	case 4:
		return fmt.Sprintf("%d%d00-%02d-%02d-%04d", l.V, l.R, l.TL, l.SP, l.Build)
	}
	return ""
}

// VR returns the version and release as "7.1".
func (l Level) VR() string { return fmt.Sprintf("%d.%d", l.V, l.R) }

// Release returns the version and release as the integer IBM's tooling
// compares, e.g. 7100 for 7.1.
func (l Level) Release() int { return l.V*1000 + l.R*100 }

// TLLevel returns l cut to its technology level, as `oslevel -r` prints
// it ("7100-01"). The zero Level stays zero.
func (l Level) TLLevel() Level {
	if l.Parts == 0 {
		return l
	}
	return Level{V: l.V, R: l.R, TL: l.TL, Parts: 2}
}

// Compare returns -1, 0 or +1 as l is below, equal to or above o. Version,
// release and technology level are always compared; the service pack only
// when both levels carry one (Parts >= 3) and the build only when both carry
// one (Parts == 4). So "7200-05" compares equal to "7200-05-03-2148": at the
// precision both levels share, they are the same.
func (l Level) Compare(o Level) int {
	if c := cmp.Compare(l.V, o.V); c != 0 {
		return c
	}
	if c := cmp.Compare(l.R, o.R); c != 0 {
		return c
	}
	if c := cmp.Compare(l.TL, o.TL); c != 0 {
		return c
	}
	if l.Parts >= 3 && o.Parts >= 3 {
		if c := cmp.Compare(l.SP, o.SP); c != 0 {
			return c
		}
	}
	if l.Parts == 4 && o.Parts == 4 {
		return cmp.Compare(l.Build, o.Build)
	}
	return 0
}

// CompareRelease compares only version and release, e.g. 7.1 < 7.2,
// whatever the technology levels. It answers "is this a migration?".
func (l Level) CompareRelease(o Level) int {
	return cmp.Compare(l.Release(), o.Release())
}

// AtLeast reports whether l >= o under [Level.Compare], e.g. "the master
// is at or above the target level".
func (l Level) AtLeast(o Level) bool { return l.Compare(o) >= 0 }

// Less reports whether l < o under [Level.Compare], e.g. "the client is
// below the target level".
func (l Level) Less(o Level) bool { return l.Compare(o) < 0 }

// MarshalText implements encoding.TextMarshaler using [Level.String].
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; the empty text gives
// the zero Level.
func (l *Level) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*l = Level{}
		return nil
	}
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// FilesetLevel is a V.R.M.F level as printed for filesets by lslpp, for
// the base level by plain `oslevel`, or for bos.mp64 by `nim -o showres`,
// e.g. "7.1.1.16". The zero value means "no level".
type FilesetLevel struct {
	// V is the version (0..99).
	V int
	// R is the release (0..99).
	R int
	// M is the modification (0..9999).
	M int
	// F is the fix (0..9999).
	F int
}

var filesetLevelRE = regexp.MustCompile(`^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{1,4})\.([0-9]{1,4})$`)

// ParseFilesetLevel parses a V.R.M.F fileset level such as "7.2.5.200".
// Version and release have at most two digits, modification and fix at
// most four. RPM versions ("1.6.7p5-2") are rejected.
func ParseFilesetLevel(s string) (FilesetLevel, error) {
	m := filesetLevelRE.FindStringSubmatch(s)
	if m == nil {
		return FilesetLevel{}, fmt.Errorf("invalid fileset level %q: want V.R.M.F", s)
	}
	var f FilesetLevel
	f.V, _ = strconv.Atoi(m[1])
	f.R, _ = strconv.Atoi(m[2])
	f.M, _ = strconv.Atoi(m[3])
	f.F, _ = strconv.Atoi(m[4])
	return f, nil
}

// MustParseFilesetLevel is like [ParseFilesetLevel] but panics on error.
func MustParseFilesetLevel(s string) FilesetLevel {
	f, err := ParseFilesetLevel(s)
	if err != nil {
		panic(err)
	}
	return f
}

// IsZero reports whether f is the zero FilesetLevel.
func (f FilesetLevel) IsZero() bool { return f == FilesetLevel{} }

// String returns "V.R.M.F", e.g. "7.1.1.16"; "" for the zero value.
func (f FilesetLevel) String() string {
	if f.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d.%d", f.V, f.R, f.M, f.F)
}

// VR returns version and release as "7.1".
func (f FilesetLevel) VR() string { return fmt.Sprintf("%d.%d", f.V, f.R) }

// Release returns version and release as IBM's tooling compares them,
// e.g. 7300 for 7.3.0.0 (the role keeps major, minor and "00").
func (f FilesetLevel) Release() int { return f.V*1000 + f.R*100 }

// Compare returns -1, 0 or +1 as f is below, equal to or above o, field
// by field.
func (f FilesetLevel) Compare(o FilesetLevel) int {
	if c := cmp.Compare(f.V, o.V); c != 0 {
		return c
	}
	if c := cmp.Compare(f.R, o.R); c != 0 {
		return c
	}
	if c := cmp.Compare(f.M, o.M); c != 0 {
		return c
	}
	return cmp.Compare(f.F, o.F)
}

// MarshalText implements encoding.TextMarshaler using [FilesetLevel.String].
func (f FilesetLevel) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; the empty text gives
// the zero value.
func (f *FilesetLevel) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*f = FilesetLevel{}
		return nil
	}
	v, err := ParseFilesetLevel(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}
