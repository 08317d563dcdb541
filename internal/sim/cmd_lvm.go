package sim

import (
	"context"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func init() {
	register(cmdLsvg, false, "/usr/sbin/lsvg")
	register(cmdLspv, false, "/usr/sbin/lspv")
	register(cmdGetlvodm, false, "/usr/sbin/getlvodm")
	register(cmdChpv, false, "/usr/sbin/chpv")
	register(cmdChdev, false, "/usr/sbin/chdev")
	register(cmdVaryonvg, false, "/usr/sbin/varyonvg")
	register(cmdVaryoffvg, false, "/usr/sbin/varyoffvg")
	register(cmdLslv, false, "/usr/sbin/lslv")
}

const usageLsvg = "Usage: lsvg [-L] [-o] [-n DescriptorPV] [-i] [-l | -M | -p | -P] VolumeGroup...\n" // [U]

// lockedMsg is E36 [C: errors.md, continuation indented as captured].
func lockedMsg(cmd, vg string) string {
	return fmt.Sprintf("0516-1201 %s: Warning: Volume group %s is locked. This command\n"+
		"        will continue retries until lock is free.  If lock is inadvertent\n"+
		"        and needs to be removed, execute 'chvg -u %s'.\n", cmd, vg, vg)
}

// waitLocked prints the 0516-1201 warning and blocks until ctx is done, as
// LVM commands do on a locked VG (E36).
func waitLocked(ctx context.Context, inv *shell.Invocation, cmd, vg string) int {
	errf(inv, "%s", lockedMsg(cmd, vg))
	<-ctx.Done()
	return shell.StatusKilled
}

func cmdLsvg(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "LolMpPin:")
	if err != nil {
		return usage(inv, err, usageLsvg)
	}
	h.mu.Lock()
	if len(args) == 0 {
		if o.has('l') || o.has('p') || o.has('M') || o.has('P') {
			h.mu.Unlock()
			return usage(inv, nil, usageLsvg)
		}
		var names []string
		for _, v := range h.vgs {
			if !o.has('o') || v.active {
				names = append(names, v.name)
			}
		}
		h.mu.Unlock()
		lines(inv.Stdout, names...)
		return 0
	}
	type result struct {
		out, err string
		locked   string
	}
	var res []result
	for _, name := range args {
		v := h.vg(name)
		switch {
		case v == nil:
			// [U] wording; 0516-306 is the ODM lookup failure.
			res = append(res, result{err: fmt.Sprintf("0516-306 lsvg: Unable to find volume group %s in the Device Configuration Database.\n", name)})
		case v.locked:
			res = append(res, result{locked: name})
		case !v.active:
			// [P] E11: IBM matches 0516-010 on stderr; the "lsvg:" prefix is [U].
			res = append(res, result{err: "0516-010 lsvg: Volume group must be varied on; use varyonvg command.\n"})
		case o.has('l'):
			res = append(res, result{out: lsvgL(v)})
		case o.has('p'):
			res = append(res, result{out: lsvgP(v)})
		case o.has('M'):
			res = append(res, result{out: lsvgM(v)})
		case o.has('P'):
			res = append(res, result{out: lsvgPools(v)})
		default:
			res = append(res, result{out: lsvgDetail(h, v)})
		}
	}
	h.mu.Unlock()
	rc := 0
	for _, r := range res {
		if r.locked != "" {
			return waitLocked(ctx, inv, "lsvg", r.locked)
		}
		out(inv, "%s", r.out)
		if r.err != "" {
			errf(inv, "%s", r.err)
			rc = 1
		}
	}
	return rc
}

// pair lays out one line of a two-column listing: left label at 0, left
// value at lv, right label at rl, right value at rv (lsvg: 20/45/61).
func pair(ll, lval, rl, rval string, lv, rl0, rv int) string {
	s := padRight(ll, lv) + lval
	if rl == "" {
		return s
	}
	s = padRight(s, rl0)
	if len(s) > rl0 {
		s += " "
	}
	return s + padRight(rl, rv-rl0) + rval
}

