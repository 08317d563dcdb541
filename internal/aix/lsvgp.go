package aix

import (
	"regexp"
	"strconv"
	"strings"
)

// VGDisk is one row of `lsvg -p VG`.
type VGDisk struct {
	Name     string // PV_NAME; any disk name (hdisk3, hdiskpower0, ...)
	State    string // PV STATE: active, missing, removed, or "varied off"
	TotalPPs int
	FreePPs  int
	// FreeDist is FREE DISTRIBUTION: free PPs in the outer edge, outer
	// middle, center, inner middle and inner edge regions.
	FreeDist [5]int
}

// VGDisks is the parsed output of `lsvg -p VG` for one volume group.
type VGDisks struct {
	VG    string
	Disks []VGDisk
}

var lsvgPHeader = []string{"PV_NAME", "PV", "STATE", "TOTAL", "PPs", "FREE", "PPs", "FREE", "DISTRIBUTION"}

// ParseLsvgP parses `lsvg -p VG` for exactly one volume group. Disk names
// are not required to look like hdiskN; the state may contain a blank
// ("varied off"), so rows are read from both ends. Use [ParseLsvgPAll] for
// several VGs.
func ParseLsvgP(out []byte) (VGDisks, error) {
	all, err := ParseLsvgPAll(out)
	if err != nil {
		return VGDisks{}, err
	}
	if len(all) != 1 {
		return VGDisks{}, errorf("lsvg -p", 0, "", "want one volume group, got %d", len(all))
	}
	return all[0], nil
}

// ParseLsvgPAll parses `lsvg -p` output that may hold several VGs.
func ParseLsvgPAll(out []byte) ([]VGDisks, error) {
	const cmd = "lsvg -p"
	secs, err := vgSections(cmd, out)
	if err != nil {
		return nil, err
	}
	var res []VGDisks
	for _, sec := range secs {
		if len(sec.lines) == 0 {
			return nil, errorf(cmd, sec.title.n, sec.title.s, "missing header after volume group line")
		}
		h := sec.lines[0]
		if !equalFields(strings.Fields(h.s), lsvgPHeader) {
			return nil, errorf(cmd, h.n, h.s, "want header PV_NAME PV STATE TOTAL PPs FREE PPs FREE DISTRIBUTION")
		}
		d := VGDisks{VG: sec.vg, Disks: []VGDisk{}}
		for _, l := range sec.lines[1:] {
			f := strings.Fields(l.s)
			if len(f) < 5 {
				return nil, errorf(cmd, l.n, l.s, "want at least 5 fields, got %d", len(f))
			}
			k := len(f)
			disk := VGDisk{Name: f[0], State: strings.Join(f[1:k-3], " ")}
			var ok1, ok2, ok3 bool
			disk.TotalPPs, ok1 = atoi(f[k-3])
			disk.FreePPs, ok2 = atoi(f[k-2])
			disk.FreeDist, ok3 = parseDist(f[k-1])
			if !ok1 || !ok2 {
				return nil, errorf(cmd, l.n, l.s, "want integer TOTAL PPs and FREE PPs")
			}
			if !ok3 {
				return nil, errorf(cmd, l.n, l.s, "want FREE DISTRIBUTION a..b..c..d..e, got %q", f[k-1])
			}
			d.Disks = append(d.Disks, disk)
		}
		res = append(res, d)
	}
	return res, nil
}

// PartitionMapEntry is one line of `lsvg -M VG`: either an allocated
// physical partition ("hdisk8:255  hd1:99:2  stale") or a free range
// ("hdisk4:512-639").
type PartitionMapEntry struct {
	PV string // physical volume
	PP int    // first physical partition
	// LastPP is the last partition of a free range; equal to PP for an
	// allocated partition.
	LastPP int
	// Free is true for a free range; LV, LP, Copy and Stale are then zero.
	Free bool
	LV   string // logical volume
	LP   int    // logical partition
	// Copy is the mirror copy number (1..3), or 0 when AIX printed no copy
	// suffix [U: whether AIX always prints ":1" for mirrored LVs].
	Copy  int
	Stale bool
}

// PartitionMap is the parsed output of `lsvg -M VG`.
type PartitionMap struct {
	// VG is the volume-group name when the output began with a title line
	// ("rootvg" or "rootvg:") [U: IBM's sample has none], else "".
	VG      string
	Entries []PartitionMapEntry
}

