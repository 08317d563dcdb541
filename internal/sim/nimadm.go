package sim

// nimadm on the NIM master: flag validation (nimadm.md §2), the start-up
// checks, the 12 phases with their banners (§3) acting on the model, the
// failures of errors.md §5, and the cleanup that follows any failure.
//
// Output markers: [C] lines are verbatim from the domain notes (GIBSON's
// phase-11 transcript, the JVB start-up lines, the LVM and installp
// messages); every other line is the lab's best effort [U]. Message IDs
// marked "synthetic" below are not known AIX messages: they only give the
// lab's refusals a recognisable 0505- shape. Everything nimadm prints goes
// to stdout (so a 2>&1 log and a terminal see the same interleaving) and
// to /var/adm/ras/alt_mig/<client>_alt_mig.log on the master [U].

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func init() {
	register(cmdNimadm, true, "/usr/sbin/nimadm")
}

// nimadmRun is one running migration on a master.
type nimadmRun struct {
	client, spot, lpp string
	cacheVG           string
	target            Level
	disks             []string
	start             time.Time
	phase             int
}

type nimadmOpts struct {
	client, spot, lpp, cacheVG string
	disks                      []string
	phases                     map[int]bool // nil = all
	accept, noBootlist, reboot bool
	force, cleanup             bool
	pre, post                  string
}

const usageNimadm = `Usage nimadm: Alternate Disk Migration
	nimadm -l lpp_source -c NIMClient -s SPOT -d TargetDisks [-a PreMigrationScript]
	       [-b installp_bundle] [-z PostMigrationScript] [-e exclude_files]
	       [-i image_data] [-j VGname] [-m NFSMountOptions] [-o bosinst_data]
	       [-P Phase] [-Y] [-F] [-D] [-E] [-V] [{-B|-r}]
Usage nimadm: Cleanup
	nimadm -C -c NIMClient -s SPOT [-F] [-D] [-E]
Usage nimadm: Wake-up Volume Group
	nimadm -W -c NIMClient -s SPOT -d TargetDisks [-m NFSMountOptions] [-z PostMigrationScript] [-F] [-D] [-E]
Usage nimadm: Sleep Volume Group
	nimadm -S -c NIMClient -s SPOT [-F] [-D] [-E]
Usage nimadm: Synchronize Software
	nimadm -M -s SPOT -l lpp_source [-d device] [-P] [-F]
` // [U] layout; flag sets [C] (nimadm.md §2)

func parseNimadm(args []string) (nimadmOpts, error) {
	var o nimadmOpts
	op, rest, err := getopt(args, "c:s:l:d:j:P:a:z:b:e:i:o:m:T:O:N:YBrDVEFCWSMUA")
	if err != nil {
		return o, err
	}
	if len(rest) > 0 {
		return o, fmt.Errorf("unexpected argument %q", rest[0])
	}
	for _, x := range []byte("WSMTONUA") {
		if op.has(x) {
			return o, fmt.Errorf("the -%c mode is not simulated by the lab", x)
		}
	}
	o.client, o.spot, o.lpp, o.cacheVG = op.get('c'), op.get('s'), op.get('l'), op.get('j')
	o.disks = strings.Fields(op.get('d'))
	o.accept, o.noBootlist, o.reboot = op.has('Y'), op.has('B'), op.has('r')
	o.force, o.cleanup = op.has('F'), op.has('C')
	o.pre, o.post = op.get('a'), op.get('z')
	if o.noBootlist && o.reboot {
		return o, fmt.Errorf("the -B and -r flags are mutually exclusive")
	}
	if o.cleanup {
		if o.client == "" || o.spot == "" {
			return o, fmt.Errorf("-C requires -c and -s")
		}
		return o, nil
	}
	if o.client == "" || o.spot == "" || o.lpp == "" || len(o.disks) == 0 {
		return o, fmt.Errorf("a migration requires -c, -s, -l and -d")
	}
	if p := op.get('P'); p != "" {
		o.phases = map[int]bool{}
		for _, f := range strings.Split(p, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > 12 {
				return o, fmt.Errorf("phase %q: want 1 to 12", f)
			}
			o.phases[n] = true
		}
	}
	return o, nil
}

// nimOut writes nimadm's transcript to the session and the master's log.
type nimOut struct {
	m   *host
	w   io.Writer
	log string
}

func (o *nimOut) line(ls ...string) {
	if len(ls) == 0 {
		return
	}
	s := strings.Join(ls, "\n") + "\n"
	io.WriteString(o.w, s)
	if o.log != "" {
		o.m.mu.Lock()
		o.m.os().files.appendFile(o.log, []byte(s), o.m.now())
		o.m.mu.Unlock()
	}
}

func phaseBanner(n int) []string {
	return []string{"", banner, fmt.Sprintf("Executing nimadm phase %d.", n), banner} // [C] banner
}

func cmdNimadm(ctx context.Context, m *host, inv *shell.Invocation) int {
	o, err := parseNimadm(inv.Args[1:])
	if err != nil {
		fmt.Fprintf(inv.Stderr, "nimadm: %v\n", err) // [U]
		io.WriteString(inv.Stderr, usageNimadm)
		return 1
	}
	ctx, done := m.procs.adopt(ctx, "nimadm "+strings.Join(inv.Args[1:], " "), m.now())
	defer done()
	out := &nimOut{m: m, w: inv.Stdout}
	if o.cleanup {
		return m.lab.nimadmCleanup(ctx, m, o, out)
	}
	r := &migration{lab: m.lab, m: m, o: o, out: out}
	return r.run(ctx)
}

// migration is the state of one nimadm run while it executes.
type migration struct {
	lab        *Lab
	m          *host
	c          *host
	o          nimadmOpts
	out        *nimOut
	rec        *nimadmRun
	target     Level
	vr         string
	usedGB     float64
	ppMB       int
	altVG      *vg
	cache      []*lv
	cacheV     *vg
	clone      []cloneFS
	missing    map[string]bool
	registered bool
}

