package sim

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func init() {
	register(cmdLsnim, true, "/usr/sbin/lsnim")
	register(cmdNim, true, "/usr/sbin/nim")
	register(cmdCrsh, true, "/usr/lpp/bos.sysmgt/nim/methods/c_rsh")
}

// nimObj is one NIM object as lsnim shows it.
type nimObj struct {
	name, class, typ string
	attrs            [][2]string
}

func (o nimObj) attr(name string) (string, bool) {
	for _, a := range o.attrs {
		if a[0] == name {
			return a[1], true
		}
	}
	return "", false
}

// nimObjects lists the master's NIM database in definition order. mstate
// gives each client's Mstate (computed without the master lock). Caller
// holds m.mu.
func (m *host) nimObjects(mstate map[string]string) []nimObj {
	db := m.nim
	var objs []nimObj
	net := db.network
	objs = append(objs, nimObj{"master", "machines", "master", [][2]string{
		{"class", "machines"}, {"type", "master"}, {"max_nimesis_threads", "20"},
		{"comments", "machine which controls the NIM environment"},
		{"platform", "chrp"}, {"netboot_kernel", "64"},
		{"if1", net + " " + m.hostname + " 0"}, {"cable_type1", "N/A"},
		{"Cstate", cstateReady}, {"prev_state", cstateReady}, {"Mstate", "currently running"},
		{"serves", "boot"}, {"serves", "nim_script"},
		{"master_port", "1058"}, {"registration_port", "1059"}, {"reserved", "yes"},
	}})
	objs = append(objs, nimObj{"boot", "resources", "boot", [][2]string{
		{"class", "resources"}, {"type", "boot"}, {"comments", "represents the network boot resource"},
		{"Rstate", "ready for use"}, {"location", "/tftpboot"}, {"alloc_count", "0"}, {"server", "master"},
	}})
	objs = append(objs, nimObj{"nim_script", "resources", "nim_script", [][2]string{
		{"class", "resources"}, {"type", "nim_script"}, {"comments", "directory containing customization scripts created by NIM"},
		{"Rstate", "ready for use"}, {"location", "/export/nim/scripts"}, {"alloc_count", "0"}, {"server", "master"},
	}})
	gw := gatewayOf(m.name)
	objs = append(objs, nimObj{net, "networks", "ent", [][2]string{
		{"class", "networks"}, {"type", "ent"}, {"Nstate", "ready for use"}, {"prev_state", "ready for use"},
		{"net_addr", strings.TrimSuffix(gw, ".1") + ".0"}, {"snm", "255.255.255.0"}, {"routing1", "default " + gw},
	}})
	for _, s := range db.spots {
		objs = append(objs, nimObj{s.name, "resources", "spot", [][2]string{
			{"class", "resources"}, {"type", "spot"}, {"plat_defined", "chrp"}, {"arch", "power"},
			{"bos_license", "yes"}, {"Rstate", s.rstate}, {"prev_state", s.prevState},
			{"location", s.location}, {"version", fmt.Sprint(s.level.Version)}, {"release", fmt.Sprint(s.level.Release)},
			{"mod", fmt.Sprint(s.level.TL)}, {"oslevel_r", s.level.TLString()},
			{"alloc_count", fmt.Sprint(s.allocCount)}, {"server", s.server},
			{"if_supported", "chrp.64 ent"}, {"Rstate_result", "success"},
		}})
	}
	for _, l := range db.lpps {
		a := [][2]string{{"class", "resources"}, {"type", "lpp_source"}}
		if l.comments != "" {
			a = append(a, [2]string{"comments", l.comments})
		}
		simages := "yes"
		if !l.simages {
			simages = "no"
		}
		a = append(a, [][2]string{{"arch", "power"}, {"Rstate", l.rstate}, {"prev_state", l.prevState},
			{"location", l.location}, {"simages", simages}, {"alloc_count", fmt.Sprint(l.allocCount)}, {"server", l.server}}...)
		objs = append(objs, nimObj{l.name, "resources", "lpp_source", a})
	}
	for _, c := range db.clients {
		a := [][2]string{{"class", "machines"}, {"type", "standalone"}}
		if c.comments != "" {
			a = append(a, [2]string{"comments", c.comments})
		}
		a = append(a, [][2]string{{"connect", c.connect}, {"platform", "chrp"}, {"netboot_kernel", "64"},
			{"if1", c.network + " " + c.hostname + " 0"}}...)
		if c.netSettings != "" {
			a = append(a, [2]string{"net_settings1", c.netSettings})
		}
		a = append(a, [2]string{"cable_type1", "N/A"})
		if r := m.runs[c.name]; r != nil {
			a = append(a, [][2]string{{"spot", r.spot}, {"lpp_source", r.lpp}, {"control", "master"}}...)
		}
		ms := mstate[c.name]
		if ms == "" {
			ms = "currently running"
		}
		a = append(a, [][2]string{{"Cstate", c.cstate}, {"prev_state", c.prevState}, {"Mstate", ms}, {"cpuid", c.cpuid}}...)
		if c.info != "" {
			a = append(a, [2]string{"info", c.info})
		}
		if c.cstateResult != "" {
			a = append(a, [2]string{"Cstate_result", c.cstateResult})
		}
		objs = append(objs, nimObj{c.name, "machines", "standalone", a})
	}
	return objs
}

