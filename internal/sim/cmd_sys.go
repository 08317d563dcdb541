package sim

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func init() {
	register(cmdOslevel, false, "/usr/bin/oslevel")
	register(cmdUname, false, "/usr/bin/uname")
	register(cmdHostname, false, "/usr/bin/hostname")
	register(cmdPrtconf, false, "/usr/sbin/prtconf")
	register(cmdLsattr, false, "/usr/sbin/lsattr")
	register(cmdGetconf, false, "/usr/bin/getconf")
	register(cmdBootinfo, false, "/usr/sbin/bootinfo")
	register(cmdBootlist, false, "/usr/bin/bootlist")
	register(cmdBlvset, false, "/usr/lpp/bosinst/blvset")
	register(cmdBosboot, false, "/usr/sbin/bosboot")
	register(cmdLsgroup, false, "/usr/sbin/lsgroup")
	register(cmdTcbck, false, "/usr/bin/tcbck")
	register(cmdSshd, false, "/usr/sbin/sshd")
	register(cmdPs, false, "/usr/bin/ps")
	register(cmdKill, false, "/usr/bin/kill")
	register(cmdSleep, false, "/usr/bin/sleep")
	register(cmdShutdown, false, "/usr/sbin/shutdown")
	register(cmdDate, false, "/usr/bin/date")
	register(cmdTest, false, "/usr/bin/test")
}

// aixDate formats t as AIX date(1) does by default [C shape: the seed's
// "Tue Nov 22 14:48:12 EETDT 2011"; space-padded day [U]].
func aixDate(t time.Time, tz string) string {
	return t.Format("Mon Jan _2 15:04:05 ") + tz + t.Format(" 2006")
}

func cmdOslevel(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "rsgqfl:")
	if err != nil || len(args) > 0 {
		return usage(inv, err, "Usage: oslevel [-l Level | -g Level | -q] [-r | -s] [-f]\n") // [U]
	}
	h.mu.Lock()
	os := h.os()
	s, lvl := os.oslevel(), os.level
	h.mu.Unlock()
	switch {
	case o.has('l') || o.has('g'):
		return 0 // nothing below/above the level [U: empty output]
	case o.has('q'):
		known := sortedLevels(KnownLevels())
		for i := len(known) - 1; i >= 0; i-- {
			if k := mustLevel(known[i]); k.vr() == lvl.vr() {
				out(inv, "%s\n", k.TLString())
			}
		}
	case o.has('s'):
		out(inv, "%s\n", s) // [C]
	case o.has('r'):
		out(inv, "%s\n", s[:7]) // [C]
	default:
		out(inv, "%s\n", lvl.VRMF()) // [C format]
	}
	return 0
}

func cmdUname(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "aLMmnprsuvWx")
	if err != nil || len(args) > 0 {
		return usage(inv, err, "Usage: uname [-afFlLmMnprsTuvWx] | [-S Name] | [-t Date] | [-n] | [-c]\n") // [U]
	}
	h.mu.Lock()
	lvl := h.os().level
	hn, cpuid, lpar, lname, proc, serial := h.hostname, h.cpuid, h.lparNum, h.lparName, h.proc, h.serial
	h.mu.Unlock()
	switch {
	case o.has('L'):
		out(inv, "%d %s\n", lpar, lname) // [C format]
		return 0
	case o.has('W'):
		out(inv, "0\n") // [U] not in a WPAR
		return 0
	case o.has('M'):
		out(inv, "%s\n", systemModel(proc))
		return 0
	case o.has('u'):
		out(inv, "IBM,02%s\n", serial) // [U]
		return 0
	}
	var f []string
	all := o.has('a')
	if all || o.has('s') || len(o) == 0 {
		f = append(f, "AIX")
	}
	if all || o.has('n') {
		f = append(f, hn)
	}
	if all || o.has('r') {
		f = append(f, strconv.Itoa(lvl.Release))
	}
	if all || o.has('v') {
		f = append(f, strconv.Itoa(lvl.Version))
	}
	if all || o.has('m') {
		f = append(f, cpuid)
	}
	if o.has('p') {
		f = append(f, "powerpc")
	}
	out(inv, "%s\n", strings.Join(f, " ")) // [C] uname -a layout
	return 0
}