type cloneFS struct {
	mount string // on the client, e.g. /usr
	lv    string
	lps   int
}

func (r *migration) altMount(mp string) string {
	if mp == "/" {
		return "/alt_inst"
	}
	return "/alt_inst" + mp
}

func (r *migration) cacheMount(mp string) string { return "/" + r.o.client + "_alt" + r.altMount(mp) }

func (r *migration) diskList() string { return strings.Join(r.o.disks, " ") }

// setInfo copies a progress or error line into the client's NIM info.
func (r *migration) setInfo(s string) {
	r.m.mu.Lock()
	if nc := r.m.nim.client(r.o.client); nc != nil {
		nc.info = s
	}
	r.m.mu.Unlock()
}

// clientLog appends an alt_disk_inst.log record on the client [C shape:
// date line, "cmd: ..." line, output; errors.md E01].
func (r *migration) clientLog(cmd string, lines []string) {
	if r.c == nil {
		return
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	if !r.c.up {
		return
	}
	rec := "\n" + aixDate(r.c.now(), r.c.tz) + "\ncmd: " + cmd + "\n"
	for _, l := range lines {
		rec += l + "\n"
	}
	r.c.os().files.appendFile("/var/adm/ras/alt_disk_inst.log", []byte(rec), r.c.now())
}

// load is the slowdown of phases 5-8 when the master runs more
// migrations than its CPU capacity.
func (r *migration) load() float64 {
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	f := float64(len(r.m.runs)) / float64(r.m.capacity)
	if f < 1 {
		return 1
	}
	return f
}

// phaseSeconds is the lab's duration model [U, calibrated on nimadm.md §7:
// about an hour for a 20 GB rootvg, phase 6 about 30 minutes]:
// phase 1 and (-j) phases 3 and 9 grow with rootvg's used size; phases 5-8
// are CPU work on the master and slow down with its load; NFS mode makes
// phases 5 and 6 20% slower.
func (r *migration) phaseSeconds(n int) float64 {
	gb := r.usedGB
	j := r.o.cacheVG != ""
	nfs := 1.0
	if !j {
		nfs = 1.2
	}
	switch n {
	case 1:
		return 60 + 30*gb
	case 2:
		return 30
	case 3:
		if j {
			return 30 * gb
		}
		return 60
	case 4, 7:
		return 5
	case 5:
		return 300 * nfs * r.load()
	case 6:
		return 1800 * nfs * r.load()
	case 8:
		return 120 * r.load()
	case 9:
		if j {
			return 60 + 15*gb
		}
		return 30
	case 10, 12:
		return 30
	case 11:
		return 120
	}
	return 0
}

func (r *migration) wait(ctx context.Context, secs float64) error {
	return r.lab.sleep(ctx, time.Duration(secs*float64(time.Second)))
}

// startNFS starts the master's NFS subsystems and returns the SRC lines
// [C: JVB order biod, nfsd, rpc.mountd, nfsrgyd, gssd; transcripts.md §2].
func (l *Lab) startNFS(m *host) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, n := range []string{"biod", "nfsd", "rpc.mountd", "nfsrgyd", "gssd"} {
		s := m.subsystem(n)
		if s == nil {
			continue
		}
		if s.active {
			out = append(out, fmt.Sprintf("0513-029 The %s Subsystem is already active.", n), "Multiple instances are not supported.")
			continue
		}
		s.active, s.pid = true, m.procs.newPID()
		out = append(out, fmt.Sprintf("0513-059 The %s Subsystem has been started. Subsystem PID is %d.", n, s.pid))
	}
	return out
}

