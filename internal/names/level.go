package names

import (
	"fmt"
	"strconv"
	"strings"
)

// LevelForm says which of the accepted spellings a [Level] was written in.
type LevelForm int

// The accepted level spellings.
const (
	// FormVR is "V.R", e.g. "7.3".
	FormVR LevelForm = iota + 1
	// FormTL is the oslevel -r form "VR00-TT", e.g. "7300-03".
	FormTL
	// FormSP is the oslevel -s form without build, "VR00-TT-SS".
	FormSP
	// FormBuild is the full oslevel -s form "VR00-TT-SS-YYWW".
	FormBuild
)

// Level is a parsed AIX level. Fields the form does not carry are -1.
type Level struct {
	Version int // 7 in 7300-03-01-2446
	Release int // 3
	TL      int // technology level, 3; -1 in FormVR
	SP      int // service pack, 1; -1 in FormVR and FormTL
	Build   int // YYWW build id as a number, 2446; -1 unless FormBuild
	Form    LevelForm
}

// VR returns the version and release as "V.R" (the form alt_disk_install -M
// takes).
func (l Level) VR() string { return fmt.Sprintf("%d.%d", l.Version, l.Release) }

// String returns the level in the form it was parsed from.
func (l Level) String() string {
	switch l.Form {
	case FormVR:
		return l.VR()
	case FormTL:
		return fmt.Sprintf("%d%d00-%02d", l.Version, l.Release, l.TL)
	case FormSP:
		return fmt.Sprintf("%d%d00-%02d-%02d", l.Version, l.Release, l.TL, l.SP)
	case FormBuild:
		return fmt.Sprintf("%d%d00-%02d-%02d-%04d", l.Version, l.Release, l.TL, l.SP, l.Build)
	}
	return ""
}

const levelWant = "want VR00-TT-SS-YYWW (oslevel -s; the build is optional), VR00-TT or V.R"

// ParseLevel parses an AIX level written as oslevel -s prints it
// ("7300-03-01-2446"), without the build ("7300-03-01"), as oslevel -r
// prints it ("7300-03"), or as version.release ("7.3").
func ParseLevel(s string) (Level, error) {
	const kind = "AIX level"
	bad := func() (Level, error) { return Level{}, errorf(kind, s, levelWant) }
	if s == "" {
		return Level{}, errorf(kind, s, "must not be empty")
	}
	if len(s) > len("7300-03-01-2446") {
		return bad()
	}
	if len(s) == 3 && s[1] == '.' {
		if !digits(s[:1]) || !digits(s[2:]) || s[0] == '0' {
			return bad()
		}
		return Level{Version: int(s[0] - '0'), Release: int(s[2] - '0'), TL: -1, SP: -1, Build: -1, Form: FormVR}, nil
	}
	parts := strings.Split(s, "-")
	want := []int{4, 2, 2, 4}
	if len(parts) < 2 || len(parts) > 4 {
		return bad()
	}
	for i, p := range parts {
		if len(p) != want[i] || !digits(p) {
			return bad()
		}
	}
	vr := parts[0]
	if vr[0] == '0' || vr[2:] != "00" {
		return Level{}, errorf(kind, s, "%q is not a version and release (want VR00, e.g. 7300)", vr)
	}
	l := Level{Version: int(vr[0] - '0'), Release: int(vr[1] - '0'), TL: atoi(parts[1]), SP: -1, Build: -1, Form: FormTL}
	if len(parts) > 2 {
		l.SP, l.Form = atoi(parts[2]), FormSP
	}
	if len(parts) > 3 {
		l.Build, l.Form = atoi(parts[3]), FormBuild
	}
	return l, nil
}

// CheckLevel reports whether s is an AIX level [ParseLevel] accepts.
func CheckLevel(s string) error {
	_, err := ParseLevel(s)
	return err
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
