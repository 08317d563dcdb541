package aix

import (
	"regexp"
	"strings"
)

// PV is one row of `lspv`.
type PV struct {
	Name string // disk name, e.g. hdisk0 (not required to start with hdisk)
	// PVID is the 16-hex-digit physical volume ID, "" when AIX printed
	// "none".
	PVID string
	// HasPVID is false for disks without a PVID ("none"), which IBM's
	// disk selector refuses.
	HasPVID bool
	// VG is the volume group, "" when AIX printed "None" (compared without
	// regard to case: one transcription shows "none"). altinst_rootvg and
	// old_rootvg are reported as is.
	VG string
	// State is the fourth column: "active", "concurrent", "locked" [U for
	// the exact case], or "" when the VG is varied off or the disk is free.
	State string
}

// Free reports whether the disk belongs to no VG according to lspv. A
// disk that lspv shows free may still carry a VG descriptor; confirm with
// `getlvodm -j` ([ClassifyGetlvodm]) before writing to it.
func (p PV) Free() bool { return p.VG == "" }

// PVs is the parsed output of `lspv`.
type PVs []PV

// Get returns the disk named name.
func (ps PVs) Get(name string) (PV, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return PV{}, false
}

// InVG returns the disks of volume group vg in listing order.
func (ps PVs) InVG(vg string) PVs {
	var res PVs
	for _, p := range ps {
		if p.VG == vg {
			res = append(res, p)
		}
	}
	return res
}

// Free returns the disks that belong to no VG.
func (ps PVs) Free() PVs { return ps.InVG("") }

var (
	pvidRE      = regexp.MustCompile(`^[0-9a-fA-F]{16}$`)
	pvStateRE   = regexp.MustCompile(`^[a-z]+$`)
	diskNameRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)
	knownStates = map[string]bool{"active": true, "concurrent": true, "locked": true}
)

// ParseLspv parses `lspv`: "name PVID|none VG|None [state]" per line, split
// on blanks (the column widths 16/36/16 are not relied upon). The state is
// one of active, concurrent or locked, or absent; another lower-case word
// is an error so that a new state is noticed rather than guessed.
func ParseLspv(out []byte) (PVs, error) {
	const cmd = "lspv"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := PVs{}
	for _, l := range ls {
		f := strings.Fields(l.s)
		if len(f) < 3 {
			return nil, errorf(cmd, l.n, l.s, "want at least 3 fields, got %d", len(f))
		}
		if len(f) > 4 {
			return nil, errorf(cmd, l.n, l.s, "want at most 4 fields, got %d", len(f))
		}
		p := PV{Name: f[0]}
		if !diskNameRE.MatchString(p.Name) {
			return nil, errorf(cmd, l.n, l.s, "bad disk name %q", p.Name)
		}
		switch {
		case strings.EqualFold(f[1], "none"):
		case pvidRE.MatchString(f[1]):
			p.PVID, p.HasPVID = strings.ToLower(f[1]), true
		default:
			return nil, errorf(cmd, l.n, l.s, "want a 16-digit PVID or none, got %q", f[1])
		}
		switch {
		case strings.EqualFold(f[2], "None"):
		case vgNameRE.MatchString(f[2]):
			p.VG = f[2]
		default:
			return nil, errorf(cmd, l.n, l.s, "bad volume group name %q", f[2])
		}
		if len(f) == 4 {
			p.State = f[3]
			if !pvStateRE.MatchString(p.State) || !knownStates[p.State] {
				return nil, errorf(cmd, l.n, l.s, "unknown state %q", p.State)
			}
			if p.VG == "" && p.State != "locked" {
				return nil, errorf(cmd, l.n, l.s, "state %q without a volume group", p.State)
			}
		}
		res = append(res, p)
	}
	return res, nil
}

// PVInfo is the parsed output of `lspv hdiskN` (or `lspv -L hdiskN`).
// Numeric fields are 0 when absent or unknown; Unknown tells which labels
// had a question-mark value ("???????" is printed for a disk of a
// varied-off VG, together with 0516-010 on stderr and a non-zero exit).
type PVInfo struct {
	Name        string // PHYSICAL VOLUME
	VG          string // VOLUME GROUP
	PVID        string // PV IDENTIFIER
	VGID        string // VG IDENTIFIER
	State       string // PV STATE, e.g. "active"
	StalePPs    int    // STALE PARTITIONS
	PPSizeMB    int
	LVs         int // LOGICAL VOLUMES
	TotalPPs    int
	TotalMB     int
	FreePPs     int
	FreeMB      int
	UsedPPs     int
	UsedMB      int
	VGDescs     int    // VG DESCRIPTORS
	MaxRequest  int    // MAX REQUEST, kilobytes
	Allocatable string // "yes" or "no"
	HotSpare    string
	MirrorPool  string
	FreeDist    [5]int
	UsedDist    [5]int

	// Fields holds every label with its raw value.
	Fields map[string]string
	// Unknown holds the labels whose value was made of question marks.
	Unknown map[string]bool
}