// run executes a migration and returns nimadm's exit status: 0 on
// success, 1 on failure [U], 143 when killed.
func (r *migration) run(ctx context.Context) int {
	l, m, o := r.lab, r.m, r.o
	r.out.log = "/var/adm/ras/alt_mig/" + o.client + "_alt_mig.log" // [C path pattern]
	m.mu.Lock()
	m.os().files.writeFile(r.out.log, nil, m.now())
	m.mu.Unlock()
	r.out.line(l.startNFS(m)...)
	r.out.line("Initializing the NIM master.")
	if r.wait(ctx, 10) != nil {
		return shell.StatusKilled
	}
	if o.cacheVG != "" {
		m.mu.Lock()
		v := m.vg(o.cacheVG)
		active := v != nil && v.active
		m.mu.Unlock()
		switch {
		case v == nil:
			r.out.line(fmt.Sprintf("0516-306 lsvg: Unable to find volume group %s in the Device Configuration Database.", o.cacheVG), // [U]
				fmt.Sprintf("0505-161 nimadm: Unable to use volume group %s for local disk caching.", o.cacheVG)) // synthetic
			return 1
		case !active:
			r.out.line("0516-010 lsvg: Volume group must be varied on; use varyonvg command.", // [P] E11
				fmt.Sprintf("0505-161 nimadm: Unable to use volume group %s for local disk caching.", o.cacheVG)) // synthetic
			return 1
		}
	}
	r.out.line(fmt.Sprintf("Initializing NIM client %s.", o.client))

	// NIM objects and master-side facts.
	m.mu.Lock()
	nc := m.nim.client(o.client)
	sp := m.nim.spot(o.spot)
	lp := m.nim.lpp(o.lpp)
	var cstate string
	var spLevel, lpLevel Level
	var spAlt, spServer, lpServer, masterAlt string
	if nc != nil {
		cstate = nc.cstate
	}
	if sp != nil {
		spLevel, spAlt, spServer = sp.level, sp.altDisk, sp.server
	}
	if lp != nil {
		lpLevel, lpServer = lp.level, lp.server
		r.missing = lp.missing
	}
	masterLevel := m.os().level
	if f := m.os().fileset("bos.alt_disk_install.rte"); f != nil {
		masterAlt = f.level
	}
	masterMem := m.memKB
	m.mu.Unlock()
	for _, x := range []struct {
		ok   bool
		name string
	}{{nc != nil, o.client}, {sp != nil, o.spot}, {lp != nil, o.lpp}} {
		if !x.ok {
			r.out.line(fmt.Sprintf("0042-053 lsnim: there is no NIM object named \"%s\"", x.name)) // [C]
			return 1
		}
	}
	r.c = l.hosts[o.client]
	if r.c == nil || !l.Running(o.client) {
		r.out.line(fmt.Sprintf("0505-160 nimadm: Unable to reach NIM client %s.", o.client)) // synthetic
		return 1
	}
	r.target = lpLevel
	r.vr = spLevel.VR()
	r.out.line("Verifying alt_disk_migration eligibility.")

	c := r.c
	c.mu.Lock()
	cl := c.os().level
	proc, cmem, tcb := c.proc, c.memKB, c.os().tcb
	root := c.rootvg()
	r.ppMB = root.ppMB
	r.usedGB = float64(root.usedLPMB()) / 1024
	c.mu.Unlock()

	var refuse []string
	switch {
	case cstate != cstateReady && !o.force:
		refuse = append(refuse, fmt.Sprintf("0505-150 nimadm: NIM client %s is not ready for a NIM operation (Cstate: %s).", o.client, cstate)) // synthetic E21
	case masterLevel.Compare(spLevel) < 0 || masterLevel.Compare(lpLevel) < 0:
		refuse = append(refuse, fmt.Sprintf("0505-151 nimadm: The NIM master level (%s) is lower than the migration level (%s).", masterLevel, lpLevel)) // synthetic E27
	case spAlt == "":
		refuse = append(refuse, fmt.Sprintf("0505-206 nimadm: bos.alt_disk_install.rte is not installed in SPOT %s.", o.spot)) // synthetic E25
	case spAlt != masterAlt:
		refuse = append(refuse, fmt.Sprintf("0505-205 nimadm: The level of bos.alt_disk_install.rte installed in SPOT %s (%s) does not match the NIM master's level (%s).", o.spot, spAlt, masterAlt)) // [U] E24
	case spLevel.TLString() != lpLevel.TLString() || spLevel.vr() != lpLevel.vr():
		refuse = append(refuse, fmt.Sprintf("0505-152 nimadm: lpp_source %s (%s) and SPOT %s (%s) are not at the same level.", o.lpp, lpLevel.TLString(), o.spot, spLevel.TLString())) // synthetic E26
	case spServer != "master" || lpServer != "master":
		refuse = append(refuse, "0505-153 nimadm: NIM resources used by nimadm must be local to the NIM master.") // synthetic E42
	case !o.accept:
		refuse = append(refuse, "0505-162 nimadm: Software license agreements must be accepted with -Y.") // synthetic
	case cl.vr() >= r.target.vr() && !(r.target.vr() == 73 && r.target.TL >= 3 && cl.vr() == 73 && cl.Compare(r.target) < 0):
		refuse = append(refuse, fmt.Sprintf("0505-154 nimadm: NIM client %s is already at level %s.", o.client, cl)) // synthetic E28
	case !pathSupported(cl, r.target) && cl.vr() != r.target.vr():
		refuse = append(refuse, fmt.Sprintf("0505-155 nimadm: Migrating NIM client %s from AIX %s to AIX %s is not supported.", o.client, cl.VR(), r.target.VR())) // synthetic E29
	case r.target.vr() >= 73 && proc < 8:
		refuse = append(refuse, fmt.Sprintf("0505-156 nimadm: Processor PowerPC_POWER%d of NIM client %s does not support AIX %s.", proc, o.client, r.target.VR())) // synthetic E30
	case tcb && o.cacheVG == "":
		refuse = append(refuse, fmt.Sprintf("0505-157 nimadm: Trusted Computing Base is enabled on NIM client %s; use local disk caching (-j).", o.client)) // synthetic E31
	case cmem < 4*1024*1024:
		refuse = append(refuse, fmt.Sprintf("0505-159 nimadm: NIM client %s has %d MB of memory; at least 4096 MB are required.", o.client, cmem/1024)) // synthetic E32
	case masterMem < 4*1024*1024:
		refuse = append(refuse, fmt.Sprintf("0505-159 nimadm: The NIM master has %d MB of memory; at least 4096 MB are required.", masterMem/1024)) // synthetic E32
	}
	if len(refuse) > 0 {
		r.out.line(refuse...)
		return 1
	}
	r.out.line("Initializing log: "+r.out.log, "Starting Alternate Disk Migration.")

	// Register the run: the client's Cstate shows the operation [U].
	m.mu.Lock()
	r.rec = &nimadmRun{client: o.client, spot: o.spot, lpp: o.lpp, cacheVG: o.cacheVG, target: r.target, disks: o.disks, start: m.now()}
	m.runs[o.client] = r.rec
	nc.prevState, nc.cstate, nc.cstateResult, nc.info = nc.cstate, cstateAltDisk, "", ""
	sp.allocCount++
	lp.allocCount++
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.runs, o.client)
		sp.allocCount--
		lp.allocCount--
		m.mu.Unlock()
	}()

	phases := []func(context.Context) phaseResult{r.phase1, r.phase2, r.phase3, r.phase4, r.phase5, r.phase6, r.phase7, r.phase8, r.phase9, r.phase10, r.phase11, r.phase12}
	for i, p := range phases {
		n := i + 1
		if o.phases != nil && !o.phases[n] {
			continue
		}
		if h := l.currentPhaseHook(); h != nil {
			h(ctx, m.name, o.client, n)
		}
		if ctx.Err() != nil {
			return shell.StatusKilled
		}
		m.mu.Lock()
		r.rec.phase = n
		m.mu.Unlock()
		r.out.line(phaseBanner(n)...)
		res := p(ctx)
		switch {
		case res.killed:
			return shell.StatusKilled
		case res.failed:
			return r.fail(res.info, res.lines...)
		}
	}
	return 0
}