func lsvgPair(ll, lval, rl, rval string) string { return pair(ll, lval, rl, rval, 20, 45, 61) }

func vgDescriptors(n int) int {
	switch n {
	case 1:
		return 2
	case 2:
		return 3
	}
	return n
}

// lsvgDetail prints `lsvg VG` [C layout: commands.md §3, columns 20/45/61;
// the line set per AIX level is [U] except 7.2 TL5+/7.3].
func lsvgDetail(h *host, v *vg) string {
	lvl := h.os().level
	var b strings.Builder
	add := func(s string) { b.WriteString(s + "\n") }
	open := 0
	for _, l := range v.lvs {
		if l.open {
			open++
		}
	}
	stalePVs := 0
	if v.staleTotal() > 0 {
		stalePVs = 1
	}
	mb := func(pps int) string { return fmt.Sprintf("%d (%d megabytes)", pps, pps*v.ppMB) }
	auto := "yes"
	if !v.autoOn {
		auto = "no"
	}
	vgda := vgDescriptors(len(v.disks))
	add(lsvgPair("VOLUME GROUP:", v.name, "VG IDENTIFIER:", v.id))
	add(lsvgPair("VG STATE:", "active", "PP SIZE:", fmt.Sprintf("%d megabyte(s)", v.ppMB)))
	add(lsvgPair("VG PERMISSION:", "read/write", "TOTAL PPs:", mb(v.totalPPs())))
	maxLVs := "256"
	if v.typ == vgBig {
		maxLVs = "512"
	}
	add(lsvgPair("MAX LVs:", maxLVs, "FREE PPs:", mb(v.freePPs())))
	add(lsvgPair("LVs:", fmt.Sprint(len(v.lvs)), "USED PPs:", mb(v.usedPPs())))
	add(lsvgPair("OPEN LVs:", fmt.Sprint(open), "QUORUM:", fmt.Sprintf("%d (Enabled)", vgda/2+1)))
	add(lsvgPair("TOTAL PVs:", fmt.Sprint(len(v.disks)), "VG DESCRIPTORS:", fmt.Sprint(vgda)))
	add(lsvgPair("STALE PVs:", fmt.Sprint(stalePVs), "STALE PPs:", fmt.Sprint(v.staleTotal())))
	add(lsvgPair("ACTIVE PVs:", fmt.Sprint(len(v.disks)), "AUTO ON:", auto))
	t := v.factor()
	switch v.typ {
	case vgScalable:
		add(lsvgPair("MAX PPs per VG:", "32768", "MAX PVs:", "1024"))
	case vgBig:
		add(lsvgPair("MAX PPs per VG:", "130048", "", ""))
		add(lsvgPair("MAX PPs per PV:", fmt.Sprint(1016*t), "MAX PVs:", fmt.Sprint(128/t)))
	default:
		add(lsvgPair("MAX PPs per VG:", "32512", "", ""))
		add(lsvgPair("MAX PPs per PV:", fmt.Sprint(1016*t), "MAX PVs:", fmt.Sprint(32/t)))
	}
	add(lsvgPair("LTG size (Dynamic):", fmt.Sprintf("%d kilobyte(s)", v.ltgKB), "AUTO SYNC:", "no"))
	if v.typ == vgScalable {
		// [C] sample_lsvg_output1 keeps these trailing spaces.
		add(lsvgPair("HOT SPARE:", "no", "BB POLICY:", "relocatable "))
		add(padRight("MIRROR POOL STRICT: off", 62))
	} else {
		add(lsvgPair("HOT SPARE:", "no", "BB POLICY:", "relocatable"))
	}
	switch {
	case lvl.vr() < 61:
		// 5.3 ends here [U].
	case lvl.vr() < 71 || (lvl.vr() == 71 && lvl.TL < 4):
		add(lsvgPair("PV RESTRICTION:", "none", "", ""))
	default:
		add(lsvgPair("PV RESTRICTION:", "none", "INFINITE RETRY:", "no"))
		add(lsvgPair("DISK BLOCK SIZE:", "512", "CRITICAL VG:", "no"))
		add(lsvgPair("FS SYNC OPTION:", "no", "CRITICAL PVs:", "no"))
		if lvl.vr() >= 73 || (lvl.vr() == 72 && lvl.TL >= 5) {
			enc := "no"
			if v.os != nil && lvl.vr() >= 73 {
				enc = "yes"
			}
			add(lsvgPair("ENCRYPTION:", enc, "", ""))
		}
	}
	return b.String()
}