func cmdHostname(ctx context.Context, h *host, inv *shell.Invocation) int {
	if len(inv.Args) > 1 {
		return usage(inv, nil, "Usage: hostname [-s] [Hostname]\n") // setting is not simulated
	}
	h.mu.Lock()
	hn := h.hostname
	h.mu.Unlock()
	out(inv, "%s\n", hn)
	return 0
}

type hw struct{ model, firmware, version, clock string }

// hardware per processor generation [U values; POWER7 row is the
// commands.md §15 capture, POWER5 firmware from the same section].
var hardware = map[int]hw{
	5:  {"IBM,9131-52A", "SF240_418", "PV_5_3", "1900 MHz"},
	6:  {"IBM,8204-E8A", "EL350_132", "PV_6_Compat", "4204 MHz"},
	7:  {"IBM,8231-E2D", "AL770_076", "PV_7_Compat", "4284 MHz"},
	8:  {"IBM,8286-42A", "SV860_243", "PV_8_Compat", "3525 MHz"},
	9:  {"IBM,9009-42A", "VL950_075", "PV_9_Compat", "3800 MHz"},
	10: {"IBM,9105-42A", "ML1050_052", "PV_10_Compat", "3900 MHz"},
}

func systemModel(proc int) string { return hardware[proc].model }