func (l *Lab) currentPhaseHook() PhaseHook {
	l.hookMu.RLock()
	defer l.hookMu.RUnlock()
	return l.phaseHook
}

type phaseResult struct {
	failed, killed bool
	info           string   // text for the NIM info attribute
	lines          []string // error lines, printed before the cleanup
}

var (
	phaseOK     = phaseResult{}
	phaseKilled = phaseResult{killed: true}
)

func failWith(info string, lines ...string) phaseResult {
	return phaseResult{failed: true, info: info, lines: lines}
}

const errClone = "0505-187 nimadm: Error cloning altinst_rootvg on client." // [C]

// fail prints the error and nimadm's own cleanup [C: GIBSON, errors.md
// E01], removes what this run created and resets the client's bootlist.
func (r *migration) fail(info string, lines ...string) int {
	r.out.line(lines...)
	r.out.line("Cleaning up alt_disk_migration on the NIM master.")
	r.releaseCache()
	r.out.line(fmt.Sprintf("Cleaning up alt_disk_migration on client %s.", r.o.client))
	cmd := fmt.Sprintf("alt_disk_install -M %s -X", r.vr)
	r.out.line("Client alt_disk_install command: " + cmd)
	c := r.c
	c.mu.Lock()
	var bl string
	if r.altVG != nil && c.vg("altinst_rootvg") == r.altVG {
		bl = c.removeAltVG(r.altVG)
	} else {
		bd := c.bootDisk()
		c.bootlist = []bootEntry{{bd, c.bootedBLV}}
		bl = fmt.Sprintf("Bootlist is set to the boot disk: %s blv=%s\n", bd, c.bootedBLV)
	}
	c.os().files.removeAll("/alt_inst")
	c.mu.Unlock()
	bl = strings.TrimSuffix(bl, "\n")
	r.out.line(bl)
	r.clientLog("/ALT_MIG_SPOT/sbin/"+cmd, []string{bl})
	r.m.mu.Lock()
	if nc := r.m.nim.client(r.o.client); nc != nil {
		nc.prevState, nc.cstate, nc.cstateResult = cstateAltDisk, cstateReady, "failure"
		nc.info = info
	}
	r.m.mu.Unlock()
	return 1
}

func (r *migration) releaseCache() {
	if r.cacheV == nil {
		return
	}
	r.m.mu.Lock()
	for _, lv := range r.cache {
		r.cacheV.removeLV(lv.name)
		r.m.os().files.removeAll(lv.mount)
	}
	r.m.os().files.removeAll("/" + r.o.client + "_alt")
	delete(r.m.cacheByRun, r.o.client)
	r.m.mu.Unlock()
	r.cache, r.cacheV = nil, nil
}

// growthPPs is the space the migration adds to /usr (about 400 MB, in
// whole partitions, at least one) — kept under the 512 MB margin of
// PRE-0404 for the usual 32-256 MB partition sizes [U].
func growthPPs(ppMB int) int {
	g := (384 + ppMB - 1) / ppMB
	if g < 1 {
		g = 1
	}
	return g
}

