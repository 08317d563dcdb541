package aix

import (
	"regexp"
	"strings"
)

// LppchkResult is the parsed output of `lppchk -v`.
type LppchkResult struct {
	// Consistent is true when lppchk printed nothing [U: that lppchk is
	// silent on success is not shown by an IBM capture; IBM's code only
	// checks the exit status].
	Consistent bool
	// Header is true when the report began with the documented header
	// "lppchk:  The following filesets need to be installed or corrected
	// to bring the system to a consistent state:".
	Header bool
	// Lines holds every other non-blank line, trimmed: the offending
	// filesets and their states [U: exact row layout].
	Lines []string
}

var lppchkHeaderRE = regexp.MustCompile(`^lppchk:\s+The following filesets need to be installed or corrected`)

// ParseLppchk parses the combined output of `lppchk -v`. Empty output
// means a consistent system. Otherwise the result is inconsistent; the
// two header lines, when present, are recognised and left out of Lines.
// Callers should also check the exit status (non-zero = inconsistent).
func ParseLppchk(out []byte) (LppchkResult, error) {
	const cmd = "lppchk -v"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return LppchkResult{}, err
	}
	if len(ls) == 0 {
		return LppchkResult{Consistent: true}, nil
	}
	r := LppchkResult{Lines: []string{}}
	for i := 0; i < len(ls); i++ {
		s := strings.TrimSpace(ls[i].s)
		if lppchkHeaderRE.MatchString(s) {
			r.Header = true
			// The header wraps: "... to bring\n\t the system to a consistent state:".
			if !strings.HasSuffix(s, "consistent state:") && i+1 < len(ls) &&
				strings.HasSuffix(strings.TrimSpace(ls[i+1].s), "consistent state:") {
				i++
			}
			continue
		}
		r.Lines = append(r.Lines, s)
	}
	return r, nil
}
