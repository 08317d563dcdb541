package aix

import (
	"regexp"
	"strings"
)

// BootEntry is one device of a boot list (`bootlist -m normal -o`).
type BootEntry struct {
	// Device is the device name, e.g. hdisk0 or ent0, or "-" for an entry
	// whose device no longer exists (see Stale).
	Device string
	// Stale is true when AIX printed "-" instead of a device name.
	Stale bool
	// Attrs holds the attr=value pairs that follow the device, e.g.
	// blv=hd5 pathid=0, or bserver=, client=, gateway= for network
	// entries. Nil when there are none.
	Attrs map[string]string
	// Path is the firmware path from the preceding "Path name: (...)"
	// line of the verbose form (`-ov`); "" otherwise.
	Path string
}

// BLV returns the blv attribute, e.g. "hd5" or "bos_hd5" ("" if absent).
func (e BootEntry) BLV() string { return e.Attrs["blv"] }

// BootList is the parsed output of `bootlist -m MODE -o` or `-ov`. One
// disk reached over several paths appears once per path, so use
// [BootList.Devices] for the distinct devices.
type BootList []BootEntry

// Devices returns the distinct device names in order of first appearance,
// without stale ("-") entries.
func (b BootList) Devices() []string {
	seen := map[string]bool{}
	var res []string
	for _, e := range b {
		if e.Stale || seen[e.Device] {
			continue
		}
		seen[e.Device] = true
		res = append(res, e.Device)
	}
	return res
}

// BLVs returns the distinct blv attribute values in order of appearance.
func (b BootList) BLVs() []string {
	seen := map[string]bool{}
	var res []string
	for _, e := range b {
		v := e.BLV()
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		res = append(res, v)
	}
	return res
}

// HasStale reports whether any entry is "-" (a device that was removed).
func (b BootList) HasStale() bool {
	for _, e := range b {
		if e.Stale {
			return true
		}
	}
	return false
}

var (
	bootAttrRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$`)
	bootPathRE = regexp.MustCompile(`^Path name: \((.*)\)$`)
	// Verbose (-ov) lines that carry no entry.
	bootVerbosePrefixes = []string{"'ibm,", "NVRAM variable:", "match_specific_info:"}
)

// ParseBootlist parses `bootlist -m normal -o` (and service mode): one
// entry per line, "<device> [attr=value ...]", where "-" stands for a
// device that no longer exists. Lines of the verbose form `-ov`
// ("'ibm,max-boot-devices' = ...", "NVRAM variable: ...",
// "match_specific_info: ...") are skipped, and a "Path name: (...)" line
// is attached to the entry that follows it. Empty output gives an empty
// list.
func ParseBootlist(out []byte) (BootList, error) {
	const cmd = "bootlist"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := BootList{}
	path := ""
	for _, l := range ls {
		s := strings.TrimSpace(l.s)
		if m := bootPathRE.FindStringSubmatch(s); m != nil {
			path = m[1]
			continue
		}
		skip := false
		for _, p := range bootVerbosePrefixes {
			if strings.HasPrefix(s, p) {
				skip = true
			}
		}
		if skip {
			continue
		}
		f := strings.Fields(s)
		e := BootEntry{Device: f[0], Path: path}
		path = ""
		if e.Device == "-" {
			e.Stale = true
		} else if !deviceRE.MatchString(e.Device) {
			return nil, errorf(cmd, l.n, l.s, "want a device name, got %q", e.Device)
		}
		for _, tok := range f[1:] {
			m := bootAttrRE.FindStringSubmatch(tok)
			if m == nil {
				return nil, errorf(cmd, l.n, l.s, "want attr=value, got %q", tok)
			}
			if e.Attrs == nil {
				e.Attrs = map[string]string{}
			}
			if _, dup := e.Attrs[m[1]]; dup {
				return nil, errorf(cmd, l.n, l.s, "duplicate attribute %q", m[1])
			}
			e.Attrs[m[1]] = m[2]
		}
		res = append(res, e)
	}
	return res, nil
}
