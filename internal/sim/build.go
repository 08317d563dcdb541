package sim

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"
)

func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func hexID(n int, parts ...string) string {
	s := ""
	for i := 0; len(s) < n; i++ {
		s += fmt.Sprintf("%016x", hash64(append(parts, fmt.Sprint(i))...))
	}
	return s[:n]
}

func derivedCPUID(name string) string {
	return "00" + strings.ToUpper(hexID(6, "cpuid", name)) + "4C00"
}

func derivedPVID(hostName, disk string) string {
	return "00" + hexID(6, "pvhost", hostName) + hexID(8, "pvid", hostName, disk)
}

func derivedVGID(hostName, vg string) string {
	return "00" + hexID(6, "pvhost", hostName) + "00004c00000001" + hexID(10, "vgid", hostName, vg)
}

// defaultPP returns the smallest power of two >= 32 keeping every disk
// under 1016 PPs.
func defaultPP(sizes ...int) int {
	pp := 32
	for _, s := range sizes {
		for s/pp > 1016 {
			pp *= 2
		}
	}
	return pp
}

type stdFS struct {
	mount  string
	lv     string
	weight int
	order  int
}

var standardFS = []stdFS{
	{"/", "hd4", 4, 0},
	{"/usr", "hd2", 30, 1},
	{"/var", "hd9var", 8, 2},
	{"/tmp", "hd3", 6, 3},
	{"/home", "hd1", 5, 4},
	{"/admin", "hd11admin", 1, 5},
	{"/opt", "hd10opt", 10, 7},
	{"/var/adm/ras/livedump", "livedump", 2, 8},
}

// mountOrder orders the mounts as AIX's /etc/filesystems does for a fresh
// system; /proc sits at 6 and /aha at 9 (see commands.md §14/§21).
func mountOrder(mp string) int {
	for _, s := range standardFS {
		if s.mount == mp {
			return s.order
		}
	}
	return 10
}

func defaultMounts(l Level) []string {
	m := []string{"/", "/usr", "/var", "/tmp", "/home", "/opt"}
	if l.vr() >= 61 {
		m = append(m, "/admin", "/var/adm/ras/livedump")
	}
	return m
}

// synthRootLVs builds a rootvg LV layout using usedLPs logical partitions
// (per copy) over the given mounted file systems.
func synthRootLVs(name string, ppMB, usedLPs int, mounts []string, copies int) []*lv {
	type item struct {
		l *lv
		w int
	}
	var items []item
	fixed := []*lv{
		{name: "hd5", typ: "boot", lps: 1},
		{name: "hd6", typ: "paging", lps: 1, open: true},
		{name: "hd8", typ: "jfs2log", lps: 1, open: true},
	}
	items = append(items, item{fixed[0], 0}, item{fixed[1], 10}, item{fixed[2], 0})
	fslv := 0
	for _, m := range mounts {
		lvName, w := "", 4
		for _, s := range standardFS {
			if s.mount == m {
				lvName, w = s.lv, s.weight
			}
		}
		if lvName == "" {
			lvName = fmt.Sprintf("fslv%02d", fslv)
			fslv++
		}
		items = append(items, item{&lv{name: lvName, typ: "jfs2", lps: 1, mount: m, open: true, mounted: true}, w})
	}
	items = append(items, item{&lv{name: "lg_dumplv", typ: "sysdump", lps: 1, open: true}, 4})
	// Put the LVs in AIX's creation order: hd5 hd6 hd8 hd4 hd2 hd9var hd3
	// hd1 hd10opt hd11admin lg_dumplv livedump, then the others.
	rank := map[string]int{"hd5": 0, "hd6": 1, "hd8": 2, "hd4": 3, "hd2": 4, "hd9var": 5, "hd3": 6, "hd1": 7, "hd10opt": 8, "hd11admin": 9, "lg_dumplv": 10, "livedump": 11}
	sort.SliceStable(items, func(i, j int) bool {
		ri, ok := rank[items[i].l.name]
		if !ok {
			ri = 100
		}
		rj, ok := rank[items[j].l.name]
		if !ok {
			rj = 100
		}
		return ri < rj
	})
	W, sum := 0, 0
	for _, it := range items {
		W += it.w
		sum += it.l.lps
	}
	avail := usedLPs - sum
	if avail > 0 && W > 0 {
		given := 0
		for _, it := range items {
			if it.w == 0 {
				continue
			}
			add := avail * it.w / W
			it.l.lps += add
			given += add
		}
		// The rest goes to /usr (or the largest LV).
		var big *lv
		for _, it := range items {
			if it.l.name == "hd2" {
				big = it.l
			}
		}
		if big == nil {
			for _, it := range items {
				if big == nil || it.l.lps > big.lps {
					big = it.l
				}
			}
		}
		big.lps += avail - given
	}
	out := make([]*lv, len(items))
	for i, it := range items {
		l := it.l
		l.copies = copies
		if l.typ == "sysdump" {
			l.copies = 1
		}
		if l.isFS() {
			l.fs = synthFS(name, l, ppMB)
		}
		out[i] = l
	}
	return out
}