// lsvgL prints `lsvg -l VG` [C: columns 0/20/31/39/47/52/66, commands.md §4].
func lsvgL(v *vg) string {
	var b strings.Builder
	b.WriteString(v.name + ":\n")
	b.WriteString(fmt.Sprintf("%-19s %-10s %-7s %-7s %-4s %-13s %s\n", "LV NAME", "TYPE", "LPs", "PPs", "PVs", "LV STATE", "MOUNT POINT"))
	for _, l := range v.lvs {
		mp := l.mount
		if mp == "" {
			mp = "N/A"
		}
		b.WriteString(fmt.Sprintf("%-19s %-10s %-7d %-7d %-4d %-13s %s\n", l.name, l.typ, l.lps, l.lps*l.copies, l.pvCount(v), l.state(), mp))
	}
	return b.String()
}

// lsvgP prints `lsvg -p VG` [C: columns 0/18/36/48/60, commands.md §5].
func lsvgP(v *vg) string {
	_, used := v.layout()
	var b strings.Builder
	b.WriteString(v.name + ":\n")
	b.WriteString("PV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION\n")
	for _, d := range v.disks {
		total := diskPPs(d, v.ppMB)
		_, free := usedByRegion(total, used[d])
		b.WriteString(fmt.Sprintf("%-17s %-17s %-11d %-11d %s\n", d.name, "active", total, total-used[d], distString(free)))
	}
	return b.String()
}

// lsvgM prints the partition map `lsvg -M VG` [C format: commands.md §5,
// IBM developer sample; the leading VG-name line is [U]].
func lsvgM(v *vg) string {
	pl, _ := v.layout()
	var b strings.Builder
	b.WriteString(v.name + "\n")
	for _, d := range v.disks {
		total := diskPPs(d, v.ppMB)
		at := make([]string, total+1)
		for _, p := range pl[d] {
			for i := 0; i < p.count; i++ {
				lp := p.first + i
				s := fmt.Sprintf("%s:%d", p.lv.name, lp)
				if p.lv.copies > 1 {
					s += fmt.Sprintf(":%d", p.copy)
				}
				staleCopy := p.lv.copies
				if p.copy == staleCopy && p.lv.stale > 0 && lp > p.lv.lps-p.lv.stale {
					s = padRight(s, 15) + " stale"
				}
				at[p.pp+i] = s
			}
		}
		for pp := 1; pp <= total; {
			if at[pp] != "" {
				b.WriteString(padRight(fmt.Sprintf("%s:%d", d.name, pp), 15) + " " + at[pp] + "\n")
				pp++
				continue
			}
			end := pp
			for end+1 <= total && at[end+1] == "" {
				end++
			}
			if end == pp {
				b.WriteString(fmt.Sprintf("%s:%d\n", d.name, pp))
			} else {
				b.WriteString(fmt.Sprintf("%s:%d-%d\n", d.name, pp, end))
			}
			pp = end + 1
		}
	}
	return b.String()
}

// lsvgPools prints `lsvg -P VG` [C layout: sample_lsvg_output1, trailing
// spaces kept]; the lab has no mirror pools, so every PV shows None.
func lsvgPools(v *vg) string {
	var b strings.Builder
	b.WriteString("Physical Volume   Mirror Pool       \n")
	for _, d := range v.disks {
		b.WriteString(padRight(d.name, 18) + padRight("None", 18) + "\n")
	}
	return b.String()
}