func (r *migration) phase1(ctx context.Context) phaseResult {
	o := r.o
	head := []string{
		"Cloning altinst_rootvg on client, Phase 1.",
		fmt.Sprintf("Client alt_disk_install command: alt_disk_copy -j -M %s -P1 -d \"%s\"", r.vr, r.diskList()),
	}
	r.out.line(head...)
	if ok, _ := r.lab.remoteOK(r.m, o.client); !ok {
		// [C] first part (E17, RHDISK0); the tail after "/alt_inst/tmp/i" is synthetic.
		w := fmt.Sprintf("0505-158 nimadm: WARNING, unexpected result from the /alt_inst/tmp/image.data remote command on client %s.", o.client)
		return failWith(w, w, errClone)
	}
	c := r.c
	c.mu.Lock()
	root := c.rootvg()
	if root.locked {
		c.mu.Unlock()
		r.out.line(strings.TrimSuffix(lockedMsg("lsvg", "rootvg"), "\n"))
		r.setInfo("0516-1201 lsvg: Warning: Volume group rootvg is locked.")
		<-ctx.Done()
		return phaseKilled
	}
	var tds []*disk
	var refuse string
	for _, n := range o.disks {
		d := c.disk(n)
		switch {
		case d == nil:
			refuse = fmt.Sprintf("0505-117 alt_disk_install: Target disk %s does not exist.", n) // synthetic
		case d.vg != nil:
			refuse = fmt.Sprintf("0505-126 alt_disk_install- target disk %s has a volume group assigned to it.", n) // [C] E06
		case !d.bootable:
			refuse = fmt.Sprintf("0505-121 alt_disk_install: Target disk %s is not bootable.", n) // synthetic E10
		}
		if refuse != "" {
			break
		}
		tds = append(tds, d)
	}
	if refuse == "" && c.vg("altinst_rootvg") != nil {
		refuse = "0505-120 alt_disk_install: An altinst_rootvg volume group already exists." // synthetic E04
	}
	if refuse == "" && root.staleTotal() > 0 {
		refuse = "0505-122 alt_disk_install: rootvg contains stale partitions." // synthetic E37
	}
	if refuse != "" {
		c.mu.Unlock()
		r.clientLog(fmt.Sprintf("/ALT_MIG_SPOT/sbin/alt_disk_copy -j -M %s -P1 -d %s", r.vr, r.diskList()), []string{refuse})
		return failWith(refuse, refuse, errClone)
	}
	// Create altinst_rootvg with one copy of every LV that will be cloned:
	// mounted file systems and the non-FS LVs; not a multibos standby.
	standby := c.hasStandby()
	v := &vg{name: "altinst_rootvg", id: derivedVGID(c.name, "altinst_rootvg"+c.bootDisk()+fmt.Sprint(c.bootGen)), ppMB: root.ppMB, typ: root.typ, ltgKB: root.ltgKB, active: true, autoOn: false}
	for _, d := range tds {
		v.disks = append(v.disks, d)
		d.vg = v
		d.vgdaStale = false
		if d.pvid == "" {
			d.pvid = derivedPVID(c.name, d.name+"-alt")
		}
	}
	v.os = root.os.clone()
	c.vgs = append(c.vgs, v)
	r.altVG = v
	body := []string{
		"Calling mkszfile to create new /image.data file.", // [C] transcripts.md §3
		"Checking disk sizes.",
		"Creating cloned rootvg volume group and associated logical volumes.",
	}
	var fsLines []string
	r.clone = nil
	var failed bool
	for _, l := range root.lvs {
		if standby && strings.HasPrefix(l.mount, "/bos_inst") {
			continue
		}
		if standby && l.name == "bos_hd5" && !root.os.bosNames {
			continue
		}
		if l.isFS() && !l.mounted {
			continue // E44: unmounted file systems are not copied
		}
		name := "alt_" + l.name
		if len(name) > 15 {
			name = name[:15]
		}
		body = append(body, fmt.Sprintf("Creating logical volume %s.", name)) // [C] with period
		if v.freePPs() < l.lps {
			body = append(body, strings.TrimSuffix(allocpMsg, "\n"), "0516-822 mklv: Unable to create logical volume.", "Cleaning up.")
			failed = true
			break
		}
		nl := &lv{name: name, typ: l.typ, lps: l.lps, copies: 1, open: l.typ != "boot", mount: ""}
		if l.isFS() {
			nl.mount = r.altMount(l.mount)
			nl.mounted = true
			f := *l.fs
			nl.fs = &f
			r.clone = append(r.clone, cloneFS{mount: l.mount, lv: l.name, lps: l.lps})
		}
		v.lvs = append(v.lvs, nl)
	}
	if !failed {
		sort.Slice(r.clone, func(i, j int) bool { return r.clone[i].mount < r.clone[j].mount })
		for _, f := range r.clone {
			name := r.altMount(f.mount)
			if f.mount == "/" {
				name = "/alt_inst/"
			}
			fsLines = append(fsLines, fmt.Sprintf("Creating %s file system", name)) // [C] no period
			c.os().files.mkdirAll(r.altMount(f.mount), c.now())
		}
	}
	c.mu.Unlock()
	r.out.line(body...)
	r.setInfo(body[len(body)-1])
	if failed {
		r.clientLog(fmt.Sprintf("/ALT_MIG_SPOT/sbin/alt_disk_copy -j -M %s -P1 -d %s", r.vr, r.diskList()), body)
		return failWith("0516-822 mklv: Unable to create logical volume.", errClone)
	}
	r.out.line(fsLines...)
	if r.wait(ctx, r.phaseSeconds(1)) != nil {
		return phaseKilled
	}
	tail := []string{"Generating a list of files", "for backup and restore into the alternate file system...", "Phase 1 complete."} // [U]
	r.out.line(tail...)
	r.clientLog(fmt.Sprintf("/ALT_MIG_SPOT/sbin/alt_disk_copy -j -M %s -P1 -d %s", r.vr, r.diskList()), append(append(body, fsLines...), tail...))
	return phaseOK
}

func (r *migration) phase2(ctx context.Context) phaseResult {
	o := r.o
	if o.cacheVG == "" {
		lines := []string{fmt.Sprintf("Exporting alt_inst file systems from client %s to NIM master %s:", o.client, r.m.hostname)} // [U]
		for _, f := range r.clone {
			lines = append(lines, fmt.Sprintf("Exporting %s from client.", r.altMount(f.mount)))
		}
		r.out.line(lines...)
		if r.wait(ctx, r.phaseSeconds(2)) != nil {
			return phaseKilled
		}
		return phaseOK
	}
	r.out.line(fmt.Sprintf("Creating nimadm cache file systems on volume group %s.", o.cacheVG), "Checking for initial required migration space.") // [U]
	m := r.m
	m.mu.Lock()
	v := m.vg(o.cacheVG)
	if v == nil || !v.active {
		m.mu.Unlock()
		e := fmt.Sprintf("0505-188 nimadm: Error creating cache file systems on volume group %s.", o.cacheVG) // synthetic
		return failWith(e, e)
	}
	r.cacheV = v
	// Demand: rootvg used (LP) size plus growth, as cache LVs per file
	// system; non-FS space is added to /, growth to /usr.
	fsMB := 0
	for _, f := range r.clone {
		fsMB += f.lps * r.ppMB
	}
	extra := int(r.usedGB*1024) - fsMB
	var lines []string
	var failed bool
	for _, f := range r.clone {
		mb := f.lps * r.ppMB
		if f.mount == "/" && extra > 0 {
			mb += extra
		}
		if f.mount == "/usr" {
			mb += growthPPs(r.ppMB) * r.ppMB
		}
		lps := (mb + v.ppMB - 1) / v.ppMB
		mp := r.cacheMount(f.mount)
		lines = append(lines, "Creating cache file system "+mp)
		if v.freePPs() < lps {
			lines = append(lines, strings.TrimSuffix(allocpMsg, "\n"), "0516-822 mklv: Unable to create logical volume.") // [C] E12
			failed = true
			break
		}
		m.cacheSerial++
		nl := &lv{name: fmt.Sprintf("lv%02d", m.cacheSerial%100), typ: "jfs2", lps: lps, copies: 1, mount: mp, open: true, mounted: true}
		nl.fs = &fsData{usedBlocks: int64(f.lps) * int64(r.ppMB) * 2048 / 2, iused: 1000, iusedPct: 1}
		v.lvs = append(v.lvs, nl)
		r.cache = append(r.cache, nl)
		m.os().files.mkdirAll(mp, m.now())
	}
	m.cacheByRun[o.client] = r.cache
	m.mu.Unlock()
	r.out.line(lines...)
	if failed {
		e := fmt.Sprintf("0505-188 nimadm: Error creating cache file systems on volume group %s.", o.cacheVG) // synthetic
		return failWith(e, e)
	}
	if r.wait(ctx, r.phaseSeconds(2)) != nil {
		return phaseKilled
	}
	return phaseOK
}