func cmdPrtconf(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "ckmsvLi")
	if err != nil || len(args) > 0 {
		return usage(inv, err, "Usage: prtconf [-c] [-k] [-L] [-m] [-s] [-v]\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	hwi := hardware[h.proc]
	memMB := h.memKB / 1024
	switch {
	case o.has('m'):
		out(inv, "Memory Size: %d MB\n", memMB)
		return 0
	case o.has('c'):
		out(inv, "CPU Type: 64-bit\n")
		return 0
	case o.has('k'):
		out(inv, "Kernel Type: 64-bit\n")
		return 0
	case o.has('s'):
		out(inv, "Processor Clock Speed: %s\n", hwi.clock)
		return 0
	case o.has('L'):
		out(inv, "LPAR Info: %d %s\n", h.lparNum, h.lparName)
		return 0
	}
	// Header [C layout: commands.md §15; values U].
	lines(inv.Stdout,
		"System Model: "+hwi.model,
		"Machine Serial Number: "+h.serial,
		fmt.Sprintf("Processor Type: PowerPC_POWER%d", h.proc),
		fmt.Sprintf("Processor Implementation Mode: POWER %d", h.proc),
		"Processor Version: "+hwi.version,
		"Number Of Processors: 4",
		"Processor Clock Speed: "+hwi.clock,
		"CPU Type: 64-bit",
		"Kernel Type: 64-bit",
		fmt.Sprintf("LPAR Info: %d %s", h.lparNum, h.lparName),
		fmt.Sprintf("Memory Size: %d MB", memMB),
		fmt.Sprintf("Good Memory Size: %d MB", memMB),
		"Platform Firmware level: "+hwi.firmware,
		"Firmware Version: IBM,"+hwi.firmware,
		"Console Login: enable",
		"Auto Restart: true",
		"Full Core: false",
		"",
		"Network Information",
		"\tHost Name: "+h.hostname,
		"\tIP Address: "+ipOf(h.name),
		"\tSub Netmask: 255.255.255.0",
		"\tGateway: "+gatewayOf(h.name),
		"\tName Server: ",
		"\tDomain Name: ",
		"",
		"Paging Space Information",
		fmt.Sprintf("\tTotal Paging Space: %dMB", pagingMB(h)),
		"\tPercent Used: 1%",
		"",
		"Volume Groups Information",
		"==============================================================================",
		"Active VGs",
		"==============================================================================",
	)
	for _, v := range h.vgs {
		if v.active {
			out(inv, "%s", lsvgP(v))
			out(inv, "\n")
		}
	}
	return 0
}

func ipOf(name string) string {
	x := hash64("ip", name)
	return fmt.Sprintf("10.%d.%d.%d", 10+x%200, (x>>8)%250, 2+(x>>16)%250)
}

func gatewayOf(name string) string {
	p := strings.Split(ipOf(name), ".")
	return strings.Join(p[:3], ".") + ".1"
}

func pagingMB(h *host) int {
	if r := h.rootvg(); r != nil {
		for _, l := range r.lvs {
			if l.typ == "paging" {
				return l.lps * r.ppMB
			}
		}
	}
	return 512
}

// cmdLsattr answers `lsattr -El sys0 [-a attr]...` and a few disk
// attributes [C: realmem line, commands.md §17]. Columns are padded to the
// widest value, one space apart, as the single-attribute capture shows.
func cmdLsattr(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "EDRHOl:a:c:")
	if err != nil || len(args) > 0 || !o.has('l') {
		return usage(inv, err, "Usage: lsattr -E -l Name [-a Attribute] ... [-F Format] [-O] [-H]\n") // [U]
	}
	dev := o.get('l')
	h.mu.Lock()
	var rows [][]string
	switch {
	case dev == "sys0":
		rows = [][]string{
			{"maxuproc", "128", "Maximum number of PROCESSES allowed per user", "True"},
			{"modelname", systemModel(h.proc), "Machine name", "False"},
			{"realmem", strconv.Itoa(h.memKB), "Amount of usable physical memory in Kbytes", "False"},
			{"systemid", "IBM,02" + h.serial, "Hardware system identifier", "False"},
		}
	case h.disk(dev) != nil:
		d := h.disk(dev)
		pvid := "none"
		if d.pvid != "" {
			pvid = d.pvid + "0000000000000000"
		}
		rows = [][]string{
			{"pvid", pvid, "Physical volume identifier", "False"},
			{"size_in_mb", strconv.Itoa(d.sizeMB), "Size in Megabytes", "False"},
		}
	default:
		h.mu.Unlock()
		errf(inv, "lsattr: 0514-519 The following device was not found in the customized\n\tdevice configuration database:\n\t%s\n", dev) // [U]
		return 1
	}
	h.mu.Unlock()
	if want := o.all('a'); len(want) > 0 {
		var sel [][]string
		for _, a := range want {
			found := false
			for _, r := range rows {
				if r[0] == a {
					sel, found = append(sel, r), true
				}
			}
			if !found {
				errf(inv, "lsattr: 0514-528 The \"%s\" attribute does not exist in the predefined\n\tdevice configuration database.\n", a) // [U]
				return 1
			}
		}
		rows = sel
	}
	if o.has('H') {
		rows = append([][]string{{"attribute", "value", "description", "user_settable"}}, rows...)
	}
	w := make([]int, 4)
	for _, r := range rows {
		for i, c := range r {
			if len(c) > w[i] {
				w[i] = len(c)
			}
		}
	}
	for _, r := range rows {
		out(inv, "%s %s %s %s\n", padRight(r[0], w[0]), padRight(r[1], w[1]), padRight(r[2], w[2]), r[3])
	}
	return 0
}