var (
	ppRE    = regexp.MustCompile(`^([^:\s]+):([0-9]+)(?:-([0-9]+))?$`)
	lpRE    = regexp.MustCompile(`^([^:\s]+):([0-9]+)(?::([0-9]+))?$`)
	mapVGRE = regexp.MustCompile(`^([A-Za-z0-9_.-]{1,15}):?$`)
)

// ParseLsvgM parses `lsvg -M VG`, the partition map. Each line is
// "<pv>:<pp> <lv>:<lp>[:<copy>] [stale]" or a free range
// "<pv>:<from>[-<to>]". An optional first line holding only the VG name is
// accepted [U].
func ParseLsvgM(out []byte) (PartitionMap, error) {
	const cmd = "lsvg -M"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return PartitionMap{}, err
	}
	if len(ls) == 0 {
		return PartitionMap{}, errorf(cmd, 0, "", "empty output")
	}
	pm := PartitionMap{Entries: []PartitionMapEntry{}}
	for i, l := range ls {
		f := strings.Fields(l.s)
		if i == 0 && len(f) == 1 && !strings.Contains(strings.TrimSuffix(f[0], ":"), ":") {
			if m := mapVGRE.FindStringSubmatch(f[0]); m != nil {
				pm.VG = m[1]
				continue
			}
		}
		if len(f) < 1 || len(f) > 3 {
			return PartitionMap{}, errorf(cmd, l.n, l.s, "want 1 to 3 fields, got %d", len(f))
		}
		m := ppRE.FindStringSubmatch(f[0])
		if m == nil {
			return PartitionMap{}, errorf(cmd, l.n, l.s, "want <pv>:<pp>, got %q", f[0])
		}
		e := PartitionMapEntry{PV: m[1]}
		var ok bool
		if e.PP, ok = atoi(m[2]); !ok {
			return PartitionMap{}, errorf(cmd, l.n, l.s, "bad partition number")
		}
		e.LastPP = e.PP
		if m[3] != "" {
			if len(f) != 1 {
				return PartitionMap{}, errorf(cmd, l.n, l.s, "free range followed by more fields")
			}
			if e.LastPP, ok = atoi(m[3]); !ok || e.LastPP < e.PP {
				return PartitionMap{}, errorf(cmd, l.n, l.s, "bad free range")
			}
		}
		if len(f) == 1 {
			e.Free = true
			pm.Entries = append(pm.Entries, e)
			continue
		}
		lm := lpRE.FindStringSubmatch(f[1])
		if lm == nil {
			return PartitionMap{}, errorf(cmd, l.n, l.s, "want <lv>:<lp>[:<copy>], got %q", f[1])
		}
		e.LV = lm[1]
		if e.LP, ok = atoi(lm[2]); !ok {
			return PartitionMap{}, errorf(cmd, l.n, l.s, "bad logical partition number")
		}
		if lm[3] != "" {
			c, err := strconv.Atoi(lm[3])
			if err != nil || c < 1 || c > 3 {
				return PartitionMap{}, errorf(cmd, l.n, l.s, "copy number %q out of range 1..3", lm[3])
			}
			e.Copy = c
		}
		if len(f) == 3 {
			if f[2] != "stale" {
				return PartitionMap{}, errorf(cmd, l.n, l.s, "want \"stale\" or nothing after the LV, got %q", f[2])
			}
			e.Stale = true
		}
		pm.Entries = append(pm.Entries, e)
	}
	return pm, nil
}

// HasStale reports whether any partition is marked stale.
func (pm PartitionMap) HasStale() bool {
	for _, e := range pm.Entries {
		if e.Stale {
			return true
		}
	}
	return false
}

// MaxCopy returns the highest copy number seen (IBM reads the mirror count
// this way), at least 1 when any partition is allocated, 0 otherwise.
func (pm PartitionMap) MaxCopy() int {
	n := 0
	for _, e := range pm.Entries {
		if e.Free {
			continue
		}
		c := e.Copy
		if c == 0 {
			c = 1
		}
		if c > n {
			n = c
		}
	}
	return n
}

// FreeRanges returns the free-range entries.
func (pm PartitionMap) FreeRanges() []PartitionMapEntry {
	var res []PartitionMapEntry
	for _, e := range pm.Entries {
		if e.Free {
			res = append(res, e)
		}
	}
	return res
}
