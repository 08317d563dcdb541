package remediate_test

import (
	"fmt"
	"sort"
	"strings"
)

// change is one line that differs between two lab snapshots of a host.
type change struct {
	block string // the top-level entry it belongs to: "vg rootvg", "disk hdisk1", "bootlist", ...
	op    byte   // '-' removed, '+' added
	line  string
}

func (c change) String() string { return fmt.Sprintf("[%s] %c%s", c.block, c.op, c.line) }

// blockKey names a top-level snapshot line: the first word, plus the
// object's name for disks, volume groups and subsystems.
func blockKey(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	switch f[0] {
	case "disk", "vg", "subsystem":
		if len(f) > 1 {
			return f[0] + " " + f[1]
		}
	}
	return f[0]
}

// blocks splits a snapshot into top-level entries with their indented
// lines (the entry's own line first).
func blocks(snap string) (map[string][]string, []string) {
	out := map[string][]string{}
	var order []string
	cur := ""
	for _, l := range strings.Split(strings.TrimRight(snap, "\n"), "\n") {
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, " ") {
			cur = blockKey(l)
			if _, dup := out[cur]; !dup {
				order = append(order, cur)
			}
		}
		out[cur] = append(out[cur], l)
	}
	return out, order
}

// snapDiff compares two snapshots block by block; within a block lines
// are compared as multisets (a removed VG's OS image repeats rootvg's
// lines, so a plain set would hide them).
func snapDiff(before, after string) []change {
	b, border := blocks(before)
	a, aorder := blocks(after)
	keys := append([]string(nil), border...)
	for _, k := range aorder {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	var out []change
	for _, k := range keys {
		count := map[string]int{}
		for _, l := range b[k] {
			count[l]++
		}
		for _, l := range a[k] {
			count[l]--
		}
		var ls []string
		for l := range count {
			ls = append(ls, l)
		}
		sort.Strings(ls)
		for _, l := range ls {
			for n := count[l]; n > 0; n-- {
				out = append(out, change{k, '-', l})
			}
			for n := count[l]; n < 0; n++ {
				out = append(out, change{k, '+', l})
			}
		}
	}
	return out
}

// fixed names what a host's run fixed: action IDs, and for a master the
// clients whose NIM state was reset (FIX-NIMRESET runs there).
type fixed struct {
	actions  map[string]bool
	nimReset map[string]bool
	target   string // the client's target disk
}

// explained reports whether a change is an intended effect of what was
// fixed on the host.
func (f fixed) explained(c change) bool {
	l := c.line
	in := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				return true
			}
		}
		return false
	}
	if f.actions["FIX-BOSINST"] && c.block == "vg rootvg" {
		if c.op == '-' && (l == "    dir /bos_inst" || in("    dir /bos_inst/", "    file /bos_inst/")) {
			return true
		}
		if c.op == '+' && in("    dir "+aside, "    file "+aside) {
			return true
		}
	}
	if f.actions["FIX-MULTIBOS"] {
		switch {
		case c.block == "vg rootvg" && in("vg rootvg "):
			return true // used PPs
		case c.block == "vg rootvg" && c.op == '-' && in("  lv "):
			return strings.Contains(l, " mount=/bos_inst") || (in("  lv bos_hd5 ", "  lv hd5 ") && strings.Contains(l, " type=boot "))
		case c.block == "vg rootvg" && c.op == '-' && (l == "    dir /bos_inst" || in("    dir /bos_inst/")):
			return true
		case c.block == "bootlist":
			return true
		}
	}
	for _, vg := range []string{"altinst_rootvg", "old_rootvg"} {
		id := map[string]string{"altinst_rootvg": "FIX-ALTINST", "old_rootvg": "FIX-OLDROOTVG"}[vg]
		if !f.actions[id] {
			continue
		}
		if c.block == "vg "+vg && c.op == '-' {
			return true
		}
		if strings.HasPrefix(c.block, "disk ") && (strings.Contains(l, " vg="+vg+" ") || strings.Contains(l, " vg=None ")) {
			return true
		}
		if c.block == "bootlist" {
			return true
		}
	}
	if f.actions["FIX-NIMSH"] && c.block == "subsystem nimsh" {
		return true
	}
	if f.actions["FIX-PVID"] && c.block == "disk "+f.target {
		return true
	}
	if f.actions["FIX-BOSBOOT"] && c.block == "vg rootvg" && in("  os level=") {
		return true
	}
	if f.actions["FIX-MOUNT"] && c.block == "vg rootvg" && in("  lv ") && !strings.Contains(l, "mount=none") {
		return true
	}
	if f.actions["FIX-EFIX"] && c.block == "vg rootvg" && c.op == '-' && in("    efix ") {
		return true
	}
	if f.actions["FIX-VARYON"] && c.block == "vg nimadmvg" {
		return true
	}
	if c.block == "nim" {
		for client := range f.nimReset {
			if in("  client " + client + " ") {
				return true
			}
		}
	}
	return false
}
