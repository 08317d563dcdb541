package aix

import (
	"strings"
)

// DiskVG says whether a disk belongs to a volume group, as decided from
// `getlvodm -j hdiskN`.
type DiskVG int

const (
	// DiskVGUnknown means the answer could not be decided; treat the disk
	// as unusable.
	DiskVGUnknown DiskVG = iota
	// DiskVGFree means the disk belongs to no VG: non-zero exit with
	// 0516-320 or 0516-1396 on stderr (IBM's alt_disk.py expects exit 3).
	DiskVGFree
	// DiskVGMember means the disk belongs to a VG: exit 0 and the VG
	// identifier on stdout.
	DiskVGMember
)

// String returns "unknown", "free" or "member".
func (d DiskVG) String() string {
	switch d {
	case DiskVGFree:
		return "free"
	case DiskVGMember:
		return "member"
	}
	return "unknown"
}

// ClassifyGetlvodm classifies the result of `getlvodm -j hdiskN`. It
// returns DiskVGFree for a non-zero exit with 0516-320 or 0516-1396 in
// stderr; DiskVGMember, with the VG identifier (the first word of
// stdout), for exit 0 with a non-empty stdout [U: exact stdout]; and
// DiskVGUnknown otherwise, including exit 0 with empty output, which
// IBM's role would call free but which this package does not guess.
func ClassifyGetlvodm(stdout, stderr []byte, exit int) (DiskVG, string) {
	if exit != 0 {
		if hasMessageID(stderr, "0516-320") || hasMessageID(stderr, "0516-1396") {
			return DiskVGFree, ""
		}
		return DiskVGUnknown, ""
	}
	if len(stdout) > MaxInput {
		return DiskVGUnknown, ""
	}
	f := strings.Fields(string(stdout))
	if len(f) == 0 || !vgidRE.MatchString(f[0]) {
		return DiskVGUnknown, ""
	}
	return DiskVGMember, f[0]
}