func cmdLspv(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "LlMpu")
	if err != nil {
		return usage(inv, err, "Usage: lspv [-L] [-l | -p | -M ] PhysicalVolume\n") // [U]
	}
	_ = o
	h.mu.Lock()
	if len(args) == 0 {
		var b strings.Builder
		for _, d := range h.disks {
			b.WriteString(lspvLine(d))
		}
		h.mu.Unlock()
		out(inv, "%s", b.String())
		return 0
	}
	d := h.disk(args[0])
	switch {
	case d == nil || d.vg == nil:
		h.mu.Unlock()
		// [C] real AIX 7.3 capture (commands.md §6), two lines.
		errf(inv, "0516-1396 : The physical volume %s, was not found in the\nsystem database.\n", args[0])
		return 1
	case d.vg.locked:
		name := d.vg.name
		h.mu.Unlock()
		return waitLocked(ctx, inv, "lspv", name)
	case !d.vg.active:
		s := lspvDetail(d, true)
		h.mu.Unlock()
		// [C: IBM lvm_facts.py] rc != 0, 0516-010 on stderr, ??????? values.
		errf(inv, "0516-010 : Volume group must be varied on; use varyonvg command.\n")
		out(inv, "%s", s)
		return 1
	}
	s := lspvDetail(d, false)
	h.mu.Unlock()
	out(inv, "%s", s)
	return 0
}

// lspvLine is one `lspv` row [C: offsets 0/16/52/68, commands.md §6].
func lspvLine(d *disk) string {
	pvid := d.pvid
	if pvid == "" {
		pvid = "none"
	}
	vgName, state := "None", ""
	if d.vg != nil {
		vgName = d.vg.name
		if d.vg.active {
			state = "active"
		}
	}
	if state == "" {
		return fmt.Sprintf("%-15s %-35s %s\n", d.name, pvid, vgName)
	}
	return fmt.Sprintf("%-15s %-35s %-15s %s\n", d.name, pvid, vgName, state)
}

// lspvDetail prints `lspv hdiskN` [C: commands.md §6, columns 20/45/63].
func lspvDetail(d *disk, unknown bool) string {
	v := d.vg
	pl, used := v.layout()
	total := diskPPs(d, v.ppMB)
	usedR, freeR := usedByRegion(total, used[d])
	lvCount := map[*lv]bool{}
	stale := 0
	for _, p := range pl[d] {
		lvCount[p.lv] = true
		if p.copy == p.lv.copies && p.lv.stale > 0 {
			stale += p.lv.stale
		}
	}
	vgda := 1
	if len(v.disks) <= 2 && v.disks[0] == d {
		vgda = 2
	}
	q := func(s string) string {
		if unknown {
			return "???????"
		}
		return s
	}
	p := func(ll, lval, rl, rval string) string { return pair(ll, lval, rl, rval, 20, 45, 63) + "\n" }
	var b strings.Builder
	b.WriteString(p("PHYSICAL VOLUME:", d.name, "VOLUME GROUP:", v.name))
	pvid := d.pvid
	if pvid == "" {
		pvid = "none"
	}
	b.WriteString(padRight("PV IDENTIFIER:", 20) + pvid + " VG IDENTIFIER     " + v.id + "\n")
	b.WriteString(p("PV STATE:", q("active"), "", ""))
	b.WriteString(p("STALE PARTITIONS:", q(fmt.Sprint(stale)), "ALLOCATABLE:", q("yes")))
	b.WriteString(p("PP SIZE:", q(fmt.Sprintf("%d megabyte(s)", v.ppMB)), "LOGICAL VOLUMES:", q(fmt.Sprint(len(lvCount)))))
	b.WriteString(p("TOTAL PPs:", q(fmt.Sprintf("%d (%d megabytes)", total, total*v.ppMB)), "VG DESCRIPTORS:", q(fmt.Sprint(vgda))))
	b.WriteString(p("FREE PPs:", q(fmt.Sprintf("%d (%d megabytes)", total-used[d], (total-used[d])*v.ppMB)), "HOT SPARE:", q("no")))
	b.WriteString(p("USED PPs:", q(fmt.Sprintf("%d (%d megabytes)", used[d], used[d]*v.ppMB)), "MAX REQUEST:", q(fmt.Sprintf("%d kilobytes", v.ltgKB))))
	b.WriteString(p("FREE DISTRIBUTION:", q(distString(freeR)), "", ""))
	b.WriteString(p("USED DISTRIBUTION:", q(distString(usedR)), "", ""))
	b.WriteString(p("MIRROR POOL:", q("None"), "", ""))
	return b.String()
}