func cmdGetconf(ctx context.Context, h *host, inv *shell.Invocation) int {
	args := inv.Args[1:]
	if len(args) == 0 {
		return usage(inv, nil, "Usage: getconf [ -v specification ] { SystemwideConfiguration | PathConfiguration Pathname }\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	devDisk := func() *disk {
		if len(args) < 2 {
			return nil
		}
		return h.disk(strings.TrimPrefix(args[1], "/dev/"))
	}
	switch args[0] {
	case "DISK_SIZE":
		if d := devDisk(); d != nil {
			out(inv, "%d\n", d.sizeMB) // [C] same MB integer as bootinfo -s
			return 0
		}
	case "DISK_DEVNAME":
		if d := devDisk(); d != nil {
			out(inv, "%s\n", d.name)
			return 0
		}
	case "REAL_MEMORY":
		out(inv, "%d\n", h.memKB) // [U unit]
		return 0
	case "HARDWARE_BITMODE", "KERNEL_BITMODE":
		out(inv, "64\n")
		return 0
	case "BOOT_DEVICE":
		out(inv, "%s\n", h.bootDisk()) // [C] same as bootinfo -b
		return 0
	default:
		errf(inv, "getconf: Invalid argument: %s\n", args[0]) // [U]
		return 1
	}
	errf(inv, "getconf: %s: A file or directory in the path name does not exist.\n", strings.Join(args[1:], " ")) // [U]
	return 1
}

func cmdBootinfo(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "s:B:bKyvrpT")
	if err != nil || len(args) > 0 || len(o) != 1 {
		return usage(inv, err, "usage: bootinfo {-b | -B disk | -K | -r | -s disk | -v | -y}\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch x := o[0]; x.c {
	case 's':
		if d := h.disk(x.arg); d != nil {
			out(inv, "%d\n", d.sizeMB) // [C]
		} else {
			out(inv, "0\n") // [U]
		}
	case 'B':
		if d := h.disk(x.arg); d != nil && d.bootable {
			out(inv, "1\n") // [C]
		} else {
			out(inv, "0\n")
		}
	case 'b':
		out(inv, "%s\n", h.bootDisk()) // [C]
	case 'K', 'y':
		out(inv, "64\n")
	case 'v':
		out(inv, "%s\n", h.bootedBLV) // [C]
	case 'r':
		out(inv, "%d\n", h.memKB)
	case 'p':
		out(inv, "chrp\n")
	case 'T':
		out(inv, "chrp\n")
	}
	return 0
}

const usageBootlist = "usage: bootlist [ {-m mode} [-r] [-o] [ [-i] | [[-f File] [Device [Attr=Value ...] ...] ] ] [ -v ]\n" // [U]

// cmdBootlist shows or sets the boot list. `-o` prints one line per boot
// path [C: commands.md §8]; pathid= appears from AIX 6.1 on [U]. A device
// that no longer exists prints "-" [C rule]. The service list is kept but
// not used for booting.
func cmdBootlist(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "m:oirvf:")
	if err != nil || !o.has('m') {
		return usage(inv, err, usageBootlist)
	}
	mode := o.get('m')
	if mode != "normal" && mode != "service" && mode != "both" && mode != "prevboot" {
		errf(inv, "bootlist: invalid mode %s\n", mode) // [U]
		return usage(inv, nil, usageBootlist)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(args) > 0 {
		var entries []bootEntry
		for _, a := range args {
			if strings.Contains(a, "=") {
				if len(entries) == 0 {
					return usage(inv, nil, usageBootlist)
				}
				if k, v, _ := strings.Cut(a, "="); k == "blv" {
					entries[len(entries)-1].blv = v
				}
				continue
			}
			if h.disk(a) == nil {
				errf(inv, "bootlist: Invalid device name %s\n", a) // [U]
				return 1
			}
			entries = append(entries, bootEntry{disk: a})
		}
		if mode == "normal" || mode == "both" {
			for i := range entries {
				if entries[i].blv == "" {
					entries[i].blv = "hd5"
				}
			}
			h.bootlist = entries
		}
		if !o.has('o') {
			return 0
		}
	}
	if !o.has('o') {
		return usage(inv, nil, usageBootlist)
	}
	lvl := h.os().level
	var b strings.Builder
	for _, e := range h.bootlist {
		d := h.disk(e.disk)
		if d == nil {
			b.WriteString("-\n")
			continue
		}
		for p := 0; p < d.paths; p++ {
			if lvl.vr() >= 61 {
				fmt.Fprintf(&b, "%s blv=%s pathid=%d\n", d.name, e.blv, p)
			} else {
				fmt.Fprintf(&b, "%s blv=%s\n", d.name, e.blv)
			}
		}
	}
	out(inv, "%s", b.String())
	return 0
}

func cmdBlvset(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "d:g:p:")
	if err != nil || len(args) > 0 || !o.has('d') || o.get('g') != "level" {
		return usage(inv, err, "usage: blvset -d device -g level | -p level\n") // [U]; only -g level is simulated
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var d *disk
	if dev := o.get('d'); dev == "/dev/ipldevice" {
		// The link names the boot disk, the first disk of rootvg [U].
		if r := h.rootvg(); r != nil && len(r.disks) > 0 && h.os().ipldevOK {
			d = r.disks[0]
		}
	} else {
		d = h.disk(strings.TrimPrefix(dev, "/dev/"))
	}
	if d == nil || d.vg == nil || d.vg.os == nil {
		errf(inv, "blvset: unable to read the boot record of %s\n", o.get('d')) // [U]
		return 1
	}
	out(inv, "%s\n", d.vg.os.blvLevelString()) // [C: IBM-MB-MIG: a level such as 7.1, or 0.0]
	return 0
}

func cmdBosboot(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "ad:")
	if err != nil || len(args) > 0 || !o.has('a') {
		return usage(inv, err, "Usage: bosboot {-a [-d device]} [-p proto] [-k kernel] [-l lvdev] [-b file] [-D|-I] [-L] [-M norm|serv|both] [-O offset] [-q]\n") // [U]
	}
	dev := o.get('d')
	h.mu.Lock()
	os := h.os()
	if dev == "" || dev == "/dev/ipldevice" {
		if !os.ipldevOK {
			h.mu.Unlock()
			errf(inv, "0301-150 bosboot: Invalid or no boot device specified!\n") // [C] E35
			return 1
		}
	} else if d := h.disk(strings.TrimPrefix(dev, "/dev/")); d == nil || d.vg != h.rootvg() {
		h.mu.Unlock()
		errf(inv, "0301-150 bosboot: Invalid or no boot device specified!\n")
		return 1
	}
	os.blvLevel = ""
	h.mu.Unlock()
	out(inv, "\nbosboot: Boot image is 53276 512 byte blocks.\n") // [C format: multibos.md §5.3]
	return 0
}