func (r *migration) phase3(ctx context.Context) phaseResult {
	if r.o.cacheVG != "" {
		r.out.line("Syncing client data to cache ...") // [U]
	} else {
		lines := []string{"NFS mounting client's alt_inst file systems on the NIM master:"} // [U]
		for _, f := range r.clone {
			lines = append(lines, fmt.Sprintf("Mounting %s:%s.", r.o.client, r.altMount(f.mount)))
		}
		r.out.line(lines...)
	}
	if r.wait(ctx, r.phaseSeconds(3)) != nil {
		return phaseKilled
	}
	return phaseOK
}

func (r *migration) scriptPhase(ctx context.Context, n int, script, kind string) phaseResult {
	if script == "" {
		r.out.line("nimadm: There is no user customization script specified for this phase.") // [U]
	} else {
		r.out.line(fmt.Sprintf("Executing user %s script %s.", kind, script)) // [U]
	}
	if r.wait(ctx, r.phaseSeconds(n)) != nil {
		return phaseKilled
	}
	return phaseOK
}

func (r *migration) phase4(ctx context.Context) phaseResult {
	return r.scriptPhase(ctx, 4, r.o.pre, "pre-migration")
}

func (r *migration) phase7(ctx context.Context) phaseResult {
	return r.scriptPhase(ctx, 7, r.o.post, "post-migration")
}

func (r *migration) phase5(ctx context.Context) phaseResult {
	root := "/alt_inst"
	if r.o.cacheVG != "" {
		root = r.cacheMount("/")
	}
	// [U] all lines.
	r.out.line("Saving system configuration files.",
		"Checking for initial required migration space.",
		"Setting up for base operating system restore.",
		root,
		"Restoring base operating system.",
		"Merging system configuration files.",
		"Running migration merge method: ODM_merge Config_Rules.",
		"Running migration merge method: ODM_merge SRCextmeth.",
		"Running migration merge method: ODM_merge SRCsubsys.",
		"Running migration merge method: ODM_merge SWservAt.",
		"Running migration merge method: convert_errnotify.",
		"Running migration merge method: passwd_mig.",
		"Running migration merge method: login_mig.",
		"Running migration merge method: user_mrg.",
		"Running migration merge method: secur_mig.",
		"Running migration merge method: mkusr_mig.",
		"Running migration merge method: group_mig.",
		"Running migration merge method: merge_smit_db.",
		"Running migration merge method: ODM_merge fix.",
		"Running migration merge method: merge_swvpds.",
		"Running migration merge method: SysckMerge.")
	// File system expansion on the target: /usr grows.
	c := r.c
	c.mu.Lock()
	v := r.altVG
	g := growthPPs(v.ppMB)
	var usr *lv
	for _, l := range v.lvs {
		if l.mount == "/alt_inst/usr" {
			usr = l
		}
	}
	ok := v.freePPs() >= g
	if ok && usr != nil {
		usr.lps += g
	}
	c.mu.Unlock()
	if !ok {
		e := "0505-189 nimadm: Error expanding the alt_inst file systems of the client." // synthetic
		return failWith(e, strings.TrimSuffix(allocpMsg, "\n"), "0516-788 extendlv: Unable to extend logical volume.", e)
	}
	if r.wait(ctx, r.phaseSeconds(5)) != nil {
		return phaseKilled
	}
	return phaseOK
}

