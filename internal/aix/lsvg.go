package aix

import (
	"regexp"
	"strings"
)

// vgNameRE is the documented VG name rule: 1 to 15 characters.
var vgNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,15}$`)

// ParseLsvgList parses `lsvg` or `lsvg -o`: one volume-group name per line.
// `lsvg` lists every VG defined in the ODM (varied on or off); `lsvg -o`
// only the varied-on ones, so a VG in the first list but not in the second
// is varied off (IBM's lvg.py decides it the same way). Names must be 1 to
// 15 characters of [A-Za-z0-9_.-]. Empty output gives an empty list.
func ParseLsvgList(out []byte) ([]string, error) {
	const cmd = "lsvg"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, l := range ls {
		s := strings.TrimSpace(l.s)
		if !vgNameRE.MatchString(s) {
			return nil, errorf(cmd, l.n, l.s, "want a volume group name")
		}
		names = append(names, s)
	}
	return names, nil
}

// VG types as IBM's lvg.py derives them from "MAX PPs per VG".
const (
	VGOriginal = "original" // MAX PPs per VG: 32512
	VGBig      = "big"      // MAX PPs per VG: 130048
	VGScalable = "scalable" // any other value, e.g. 32768
)

// VGInfo is the parsed output of `lsvg VG`.
//
// Numeric fields are 0 when the label is absent (older releases lack
// DISK BLOCK SIZE, FS SYNC OPTION, CRITICAL VG/PVs and ENCRYPTION; only
// original and big VGs print MAX PPs per PV) or when AIX printed "?" for
// it; Unknown tells the two apart.
type VGInfo struct {
	Name       string // VOLUME GROUP
	Identifier string // VG IDENTIFIER
	State      string // VG STATE, e.g. "active"
	Permission string // VG PERMISSION, e.g. "read/write"

	PPSizeMB int // PP SIZE in megabytes
	TotalPPs int // TOTAL PPs (count)
	TotalMB  int // TOTAL PPs (megabytes)
	FreePPs  int
	FreeMB   int
	UsedPPs  int
	UsedMB   int

	MaxLVs        int
	LVs           int
	OpenLVs       int
	TotalPVs      int
	StalePVs      int
	ActivePVs     int
	StalePPs      int
	VGDescriptors int
	Quorum        int    // QUORUM number
	QuorumState   string // QUORUM state in parentheses, e.g. "Enabled"
	MaxPPsPerVG   int
	MaxPPsPerPV   int // only original and big VGs
	MaxPVs        int
	LTGSizeKB     int    // LTG size, in kilobytes
	LTGDynamic    bool   // the label read "LTG size (Dynamic)"
	AutoOn        string // "yes" or "no"
	AutoSync      string
	HotSpare      string
	BBPolicy      string
	MirrorPool    string // MIRROR POOL STRICT, scalable VGs only
	PVRestriction string
	InfiniteRetry string
	DiskBlockSize int
	CriticalVG    string
	FSSyncOption  string
	CriticalPVs   string
	Encryption    string // "" when the label is absent (before 7.2 TL5 [U])

	// Fields holds every label and its raw value, including labels this
	// package does not know.
	Fields map[string]string
	// Unknown holds the labels whose value was a question mark ("?"),
	// which AIX prints when the ODM data is unavailable. Nil when none.
	Unknown map[string]bool
}

// Type returns [VGOriginal], [VGBig] or [VGScalable] from MaxPPsPerVG, or
// "" when that value is not known.
func (v VGInfo) Type() string {
	switch {
	case v.MaxPPsPerVG == 0:
		return ""
	case v.MaxPPsPerVG == 32512:
		return VGOriginal
	case v.MaxPPsPerVG == 130048:
		return VGBig
	}
	return VGScalable
}

// ParseLsvg parses `lsvg VG`, the two-column label/value listing of one
// volume group, on any level from 5.3 to 7.3. Labels are found by name, not
// by column, so long values do not matter. "?" values are recorded in
// Unknown. The labels VOLUME GROUP, VG IDENTIFIER, VG STATE, PP SIZE,
// TOTAL PPs, FREE PPs, USED PPs and TOTAL PVs must be present.
//
// A VG that is varied off makes lsvg fail with 0516-010 on stderr; see
// [ClassifyLVMError].
func ParseLsvg(out []byte) (VGInfo, error) {
	const cmd = "lsvg"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return VGInfo{}, err
	}
	if len(ls) == 0 {
		return VGInfo{}, errorf(cmd, 0, "", "empty output")
	}
	fs := newFieldSet(cmd)
	ltgLabel := ""
	for _, l := range ls {
		ps, err := labelPairs(cmd, l)
		if err != nil {
			return VGInfo{}, err
		}
		for _, p := range ps {
			if err := fs.add(l, p); err != nil {
				return VGInfo{}, err
			}
			if strings.HasPrefix(p.label, "LTG size") {
				ltgLabel = p.label
			}
		}
	}
	fs.require("VOLUME GROUP", "VG IDENTIFIER", "VG STATE", "PP SIZE", "TOTAL PPs", "FREE PPs", "USED PPs", "TOTAL PVs")
	v := VGInfo{
		Name:          fs.str("VOLUME GROUP"),
		Identifier:    fs.str("VG IDENTIFIER"),
		State:         fs.str("VG STATE"),
		Permission:    fs.str("VG PERMISSION"),
		PPSizeMB:      fs.size("PP SIZE", "megabyte"),
		MaxLVs:        fs.int("MAX LVs"),
		LVs:           fs.int("LVs"),
		OpenLVs:       fs.int("OPEN LVs"),
		TotalPVs:      fs.int("TOTAL PVs"),
		StalePVs:      fs.int("STALE PVs"),
		ActivePVs:     fs.int("ACTIVE PVs"),
		StalePPs:      fs.int("STALE PPs"),
		VGDescriptors: fs.int("VG DESCRIPTORS"),
		MaxPPsPerVG:   fs.int("MAX PPs per VG"),
		MaxPPsPerPV:   fs.int("MAX PPs per PV"),
		MaxPVs:        fs.int("MAX PVs"),
		AutoOn:        fs.str("AUTO ON"),
		AutoSync:      fs.str("AUTO SYNC"),
		HotSpare:      fs.str("HOT SPARE"),
		BBPolicy:      fs.str("BB POLICY"),
		MirrorPool:    fs.str("MIRROR POOL STRICT"),
		PVRestriction: fs.str("PV RESTRICTION"),
		InfiniteRetry: fs.str("INFINITE RETRY"),
		DiskBlockSize: fs.int("DISK BLOCK SIZE"),
		CriticalVG:    fs.str("CRITICAL VG"),
		FSSyncOption:  fs.str("FS SYNC OPTION"),
		CriticalPVs:   fs.str("CRITICAL PVs"),
		Encryption:    fs.str("ENCRYPTION"),
		Fields:        fs.fields,
	}
	v.TotalPPs, v.TotalMB = fs.countMB("TOTAL PPs")
	v.FreePPs, v.FreeMB = fs.countMB("FREE PPs")
	v.UsedPPs, v.UsedMB = fs.countMB("USED PPs")
	v.Quorum, v.QuorumState = fs.quorum("QUORUM")
	if ltgLabel != "" {
		v.LTGSizeKB = fs.size(ltgLabel, "kilobyte")
		v.LTGDynamic = strings.Contains(ltgLabel, "(Dynamic)")
	}
	if fs.err != nil {
		return VGInfo{}, fs.err
	}
	if v.Name == "" && !fs.unknown["VOLUME GROUP"] {
		return VGInfo{}, errorf(cmd, fs.lines["VOLUME GROUP"].n, fs.lines["VOLUME GROUP"].s, "empty VOLUME GROUP")
	}
	v.Unknown = fs.unknownMap()
	return v, nil
}

// vgSection splits the output of `lsvg -l` / `lsvg -p` for one or more
// VGs into sections, each starting with a "<vg>:" line.
type vgSection struct {
	vg    string
	title line
	lines []line // after the title, blank lines removed
}

var vgTitleRE = regexp.MustCompile(`^([A-Za-z0-9_.-]{1,15}):$`)

func vgSections(cmd string, out []byte) ([]vgSection, error) {
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	var secs []vgSection
	for _, l := range ls {
		if m := vgTitleRE.FindStringSubmatch(l.s); m != nil {
			secs = append(secs, vgSection{vg: m[1], title: l})
			continue
		}
		if len(secs) == 0 {
			return nil, errorf(cmd, l.n, l.s, `want "<vg>:" title line`)
		}
		secs[len(secs)-1].lines = append(secs[len(secs)-1].lines, l)
	}
	if len(secs) == 0 {
		return nil, errorf(cmd, 0, "", "empty output")
	}
	return secs, nil
}