func cmdGetlvodm(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "j:")
	if err != nil || !o.has('j') || len(args) > 0 {
		return usage(inv, err, "Usage: getlvodm -j PVname\n") // [U] only -j is simulated
	}
	name := o.get('j')
	h.mu.Lock()
	d := h.disk(name)
	var vgid string
	if d != nil && d.vg != nil {
		vgid = d.vg.id
	}
	h.mu.Unlock()
	switch {
	case d == nil:
		errf(inv, "0516-304 /usr/sbin/getlvodm: Unable to find device id %s in the Device\n\tConfiguration Database.\n", name) // [U]
		return 1
	case vgid == "":
		// [C: IBM validate_pv.yml comment; TAB continuation as LVM prints it] rc 3.
		errf(inv, "0516-320 /usr/sbin/getlvodm: Physical volume %s is not assigned to\n\ta volume group.\n", name)
		return 3
	}
	out(inv, "%s\n", vgid) // [U] exact stdout
	return 0
}

func cmdChpv(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "Ca:c:h:r:v:")
	if err != nil || len(args) != 1 || !o.has('C') {
		return usage(inv, err, "Usage: chpv [-a y|n] [-v r|a] [-c] [-C] [-h y|n] PhysicalVolume\n") // [U]; only -C is simulated
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.disk(args[0])
	if d == nil {
		errf(inv, "0516-1396 : The physical volume %s, was not found in the\nsystem database.\n", args[0])
		return 1
	}
	if d.vg != nil && d.vg.active {
		errf(inv, "0516-1339 chpv: Physical volume %s belongs to the active volume group %s.\n", d.name, d.vg.name) // [U]
		return 1
	}
	d.vgdaStale = false
	return 0
}

func cmdChdev(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "l:a:PU")
	if err != nil || len(args) > 0 || !o.has('l') {
		return usage(inv, err, "Usage: chdev -l Name [-a Attribute=Value ...] [-P|-T|-U]\n") // [U]
	}
	name := o.get('l')
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.disk(name)
	if d == nil {
		errf(inv, "Method error (/usr/lib/methods/chgdisk):\n\t0514-047 Cannot access a device.\n") // [U]
		return 1
	}
	for _, a := range o.all('a') {
		switch a {
		case "pv=yes":
			if d.pvid == "" {
				d.pvid = derivedPVID(h.name, d.name+"-chdev")
			}
		case "pv=clear":
			if d.vg != nil {
				errf(inv, "Method error (/usr/lib/methods/chgdisk):\n\t0514-062 Cannot perform the requested function because the\n\t\t specified device is busy.\n") // [U]
				return 1
			}
			d.pvid = ""
		default:
			if !strings.Contains(a, "=") {
				return usage(inv, nil, "Usage: chdev -l Name [-a Attribute=Value ...] [-P|-T|-U]\n")
			}
		}
	}
	out(inv, "%s changed\n", name) // [U]
	return 0
}

