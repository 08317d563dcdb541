package sim

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	errExist    = errors.New("file exists")
	errNotExist = errors.New("no such file or directory")
)

type role int

const (
	roleClient role = iota
	roleMaster
)

func (r role) String() string {
	if r == roleMaster {
		return "master"
	}
	return "client"
}

// host is the running model of one LPAR. Every field below mu is guarded
// by it; handlers lock it for short critical sections and never hold it
// while sleeping, writing to a session or touching another host.
type host struct {
	lab  *Lab
	name string
	role role

	mu sync.Mutex

	hostname string
	proc     int // POWER generation
	memKB    int
	cpuid    string
	lparNum  int
	lparName string
	tz       string
	serial   string

	disks    []*disk // natural name order
	vgs      []*vg   // ODM order
	bootlist []bootEntry
	paths    int // default MPIO paths

	bootedDisk string
	bootedBLV  string
	bootTime   time.Time

	up          bool
	unreachable bool
	bootGen     int
	ctx         context.Context // lifetime of the current boot
	cancel      context.CancelFunc

	procs   *procTable
	subsys  []*subsystem
	faults  []string // injected fault names, in order
	pending int      // 1: shutdown -r pending, 2: shutdown (halt) pending

	// client only
	master       string
	targetDisk   string
	leaveBosInst bool

	// master only
	intent      MasterIntent
	nim         *nimDB
	capacity    int
	runs        map[string]*nimadmRun // running nimadm per client
	cacheByRun  map[string][]*lv      // cache LVs per client
	cacheSerial int
}

type bootEntry struct {
	disk string
	blv  string
}

type disk struct {
	name      string
	sizeMB    int
	pvid      string // "" = none
	bootable  bool
	shared    bool
	paths     int
	vg        *vg
	vgdaStale bool // left over after alt_rootvg_op -X until chpv -C
}

type vgType int

const (
	vgOriginal vgType = iota
	vgBig
	vgScalable
)

type vg struct {
	name   string
	id     string
	ppMB   int
	typ    vgType
	ltgKB  int
	active bool
	autoOn bool
	locked bool
	disks  []*disk
	lvs    []*lv
	os     *osImage // rootvg-like VGs only
}

type lv struct {
	name    string
	typ     string
	lps     int
	copies  int
	mount   string // "" = N/A
	open    bool
	mounted bool
	stale   int
	fs      *fsData
}

type fsData struct {
	usedBlocks int64 // 512-byte blocks in use
	iused      int
	iusedPct   int
	noauto     bool // not mounted at boot (E44)
}

// osImage is the operating system that lives in a rootvg-like volume
// group: it moves with the VG when the host boots another disk.
type osImage struct {
	level       Level
	oslevelS    string // overrides level for oslevel -s (incomplete migration)
	notAllTL    string // instfix: "Not all filesets for X" keyword
	filesets    []*fileset
	efixes      []*efix
	groups      []string
	tcb         bool
	files       *vfs
	ipldevOK    bool
	blvLevel    string // "" means V.R of level; "0.0" is E03
	rshBroken   bool
	apps        []string
	subsysState map[string]bool // boot-time state of subsystems (true = active)
	bosNames    bool            // running on bos_* LV names (booted a standby)
}

type fileset struct {
	name     string
	level    string
	desc     string
	pkg      string
	root     bool
	notInLPP bool
}

type efix struct {
	id        int
	label     string
	state     string // S, Q, ...
	installed string
	abstract  string
	locks     []string
}

type subsystem struct {
	name   string
	group  string
	pid    int
	active bool
}

// --- NIM database (master) ---

type nimDB struct {
	network string
	clients []*nimClient
	spots   []*nimSpot
	lpps    []*nimLPP
}

type nimClient struct {
	name         string
	connect      string
	network      string
	hostname     string
	netSettings  string
	cstate       string
	prevState    string
	cstateResult string
	info         string
	comments     string
	cpuid        string
}

type nimSpot struct {
	name       string
	level      Level
	location   string
	server     string
	rstate     string
	prevState  string
	allocCount int
	altDisk    string // level of bos.alt_disk_install.rte, "" = missing
	busy       bool
}

type nimLPP struct {
	name       string
	level      Level
	location   string
	server     string
	rstate     string
	prevState  string
	comments   string
	allocCount int
	simages    bool
	missing    map[string]bool // filesets the lpp_source lacks
}

const (
	cstateReady   = "ready for a NIM operation"
	cstateAltDisk = "alt_disk_install operation is being performed" // [U] as nimadm's Cstate
)