// groupInfo are the lsgroup lines of the standard groups [U values].
var groupInfo = map[string]string{
	"system":   "id=0 admin=true users=root registry=files",
	"staff":    "id=1 admin=false users=ipsec,sshd registry=files",
	"mail":     "id=6 admin=true users= registry=files",
	"printq":   "id=9 admin=true users=lp adms=root registry=files",
	"security": "id=7 admin=true users=root registry=files",
}

func cmdLsgroup(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "cfa:R:")
	if err != nil || len(args) == 0 {
		return usage(inv, err, "Usage: lsgroup [-R load_module] [ -c | -f ] [ -a attr attr ... ] {\"ALL\" | group1,group2, ... }\n") // [U]
	}
	var names []string
	for _, a := range args {
		names = append(names, strings.Split(a, ",")...)
	}
	h.mu.Lock()
	os := h.os()
	if len(names) == 1 && names[0] == "ALL" {
		names = append([]string(nil), os.groups...)
	}
	var b strings.Builder
	var missing []string
	for _, n := range names {
		if !os.hasGroup(n) {
			missing = append(missing, n)
			continue
		}
		info := groupInfo[n]
		if info == "" {
			info = fmt.Sprintf("id=%d admin=false users= registry=files", 200+hash64(n)%100)
		}
		fmt.Fprintf(&b, "%s %s\n", n, info)
	}
	h.mu.Unlock()
	out(inv, "%s", b.String())
	for _, m := range missing {
		errf(inv, "3004-686 Group \"%s\" does not exist.\n", m) // [U]
	}
	if len(missing) > 0 {
		return 1
	}
	return 0
}

// cmdTcbck: with TCB on, tcbck without arguments prints its usage (IBM's
// documented test, errors.md E31); with TCB off it says so [U text].
func cmdTcbck(ctx context.Context, h *host, inv *shell.Invocation) int {
	h.mu.Lock()
	on := h.os().tcb
	h.mu.Unlock()
	if !on {
		errf(inv, "3001-101 The Trusted Computing Base is not enabled on this machine.\n") // [U]
		return 1
	}
	errf(inv, "Usage: tcbck -a PathName [Attribute=Value ...]\n"+
		"       tcbck -a -f File | -d [-f File | PathName ...]\n"+
		"       tcbck {-n | -p | -t | -y} {ALL | tree | PathName ...}\n"+
		"       tcbck -l /dev/tty..\n") // [U] wording; the usage itself is the signal
	return 1
}