func (r *migration) phase6(ctx context.Context) phaseResult {
	r.out.line("Installing and migrating software.", "Updating install utilities.") // [U]
	c := r.c
	c.mu.Lock()
	o := c.os()
	var locked []string
	for _, e := range o.efixes {
		locked = append(locked, e.locks...)
	}
	noMail, noPrintq := !o.hasGroup("mail"), !o.hasGroup("printq")
	var notInLPP []string
	for _, f := range o.filesets {
		if f.notInLPP {
			notInLPP = append(notInLPP, f.name)
		}
	}
	hang := c.hasFault(FaultNimadmHang)
	c.mu.Unlock()
	if hang {
		<-ctx.Done()
		return phaseKilled
	}
	bos := r.target.info().bos
	r.out.line(banner, "                    Pre-installation Verification...", banner, "Verifying selections...done", "Verifying requisites...done", "Results...", "")
	if len(locked) > 0 {
		// [C] header lines (E33); the explanation is [U].
		lines := []string{"EFIX MANAGER LOCKS", "* * * ATTENTION * * *", "The following selected filesets are locked by EFIX manager:"}
		for _, f := range locked {
			lines = append(lines, "  "+f)
		}
		lines = append(lines, "",
			"installp has halted this operation because files in the filesets listed",
			"above are registered as having an EFIX. The EFIX must be removed before",
			"the filesets can be updated. Use /usr/sbin/emgr -P to list the locked",
			"filesets and /usr/sbin/emgr -r -L <EFIX label> to remove the EFIX.",
		)
		e := fmt.Sprintf("0505-190 nimadm: Error migrating software on client %s.", r.o.client) // synthetic
		return failWith(e, append(lines, e)...)
	}
	if noMail || noPrintq {
		// [C] E38 (sysck and installp lines, indentation as captured).
		var lines []string
		if noMail {
			lines = append(lines, "sysck: 3001-038 The name mail is not a known group for entry /usr/bin/bellmail.",
				"sysck: 3001-003 A value must be specified for group for entry /usr/bin/bellmail.")
		}
		if noPrintq {
			lines = append(lines, "sysck: 3001-038 The name printq is not a known group for entry /usr/bin/chquedev.",
				"sysck: 3001-003 A value must be specified for group for entry /usr/bin/chquedev.")
		}
		lines = append(lines, "sysck: 3001-017 Errors were detected validating the files",
			"        for package bos.rte.printers.",
			"        ",
			"0503-464 installp:  The installation has FAILED for the \"usr\" part",
			"        of the following filesets:",
			"        bos.rte.printers "+bos,
			"installp:  Cleaning up software for:",
			"        bos.rte.printers "+bos)
		e := fmt.Sprintf("0505-190 nimadm: Error migrating software on client %s.", r.o.client) // synthetic
		return failWith(e, append(lines, e)...)
	}
	if len(notInLPP) > 0 {
		// [C] E39 block (indentation as captured), names substituted.
		r.out.line("  Requisite Failures",
			"    ------------------",
			"    SELECTED FILESETS: The following is a list of filesets that you asked to",
			"    install. They cannot be installed until all of their requisite filesets",
			"    are also installed. See subsequent lists for details of requisites.",
			"",
			fmt.Sprintf("    %-40s # Configuration Assistant", "sysmgt.cfgassist "+bos),
			"",
			"    MISSING REQUISITES: The following filesets are required by one or more of the selected filesets listed above. They are not currently installed and could not be found on the installation media.",
			"",
			fmt.Sprintf("    %-40s # Base Level Fileset", strings.Replace(notInLPP[0], ".sdk", ".jre", 1)),
			"")
	}
	if r.wait(ctx, r.phaseSeconds(6)) != nil {
		return phaseKilled
	}
	lines := []string{"Installation Summary", "--------------------",
		"Name                        Level           Part        Event       Result",
		"-------------------------------------------------------------------------------"}
	for _, f := range []string{"bos.rte", "bos.mp64", "bos.rte.libc", "bos.net.tcp.client", "bos.alt_disk_install.rte"} {
		lines = append(lines, fmt.Sprintf("%-27s %-15s %-11s %-11s %s", f, bos, "USR", "APPLY", "SUCCESS"),
			fmt.Sprintf("%-27s %-15s %-11s %-11s %s", f, bos, "ROOT", "APPLY", "SUCCESS"))
	}
	r.out.line(lines...) // [U] layout
	return phaseOK
}

func (r *migration) phase8(ctx context.Context) phaseResult {
	r.out.line("Creating client boot image.") // [U]
	r.c.mu.Lock()
	ok := r.c.os().ipldevOK
	r.c.mu.Unlock()
	if !ok {
		e := "0505-191 nimadm: Error creating client boot image."                       // synthetic
		return failWith(e, "0301-150 bosboot: Invalid or no boot device specified!", e) // [C] 0301-150
	}
	if r.wait(ctx, r.phaseSeconds(8)) != nil {
		return phaseKilled
	}
	r.out.line("bosboot: Boot image is 53276 512 byte blocks.", fmt.Sprintf("Writing boot image to client's alternate boot disk %s.", r.o.disks[0])) // [C format] / [U]
	return phaseOK
}

func (r *migration) phase9(ctx context.Context) phaseResult {
	if r.o.cacheVG != "" {
		lines := []string{"Adjusting client file system sizes ..."} // [U]
		for _, f := range r.clone {
			lines = append(lines, "Adjusting size for "+f.mount)
		}
		r.out.line(lines...)
		if r.wait(ctx, r.phaseSeconds(9)) != nil {
			return phaseKilled
		}
		r.out.line("Syncing cache data to client ...")
		return phaseOK
	}
	lines := []string{"Unmounting client mounts on the NIM master."} // [U]
	for i := len(r.clone) - 1; i >= 0; i-- {
		lines = append(lines, fmt.Sprintf("forced unmount of %s:%s", r.o.client, r.altMount(r.clone[i].mount)))
	}
	r.out.line(lines...)
	if r.wait(ctx, r.phaseSeconds(9)) != nil {
		return phaseKilled
	}
	return phaseOK
}

func (r *migration) phase10(ctx context.Context) phaseResult {
	if r.o.cacheVG != "" {
		lines := []string{"Unmounting client mounts on the NIM master."} // [U]
		for i := len(r.cache) - 1; i >= 0; i-- {
			lines = append(lines, "forced unmount of "+r.cache[i].mount, "forced unmount of "+r.cache[i].mount)
		}
		lines = append(lines, "Removing nimadm cache file systems.")
		for _, c := range r.cache {
			lines = append(lines, "Removing cache file system "+c.mount)
		}
		r.out.line(lines...)
		r.releaseCache()
	} else {
		lines := []string{fmt.Sprintf("Unexporting alt_inst file systems on client %s:", r.o.client)} // [U]
		for _, f := range r.clone {
			lines = append(lines, "unexporting "+r.altMount(f.mount))
		}
		r.out.line(lines...)
	}
	if r.wait(ctx, r.phaseSeconds(10)) != nil {
		return phaseKilled
	}
	return phaseOK
}

// forcedUnmounts lists the clone's file systems deepest first, each twice
// [C: GIBSON — reverse lexicographic order, doubled lines].
func (r *migration) forcedUnmounts() []string {
	var mps []string
	for _, f := range r.clone {
		mps = append(mps, r.altMount(f.mount))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(mps)))
	var out []string
	for _, m := range mps {
		out = append(out, "forced unmount of "+m, "forced unmount of "+m)
	}
	return out
}