func synthFS(hostName string, l *lv, ppMB int) *fsData {
	size := l.sizeBlocks(ppMB)
	pct := 20 + int(hash64("fsused", hostName, l.mount)%50)
	used := size * int64(pct) / 100
	mb := int(used / 2048)
	iused := mb*37 + 5
	ipct := 1 + int(hash64("fsipct", hostName, l.mount)%9)
	return &fsData{usedBlocks: used, iused: iused, iusedPct: ipct}
}

func lvFromSpec(hostName string, s LVSpec, ppMB int, active bool) *lv {
	l := &lv{name: s.Name, typ: s.Type, lps: s.LPs, copies: s.Copies, mount: s.Mount, stale: s.StalePPs}
	if l.copies == 0 {
		l.copies = 1
	}
	switch {
	case l.typ == "boot":
		l.open = false
	case l.isFS():
		l.mounted = active && !s.Unmounted && !s.Closed
		l.open = l.mounted
		l.fs = synthFS(hostName, l, ppMB)
		if s.FreeBlocks > 0 {
			l.fs.usedBlocks = l.sizeBlocks(ppMB) - s.FreeBlocks
		}
		if s.IUsed > 0 {
			l.fs.iused = s.IUsed
		}
		if s.IUsedPct > 0 {
			l.fs.iusedPct = s.IUsedPct
		}
		l.fs.noauto = s.Unmounted
	default:
		l.open = active && !s.Closed
	}
	return l
}

func vgTypeOf(s string, def vgType) vgType {
	switch s {
	case "original":
		return vgOriginal
	case "big":
		return vgBig
	case "scalable":
		return vgScalable
	}
	return def
}

type fsDef struct{ name, desc string }

var baseFilesets = []fsDef{
	{"bos.alt_disk_install.rte", "Alternate Disk Installation Runtime"},
	{"bos.mp64", "Base Operating System 64-bit Multiprocessor Runtime"},
	{"bos.net.tcp.client", "TCP/IP Client Support"},
	{"bos.perf.tools", "Base Performance Tools"},
	{"bos.rte", "Base Operating System Runtime"},
	{"bos.rte.libc", "libc Library"},
	{"bos.rte.printers", "Front End Printer Support"},
	{"bos.rte.security", "Base Security Function"},
	{"bos.sysmgt.nim.client", "Network Install Manager - Client Tools"},
	{"bos.sysmgt.trace", "Software Trace Service Aids"},
}

var masterFilesets = []fsDef{
	{"bos.sysmgt.nim.master", "Network Install Manager - Master Tools"},
	{"bos.sysmgt.nim.spot", "Network Install Manager - SPOT"},
}