// cmdSshd answers `sshd -t [-o opt=value]`: exit 0 when the configuration
// is good for the running OpenSSH, or the E45 lines [C shape] with 255
// when a cipher is rejected. Deprecated options only warn (exit 0).
func cmdSshd(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "tTDdeiqf:o:p:")
	if err != nil || len(args) > 0 || !o.has('t') {
		return usage(inv, err, "usage: sshd [-46DdeiqTt] [-C connection_spec] [-c host_cert_file]\n            [-E log_file] [-f config_file] [-g login_grace_time]\n            [-h host_key_file] [-o option] [-p port] [-u len]\n") // only -t is simulated
	}
	h.mu.Lock()
	os := h.os()
	problems, fatal := os.sshdConfigProblems()
	ossh := "5.0.0.0"
	if f := os.fileset("openssh.base.server"); f != nil {
		ossh = f.level
	}
	h.mu.Unlock()
	for _, opt := range o.all('o') {
		k, v, _ := strings.Cut(opt, "=")
		if strings.EqualFold(k, "Ciphers") && opensshRejectsLegacy(ossh) {
			for _, c := range strings.Split(v, ",") {
				if legacyCiphers[c] {
					errf(inv, "command-line line 0: Bad SSH2 cipher spec '%s'.\n", v) // [U]
					return 255
				}
			}
		}
	}
	for _, p := range problems {
		errf(inv, "%s\n", p)
	}
	if fatal {
		return 255
	}
	return 0
}

// psRow is one process as ps shows it.
type psRow struct {
	pid, ppid int
	start     time.Time
	tty       string
	cmd       string
}

// processes lists init, SRC daemons, applications and the process table.
func (h *host) processes() []psRow {
	var rows []psRow
	bt := h.bootTime
	rows = append(rows, psRow{1, 0, bt, "-", "/etc/init"})
	srcPID := 1000 + int(hash64("srcmstr", h.name)%50000)*2
	rows = append(rows, psRow{srcPID, 1, bt, "-", "/usr/sbin/srcmstr"})
	rows = append(rows, psRow{srcPID + 2, 1, bt, "-", "/usr/sbin/syncd 60"})
	daemons := map[string]string{
		"sshd": "/usr/sbin/sshd", "nimsh": "/usr/sbin/nimsh -s", "inetd": "/usr/sbin/inetd",
		"syslogd": "/usr/sbin/syslogd", "portmap": "/usr/sbin/portmap", "sendmail": "sendmail: accepting connections",
		"biod": "/usr/sbin/biod 6", "nfsd": "/usr/sbin/nfsd 3891", "rpc.mountd": "/usr/sbin/rpc.mountd",
		"snmpd": "/usr/sbin/snmpd", "xntpd": "/usr/sbin/xntpd", "nfsrgyd": "/usr/sbin/nfsrgyd", "gssd": "/usr/sbin/gssd",
	}
	for _, s := range h.subsys {
		if s.active && s.pid != 0 {
			cmd := daemons[s.name]
			if cmd == "" {
				cmd = "/usr/sbin/" + s.name
			}
			rows = append(rows, psRow{s.pid, srcPID, bt, "-", cmd})
		}
	}
	for i, a := range h.os().apps {
		rows = append(rows, psRow{srcPID + 100 + 2*i, 1, bt, "-", a})
	}
	for _, p := range h.procs.list() {
		cmd := p.cmd
		if cmd == "" {
			cmd = "ksh"
		}
		rows = append(rows, psRow{p.pid, p.ppid, p.start, p.tty, cmd})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].pid < rows[j].pid })
	return rows
}