// longListing formats `lsnim -l` [C: commands.md §10 — "name:", then
// attributes indented 3, names padded to the longest, " = value"].
func longListing(o nimObj, only []string) string {
	attrs := o.attrs
	if len(only) > 0 {
		var sel [][2]string
		for _, want := range only {
			for _, a := range attrs {
				if a[0] == want {
					sel = append(sel, a)
				}
			}
		}
		attrs = sel
	}
	w := 0
	for _, a := range attrs {
		if len(a[0]) > w {
			w = len(a[0])
		}
	}
	var b strings.Builder
	b.WriteString(o.name + ":\n")
	for _, a := range attrs {
		fmt.Fprintf(&b, "   %-*s = %s\n", w, a[0], a[1])
	}
	return b.String()
}

func (l *Lab) mstates(m *host) map[string]string {
	out := map[string]string{}
	for _, c := range l.clients[m.name] {
		if !l.Running(c) {
			out[c] = "not running"
		}
	}
	return out
}

const usageLsnim = "usage: lsnim [-a attr]... [-c class | -t type] [-l] [-Z] [-O] [-p] [object]...\n" // [U]

func cmdLsnim(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "a:c:t:lZOpq")
	if err != nil {
		return usage(inv, err, usageLsnim)
	}
	ms := h.lab.mstates(h)
	h.mu.Lock()
	objs := h.nimObjects(ms)
	h.mu.Unlock()
	var sel []nimObj
	if len(args) > 0 {
		for _, a := range args {
			found := false
			for _, ob := range objs {
				if ob.name == a {
					sel, found = append(sel, ob), true
				}
			}
			if !found {
				// [C] commands.md §9; the exit status is the message number [P].
				errf(inv, "0042-053 lsnim: there is no NIM object named \"%s\"\n", a)
				return 53
			}
		}
	} else {
		sel = objs
	}
	if t := o.get('t'); t != "" {
		var f []nimObj
		for _, ob := range sel {
			if ob.typ == t {
				f = append(f, ob)
			}
		}
		sel = f
	}
	if c := o.get('c'); c != "" {
		var f []nimObj
		for _, ob := range sel {
			if ob.class == c {
				f = append(f, ob)
			}
		}
		sel = f
	}
	attrs := o.all('a')
	var b strings.Builder
	switch {
	case o.has('Z'):
		// [C shape: header "#name:A:B:", rows "obj:valA:valB:", unset
		// attributes omitted (commands.md §10)].
		if len(attrs) == 0 {
			for _, a := range sel[0].attrs {
				attrs = append(attrs, a[0])
			}
		}
		b.WriteString("#name:" + strings.Join(attrs, ":") + ":\n")
		for _, ob := range sel {
			row := []string{ob.name}
			for _, a := range attrs {
				if v, ok := ob.attr(a); ok {
					row = append(row, v)
				}
			}
			b.WriteString(strings.Join(row, ":") + ":\n")
		}
	case o.has('l') || len(attrs) > 0:
		for _, ob := range sel {
			b.WriteString(longListing(ob, attrs))
		}
	default:
		for _, ob := range sel {
			// [C] padding measured on IBM issue #510: name 31, class 16.
			fmt.Fprintf(&b, "%-30s %-15s %s\n", ob.name, ob.class, ob.typ)
		}
	}
	out(inv, "%s", b.String())
	return 0
}

const usageNim = "usage: nim -o Operation [-F] [-t Type] [-a Attribute=Value]... {ObjectName}\n" // [U]