func (r *migration) phase11(ctx context.Context) phaseResult {
	cmd := fmt.Sprintf("alt_disk_copy -j -M %s -P3 -d \"%s\"", r.vr, r.diskList())
	logCmd := fmt.Sprintf("/ALT_MIG_SPOT/sbin/alt_disk_copy -j -M %s -P3 -d %s", r.vr, r.diskList())
	r.out.line("Cloning altinst_rootvg on client, Phase 3.", "Client alt_disk_install command: "+cmd, "## Phase 3 ###################", "Verifying altinst_rootvg...") // [C]
	c := r.c
	c.mu.Lock()
	multibos := c.os().files.get("/bos_inst") != nil || c.hasStandby()
	c.mu.Unlock()
	if multibos {
		// [C] E01 verbatim.
		lines := []string{"alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.", "Cleaning up."}
		lines = append(lines, r.forcedUnmounts()...)
		r.clientLog(logCmd, append([]string{"Verifying altinst_rootvg..."}, lines...))
		return failWith("alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.", append(lines, errClone)...)
	}
	if r.wait(ctx, r.phaseSeconds(11)) != nil {
		return phaseKilled
	}
	// Supported by alt_disk captures (transcripts.md §4): rename, fix,
	// unmount (doubled, deepest first), superblocks, bootlist.
	lines := []string{"Changing logical volume names in volume group descriptor area.", "Fixing LV control blocks..."}
	lines = append(lines, r.forcedUnmounts()...)
	lines = append(lines, "Fixing file system superblocks...")
	c.mu.Lock()
	v := r.altVG
	for _, l := range v.lvs {
		l.name = strings.TrimPrefix(strings.TrimPrefix(l.name, "alt_"), "bos_")
		if l.mount != "" {
			l.mount = strings.TrimPrefix(l.mount, "/alt_inst")
			if l.mount == "" {
				l.mount = "/"
			}
		}
		l.open, l.mounted = false, false
	}
	v.active = false
	o := v.os
	upgradeImage(o, r.target, r.missing)
	o.efixes = nil
	o.bosNames = false
	if r.target.vr() >= 72 {
		o.tcb = false
	}
	for _, f := range o.filesets {
		if f.notInLPP {
			o.oslevelS = r.target.TLString() + "-00-0000"
			o.notAllTL = r.target.TLString() + "_AIX_ML"
		}
	}
	if !r.o.noBootlist {
		c.bootlist = nil
		for _, d := range r.o.disks {
			c.bootlist = append(c.bootlist, bootEntry{d, "hd5"})
		}
		lines = append(lines, fmt.Sprintf("Bootlist is set to the boot disk: %s blv=hd5", r.o.disks[0])) // [C format]
	}
	c.os().files.removeAll("/alt_inst")
	c.mu.Unlock()
	r.out.line(lines...)
	r.clientLog(logCmd, append([]string{"Verifying altinst_rootvg..."}, lines...))
	r.setInfo("")
	return phaseOK
}

func (r *migration) phase12(ctx context.Context) phaseResult {
	r.out.line("Cleaning up alt_disk_migration on the NIM master.") // [C] (success path [U])
	r.releaseCache()
	if r.wait(ctx, r.phaseSeconds(12)) != nil {
		return phaseKilled
	}
	r.out.line(fmt.Sprintf("Cleaning up alt_disk_migration on client %s.", r.o.client))
	r.m.mu.Lock()
	if nc := r.m.nim.client(r.o.client); nc != nil {
		nc.prevState, nc.cstate, nc.cstateResult, nc.info = cstateAltDisk, cstateReady, "success", ""
	}
	r.m.mu.Unlock()
	if r.o.reboot {
		r.out.line(fmt.Sprintf("Rebooting client %s.", r.o.client)) // [U]
		r.c.mu.Lock()
		r.c.pending = 1
		r.c.mu.Unlock()
		r.lab.afterCommand(r.c)
	}
	return phaseOK
}

// nimadmCleanup is `nimadm -C -c CLIENT -s SPOT`: it removes the cache file
// systems of the client on the master and the client's altinst_rootvg,
// resets the bootlist and the NIM state [U output, same lines as the
// failure cleanup].
func (l *Lab) nimadmCleanup(ctx context.Context, m *host, o nimadmOpts, out *nimOut) int {
	m.mu.Lock()
	nc := m.nim.client(o.client)
	sp := m.nim.spot(o.spot)
	var vr string
	if sp != nil {
		vr = sp.level.VR()
	}
	if nc != nil && sp != nil {
		for _, lv := range m.cacheByRun[o.client] {
			for _, v := range m.vgs {
				if v.lv(lv.name) == lv {
					v.removeLV(lv.name)
				}
			}
			m.os().files.removeAll(lv.mount)
		}
		delete(m.cacheByRun, o.client)
		m.os().files.removeAll("/" + o.client + "_alt")
		nc.prevState, nc.cstate, nc.cstateResult, nc.info = nc.cstate, cstateReady, "reset", ""
	}
	m.mu.Unlock()
	switch {
	case nc == nil:
		out.line(fmt.Sprintf("0042-053 lsnim: there is no NIM object named \"%s\"", o.client))
		return 1
	case sp == nil:
		out.line(fmt.Sprintf("0042-053 lsnim: there is no NIM object named \"%s\"", o.spot))
		return 1
	}
	out.line("Cleaning up alt_disk_migration on the NIM master.")
	out.line(fmt.Sprintf("Cleaning up alt_disk_migration on client %s.", o.client))
	c := l.hosts[o.client]
	if c == nil || !l.Running(o.client) {
		out.line(fmt.Sprintf("0505-160 nimadm: Unable to reach NIM client %s.", o.client)) // synthetic
		return 1
	}
	out.line(fmt.Sprintf("Client alt_disk_install command: alt_disk_install -M %s -X", vr))
	c.mu.Lock()
	var bl string
	if v := c.vg("altinst_rootvg"); v != nil {
		bl = c.removeAltVG(v)
	} else {
		bd := c.bootDisk()
		c.bootlist = []bootEntry{{bd, c.bootedBLV}}
		bl = fmt.Sprintf("Bootlist is set to the boot disk: %s blv=%s\n", bd, c.bootedBLV)
	}
	c.os().files.removeAll("/alt_inst")
	c.mu.Unlock()
	out.line(strings.TrimSuffix(bl, "\n"))
	return 0
}
