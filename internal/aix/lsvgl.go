package aix

import (
	"regexp"
	"strings"
)

// LV is one row of `lsvg -l VG`.
type LV struct {
	Name  string // LV NAME
	Type  string // TYPE: boot, paging, jfs2log, jfs2, sysdump, ...
	LPs   int
	PPs   int
	PVs   int
	State string // LV STATE, e.g. "open/syncd", "closed/syncd"
	// MountPoint is the MOUNT POINT column, "" when AIX printed N/A.
	MountPoint string
}

// Open reports whether the LV state starts with "open/".
func (lv LV) Open() bool { return strings.HasPrefix(lv.State, "open/") }

// Stale reports whether the LV state ends in "/stale" [U: the stale
// spelling of LV STATE is not confirmed by an IBM capture].
func (lv LV) Stale() bool { return strings.HasSuffix(lv.State, "/stale") }

// Copies returns PPs/LPs, the number of mirror copies, or 0 when LPs is 0
// or PPs is not a multiple of LPs.
func (lv LV) Copies() int {
	if lv.LPs == 0 || lv.PPs%lv.LPs != 0 {
		return 0
	}
	return lv.PPs / lv.LPs
}

// LVList is the parsed output of `lsvg -l VG` for one volume group.
type LVList struct {
	VG  string
	LVs []LV
}

// lsvgLHeader is the header of `lsvg -l`, compared after splitting on blanks
// (IBM's lvm_facts.py fails unless these headings are present).
var lsvgLHeader = []string{"LV", "NAME", "TYPE", "LPs", "PPs", "PVs", "LV", "STATE", "MOUNT", "POINT"}

var lvStateRE = regexp.MustCompile(`^(?:open|closed)/\S+$`)

// ParseLsvgL parses `lsvg -l VG` for exactly one volume group: the "<vg>:"
// line, the header (LV NAME, TYPE, LPs, PPs, PVs, LV STATE, MOUNT POINT,
// checked) and one row per LV, split on blanks. A VG without LVs gives an
// empty list. Use [ParseLsvgLAll] for `lsvg -l vg1 vg2`.
func ParseLsvgL(out []byte) (LVList, error) {
	all, err := ParseLsvgLAll(out)
	if err != nil {
		return LVList{}, err
	}
	if len(all) != 1 {
		return LVList{}, errorf("lsvg -l", 0, "", "want one volume group, got %d", len(all))
	}
	return all[0], nil
}

// ParseLsvgLAll parses `lsvg -l` output that may hold several volume
// groups (as printed by `lsvg -l vg1 vg2` or `lsvg -o | lsvg -l -i`).
func ParseLsvgLAll(out []byte) ([]LVList, error) {
	const cmd = "lsvg -l"
	secs, err := vgSections(cmd, out)
	if err != nil {
		return nil, err
	}
	var res []LVList
	for _, sec := range secs {
		if len(sec.lines) == 0 {
			return nil, errorf(cmd, sec.title.n, sec.title.s, "missing header after volume group line")
		}
		h := sec.lines[0]
		if !equalFields(strings.Fields(h.s), lsvgLHeader) {
			return nil, errorf(cmd, h.n, h.s, "want header LV NAME TYPE LPs PPs PVs LV STATE MOUNT POINT")
		}
		list := LVList{VG: sec.vg, LVs: []LV{}}
		for _, l := range sec.lines[1:] {
			f := strings.Fields(l.s)
			if len(f) != 7 {
				return nil, errorf(cmd, l.n, l.s, "want 7 fields, got %d", len(f))
			}
			lv := LV{Name: f[0], Type: f[1], State: f[5], MountPoint: f[6]}
			var ok [3]bool
			lv.LPs, ok[0] = atoi(f[2])
			lv.PPs, ok[1] = atoi(f[3])
			lv.PVs, ok[2] = atoi(f[4])
			if !ok[0] || !ok[1] || !ok[2] {
				return nil, errorf(cmd, l.n, l.s, "want integer LPs, PPs and PVs")
			}
			if !lvStateRE.MatchString(lv.State) {
				return nil, errorf(cmd, l.n, l.s, "want LV STATE open/... or closed/..., got %q", lv.State)
			}
			if lv.MountPoint == "N/A" {
				lv.MountPoint = ""
			} else if !strings.HasPrefix(lv.MountPoint, "/") {
				return nil, errorf(cmd, l.n, l.s, "want an absolute mount point or N/A, got %q", lv.MountPoint)
			}
			list.LVs = append(list.LVs, lv)
		}
		res = append(res, list)
	}
	return res, nil
}

func equalFields(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Get returns the LV named name.
func (l LVList) Get(name string) (LV, bool) {
	for _, lv := range l.LVs {
		if lv.Name == name {
			return lv, true
		}
	}
	return LV{}, false
}

// HasStandbyBOS reports whether a multibos standby instance exists: both an
// hd5 and a bos_hd5 LV of type boot are present (the rule of the chef
// multibos provider). Only meaningful for rootvg: other VGs may hold boot
// LVs too (PowerHA's caavg_private holds powerha_crlv of type boot). Which
// instance is active must come from `bootinfo -v`, not from the names.
func (l LVList) HasStandbyBOS() bool {
	a, okA := l.Get("hd5")
	b, okB := l.Get("bos_hd5")
	return okA && okB && a.Type == "boot" && b.Type == "boot"
}

// Mirrored reports whether any LV has more PPs than LPs, i.e. at least one
// LV of the VG is mirrored. Dump LVs (sysdump) stay unmirrored even in a
// mirrored rootvg, so this looks for any mirrored LV, not for all of them.
func (l LVList) Mirrored() bool {
	for _, lv := range l.LVs {
		if lv.LPs > 0 && lv.PPs > lv.LPs {
			return true
		}
	}
	return false
}

// BosLVs returns the LVs whose name starts with "bos_", the names multibos
// gives a standby copy of classic LVs. After booting the standby the roles
// swap (classic names become the standby); use the mount points under
// /bos_inst ([LVList.StandbyLVs]) to find the standby instance itself.
func (l LVList) BosLVs() []LV {
	var res []LV
	for _, lv := range l.LVs {
		if strings.HasPrefix(lv.Name, "bos_") {
			res = append(res, lv)
		}
	}
	return res
}

// StandbyLVs returns the LVs mounted on /bos_inst or below it: the file
// systems of a multibos standby instance, whatever their names.
func (l LVList) StandbyLVs() []LV {
	var res []LV
	for _, lv := range l.LVs {
		if lv.MountPoint == "/bos_inst" || strings.HasPrefix(lv.MountPoint, "/bos_inst/") {
			res = append(res, lv)
		}
	}
	return res
}

// MountPoints returns the mount points of the VG's LVs in listing order,
// skipping LVs without one (N/A).
func (l LVList) MountPoints() []string {
	var res []string
	for _, lv := range l.LVs {
		if lv.MountPoint != "" {
			res = append(res, lv.MountPoint)
		}
	}
	return res
}