func cmdNim(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "o:Fa:t:")
	if err != nil || !o.has('o') || len(args) != 1 {
		return usage(inv, err, usageNim)
	}
	op, name := o.get('o'), args[0]
	attrs := map[string]string{}
	for _, a := range o.all('a') {
		k, v, _ := strings.Cut(a, "=")
		attrs[k] = v
	}
	h.mu.Lock()
	db := h.nim
	cl := db.client(name)
	spot := db.spot(name)
	lpp := db.lpp(name)
	if cl == nil && spot == nil && lpp == nil {
		h.mu.Unlock()
		errf(inv, "0042-053 nim: there is no NIM object named \"%s\"\n", name) // [C ID]
		return 53
	}
	switch op {
	case "showres":
		return nimShowres(h, inv, spot, lpp, attrs)
	case "reset":
		if cl == nil {
			h.mu.Unlock()
			errf(inv, "0042-001 nim: processing error encountered on \"master\":\n   0042-034 m_reset: the \"reset\" operation cannot be applied to %s\n", name) // [U]
			return 1
		}
		if cl.cstate != cstateReady && !o.has('F') && h.runs[name] != nil {
			h.mu.Unlock()
			errf(inv, "0042-001 nim: processing error encountered on \"master\":\n   0042-127 m_reset: an operation is in progress on %s; use -F to force\n", name) // [U]
			return 1
		}
		cl.prevState, cl.cstate, cl.cstateResult = cl.cstate, cstateReady, "reset"
		h.mu.Unlock()
		return 0
	case "deallocate":
		// Allocations of finished or killed runs are not kept, so there is
		// nothing left to free; a running nimadm keeps its own.
		h.mu.Unlock()
		return 0
	case "change":
		if cl == nil {
			h.mu.Unlock()
			errf(inv, "0042-001 nim: processing error encountered on \"master\":\n   0042-034 m_chmac: the \"change\" operation cannot be applied to %s\n", name) // [U]
			return 1
		}
		for k, v := range attrs {
			switch k {
			case "connect":
				if v != "shell" && v != "nimsh" {
					h.mu.Unlock()
					errf(inv, "0042-001 nim: processing error encountered on \"master\":\n   0042-148 m_chmac: \"%s\" is not a valid value for the \"connect\" attribute\n", v) // [U]
					return 1
				}
				cl.connect = v
			case "cpuid":
				cl.cpuid = v
			case "comments":
				cl.comments = v
			}
		}
		h.mu.Unlock()
		return 0
	case "reboot":
		h.mu.Unlock()
		if cl == nil {
			return 1
		}
		if c := h.lab.hosts[name]; c != nil && h.lab.Running(name) {
			h.lab.exec(ctx, c, "shutdown -Fr", nil, io.Discard, io.Discard)
		}
		return 0
	}
	h.mu.Unlock()
	errf(inv, "0042-001 nim: processing error encountered on \"master\":\n   0042-034 m_%s: the \"%s\" operation is not simulated\n", op, op) // lab
	return 1
}

