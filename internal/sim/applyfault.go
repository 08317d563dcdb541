package sim

import (
	"fmt"
	"strings"
)

// targetLevel returns the level a master's clients are meant to reach:
// the intent's target level, else the level of the intended (or first)
// lpp_source, else of the first SPOT.
func (l *Lab) targetLevel(master string) (Level, bool) {
	m := l.hosts[master]
	if m == nil {
		return Level{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.intent.TargetLevel != "" {
		lv, err := ParseLevel(m.intent.TargetLevel)
		return lv, err == nil
	}
	if m.nim != nil {
		if lp := m.nim.lpp(m.intent.LPPSource); lp != nil {
			return lp.level, true
		}
		if len(m.nim.lpps) > 0 {
			return m.nim.lpps[0].level, true
		}
		if len(m.nim.spots) > 0 {
			return m.nim.spots[0].level, true
		}
	}
	return Level{}, false
}

// addDisk adds a new free disk named after the highest existing hdisk.
func (h *host) addDisk(sizeMB int) *disk {
	max := -1
	for _, d := range h.disks {
		if n := splitNum(d.name); n.prefix == "hdisk" && n.n > max {
			max = n.n
		}
	}
	name := fmt.Sprintf("hdisk%d", max+1)
	d := &disk{name: name, sizeMB: sizeMB, pvid: derivedPVID(h.name, name), bootable: true, paths: h.paths}
	h.disks = append(h.disks, d)
	h.sortDisks()
	return d
}

// spareDisk returns a free disk other than the target, adding one if needed.
func (h *host) spareDisk(sizeMB int) *disk {
	for _, d := range h.disks {
		if d.vg == nil && d.name != h.targetDisk && !d.shared {
			return d
		}
	}
	return h.addDisk(sizeMB)
}

// cloneRootvgAs creates a varied-off copy of rootvg on d under the given
// name (altinst_rootvg or old_rootvg), carrying a copy of the OS image.
func (h *host) cloneRootvgAs(name string, d *disk) *vg {
	root := h.rootvg()
	v := &vg{name: name, id: derivedVGID(h.name, name+d.name), ppMB: root.ppMB, typ: root.typ, ltgKB: root.ltgKB, disks: []*disk{d}}
	for _, l := range root.lvs {
		if strings.HasPrefix(l.name, "bos_") && h.rootvg().lv("hd5") != nil {
			continue // the standby is not cloned
		}
		cp := *l
		cp.copies = 1
		cp.open, cp.mounted, cp.stale = false, false, 0
		if l.fs != nil {
			f := *l.fs
			cp.fs = &f
		}
		v.lvs = append(v.lvs, &cp)
	}
	v.os = root.os.clone()
	d.vg = v
	if d.pvid == "" {
		d.pvid = derivedPVID(h.name, d.name)
	}
	h.vgs = append(h.vgs, v)
	return v
}

// standbyNames maps active BOS LVs to the standby names multibos gives
// them (multibos.md §3): the bos_ prefix is added, or removed when the
// active instance already runs on bos_ names.
var multibosLVs = []string{"hd5", "hd4", "hd2", "hd9var", "hd10opt"}

func standbyName(active string) string {
	if strings.HasPrefix(active, "bos_") {
		return strings.TrimPrefix(active, "bos_")
	}
	return "bos_" + active
}

// activeBOS returns the active instance's LV for a classic name.
func (h *host) activeBOS(classic string) *lv {
	root := h.rootvg()
	if h.os().bosNames {
		return root.lv("bos_" + classic)
	}
	return root.lv(classic)
}

// hasStandby reports whether a multibos standby instance exists: both hd5
// and bos_hd5 are in rootvg.
func (h *host) hasStandby() bool {
	root := h.rootvg()
	return root.lv("hd5") != nil && root.lv("bos_hd5") != nil
}

// createStandby adds the standby BOS LVs (closed, mounted under /bos_inst)
// and the /bos_inst directories. It returns the LV names created and the
// first one that did not fit (the E12 failure), if any.
func (h *host) createStandby() (created []string, failed *lv) {
	root := h.rootvg()
	o := h.os()
	t := h.now()
	for _, c := range multibosLVs {
		a := h.activeBOS(c)
		if a == nil {
			continue
		}
		s := &lv{name: standbyName(a.name), typ: a.typ, lps: a.lps, copies: 1}
		if a.mount != "" {
			s.mount = "/bos_inst" + strings.TrimSuffix(a.mount, "/")
			if a.mount == "/" {
				s.mount = "/bos_inst"
			}
			f := *a.fs
			s.fs = &f
		}
		if root.freePPs() < s.lps {
			return created, s
		}
		root.lvs = append(root.lvs, s)
		created = append(created, s.name)
		if s.mount != "" {
			o.files.mkdirAll(s.mount, t)
		}
	}
	return created, nil
}

// applyFault injects one named fault. Callers must not hold any host lock.
func (l *Lab) applyFault(h *host, f string) error {
	info, ok := faultByName[f]
	if !ok {
		return fmt.Errorf("unknown fault %q", f)
	}
	if info.Role != h.role.String() {
		return fmt.Errorf("fault %q applies to %s hosts only", f, info.Role)
	}
	var target Level
	var haveTarget bool
	if h.role == roleClient {
		target, haveTarget = l.targetLevel(h.master)
	}
	var err error
	switch f {
	case FaultNIMUndefined, FaultNiminfoWrong, FaultNimshDown, FaultCstateNotReady:
		err = l.applyNIMFault(h, f)
	case FaultSharedDisk:
		err = l.applySharedDisk(h)
	default:
		h.mu.Lock()
		err = l.applyLocalFault(h, f, target, haveTarget)
		h.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("fault %s: %w", f, err)
	}
	h.mu.Lock()
	h.addFault(f)
	h.mu.Unlock()
	return nil
}

func (l *Lab) applyLocalFault(h *host, f string, target Level, haveTarget bool) error {
	root := h.rootvg()
	o := h.os()
	t := h.now()
	switch f {
	case FaultBosInstLeftover:
		o.files.mkdirAll("/bos_inst", t)
	case FaultMultibosStandby:
		if !h.hasStandby() {
			if _, failed := h.createStandby(); failed != nil {
				return fmt.Errorf("rootvg has no room for a standby instance")
			}
		}
	case FaultBLVLevelZero:
		o.blvLevel = "0.0"
	case FaultAltinstExists, FaultOldRootvgExists:
		name := "altinst_rootvg"
		if f == FaultOldRootvgExists {
			name = "old_rootvg"
		}
		if h.vg(name) == nil {
			d := h.spareDisk(root.disks[0].sizeMB)
			if d.sizeMB/root.ppMB-1 < root.usedPPs()/len(root.disks) {
				d.sizeMB = root.disks[0].sizeMB
			}
			h.cloneRootvgAs(name, d)
		}
	case FaultTargetInVG:
		d := h.disk(h.targetDisk)
		if d == nil {
			return fmt.Errorf("no target disk")
		}
		if d.vg == nil {
			v := &vg{name: "datavg", id: derivedVGID(h.name, "datavg"), ppMB: defaultPP(d.sizeMB), typ: vgScalable, ltgKB: 256, active: true, autoOn: true, disks: []*disk{d}}
			if h.vg("datavg") != nil {
				v.name = "appvg"
			}
			dl := &lv{name: "datalv", typ: "jfs2", lps: 8, copies: 1, mount: "/data", open: true, mounted: true}
			dl.fs = synthFS(h.name, dl, v.ppMB)
			v.lvs = []*lv{{name: "loglv00", typ: "jfs2log", lps: 1, copies: 1, open: true}, dl}
			d.vg = v
			if d.pvid == "" {
				d.pvid = derivedPVID(h.name, d.name)
			}
			h.vgs = append(h.vgs, v)
			o.files.mkdirAll("/data", t)
		}
	case FaultNoPVID:
		if d := h.disk(h.targetDisk); d != nil {
			d.pvid = ""
		}
	case FaultTargetTooSmall:
		d := h.disk(h.targetDisk)
		if d == nil {
			return fmt.Errorf("no target disk")
		}
		need := root.usedLPMB()
		d.sizeMB = need / 2
		if d.sizeMB < 2048 {
			d.sizeMB = 2048
		}
		if d.sizeMB >= need {
			return fmt.Errorf("rootvg uses only %d MB; cannot make the target smaller", need)
		}
	case FaultNotBootable:
		if d := h.disk(h.targetDisk); d != nil {
			d.bootable = false
		}
	case FaultRshBroken:
		o.rshBroken = true
	case FaultClientAtTarget:
		if !haveTarget {
			return fmt.Errorf("the master has no target level")
		}
		h.setLevel(target)
	case FaultUnsupportedPath:
		if !haveTarget {
			return fmt.Errorf("the master has no target level")
		}
		var src string
		switch target.vr() {
		case 72:
			src = "5300-12-04-1119"
		case 73:
			src = "6100-09-12-1846"
		default:
			return fmt.Errorf("every known level below %s is a supported source", target.VR())
		}
		h.setLevel(mustLevel(src))
	case FaultProcessorTooOld:
		h.proc = 7
	case FaultTCBEnabled:
		o.tcb = true
	case FaultLowMemory:
		h.memKB = 2 * 1024 * 1024
	case FaultEfixLocks:
		o.efixes = append(o.efixes, &efix{id: len(o.efixes) + 1, label: "IJ20785s2a", state: "S", installed: t.Add(-72 * 24 * 3600e9).Format("01/02/06 15:04:05"), abstract: "tcpdump CVEs fixed", locks: []string{"bos.net.tcp.client"}})
	case FaultEfixRebootPending:
		o.efixes = append(o.efixes, &efix{id: len(o.efixes) + 1, label: "IJ30808s1a", state: "Q", installed: t.Add(-2 * 24 * 3600e9).Format("01/02/06 15:04:05"), abstract: "Multithreaded apps core dump / hang", locks: []string{"bos.mp64"}})
	case FaultBadIPLDevice:
		o.ipldevOK = false
	case FaultRootvgLocked:
		root.locked = true
	case FaultStaleRootvg:
		if len(root.disks) < 2 {
			d := h.spareDisk(root.disks[0].sizeMB)
			if d.sizeMB < root.disks[0].sizeMB {
				d.sizeMB = root.disks[0].sizeMB
			}
			d.vg = root
			root.disks = append(root.disks, d)
			for _, l := range root.lvs {
				if l.typ != "sysdump" {
					l.copies = 2
				}
			}
		}
		for _, l := range root.lvs {
			if l.mount == "/home" || (l.mount != "" && l.copies > 1 && l.stale == 0 && root.staleTotal() == 0) {
				l.stale = 2
				break
			}
		}
	case FaultMissingGroups:
		var keep []string
		for _, g := range o.groups {
			if g != "mail" && g != "printq" {
				keep = append(keep, g)
			}
		}
		o.groups = keep
	case FaultLPPIncomplete:
		o.setFileset(&fileset{name: "Java8_64.sdk", level: "8.0.0.600", desc: "Java SDK 64-bit Development Kit", pkg: "Java8_64.sdk", notInLPP: true})
	case FaultAltPrefix:
		if root.lv("altdatalv") == nil {
			al := &lv{name: "altdatalv", typ: "jfs2", lps: 1, copies: 1, mount: "/altdata", open: true, mounted: true}
			al.fs = synthFS(h.name, al, root.ppMB)
			if root.freePPs() < 1 {
				return fmt.Errorf("rootvg is full")
			}
			root.lvs = append(root.lvs, al)
			o.files.mkdirAll("/altdata", t)
		}
	case FaultUnmountedFS:
		var pick *lv
		for _, l := range root.lvs {
			if l.isFS() && mountOrder(l.mount) >= 10 && !strings.HasPrefix(l.mount, "/bos_inst") {
				pick = l
			}
		}
		if pick == nil {
			pick = root.lv("hd1")
		}
		if pick == nil {
			return fmt.Errorf("no file system to unmount")
		}
		pick.mounted, pick.open = false, false
		if pick.fs != nil {
			pick.fs.noauto = true
		}
	case FaultSSHDConfig:
		lines := sshdConfigLines()
		lines[11] = "RhostsAuthentication no"
		lines[39] = "Ciphers aes128-cbc,aes192-cbc,aes256-cbc,blowfish-cbc,arcfour,aes128-ctr,aes192-ctr,aes256-ctr,arcfour256,arcfour128"
		o.files.writeFile("/etc/ssh/sshd_config", joinLines(lines), t)
	case FaultAppRunning:
		o.apps = append(o.apps, "db2sysc 0", "/usr/sbin/slapd -f /etc/openldap/slapd.conf")
	case FaultRootvgFull:
		// Shrink the rootvg disk(s) to leave under 256 MB free, keeping the
		// used size (and so the target disk's fit) unchanged.
		keep := 128 / root.ppMB
		if keep < 1 {
			keep = 1
		}
		if root.freePPs()*root.ppMB >= 256 {
			perDisk := (root.usedPPs()+keep)/len(root.disks) + 1
			for _, d := range root.disks {
				d.sizeMB = (perDisk + 1) * root.ppMB
			}
		}
		// Large partitions can still leave 256 MB or more: shrink further.
		for root.freePPs() > 0 && root.freePPs()*root.ppMB >= 256 {
			root.disks[0].sizeMB -= root.ppMB
		}
	case FaultUnreachable, FaultMasterUnreachable:
		h.unreachable = true
	case FaultNimadmHang:
	case FaultCacheVGTooSmall:
		v := h.vg(h.intent.CacheVG)
		if v == nil {
			return fmt.Errorf("no cache VG")
		}
		keep := 1024 / v.ppMB
		if free := v.freePPs(); free > keep {
			il := &lv{name: "imageslv", typ: "jfs2", lps: free - keep, copies: 1, mount: "/export/images", open: v.active, mounted: v.active}
			il.fs = synthFS(h.name, il, v.ppMB)
			v.lvs = append(v.lvs, il)
			o.files.mkdirAll("/export/images", t)
		}
	case FaultCacheVGMissing:
		if v := h.vg(h.intent.CacheVG); v != nil {
			h.removeVG(v)
		}
	case FaultCacheVGVariedOff:
		if v := h.vg(h.intent.CacheVG); v != nil {
			v.active = false
			for _, l := range v.lvs {
				l.open, l.mounted = false, false
			}
		}
	case FaultSpotBusy:
		if s := h.intentSpot(); s != nil {
			s.busy = true
		}
	case FaultMasterBelowTarget:
		tl, ok := h.intentTarget()
		if !ok {
			return fmt.Errorf("the master has no target level")
		}
		var below string
		for _, k := range knownLevels {
			if mustLevel(k.level).Compare(tl) < 0 {
				below = k.level
			}
		}
		if below == "" {
			return fmt.Errorf("no known level below %s", tl)
		}
		h.setLevel(mustLevel(below))
	case FaultAltDiskMismatch:
		if s := h.intentSpot(); s != nil {
			p := strings.Split(s.level.info().bos, ".")
			p[3] = "0"
			if strings.Join(p, ".") == s.altDisk {
				p[3] = "1"
			}
			s.altDisk = strings.Join(p, ".")
		}
	case FaultSpotNoAltDisk:
		if s := h.intentSpot(); s != nil {
			s.altDisk = ""
		}
	case FaultLPPSpotMismatch:
		lp := h.nim.lpp(h.intent.LPPSource)
		if lp == nil && len(h.nim.lpps) > 0 {
			lp = h.nim.lpps[0]
		}
		if lp == nil {
			return fmt.Errorf("no lpp_source")
		}
		var other string
		for _, k := range knownLevels {
			kl := mustLevel(k.level)
			if kl.vr() == lp.level.vr() && kl.Compare(lp.level) != 0 {
				other = k.level
			}
		}
		if other == "" {
			return fmt.Errorf("no other known level of release %s", lp.level.VR())
		}
		lp.level = mustLevel(other)
	case FaultResourcesNotLocal:
		if s := h.intentSpot(); s != nil {
			s.server = "nimsrv2"
		}
		if lp := h.nim.lpp(h.intent.LPPSource); lp != nil {
			lp.server = "nimsrv2"
		}
	case FaultMasterLowMemory:
		h.memKB = 2 * 1024 * 1024
	}
	return nil
}

func (h *host) intentSpot() *nimSpot {
	if h.nim == nil {
		return nil
	}
	if s := h.nim.spot(h.intent.Spot); s != nil {
		return s
	}
	if len(h.nim.spots) > 0 {
		return h.nim.spots[0]
	}
	return nil
}

func (h *host) intentTarget() (Level, bool) {
	if h.intent.TargetLevel != "" {
		return mustLevel(h.intent.TargetLevel), true
	}
	if h.nim != nil {
		if lp := h.nim.lpp(h.intent.LPPSource); lp != nil {
			return lp.level, true
		}
		if len(h.nim.lpps) > 0 {
			return h.nim.lpps[0].level, true
		}
	}
	return Level{}, false
}

// setLevel changes the running OS level and its filesets (a fault, or the
// result of a migration when the migrated image boots).
func (h *host) setLevel(lv Level) {
	o := h.os()
	upgradeImage(o, lv, nil)
}

// upgradeImage moves an OS image to level lv: base filesets take the new
// levels; filesets the lpp_source lacks keep theirs.
func upgradeImage(o *osImage, lv Level, missing map[string]bool) {
	o.level = lv
	info := lv.info()
	fresh := map[string]*fileset{}
	for _, f := range filesetsFor(lv, o.fileset("bos.sysmgt.nim.master") != nil) {
		fresh[f.name] = f
	}
	for _, f := range o.filesets {
		if missing[f.name] || f.notInLPP {
			continue
		}
		if n, ok := fresh[f.name]; ok {
			f.level = n.level
		} else if strings.HasPrefix(f.name, "bos.") {
			f.level = info.bos
		}
	}
	for _, f := range fresh {
		if o.fileset(f.name) == nil {
			o.setFileset(f)
		}
	}
}

// applyNIMFault handles the faults that live in the master's NIM database.
// It never holds the master's and the client's locks together.
func (l *Lab) applyNIMFault(h *host, f string) error {
	m := l.hosts[h.master]
	if m == nil {
		return fmt.Errorf("client has no master")
	}
	m.mu.Lock()
	nc := m.nim.client(h.name)
	switch f {
	case FaultNIMUndefined:
		out := m.nim.clients[:0]
		for _, c := range m.nim.clients {
			if c.name != h.name {
				out = append(out, c)
			}
		}
		m.nim.clients = out
		m.mu.Unlock()
		return nil
	case FaultCstateNotReady:
		defer m.mu.Unlock()
		if nc == nil {
			return fmt.Errorf("client is not defined in NIM")
		}
		nc.prevState = cstateReady
		nc.cstate = cstateAltDisk
		nc.cstateResult = "failure"
		return nil
	}
	// niminfo_wrong_master and nimsh_down bite through nimsh.
	if nc != nil {
		nc.connect = "nimsh"
	}
	m.mu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	o := h.os()
	switch f {
	case FaultNiminfoWrong:
		o.files.writeFile("/etc/niminfo", []byte(niminfo(h.name, h.hostname, "nimold", "nimsh")), h.now())
	case FaultNimshDown:
		o.subsysState["nimsh"] = false
		if s := h.subsystem("nimsh"); s != nil {
			s.active, s.pid = false, 0
		}
	}
	return nil
}

// applySharedDisk marks the target disk shared and shows the same PVID on
// another client of the lab (E07).
func (l *Lab) applySharedDisk(h *host) error {
	h.mu.Lock()
	d := h.disk(h.targetDisk)
	if d == nil {
		h.mu.Unlock()
		return fmt.Errorf("no target disk")
	}
	d.shared = true
	if d.pvid == "" {
		d.pvid = derivedPVID(h.name, d.name)
	}
	pvid, size := d.pvid, d.sizeMB
	h.mu.Unlock()
	var other *host
	for _, n := range l.order {
		o := l.hosts[n]
		if o != h && o.role == roleClient && (other == nil || (o.master == h.master && other.master != h.master)) {
			other = o
			if o.master == h.master {
				break
			}
		}
	}
	if other == nil {
		return nil
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	for _, x := range other.disks {
		if x.pvid == pvid {
			return nil
		}
	}
	nd := other.addDisk(size)
	nd.pvid, nd.shared = pvid, true
	return nil
}