func cmdVaryonvg(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "fnprsbuMt")
	if err != nil || len(args) != 1 {
		return usage(inv, err, "Usage: varyonvg [-b] [-c] [-f] [-n] [-p] [-r] [-s] [-t] [-u] [-M ltgsize] VolumeGroup\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.vg(args[0])
	if v == nil {
		errf(inv, "0516-306 getlvodm: Unable to find volume group %s in the Device Configuration Database.\n0516-942 varyonvg: Unable to vary on volume group %s.\n", args[0], args[0]) // [U]
		return 1
	}
	if v.os != nil && v.name != "rootvg" {
		errf(inv, "0516-1775 varyonvg: Use alt_rootvg_op -W to wake up %s.\n", v.name) // [U]
		return 1
	}
	v.active = true
	for _, l := range v.lvs {
		if !l.isFS() && l.typ != "boot" {
			l.open = true
		}
	}
	return 0
}

func cmdVaryoffvg(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "s")
	if err != nil || len(args) != 1 {
		return usage(inv, err, "Usage: varyoffvg [-s] VolumeGroup\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.vg(args[0])
	if v == nil || v.name == "rootvg" {
		errf(inv, "0516-306 getlvodm: Unable to find volume group %s in the Device Configuration Database.\n", args[0]) // [U]
		return 1
	}
	for _, l := range v.lvs {
		if l.mounted {
			errf(inv, "0516-012 lvaryoffvg: Logical volume must be closed.  If the logical\n\tvolume contains a filesystem, the umount command will close\n\tthe LV device.\n0516-942 varyoffvg: Unable to vary off volume group %s.\n", v.name) // [U]
			return 1
		}
	}
	v.active = false
	for _, l := range v.lvs {
		l.open = false
	}
	return 0
}

// cmdLslv prints `lslv LV` [C layout: IBM sample_lslv_output1, columns
// 20/43/59; values [U]]. Other lslv flags are not simulated.
func cmdLslv(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "L")
	if err != nil || len(args) != 1 {
		return usage(inv, err, "Usage: lslv [-L] [-l | -m | -n PhysicalVolume | -p PhysicalVolume] LogicalVolume\n") // [U]
	}
	h.mu.Lock()
	var v *vg
	var l *lv
	for _, x := range h.vgs {
		if y := x.lv(args[0]); y != nil && x.active {
			v, l = x, y
			break
		}
	}
	if l == nil {
		h.mu.Unlock()
		errf(inv, "0516-306 lslv: Unable to find  %s in the Device\n\tConfiguration Database.\n", args[0]) // [U]
		return 1
	}
	if v.locked {
		h.mu.Unlock()
		return waitLocked(ctx, inv, "lslv", v.name)
	}
	p := func(ll, lval, rl, rval string) string { return pair(ll, lval, rl, rval, 20, 43, 59) + "\n" }
	mp := l.mount
	if mp == "" {
		mp = "N/A"
	}
	var b strings.Builder
	b.WriteString(p("LOGICAL VOLUME:", l.name, "VOLUME GROUP:", v.name))
	b.WriteString(p("LV IDENTIFIER:", v.id+".1", "PERMISSION:", "read/write"))
	b.WriteString(p("VG STATE:", "active/complete", "LV STATE:", l.state()))
	b.WriteString(p("TYPE:", l.typ, "WRITE VERIFY:", "off"))
	maxLPs := 512
	for maxLPs < l.lps {
		maxLPs *= 2
	}
	b.WriteString(p("MAX LPs:", fmt.Sprint(maxLPs), "PP SIZE:", fmt.Sprintf("%d megabyte(s)", v.ppMB)))
	b.WriteString(p("COPIES:", fmt.Sprint(l.copies), "SCHED POLICY:", "parallel"))
	b.WriteString(p("LPs:", fmt.Sprint(l.lps), "PPs:", fmt.Sprint(l.lps*l.copies)))
	b.WriteString(p("STALE PPs:", fmt.Sprint(l.stale), "BB POLICY:", "relocatable"))
	b.WriteString(p("INTER-POLICY:", "minimum", "RELOCATABLE:", "yes"))
	b.WriteString(p("INTRA-POLICY:", "middle", "UPPER BOUND:", "32"))
	b.WriteString(p("MOUNT POINT:", mp, "LABEL:", mp))
	h.mu.Unlock()
	out(inv, "%s", b.String())
	return 0
}
