package aix

import (
	"bytes"
	"regexp"
	"strings"
)

// FileInfo is the parsed output of `ls -ld PATH` on AIX.
type FileInfo struct {
	// Mode is the permission string, e.g. "drwxr-xr-x" (an ACL marker
	// "+" or "." is kept, as printed).
	Mode  string
	Links int
	Owner string
	Group string
	// Size is the size in bytes; for device files, which print
	// "major, minor" instead, it is 0 and Major/Minor are set.
	Size  int
	Major int
	Minor int
	// Date is the time stamp as printed: "Nov 22 14:48" or "Nov 22  2019"
	// (blank runs collapsed to one).
	Date string
	Name string
	// LinkTarget is the target of a symbolic link ("name -> target").
	LinkTarget string
}

// IsDir reports whether the entry is a directory.
func (f FileInfo) IsDir() bool { return strings.HasPrefix(f.Mode, "d") }

// IsSymlink reports whether the entry is a symbolic link.
func (f FileInfo) IsSymlink() bool { return strings.HasPrefix(f.Mode, "l") }

var lsRE = regexp.MustCompile(`^([-dlcbps][rwxsStT-]{9}[+.@]?)\s+([0-9]+)\s+(\S+)\s+(\S+)\s+(?:([0-9]+)|([0-9]+),\s*([0-9]+))\s+([A-Z][a-z]{2}\s+[0-9]{1,2}\s+(?:[0-9]{1,2}:[0-9]{2}|[0-9]{4}))\s(.+)$`)

// ParseLsLd parses one line of `ls -ld PATH`: mode, links, owner, group,
// size (or "major, minor" for devices), date and name [U: values of the
// /bos_inst sample are constructed; the layout is confirmed for files and
// symbolic links].
func ParseLsLd(out []byte) (FileInfo, error) {
	const cmd = "ls -ld"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return FileInfo{}, err
	}
	m := lsRE.FindStringSubmatch(s)
	if m == nil {
		return FileInfo{}, errorf(cmd, n, s, "want mode, links, owner, group, size, date and name")
	}
	fi := FileInfo{Mode: m[1], Owner: m[3], Group: m[4], Date: strings.Join(strings.Fields(m[8]), " "), Name: strings.TrimLeft(m[9], " ")}
	ok := [4]bool{true, true, true, true}
	fi.Links, ok[0] = atoi(m[2])
	if m[5] != "" {
		fi.Size, ok[1] = atoi(m[5])
	} else {
		fi.Major, ok[2] = atoi(m[6])
		fi.Minor, ok[3] = atoi(m[7])
	}
	for _, o := range ok {
		if !o {
			return FileInfo{}, errorf(cmd, n, s, "number out of range")
		}
	}
	if fi.IsSymlink() {
		if i := strings.Index(fi.Name, " -> "); i >= 0 {
			fi.Name, fi.LinkTarget = fi.Name[:i], fi.Name[i+4:]
		}
	}
	return fi, nil
}

// LsNotExist reports whether the stderr of ls says the path does not
// exist: message 0653-341 ("ls: 0653-341 The file /bos_inst does not
// exist.") [U: exact text], or the words "does not exist" or "No such
// file or directory".
func LsNotExist(stderr []byte) bool {
	return hasMessageID(stderr, "0653-341") ||
		bytes.Contains(stderr, []byte("does not exist")) ||
		bytes.Contains(stderr, []byte("No such file or directory"))
}
