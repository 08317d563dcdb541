package aix

import (
	"regexp"
)

// showresMp64RE is IBM's regex from the nim_alt_disk_migration role,
// `(\s+bos\.mp64\s+)([0-9\.]+)`, applied to the whole output.
var showresMp64RE = regexp.MustCompile(`\sbos\.mp64\s+([0-9.]+)`)

// ParseShowresMp64 finds the bos.mp64 level in the output of `nim -o
// showres LPP_SOURCE`, which is how IBM's role learns an lpp_source's AIX
// level. Every "bos.mp64 <level>" pair preceded by a blank (or at the
// start of a line) is considered and the highest level is returned [U:
// the rest of the showres line layout is not documented, and IBM takes
// the first match; an lpp_source holding base and update images lists
// several]. A level that is not V.R.M.F is an error.
func ParseShowresMp64(out []byte) (FilesetLevel, error) {
	const cmd = "nim -o showres"
	if len(out) > MaxInput {
		return FilesetLevel{}, errorf(cmd, 0, "", "input too large: %d bytes, limit %d", len(out), MaxInput)
	}
	ls, err := splitLines(cmd, out)
	if err != nil {
		return FilesetLevel{}, err
	}
	var best FilesetLevel
	found := false
	for _, l := range ls {
		for _, m := range showresMp64RE.FindAllStringSubmatch(" "+l.s, -1) {
			f, err := ParseFilesetLevel(m[1])
			if err != nil {
				return FilesetLevel{}, errorf(cmd, l.n, l.s, "bos.mp64: %v", err)
			}
			if !found || f.Compare(best) > 0 {
				best, found = f, true
			}
		}
	}
	if !found {
		return FilesetLevel{}, errorf(cmd, 0, "", "no bos.mp64 level found")
	}
	return best, nil
}

// ParseShowresLslpp parses `nim -o showres -a lslpp_flags=Lc SPOT`: the
// SPOT's `lslpp -Lc` rows after a header. Lines starting with "#" are
// skipped, and so is a first line that is not a row (IBM's nim_resource.py
// always drops the first line) [U: no raw capture]. A fileset may appear
// more than once.
func ParseShowresLslpp(out []byte) ([]LslppEntry, error) {
	return parseLslppLc("nim -o showres", out, true)
}