func (db *nimDB) client(name string) *nimClient {
	for _, c := range db.clients {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (db *nimDB) spot(name string) *nimSpot {
	for _, s := range db.spots {
		if s.name == name {
			return s
		}
	}
	return nil
}

func (db *nimDB) lpp(name string) *nimLPP {
	for _, s := range db.lpps {
		if s.name == name {
			return s
		}
	}
	return nil
}

// --- lookups (callers hold h.mu) ---

func (h *host) rootvg() *vg { return h.vg("rootvg") }

func (h *host) os() *osImage {
	if r := h.rootvg(); r != nil && r.os != nil {
		return r.os
	}
	return nil
}

func (h *host) vg(name string) *vg {
	for _, v := range h.vgs {
		if v.name == name {
			return v
		}
	}
	return nil
}

func (h *host) disk(name string) *disk {
	for _, d := range h.disks {
		if d.name == name {
			return d
		}
	}
	return nil
}

func (h *host) removeVG(v *vg) {
	for _, d := range v.disks {
		d.vg = nil
	}
	out := h.vgs[:0]
	for _, x := range h.vgs {
		if x != v {
			out = append(out, x)
		}
	}
	h.vgs = out
}

func (h *host) hasFault(f string) bool { return hasFault(h.faults, f) }

func (h *host) addFault(f string) {
	if !h.hasFault(f) {
		h.faults = append(h.faults, f)
	}
}

func (h *host) subsystem(name string) *subsystem {
	for _, s := range h.subsys {
		if s.name == name {
			return s
		}
	}
	return nil
}

// bootDisk is the disk the running rootvg boots from (the first rootvg PV).
func (h *host) bootDisk() string {
	if h.bootedDisk != "" {
		return h.bootedDisk
	}
	if r := h.rootvg(); r != nil && len(r.disks) > 0 {
		return r.disks[0].name
	}
	return "hdisk0"
}

func (h *host) now() time.Time { return h.lab.now() }

// --- VG arithmetic ---

func diskPPs(d *disk, ppMB int) int {
	n := d.sizeMB/ppMB - 1
	if n < 0 {
		return 0
	}
	return n
}

func (v *vg) totalPPs() int {
	t := 0
	for _, d := range v.disks {
		t += diskPPs(d, v.ppMB)
	}
	return t
}

func (v *vg) usedPPs() int {
	u := 0
	for _, l := range v.lvs {
		u += l.lps * l.copies
	}
	return u
}

func (v *vg) freePPs() int { return v.totalPPs() - v.usedPPs() }

func (v *vg) usedLPMB() int {
	u := 0
	for _, l := range v.lvs {
		u += l.lps
	}
	return u * v.ppMB
}

func (v *vg) lv(name string) *lv {
	for _, l := range v.lvs {
		if l.name == name {
			return l
		}
	}
	return nil
}

func (v *vg) removeLV(name string) {
	out := v.lvs[:0]
	for _, l := range v.lvs {
		if l.name != name {
			out = append(out, l)
		}
	}
	v.lvs = out
}

func (v *vg) staleTotal() int {
	n := 0
	for _, l := range v.lvs {
		n += l.stale
	}
	return n
}

// factor returns the PP-per-PV factor of an original/big VG.
func (v *vg) factor() int {
	t := 1
	for _, d := range v.disks {
		for diskPPs(d, v.ppMB) > 1016*t {
			t *= 2
		}
	}
	return t
}

// placement is where the partitions of an LV copy lie.
type placement struct {
	lv    *lv
	copy  int // 1-based
	disk  *disk
	first int // first LP of this run (1-based)
	count int
	pp    int // first PP on the disk (1-based)
}

// regions returns the five region sizes of a disk with n PPs: outer edge,
// outer middle, center, inner middle, inner edge.
func regions(n int) [5]int {
	base, rem := n/5, n%5
	r := [5]int{base, base, base, base, base}
	for _, i := range []int{0, 4, 1, 3, 2}[:rem] {
		r[i]++
	}
	return r
}

// fillOrder is the order in which the lab allocates regions: center first,
// then the middles, then the edges, which reproduces the distributions of
// the captures in commands.md §5/§6.
var fillOrder = []int{2, 1, 3, 0, 4}

// layout places every LV copy on the VG's disks: copy c goes to disk
// (c-1) mod n when the VG has several disks, else all on the one disk.
// It returns per-disk placements and per-disk used counts.
func (v *vg) layout() (map[*disk][]placement, map[*disk]int) {
	pl := map[*disk][]placement{}
	used := map[*disk]int{}
	n := len(v.disks)
	if n == 0 {
		return pl, used
	}
	next := 0 // disk for single-copy LVs, filled in order
	for _, l := range v.lvs {
		for c := 1; c <= l.copies; c++ {
			remaining := l.lps
			lp := 1
			di := 0
			if l.copies > 1 && n > 1 {
				di = (c - 1) % n
			} else {
				di = next
			}
			for remaining > 0 && di < n {
				d := v.disks[di]
				room := diskPPs(d, v.ppMB) - used[d]
				if room <= 0 {
					if l.copies > 1 && n > 1 {
						break
					}
					di++
					next = di
					continue
				}
				take := remaining
				if take > room {
					take = room
				}
				pl[d] = append(pl[d], placement{lv: l, copy: c, disk: d, first: lp, count: take, pp: used[d] + 1})
				used[d] += take
				remaining -= take
				lp += take
			}
		}
	}
	return pl, used
}

// usedByRegion splits a disk's used PP count over the five regions in
// fillOrder and returns used and free per region.
func usedByRegion(total, usedN int) (usedR, freeR [5]int) {
	r := regions(total)
	left := usedN
	for _, i := range fillOrder {
		take := left
		if take > r[i] {
			take = r[i]
		}
		usedR[i] = take
		left -= take
	}
	for i := range r {
		freeR[i] = r[i] - usedR[i]
	}
	return usedR, freeR
}

func distString(r [5]int) string {
	parts := make([]string, 5)
	for i, n := range r {
		parts[i] = fmt.Sprintf("%02d", n)
	}
	return strings.Join(parts, "..")
}

func (l *lv) state() string {
	s := "closed"
	if l.open {
		s = "open"
	}
	if l.stale > 0 {
		return s + "/stale"
	}
	return s + "/syncd"
}

func (l *lv) pvCount(v *vg) int {
	if l.copies > 1 {
		return l.copies
	}
	return 1
}

func (l *lv) isFS() bool { return (l.typ == "jfs2" || l.typ == "jfs") && l.mount != "" }

func (l *lv) sizeBlocks(ppMB int) int64 { return int64(l.lps) * int64(ppMB) * 2048 }

// --- natural sort of disk names ---

func naturalLess(a, b string) bool {
	ai, bi := splitNum(a), splitNum(b)
	if ai.prefix != bi.prefix {
		return ai.prefix < bi.prefix
	}
	if ai.n != bi.n {
		return ai.n < bi.n
	}
	return a < b
}

type nameNum struct {
	prefix string
	n      int
}

func splitNum(s string) nameNum {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(s[i:])
	return nameNum{s[:i], n}
}

func (h *host) sortDisks() {
	sort.SliceStable(h.disks, func(i, j int) bool { return naturalLess(h.disks[i].name, h.disks[j].name) })
}

// --- OS image helpers ---

func (o *osImage) fileset(name string) *fileset {
	for _, f := range o.filesets {
		if f.name == name {
			return f
		}
	}
	return nil
}

func (o *osImage) setFileset(f *fileset) {
	for i, x := range o.filesets {
		if x.name == f.name {
			o.filesets[i] = f
			return
		}
	}
	o.filesets = append(o.filesets, f)
	sort.Slice(o.filesets, func(i, j int) bool { return o.filesets[i].name < o.filesets[j].name })
}

func (o *osImage) hasGroup(g string) bool {
	for _, x := range o.groups {
		if x == g {
			return true
		}
	}
	return false
}

// lockedBy returns the efix label that locks a fileset, or "".
func (o *osImage) lockedBy(fs string) string {
	for _, e := range o.efixes {
		for _, l := range e.locks {
			if l == fs {
				return e.label
			}
		}
	}
	return ""
}

func (o *osImage) oslevel() string {
	if o.oslevelS != "" {
		return o.oslevelS
	}
	return o.level.String()
}

func (o *osImage) clone() *osImage {
	c := *o
	c.filesets = make([]*fileset, len(o.filesets))
	for i, f := range o.filesets {
		cp := *f
		c.filesets[i] = &cp
	}
	c.efixes = make([]*efix, len(o.efixes))
	for i, e := range o.efixes {
		cp := *e
		cp.locks = append([]string(nil), e.locks...)
		c.efixes[i] = &cp
	}
	c.groups = append([]string(nil), o.groups...)
	c.apps = append([]string(nil), o.apps...)
	c.files = o.files.clone()
	c.subsysState = map[string]bool{}
	for k, v := range o.subsysState {
		c.subsysState[k] = v
	}
	return &c
}

func (o *osImage) blvLevelString() string {
	if o.blvLevel != "" {
		return o.blvLevel
	}
	return o.level.VR()
}

// sshdConfigProblems returns the lines `sshd -t` prints for the image's
// sshd_config under its OpenSSH level, and whether they are fatal.
func (o *osImage) sshdConfigProblems() (lines []string, fatal bool) {
	n := o.files.get("/etc/ssh/sshd_config")
	if n == nil || n.dir {
		return nil, false
	}
	ossh := "5.0.0.0"
	if f := o.fileset("openssh.base.server"); f != nil {
		ossh = f.level
	}
	if !opensshRejectsLegacy(ossh) {
		return nil, false
	}
	for i, line := range strings.Split(string(n.data), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Fields(t)
		switch {
		case strings.EqualFold(f[0], "RhostsAuthentication"):
			// [U] OpenSSH's wording; the option name is [C] (errors.md E45).
			lines = append(lines, fmt.Sprintf("/etc/ssh/sshd_config line %d: Deprecated option %s", i+1, f[0]))
		case strings.EqualFold(f[0], "Ciphers") && len(f) > 1:
			for _, c := range strings.Split(f[1], ",") {
				if legacyCiphers[c] {
					// [C] shape from errors.md E45 (one line; the source's
					// backslash continuations are the note author's).
					lines = append(lines, fmt.Sprintf("/etc/ssh/sshd_config line %d: Bad SSH2 cipher spec '%s'.", i+1, f[1]))
					fatal = true
					break
				}
			}
		}
		if fatal {
			break
		}
	}
	return lines, fatal
}

var legacyCiphers = map[string]bool{"arcfour": true, "arcfour128": true, "arcfour256": true, "blowfish-cbc": true, "cast128-cbc": true, "3des-cbc-old": true}
