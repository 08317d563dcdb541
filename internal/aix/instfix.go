package aix

import (
	"regexp"
	"strings"
)

// Instfix keyword statuses of `instfix -i`.
const (
	InstfixAll    = "all"     // "All filesets for X were found."
	InstfixNotAll = "not all" // "Not all filesets for X were found."
	InstfixNone   = "none"    // "No filesets which have fixes for X are currently installed."
)

// InstfixStatus is one line of `instfix -i` (usually filtered with
// `| grep ML`).
type InstfixStatus struct {
	// Keyword is the fix keyword, e.g. "6100-07_AIX_ML", "6.1.0.0_AIX_ML",
	// "7200-05_SP" or an APAR number.
	Keyword string
	// Status is InstfixAll, InstfixNotAll or InstfixNone.
	Status string
}

// TL returns the technology level of a "VVRR-TT_AIX_ML" keyword; ok is
// false for other keywords (including "6.1.0.0_AIX_ML").
func (s InstfixStatus) TL() (Level, bool) {
	k, found := strings.CutSuffix(s.Keyword, "_AIX_ML")
	if !found {
		return Level{}, false
	}
	l, err := ParseLevel(k)
	if err != nil || l.Parts != 2 {
		return Level{}, false
	}
	return l, true
}

// InstfixList is the parsed output of `instfix -i`.
type InstfixList []InstfixStatus

// HighestCompleteTL returns the highest technology level whose ML keyword
// has all filesets installed. It should equal `oslevel -r`.
func (il InstfixList) HighestCompleteTL() (Level, bool) {
	var best Level
	found := false
	for _, s := range il {
		if s.Status != InstfixAll {
			continue
		}
		if l, ok := s.TL(); ok && (!found || l.Compare(best) > 0) {
			best, found = l, true
		}
	}
	return best, found
}

// Incomplete returns the keywords whose status is not InstfixAll.
func (il InstfixList) Incomplete() []InstfixStatus {
	var res []InstfixStatus
	for _, s := range il {
		if s.Status != InstfixAll {
			res = append(res, s)
		}
	}
	return res
}

var (
	instfixFoundRE = regexp.MustCompile(`^(All|Not all) filesets for (\S+) were found\.$`)
	instfixNoneRE  = regexp.MustCompile(`^No filesets which have fixes for (\S+) are currently installed\.$`)
)

// ParseInstfix parses the status lines of `instfix -i` in their three
// phrasings; leading blanks are ignored. Any other line is an error, so
// pass the output of `instfix -i | grep ML` or of `instfix -ik KEYWORD`.
func ParseInstfix(out []byte) (InstfixList, error) {
	const cmd = "instfix -i"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := InstfixList{}
	for _, l := range ls {
		s := strings.TrimSpace(l.s)
		if m := instfixFoundRE.FindStringSubmatch(s); m != nil {
			st := InstfixAll
			if m[1] == "Not all" {
				st = InstfixNotAll
			}
			res = append(res, InstfixStatus{Keyword: m[2], Status: st})
			continue
		}
		if m := instfixNoneRE.FindStringSubmatch(s); m != nil {
			res = append(res, InstfixStatus{Keyword: m[1], Status: InstfixNone})
			continue
		}
		return nil, errorf(cmd, l.n, l.s, "want \"All|Not all filesets for X were found.\"")
	}
	return res, nil
}

// InstfixFix is one row of `instfix -icq`.
type InstfixFix struct {
	Keyword  string // APAR (I...), service pack (..._SP) or TL (..._ML)
	Fileset  string
	ReqLevel string // required level
	// InstLevel is the installed level; may be empty when not installed.
	InstLevel string
	// Status is "-" down level, "=" correct level, "+" superseded, "!" not
	// installed.
	Status   string
	Abstract string // may contain ":"
}

// DownLevel reports whether the fileset is below the required level or
// missing (status "-" or "!").
func (f InstfixFix) DownLevel() bool { return f.Status == "-" || f.Status == "!" }

var instfixStatuses = map[string]bool{"-": true, "=": true, "+": true, "!": true}

// ParseInstfixIcq parses `instfix -icq`:
// "Keyword:Fileset:ReqLevel:InstLevel:Status:Abstract" per line. The
// abstract may contain ":". A first line that is the field legend
// ("Keyword:Fileset:...") and lines starting with "#" are skipped.
func ParseInstfixIcq(out []byte) ([]InstfixFix, error) {
	const cmd = "instfix -icq"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := []InstfixFix{}
	for i, l := range ls {
		if strings.HasPrefix(l.s, "#") || (i == 0 && strings.HasPrefix(l.s, "Keyword:Fileset:")) {
			continue
		}
		f := strings.SplitN(l.s, ":", 6)
		if len(f) != 6 {
			return nil, errorf(cmd, l.n, l.s, "want 6 colon-separated fields, got %d", len(f))
		}
		fx := InstfixFix{Keyword: f[0], Fileset: f[1], ReqLevel: f[2], InstLevel: f[3], Status: f[4], Abstract: strings.TrimSpace(f[5])}
		if fx.Keyword == "" || fx.Fileset == "" || !instfixStatuses[fx.Status] {
			return nil, errorf(cmd, l.n, l.s, "want keyword, fileset and a status of - = + !")
		}
		res = append(res, fx)
	}
	return res, nil
}
