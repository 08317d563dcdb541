package aix

import (
	"regexp"
	"strings"
)

// MountEntry is one row of `mount`.
type MountEntry struct {
	// Node is the NFS server for remote mounts, "" for local ones.
	Node string
	// Device is the "mounted" column: /dev/hd4, /proc, or the remote path.
	Device string
	// MountPoint is the "mounted over" column.
	MountPoint string
	VFS        string // jfs2, procfs, nfs3, ...
	Date       string // "Nov 07 19:11" as printed
	Options    string // "" when none
}

// Mounts is the parsed output of `mount`.
type Mounts []MountEntry

// Get returns the entry mounted over path.
func (ms Mounts) Get(path string) (MountEntry, bool) {
	for _, m := range ms {
		if m.MountPoint == path {
			return m, true
		}
	}
	return MountEntry{}, false
}

// Mounted reports whether something is mounted over path.
func (ms Mounts) Mounted(path string) bool {
	_, ok := ms.Get(path)
	return ok
}

var (
	monthRE = regexp.MustCompile(`^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$`)
	dayRE   = regexp.MustCompile(`^[0-9]{1,2}$`)
	hhmmRE  = regexp.MustCompile(`^[0-9]{1,2}:[0-9]{2}$`)
)

// ParseMount parses AIX `mount` output: two header lines ("node mounted
// mounted over vfs date options" and a dashed line), then one row per
// mount. Local rows leave the node column empty, so the field count
// differs between local and NFS rows; instead of IBM's "second token
// containing /" rule, each row is anchored on its "Mon DD hh:mm" date:
// vfs, mount point and device precede it, and a fourth token before them
// is the node. Mount points containing blanks are not supported.
func ParseMount(out []byte) (Mounts, error) {
	const cmd = "mount"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	if len(ls) < 2 {
		return nil, errorf(cmd, 0, "", "want two header lines")
	}
	if f := strings.Fields(ls[0].s); len(f) < 2 || f[0] != "node" || f[1] != "mounted" {
		return nil, errorf(cmd, ls[0].n, ls[0].s, "want header starting with node mounted")
	}
	if strings.Trim(ls[1].s, "- ") != "" {
		return nil, errorf(cmd, ls[1].n, ls[1].s, "want a dashed line")
	}
	res := Mounts{}
	for _, l := range ls[2:] {
		f := strings.Fields(l.s)
		d := -1
		for i := 3; i+2 < len(f) && i <= 4; i++ {
			if monthRE.MatchString(f[i]) && dayRE.MatchString(f[i+1]) && hhmmRE.MatchString(f[i+2]) {
				d = i
				break
			}
		}
		if d < 0 {
			return nil, errorf(cmd, l.n, l.s, "want [node] device mount-point vfs Mon DD hh:mm [options]")
		}
		if len(f) > d+4 {
			return nil, errorf(cmd, l.n, l.s, "want at most one options field after the date")
		}
		e := MountEntry{VFS: f[d-1], MountPoint: f[d-2], Device: f[d-3], Date: strings.Join(f[d:d+3], " ")}
		if d == 4 {
			e.Node = f[0]
		}
		if len(f) == d+4 {
			e.Options = f[d+3]
		}
		if !strings.HasPrefix(e.MountPoint, "/") {
			return nil, errorf(cmd, l.n, l.s, "mount point %q is not absolute", e.MountPoint)
		}
		res = append(res, e)
	}
	return res, nil
}