// cmdPs answers `ps -ef`, `ps -e`, `ps -p PID[,PID]` [U: AIX column widths].
func cmdPs(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "efp:k")
	if err != nil || len(args) > 0 {
		return usage(inv, err, "Usage: ps [-ANaedfklmM] [-n namelist] [-F Format] [-o specifier[=header],...]\n\t\t[-p proclist][-G|-g grouplist] [-t termlist] [-U|-u userlist] [-c classlist] [ -T pid] [ -L pidlist]\n") // [U]
	}
	h.mu.Lock()
	rows := h.processes()
	now := h.now()
	h.mu.Unlock()
	stime := func(t time.Time) string {
		if now.Sub(t) < 24*time.Hour && now.Day() == t.Day() {
			return t.Format("15:04:05")
		}
		return t.Format("Jan 02")
	}
	if o.has('p') {
		want := map[int]bool{}
		for _, p := range strings.Split(o.get('p'), ",") {
			n, _ := strconv.Atoi(strings.TrimSpace(p))
			want[n] = true
		}
		out(inv, "      PID    TTY  TIME CMD\n")
		found := false
		for _, r := range rows {
			if want[r.pid] {
				found = true
				out(inv, "%9d %6s  0:00 %s\n", r.pid, r.tty, strings.Fields(r.cmd)[0])
			}
		}
		if !found {
			return 1
		}
		return 0
	}
	if o.has('f') {
		out(inv, "     UID     PID    PPID   C    STIME    TTY  TIME CMD\n")
		for _, r := range rows {
			out(inv, "%8s %7d %7d %3d %8s %6s  0:00 %s\n", "root", r.pid, r.ppid, 0, stime(r.start), r.tty, r.cmd)
		}
		return 0
	}
	out(inv, "      PID    TTY  TIME CMD\n")
	for _, r := range rows {
		out(inv, "%9d %6s  0:00 %s\n", r.pid, r.tty, strings.Fields(r.cmd)[0])
	}
	return 0
}