// filesetsFor returns the filesets of a fresh system at level l.
func filesetsFor(l Level, master bool) []*fileset {
	info := l.info()
	var out []*fileset
	add := func(name, level, desc string, root bool) {
		out = append(out, &fileset{name: name, level: level, desc: desc, pkg: strings.SplitN(name, ".", 2)[0], root: root})
	}
	for _, f := range baseFilesets {
		add(f.name, info.bos, f.desc, f.name != "bos.rte.libc")
	}
	if master {
		for _, f := range masterFilesets {
			add(f.name, info.bos, f.desc, true)
		}
	}
	add("openssh.base.client", info.openssh, "Open Secure Shell Commands", true)
	add("openssh.base.server", info.openssh, "Open Secure Shell Server", true)
	add("openssl.base", "1.0.2.2000", "Open Secure Socket Layer", true)
	add("xlC.rte", "13.1.3.3", "IBM XL C++ Runtime for AIX", false)
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

var standardGroups = []string{"system", "staff", "bin", "sys", "adm", "uucp", "mail", "security", "cron", "printq", "audit", "ecs", "nobody", "usr", "perf", "shutdown", "lp", "snapp", "ipsec"}

var defaultSubsystems = []struct {
	name, group string
	active      bool
}{
	{"syslogd", "ras", true},
	{"sendmail", "mail", true},
	{"portmap", "portmap", true},
	{"inetd", "tcpip", true},
	{"snmpd", "tcpip", true},
	{"xntpd", "tcpip", false},
	{"sshd", "ssh", true},
	{"nimsh", "nimclient", true},
	{"biod", "nfs", true},
	{"nfsd", "nfs", false},
	{"rpc.mountd", "nfs", false},
	{"nfsrgyd", "nfs", false},
	{"gssd", "nfs", false},
}

// sshdConfigLines is a stock sshd_config; line 40 (index 39) is where the
// E45 fault puts its legacy Ciphers line, as in the field report.
func sshdConfigLines() []string {
	lines := []string{
		"#\t$OpenBSD: sshd_config,v 1.100 2016/08/15 12:32:04 naddy Exp $",
		"",
		"# This is the sshd server system-wide configuration file.  See",
		"# sshd_config(5) for more information.",
		"",
		"# The strategy used for options in the default sshd_config shipped with",
		"# OpenSSH is to specify options with their default value where",
		"# possible, but leave them commented.  Uncommented options override the",
		"# default value.",
		"",
		"#Port 22",
		"#AddressFamily any",
		"#ListenAddress 0.0.0.0",
		"#ListenAddress ::",
		"",
		"#HostKey /etc/ssh/ssh_host_rsa_key",
		"#HostKey /etc/ssh/ssh_host_ecdsa_key",
		"#HostKey /etc/ssh/ssh_host_ed25519_key",
		"",
		"# Ciphers and keying",
		"#RekeyLimit default none",
		"",
		"# Logging",
		"#SyslogFacility AUTH",
		"#LogLevel INFO",
		"",
		"# Authentication:",
		"",
		"#LoginGraceTime 2m",
		"PermitRootLogin yes",
		"#StrictModes yes",
		"#MaxAuthTries 6",
		"#MaxSessions 10",
		"",
		"#PubkeyAuthentication yes",
		"",
		"AuthorizedKeysFile\t.ssh/authorized_keys",
		"",
		"#AuthorizedPrincipalsFile none",
		"#Ciphers aes128-ctr,aes192-ctr,aes256-ctr",
		"",
		"#HostbasedAuthentication no",
		"#IgnoreUserKnownHosts no",
		"#IgnoreRhosts yes",
		"",
		"#PasswordAuthentication yes",
		"#PermitEmptyPasswords no",
		"",
		"#X11Forwarding no",
		"#PrintMotd yes",
		"#UseDNS no",
		"",
		"# override default of no subsystems",
		"Subsystem\tsftp\t/usr/sbin/sftp-server",
	}
	return lines
}

func joinLines(lines []string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

func niminfo(client, hostname, master, connect string) string {
	shell := "shell"
	if connect == "nimsh" {
		shell = "nimsh"
	}
	return strings.Join([]string{
		"#------------------ Network Install Manager ---------------",
		"# warnings have been removed from this file",
		"export NIM_NAME=" + client,
		"export NIM_HOSTNAME=" + hostname,
		"export NIM_CONFIGURATION=standalone",
		"export NIM_MASTER_HOSTNAME=" + master,
		"export NIM_MASTER_PORT=1058",
		"export NIM_REGISTRATION_PORT=1059",
		"export NIM_SHELL=" + shell,
		"export NIM_MASTERID=00C8D4704C00",
		"export NIM_BOS_IMAGE=/SPOT/usr/sys/inst.images/installp/ppc/bos",
		"export NIM_BOS_FORMAT=rte",
		"export NIM_HOSTS=\" 127.0.0.1:loopback:localhost  \"",
		"",
	}, "\n")
}

// buildHost turns a HostSpec into a running host (faults not yet applied).
func (l *Lab) buildHost(spec HostSpec, r role, index int) (*host, error) {
	t := l.start
	lvl, _ := ParseLevel(spec.Level)
	h := &host{
		lab:      l,
		name:     spec.Name,
		role:     r,
		hostname: spec.Hostname,
		proc:     processors[spec.Processor],
		memKB:    spec.MemoryMB * 1024,
		cpuid:    spec.CPUID,
		lparNum:  spec.LPARNumber,
		lparName: spec.LPARName,
		tz:       spec.TZ,
		paths:    spec.BootPaths,
		up:       true,
		bootTime: t,
		serial:   strings.ToUpper(hexID(7, "serial", spec.Name)),
	}
	if h.hostname == "" {
		h.hostname = spec.Name
	}
	if h.proc == 0 {
		h.proc = processors[defaultProcessor]
	}
	if h.memKB == 0 {
		h.memKB = defaultMemoryMB * 1024
	}
	if h.cpuid == "" {
		h.cpuid = derivedCPUID(spec.Name)
	}
	if h.lparNum == 0 {
		h.lparNum = index + 1
	}
	if h.lparName == "" {
		h.lparName = spec.Name
	}
	if h.tz == "" {
		h.tz = "UTC"
	}
	if h.paths == 0 {
		h.paths = 1
	}
	h.procs = newProcTable(spec.Name)

	// Disks.
	specs := spec.Disks
	if len(specs) == 0 {
		specs = []DiskSpec{{Name: "hdisk0"}}
		if r == roleClient {
			specs = append(specs, DiskSpec{Name: "hdisk1"})
		}
	}
	for _, ds := range specs {
		d := &disk{name: ds.Name, sizeMB: ds.sizeMB(), bootable: !ds.NotBootable, shared: ds.Shared, paths: ds.Paths}
		switch ds.PVID {
		case "none":
		case "":
			d.pvid = derivedPVID(spec.Name, ds.Name)
		default:
			d.pvid = strings.ToLower(ds.PVID)
		}
		if d.paths == 0 {
			d.paths = h.paths
		}
		h.disks = append(h.disks, d)
	}
	h.sortDisks()

	// rootvg.
	rs := spec.RootVG
	rdisks := rs.Disks
	if len(rdisks) == 0 {
		rdisks = []string{"hdisk0"}
	}
	root := &vg{name: "rootvg", id: rs.ID, ppMB: rs.PPSizeMB, typ: vgTypeOf(rs.Type, vgOriginal), ltgKB: rs.LTGKB, active: true, autoOn: true}
	var sizes []int
	for _, n := range rdisks {
		d := h.disk(n)
		root.disks = append(root.disks, d)
		d.vg = root
		sizes = append(sizes, d.sizeMB)
	}
	if root.id == "" {
		root.id = derivedVGID(spec.Name, "rootvg")
	}
	root.id = strings.ToLower(root.id)
	if root.ppMB == 0 {
		root.ppMB = defaultPP(sizes...)
	}
	if root.ltgKB == 0 {
		root.ltgKB = 256
	}
	copies := 1
	if len(rdisks) == 2 {
		copies = 2
	}
	if len(rs.LVs) > 0 {
		for _, s := range rs.LVs {
			root.lvs = append(root.lvs, lvFromSpec(spec.Name, s, root.ppMB, true))
		}
	} else {
		perDisk := diskPPs(root.disks[0], root.ppMB)
		used := rs.usedMB() / root.ppMB
		if rs.usedMB() == 0 {
			used = perDisk * 3 / 10
		}
		mounts := rs.Filesystems
		if len(mounts) == 0 {
			mounts = defaultMounts(lvl)
		}
		root.lvs = synthRootLVs(spec.Name, root.ppMB, used, mounts, copies)
	}
	if root.usedPPs() > root.totalPPs() {
		return nil, fmt.Errorf("rootvg: %d PPs used but the disks hold %d", root.usedPPs(), root.totalPPs())
	}

	// The OS image.
	o := &osImage{level: lvl, ipldevOK: true, files: newVFS(t), subsysState: map[string]bool{}}
	o.filesets = filesetsFor(lvl, r == roleMaster)
	for _, f := range spec.Filesets {
		fs := &fileset{name: f.Name, level: f.Level, desc: f.Description, pkg: f.Package, root: f.Root, notInLPP: f.NotInLPP}
		if fs.desc == "" {
			fs.desc = f.Name
		}
		if fs.pkg == "" {
			fs.pkg = strings.SplitN(f.Name, ".", 2)[0]
		}
		o.setFileset(fs)
	}
	for i, e := range spec.Efixes {
		ef := &efix{id: i + 1, label: e.Label, state: e.State, installed: e.Installed, abstract: e.Abstract, locks: e.Locks}
		if ef.state == "" {
			ef.state = "S"
		}
		if ef.installed == "" {
			ef.installed = t.Add(-time.Duration(30-i) * 24 * time.Hour).Format("01/02/06 15:04:05")
		}
		if ef.abstract == "" {
			ef.abstract = "Interim fix " + e.Label
		}
		o.efixes = append(o.efixes, ef)
	}
	missing := map[string]bool{}
	for _, g := range spec.MissingGroups {
		missing[g] = true
	}
	for _, g := range standardGroups {
		if !missing[g] {
			o.groups = append(o.groups, g)
		}
	}
	o.tcb = spec.TCB
	o.apps = append(o.apps, spec.Processes...)
	for _, s := range defaultSubsystems {
		o.subsysState[s.name] = s.active
	}
	for n, st := range spec.Subsystems {
		o.subsysState[n] = st == "active"
	}
	for _, d := range []string{"/etc", "/etc/ssh", "/tmp", "/home", "/var/adm/ras", "/usr/lpp", "/dev"} {
		o.files.mkdirAll(d, t)
	}
	for _, l := range root.lvs {
		if l.mount != "" {
			o.files.mkdirAll(l.mount, t)
		}
	}
	o.files.writeFile("/etc/ssh/sshd_config", joinLines(sshdConfigLines()), t)
	if r == roleMaster {
		o.files.mkdirAll("/var/adm/ras/alt_mig", t)
		o.files.writeFile("/etc/niminfo", []byte(strings.Join([]string{
			"export NIM_NAME=master",
			"export NIM_HOSTNAME=" + h.hostname,
			"export NIM_CONFIGURATION=master",
			"export NIM_MASTER_PORT=1058",
			"export NIM_REGISTRATION_PORT=1059",
			"export NIM_MASTER_HOSTNAME=" + h.hostname,
			"",
		}, "\n")), t)
	}
	for _, f := range spec.Files {
		if f.Dir {
			o.files.mkdirAll(f.Path, t)
		} else {
			o.files.writeFile(f.Path, []byte(f.Content), t)
		}
	}
	root.os = o
	h.vgs = append(h.vgs, root)

	// Other VGs.
	for _, vs := range spec.VGs {
		v := &vg{name: vs.Name, id: vs.ID, ppMB: vs.PPSizeMB, typ: vgTypeOf(vs.Type, vgScalable), ltgKB: vs.LTGKB, active: !vs.VariedOff, autoOn: !vs.NoAutoOn}
		var sz []int
		for _, n := range vs.Disks {
			d := h.disk(n)
			v.disks = append(v.disks, d)
			d.vg = v
			sz = append(sz, d.sizeMB)
		}
		if v.id == "" {
			v.id = derivedVGID(spec.Name, vs.Name)
		}
		v.id = strings.ToLower(v.id)
		if v.ppMB == 0 {
			v.ppMB = defaultPP(sz...)
		}
		if v.ltgKB == 0 {
			v.ltgKB = 256
		}
		for _, s := range vs.LVs {
			l := lvFromSpec(spec.Name, s, v.ppMB, v.active)
			v.lvs = append(v.lvs, l)
			if l.mount != "" {
				o.files.mkdirAll(l.mount, t)
			}
		}
		if v.usedPPs() > v.totalPPs() {
			return nil, fmt.Errorf("volume group %s: %d PPs used but the disks hold %d", v.name, v.usedPPs(), v.totalPPs())
		}
		h.vgs = append(h.vgs, v)
	}

	h.bootedDisk = root.disks[0].name
	h.bootedBLV = "hd5"
	if root.lv("hd5") == nil && root.lv("bos_hd5") != nil {
		h.bootedBLV = "bos_hd5"
		o.bosNames = true
	}
	h.bootlist = []bootEntry{{h.bootedDisk, h.bootedBLV}}
	h.startSubsystems()
	return h, nil
}

// startSubsystems (re)creates the SRC subsystem table from the running OS
// image at boot. sshd does not come up when its configuration is fatal for
// the image's OpenSSH level (E45).
func (h *host) startSubsystems() {
	o := h.os()
	h.subsys = nil
	for _, s := range defaultSubsystems {
		active := o.subsysState[s.name]
		if s.name == "sshd" && active {
			if _, fatal := o.sshdConfigProblems(); fatal {
				active = false
			}
		}
		ss := &subsystem{name: s.name, group: s.group, active: active}
		if active {
			ss.pid = h.procs.newPID()
		}
		h.subsys = append(h.subsys, ss)
	}
	for n, st := range o.subsysState {
		if h.subsystem(n) == nil {
			ss := &subsystem{name: n, group: n, active: st}
			if st {
				ss.pid = h.procs.newPID()
			}
			h.subsys = append(h.subsys, ss)
		}
	}
}

// buildNIM creates a master's NIM database from its spec and its clients.
func (l *Lab) buildNIM(m *host, spec MasterSpec, clients []ClientSpec) {
	db := &nimDB{network: spec.Network}
	if db.network == "" {
		db.network = defaultNetwork
	}
	for _, s := range spec.Spots {
		lvl, _ := ParseLevel(s.Level)
		sp := &nimSpot{name: s.Name, level: lvl, location: s.Location, server: s.Server, rstate: "ready for use", prevState: "verification is being performed", allocCount: s.AllocCount, altDisk: lvl.info().bos, busy: s.Busy}
		if sp.location == "" {
			sp.location = "/export/spot/" + s.Name + "/usr"
		}
		if sp.server == "" {
			sp.server = "master"
		}
		switch s.AltDiskLevel {
		case "":
		case "none":
			sp.altDisk = ""
		default:
			sp.altDisk = s.AltDiskLevel
		}
		db.spots = append(db.spots, sp)
		m.os().files.mkdirAll(sp.location, l.start)
	}
	for _, s := range spec.LPPSources {
		lvl, _ := ParseLevel(s.Level)
		lp := &nimLPP{name: s.Name, level: lvl, location: s.Location, server: s.Server, rstate: "ready for use", prevState: s.PrevState, comments: s.Comments, allocCount: s.AllocCount, simages: !s.NoSimages, missing: map[string]bool{}}
		if lp.location == "" {
			lp.location = "/export/lpp_source/" + s.Name
		}
		if lp.server == "" {
			lp.server = "master"
		}
		if lp.prevState == "" {
			lp.prevState = "unavailable for use"
		}
		db.lpps = append(db.lpps, lp)
		m.os().files.mkdirAll(lp.location, l.start)
	}
	for _, c := range clients {
		if c.NIM.Undefined {
			continue
		}
		hn := c.Hostname
		if hn == "" {
			hn = c.Name
		}
		nc := &nimClient{name: c.Name, connect: c.NIM.Connect, network: c.NIM.Network, hostname: hn, netSettings: c.NIM.NetSettings,
			cstate: c.NIM.Cstate, prevState: c.NIM.PrevState, cstateResult: c.NIM.CstateResult, info: c.NIM.Info, comments: c.NIM.Comments, cpuid: c.CPUID}
		if nc.connect == "" {
			nc.connect = defaultConnect(c.Level, m.os().level)
		}
		if nc.network == "" {
			nc.network = db.network
		}
		if nc.cstate == "" {
			nc.cstate = cstateReady
		}
		if nc.prevState == "" {
			nc.prevState = cstateReady
		}
		if nc.cpuid == "" {
			nc.cpuid = derivedCPUID(c.Name)
		}
		db.clients = append(db.clients, nc)
	}
	m.nim = db
	m.capacity = spec.CPUCapacity
	if m.capacity == 0 {
		m.capacity = defaultCapacity
	}
	m.runs = map[string]*nimadmRun{}
	m.cacheByRun = map[string][]*lv{}
}

// nimshUsable reports whether nimadm can use nimsh with this master: from
// AIX 6.1 TL8 and 7.1 TL2 on [C: IBM-PREP].
func nimshUsable(master Level) bool {
	switch {
	case master.vr() > 71:
		return true
	case master.vr() == 71:
		return master.TL >= 2
	case master.vr() == 61:
		return master.TL >= 8
	}
	return false
}

func defaultConnect(clientLevel string, master Level) string {
	if nimshUsable(master) {
		return "nimsh"
	}
	return "shell"
}
