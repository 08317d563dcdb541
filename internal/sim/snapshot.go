package sim

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
)

// Snapshot returns a deterministic text dump of a host's whole model:
// hardware, disks, volume groups and logical volumes, every OS image
// (filesets, efixes, groups, files by content hash), bootlist, SRC
// subsystems, injected faults and, on a master, the NIM database, running
// migrations and cache allocations. Times and process IDs are left out,
// so two snapshots differ exactly where the model changed: a test can diff
// a host before and after a fix and prove nothing else moved. It returns
// "" for an unknown host.
func (l *Lab) Snapshot(host string) string {
	h := l.hosts[host]
	if h == nil {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("host %s role=%s", h.name, h.role)
	if h.role == roleClient {
		p("master %s target_disk=%s multibos_leaves_bos_inst=%v", h.master, h.targetDisk, h.leaveBosInst)
	}
	p("up=%v unreachable=%v hostname=%s processor=POWER%d memory_kb=%d cpuid=%s lpar=%d %s tz=%s",
		h.up, h.unreachable, h.hostname, h.proc, h.memKB, h.cpuid, h.lparNum, h.lparName, h.tz)
	p("faults %s", strings.Join(h.faults, ","))
	p("booted disk=%s blv=%s", h.bootedDisk, h.bootedBLV)
	var bl []string
	for _, e := range h.bootlist {
		bl = append(bl, e.disk+" blv="+e.blv)
	}
	p("bootlist %s", strings.Join(bl, ", "))
	for _, d := range h.disks {
		vgName := "None"
		if d.vg != nil {
			vgName = d.vg.name
		}
		p("disk %s size_mb=%d pvid=%s vg=%s bootable=%v shared=%v paths=%d vgda_stale=%v", d.name, d.sizeMB, orNone(d.pvid), vgName, d.bootable, d.shared, d.paths, d.vgdaStale)
	}
	for _, v := range h.vgs {
		var ds []string
		for _, d := range v.disks {
			ds = append(ds, d.name)
		}
		p("vg %s id=%s pp_mb=%d type=%d ltg=%d active=%v auto_on=%v locked=%v disks=%s total=%d used=%d",
			v.name, v.id, v.ppMB, v.typ, v.ltgKB, v.active, v.autoOn, v.locked, strings.Join(ds, ","), v.totalPPs(), v.usedPPs())
		for _, lv := range v.lvs {
			fs := ""
			if lv.fs != nil {
				fs = fmt.Sprintf(" used_blocks=%d iused=%d iused_pct=%d noauto=%v", lv.fs.usedBlocks, lv.fs.iused, lv.fs.iusedPct, lv.fs.noauto)
			}
			p("  lv %s type=%s lps=%d copies=%d mount=%s state=%s mounted=%v%s", lv.name, lv.typ, lv.lps, lv.copies, orNone(lv.mount), lv.state(), lv.mounted, fs)
		}
		if v.os != nil {
			snapOS(&b, v.os)
		}
	}
	for _, s := range h.subsys {
		p("subsystem %s group=%s active=%v", s.name, s.group, s.active)
	}
	if h.nim != nil {
		db := h.nim
		p("nim network=%s intent=%+v capacity=%d", db.network, h.intent, h.capacity)
		for _, c := range db.clients {
			p("  client %s connect=%s network=%s hostname=%s cstate=%q prev=%q result=%q info=%q cpuid=%s net_settings=%q comments=%q",
				c.name, c.connect, c.network, c.hostname, c.cstate, c.prevState, c.cstateResult, c.info, c.cpuid, c.netSettings, c.comments)
		}
		for _, s := range db.spots {
			p("  spot %s level=%s location=%s server=%s rstate=%q alloc=%d alt_disk=%s busy=%v", s.name, s.level, s.location, s.server, s.rstate, s.allocCount, orNone(s.altDisk), s.busy)
		}
		for _, s := range db.lpps {
			var miss []string
			for k := range s.missing {
				miss = append(miss, k)
			}
			sort.Strings(miss)
			p("  lpp_source %s level=%s location=%s server=%s alloc=%d simages=%v missing=%s", s.name, s.level, s.location, s.server, s.allocCount, s.simages, strings.Join(miss, ","))
		}
		var runs []string
		for c, r := range h.runs {
			runs = append(runs, fmt.Sprintf("%s(phase %d)", c, r.phase))
		}
		sort.Strings(runs)
		p("  runs %s", strings.Join(runs, ","))
	}
	return b.String()
}

func snapOS(b *strings.Builder, o *osImage) {
	p := func(format string, a ...any) { fmt.Fprintf(b, "  "+format+"\n", a...) }
	p("os level=%s oslevel_s=%s not_all=%s tcb=%v ipldevice_ok=%v blv_level=%s rsh_broken=%v bos_names=%v",
		o.level, o.oslevel(), o.notAllTL, o.tcb, o.ipldevOK, o.blvLevelString(), o.rshBroken, o.bosNames)
	for _, f := range o.filesets {
		p("  fileset %s %s root=%v not_in_lpp=%v", f.name, f.level, f.root, f.notInLPP)
	}
	for _, e := range o.efixes {
		p("  efix %s state=%s locks=%s", e.label, e.state, strings.Join(e.locks, ","))
	}
	p("  groups %s", strings.Join(o.groups, ","))
	p("  apps %s", strings.Join(o.apps, "|"))
	var ss []string
	for k, v := range o.subsysState {
		ss = append(ss, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(ss)
	p("  boot_subsystems %s", strings.Join(ss, ","))
	for _, path := range o.files.paths() {
		n := o.files.nodes[path]
		if n.dir {
			p("  dir %s", path)
			continue
		}
		sum := sha256.Sum256(n.data)
		p("  file %s size=%d sha256=%x", path, len(n.data), sum[:8])
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