var signals = map[string]int{"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "TERM": 15, "USR1": 30, "USR2": 31}

// cmdKill stops lab processes: background jobs and long commands get their
// context cancelled; an SRC daemon's PID stops the subsystem.
func cmdKill(ctx context.Context, h *host, inv *shell.Invocation) int {
	args := inv.Args[1:]
	sig := 15
	if len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		s := args[0][1:]
		if s == "s" && len(args) > 1 {
			s, args = args[1], args[1:]
		}
		if n, err := strconv.Atoi(s); err == nil {
			sig = n
		} else if n, ok := signals[strings.TrimPrefix(strings.ToUpper(s), "SIG")]; ok {
			sig = n
		} else {
			errf(inv, "kill: %s: 0403-017 An incorrect signal was specified.\n", s) // [U]
			return 1
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return usage(inv, nil, "Usage: kill [ -Signal ] Process...\n       kill -l [ExitStatus]\n") // [U]
	}
	rc := 0
	for _, a := range args {
		pid, err := strconv.Atoi(a)
		if err != nil {
			errf(inv, "kill: %s: 0403-011 The specified job does not exist.\n", a) // [U]
			rc = 1
			continue
		}
		if !h.signal(pid, sig) {
			errf(inv, "kill: %d: 0403-003 The specified process does not exist.\n", pid) // [U]
			rc = 1
		}
	}
	return rc
}

// signal delivers sig to pid; signal 0 only tests for existence.
func (h *host) signal(pid, sig int) bool {
	if p := h.procs.get(pid); p != nil {
		if sig != 0 {
			h.procs.kill(pid, sig)
		}
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.processes() {
		if r.pid != pid {
			continue
		}
		if sig != 0 && pid != 1 {
			for _, s := range h.subsys {
				if s.pid == pid {
					s.active, s.pid = false, 0
				}
			}
		}
		return true
	}
	return false
}

func cmdSleep(ctx context.Context, h *host, inv *shell.Invocation) int {
	if len(inv.Args) != 2 {
		return usage(inv, nil, "Usage: sleep Seconds\n")
	}
	n, err := strconv.ParseFloat(inv.Args[1], 64)
	if err != nil || n < 0 {
		return usage(inv, nil, "Usage: sleep Seconds\n")
	}
	ctx, done := h.procs.adopt(ctx, strings.Join(inv.Args, " "), h.now())
	defer done()
	if h.lab.sleep(ctx, time.Duration(n*float64(time.Second))) != nil {
		return shell.StatusKilled
	}
	return 0
}

// cmdShutdown: -r reboots (the host goes down once this command returns,
// stays down BootSeconds of lab time, then boots from its bootlist); without
// -r the host halts and stays down. Output [U].
func cmdShutdown(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "Fdhikmprtlv")
	if err != nil || len(args) > 1 {
		return usage(inv, err, "Usage: shutdown [-d] [-F] [-h | -p | -r] [-i] [-k] [-l] [-m] [-t mmddHHMM[yy]] [-v] [+Time [Message]]\n") // [U]
	}
	if o.has('k') {
		out(inv, "\nSHUTDOWN PROGRAM\n%s\n\nSystem is not going down (-k).\n", aixDate(h.now(), h.tz))
		return 0
	}
	h.mu.Lock()
	if o.has('r') {
		h.pending = 1
	} else {
		h.pending = 2
	}
	tz := h.tz
	h.mu.Unlock()
	out(inv, "\nSHUTDOWN PROGRAM\n%s\n\n\nWait for 'Rebooting...' before stopping.\n", aixDate(h.now(), tz))
	return 0
}

func cmdDate(ctx context.Context, h *host, inv *shell.Invocation) int {
	h.mu.Lock()
	tz := h.tz
	h.mu.Unlock()
	if len(inv.Args) > 1 {
		if strings.HasPrefix(inv.Args[1], "+") {
			f := inv.Args[1][1:]
			t := h.now()
			r := strings.NewReplacer("%Y", t.Format("2006"), "%m", t.Format("01"), "%d", t.Format("02"), "%H", t.Format("15"), "%M", t.Format("04"), "%S", t.Format("05"), "%s", strconv.FormatInt(t.Unix(), 10), "%Z", tz)
			out(inv, "%s\n", r.Replace(f))
			return 0
		}
		return usage(inv, nil, "Usage: date [-u] [+\"Field Descriptors\"]\n")
	}
	out(inv, "%s\n", aixDate(h.now(), tz))
	return 0
}

// cmdTest implements the common test(1) primaries (-d -f -e -s -r -w -x
// -n -z, = != -eq -ne -gt -lt -ge -le, !) on the virtual file system.
func cmdTest(ctx context.Context, h *host, inv *shell.Invocation) int {
	args := inv.Args[1:]
	if inv.Args[0] == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			errf(inv, "[: ] missing\n")
			return 2
		}
		args = args[:len(args)-1]
	}
	neg := false
	if len(args) > 0 && args[0] == "!" {
		neg, args = true, args[1:]
	}
	ok, bad := false, false
	switch len(args) {
	case 0:
	case 1:
		ok = args[0] != ""
	case 2:
		p := absPath(inv, args[1])
		h.mu.Lock()
		n := h.os().files.get(p)
		isDev := strings.HasPrefix(p, "/dev/") && h.devExists(p)
		h.mu.Unlock()
		switch args[0] {
		case "-d":
			ok = n != nil && n.dir
		case "-f":
			ok = n != nil && !n.dir
		case "-e", "-r", "-w", "-x":
			ok = n != nil || isDev
		case "-s":
			ok = n != nil && (n.dir || len(n.data) > 0)
		case "-n":
			ok = args[1] != ""
		case "-z":
			ok = args[1] == ""
		case "-c", "-b":
			ok = isDev
		default:
			bad = true
		}
	case 3:
		a, op, b := args[0], args[1], args[2]
		x, ex := strconv.Atoi(a)
		y, ey := strconv.Atoi(b)
		num := ex == nil && ey == nil
		switch op {
		case "=":
			ok = a == b
		case "!=":
			ok = a != b
		case "-eq":
			ok = num && x == y
		case "-ne":
			ok = num && x != y
		case "-gt":
			ok = num && x > y
		case "-lt":
			ok = num && x < y
		case "-ge":
			ok = num && x >= y
		case "-le":
			ok = num && x <= y
		default:
			bad = true
		}
	default:
		bad = true
	}
	if bad {
		errf(inv, "test: 0403-004 Specify a parameter with this command.\n") // [U]
		return 2
	}
	if ok != neg {
		return 0
	}
	return 1
}