// nimShowres answers `nim -o showres` (caller holds h.mu; it unlocks).
func nimShowres(h *host, inv *shell.Invocation, spot *nimSpot, lpp *nimLPP, attrs map[string]string) int {
	if spot != nil {
		if spot.busy {
			name := spot.name
			h.mu.Unlock()
			// [C] E22 (indentation of the second line [U]).
			errf(inv, "0042-001 nim: processing error encountered on \"master\":\n    0042-207 m_showres: Unable to allocate the %s resource to master.\n", name)
			return 1
		}
		fs := filesetsFor(spot.level, false)
		var keep []*fileset
		for _, f := range fs {
			if f.name == "bos.alt_disk_install.rte" {
				if spot.altDisk == "" {
					continue
				}
				f.level = spot.altDisk
			}
			keep = append(keep, f)
		}
		h.mu.Unlock()
		var b strings.Builder
		if attrs["lslpp_flags"] != "" {
			b.WriteString("#Package Name:Fileset:Level:State:PTF Id:Fix State:Type:Description:Destination Dir.:Uninstaller:Message Catalog:Message Set:Message Number:Parent:Automatic:EFIX Locked:Install Path:Build Date\n")
			for _, f := range keep {
				fmt.Fprintf(&b, "%s:%s:%s: : :C: :%s: : : : : : :0:0:/:\n", f.pkg, f.name, f.level, f.desc)
			}
		} else {
			b.WriteString("  Fileset                      Level  State      Description\n  ----------------------------------------------------------------------------\nPath: /usr/lib/objrepos\n")
			for _, f := range keep {
				b.WriteString(lslppLRow(f, false))
			}
		}
		out(inv, "%s", b.String())
		return 0
	}
	fs := filesetsFor(lpp.level, true)
	var keep []*fileset
	for _, f := range fs {
		if !lpp.missing[f.name] {
			keep = append(keep, f)
		}
	}
	h.mu.Unlock()
	var b strings.Builder
	if attrs["installp_flags"] != "" {
		// [U] installp -L colon rows; IBM skips line 1 and keeps fields 0-2.
		b.WriteString("#Package Name:Fileset:Level:I/U:Q:Content:Sup:Description\n")
		for _, f := range keep {
			fmt.Fprintf(&b, "%s:%s:%s:I:N:usr,root:%s:\n", f.pkg, f.name, f.level, f.desc)
		}
	} else {
		// [U] installp -ld layout; the role's regex `\s+bos\.mp64\s+([0-9.]+)` holds.
		b.WriteString("  Fileset Name                Level                     I/U Q Content\n  ====================================================================\n")
		for _, f := range keep {
			fmt.Fprintf(&b, "  %-27s %-25s  I  N usr,root\n  # %s\n\n", f.name, f.level, f.desc)
		}
	}
	out(inv, "%s", b.String())
	return 0
}

// remoteOK reports whether the master can run commands on the client
// through its remote shell (connect=shell: rshd/inetd; connect=nimsh: the
// nimsh subsystem and a niminfo naming this master). Failures return the
// [U] reason c_rsh prints.
func (l *Lab) remoteOK(m *host, client string) (ok bool, reason string) {
	m.mu.Lock()
	nc := m.nim.client(client)
	var connect, masterHost string
	var masterLevel Level
	if nc != nil {
		connect = nc.connect
	}
	masterHost = m.hostname
	masterLevel = m.os().level
	m.mu.Unlock()
	c := l.hosts[client]
	if nc == nil {
		return false, fmt.Sprintf("0042-053 c_rsh: there is no NIM object named \"%s\"", client)
	}
	if c == nil || !l.Running(client) {
		return false, fmt.Sprintf("0042-006 c_rsh: (To %s) connect Connection timed out", client) // [U]
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.os()
	if o.rshBroken {
		if connect == "shell" {
			return false, "rshd: 0826-813 Permission is denied." // [U]
		}
		return false, fmt.Sprintf("0042-006 c_rsh: (To %s) connect Connection refused", client) // [U]
	}
	if connect == "nimsh" {
		if s := c.subsystem("nimsh"); s == nil || !s.active {
			return false, fmt.Sprintf("0042-006 c_rsh: (To %s) connect Connection refused", client) // [U]
		}
		if n := o.files.get("/etc/niminfo"); n == nil || !strings.Contains(string(n.data), "NIM_MASTER_HOSTNAME="+masterHost+"\n") {
			return false, fmt.Sprintf("0042-006 c_rsh: (From %s) nimsh: master is not authorized", client) // [U]
		}
		if !nimshUsable(masterLevel) {
			return false, fmt.Sprintf("0042-006 c_rsh: (To %s) nimsh: remote execution is not supported at this level", client) // [U]
		}
	}
	return true, ""
}

// cmdCrsh runs a command on a client through its remote shell and relays
// its output. Like IBM's code expects, its exit status does not carry the
// remote command's status: it is 0 whenever the command could be started
// [U]; callers append "; echo rc=$?". It fails (status 1, message on
// stderr [U]) when the client is down, not in NIM, or its remote shell is
// broken.
func cmdCrsh(ctx context.Context, h *host, inv *shell.Invocation) int {
	args := inv.Args[1:]
	if len(args) < 2 {
		errf(inv, "usage: c_rsh <machine> <command>\n") // [U]
		return 1
	}
	client, cmd := args[0], strings.Join(args[1:], " ")
	ok, reason := h.lab.remoteOK(h, client)
	if !ok {
		errf(inv, "%s\n", reason)
		return 1
	}
	c := h.lab.hosts[client]
	h.lab.exec(ctx, c, cmd, inv.Stdin, inv.Stdout, inv.Stderr)
	return 0
}