// pvVGIDRE matches the line where the long PVID pushes "VG IDENTIFIER"
// left and it loses its colon: "PV IDENTIFIER:  <pvid> VG IDENTIFIER  <vgid>".
var pvVGIDRE = regexp.MustCompile(`^PV IDENTIFIER: +(\S+) +VG IDENTIFIER:? +(\S+)$`)

// ParseLspvDisk parses `lspv hdiskN`, the label/value listing of one disk.
// It handles the "VG IDENTIFIER" quirk (no colon, pushed against the PVID)
// and "???????" values. PHYSICAL VOLUME and PV IDENTIFIER must be present.
// Error texts (0516-1396, 0516-320, 0516-010) come on stderr; classify them
// with [ClassifyLVMError].
func ParseLspvDisk(out []byte) (PVInfo, error) {
	const cmd = "lspv"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return PVInfo{}, err
	}
	if len(ls) == 0 {
		return PVInfo{}, errorf(cmd, 0, "", "empty output")
	}
	fs := newFieldSet(cmd)
	for _, l := range ls {
		var ps []pair
		if m := pvVGIDRE.FindStringSubmatch(l.s); m != nil {
			ps = []pair{{"PV IDENTIFIER", m[1]}, {"VG IDENTIFIER", m[2]}}
		} else if ps, err = labelPairs(cmd, l); err != nil {
			return PVInfo{}, err
		}
		for _, p := range ps {
			if err := fs.add(l, p); err != nil {
				return PVInfo{}, err
			}
		}
	}
	fs.require("PHYSICAL VOLUME", "PV IDENTIFIER")
	p := PVInfo{
		Name:        fs.str("PHYSICAL VOLUME"),
		VG:          fs.str("VOLUME GROUP"),
		PVID:        fs.str("PV IDENTIFIER"),
		VGID:        fs.str("VG IDENTIFIER"),
		State:       fs.str("PV STATE"),
		StalePPs:    fs.int("STALE PARTITIONS"),
		PPSizeMB:    fs.size("PP SIZE", "megabyte"),
		LVs:         fs.int("LOGICAL VOLUMES"),
		VGDescs:     fs.int("VG DESCRIPTORS"),
		MaxRequest:  fs.size("MAX REQUEST", "kilobyte"),
		Allocatable: fs.str("ALLOCATABLE"),
		HotSpare:    fs.str("HOT SPARE"),
		MirrorPool:  fs.str("MIRROR POOL"),
		FreeDist:    fs.dist("FREE DISTRIBUTION"),
		UsedDist:    fs.dist("USED DISTRIBUTION"),
		Fields:      fs.fields,
	}
	p.TotalPPs, p.TotalMB = fs.countMB("TOTAL PPs")
	p.FreePPs, p.FreeMB = fs.countMB("FREE PPs")
	p.UsedPPs, p.UsedMB = fs.countMB("USED PPs")
	if fs.err != nil {
		return PVInfo{}, fs.err
	}
	if p.Name == "" && !fs.unknown["PHYSICAL VOLUME"] {
		return PVInfo{}, errorf(cmd, fs.lines["PHYSICAL VOLUME"].n, fs.lines["PHYSICAL VOLUME"].s, "empty PHYSICAL VOLUME")
	}
	p.Unknown = fs.unknownMap()
	return p, nil
}

// LVMError classifies the failure of an LVM query (`lspv hdiskN`,
// `lsvg VG`) from its message IDs.
type LVMError int

const (
	// LVMOK means the command exited 0.
	LVMOK LVMError = iota
	// LVMNotInVG means the disk belongs to no volume group (0516-320 or
	// 0516-1396 "... was not found in the system database").
	LVMNotInVG
	// LVMVariedOff means the volume group is varied off (0516-010); lspv
	// may still print a listing with "???????" values.
	LVMVariedOff
	// LVMOtherError is a non-zero exit without a recognised message ID.
	LVMOtherError
)

// String returns a short lowercase name such as "not in vg".
func (e LVMError) String() string {
	switch e {
	case LVMOK:
		return "ok"
	case LVMNotInVG:
		return "not in vg"
	case LVMVariedOff:
		return "varied off"
	}
	return "error"
}

// ClassifyLVMError classifies the stderr and exit status of `lspv hdiskN`
// or `lsvg VG`. Only message IDs are matched: the texts of 0516-320 and
// 0516-010 are known only from IBM code comments. When both kinds of ID
// appear, 0516-010 wins.
func ClassifyLVMError(stderr []byte, exit int) LVMError {
	if exit == 0 {
		return LVMOK
	}
	switch {
	case hasMessageID(stderr, "0516-010"):
		return LVMVariedOff
	case hasMessageID(stderr, "0516-320"), hasMessageID(stderr, "0516-1396"):
		return LVMNotInVG
	}
	return LVMOtherError
}

// vgidRE matches a VG identifier: 16 or 32 hex digits.
var vgidRE = regexp.MustCompile(`^(?:[0-9a-fA-F]{16}|[0-9a-fA-F]{32})$`)
